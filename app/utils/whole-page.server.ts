import type { EntryContext } from "@remix-run/node";

/**
 * The registry's one reliance on a Remix internal, kept because it is measured (README.md,
 * Decisions, "Pages are rendered to a string"); the other kept framework patch writes a
 * framework export (`server/route-matching.ts`).
 *
 * A page is rendered with `renderToString`, in one pass, rather than streamed: React 18.3's Node
 * streaming renderer leaves NUL bytes in Chinese text (`tests/unit/document.test.ts` shows it),
 * and its web-stream renderer, which does not, made the registry's pages 28–56% slower at bench
 * size L (paired requests against the same data). `renderToString` cannot wait for data, and
 * `<RemixServer>` inlines the loader data (single fetch's stream) through a `<StreamTransfer>`
 * that suspends on each chunk, first looking for a chunk already read in
 * `context.renderMeta.streamCache`. `readLoaderData` reads the whole stream first and puts it
 * there, so nothing suspends.
 *
 * What breaks it: a Remix that stops reading `renderMeta.streamCache`. Then the page renders
 * without its data inline, and `tests/http/server.test.ts` ("sends a page whole, … its data
 * inline") fails. How to remove it: when React's Node renderer writes multi-byte text intact
 * (the second test of `tests/unit/document.test.ts` then fails), go back to Remix's default
 * `entry.server` with `renderToPipeableStream` and `onAllReady`, and delete this module.
 */
export const streamTimeout = 5_000;

/** Reads the page's loader data to its end and hands it to `<RemixServer>` as already read. */
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
