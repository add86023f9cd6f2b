import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { documentResponse } from "./utils/document-body";
import { NonceProvider } from "./utils/nonce";

export const streamTimeout = 5_000;

/**
 * Reads the page's loader data (single fetch's turbo-stream) to its end and hands it to
 * <RemixServer> as already read, so that nothing suspends while the document renders.
 *
 * RemixServer inlines that stream into the page through a <StreamTransfer> that reads one chunk
 * per render pass and suspends while it waits; it first looks in `renderMeta.streamCache` for a
 * chunk already read. Filled here with the whole stream, it renders the data as one script at
 * once. The registry's loaders return plain data, never deferred promises, so the stream ends as
 * soon as it is encoded; the timeout only guards against one that would not.
 */
export async function readLoaderData(context: EntryContext, timeoutMs = streamTimeout): Promise<void> {
  const stream = context.serverHandoffStream;
  if (!stream) return;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel();
  }, timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  if (timedOut) throw new Error(`页面数据未在 ${timeoutMs} 毫秒内就绪 (page data not ready in ${timeoutMs} ms)`);
  const chunk = Object.assign(Promise.resolve(), { result: { done: true, value: text } });
  context.renderMeta = { ...context.renderMeta, streamCache: { 0: chunk } };
}

/**
 * Renders the document to a string and answers with it in one piece.
 *
 * React's streaming renderer for Node (renderToPipeableStream) encodes every small piece of
 * markup into 2 kB byte buffers as it goes. On the registry list that was about 1 ms of the
 * page's 11 ms, and it had a bug: a multi-byte character that did not fit at a buffer's end
 * left a NUL byte in the page (修改 came out as 修\0改, shown as 修�改). The registry's pages
 * have no deferred data, so nothing is gained by streaming: with the loader data read first
 * (readLoaderData), renderToString renders the whole page in one pass and the text is encoded
 * once.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = typeof loadContext.cspNonce === "string" ? loadContext.cspNonce : "";
  await readLoaderData(remixContext);
  // The render gets a turn of the event loop of its own: a page is then two short turns (its
  // loaders, its render) with timers and I/O in between, instead of one long one.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const markup = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>,
  );
  const document = Buffer.from(`<!DOCTYPE html>${markup}`);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("Content-Length", String(document.byteLength));
  return documentResponse(document, { headers: responseHeaders, status: responseStatusCode });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error(error);
}
