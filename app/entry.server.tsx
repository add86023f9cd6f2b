import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceProvider } from "./utils/nonce";
import { readLoaderData } from "./utils/whole-page.server";

export { streamTimeout } from "./utils/whole-page.server";

/**
 * Renders the document to a string and answers with it in one piece. The registry's pages have
 * no deferred data, so nothing is gained by streaming; with the loader data read first
 * (`utils/whole-page.server.ts` says why and how), `renderToString` renders the whole page in one
 * pass and the text is encoded once.
 */
export default async function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext, loadContext: AppLoadContext) {
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
  return new Response(document, { headers: responseHeaders, status: responseStatusCode });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error(error);
}
