import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./utils/nonce";

export const streamTimeout = 5_000;

/** Collects React's output chunks in memory; the document is sent whole once it is complete. */
class DocumentBuffer extends Writable {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.chunks.push(chunk);
    this.bytes += chunk.byteLength;
    callback();
  }
}

/**
 * The document without NUL bytes. React 18's Node renderer puts some in: when a multi-byte
 * character does not fit at the end of its 2 kB buffer, it writes the whole buffer, its unused
 * (zero) tail included (react-dom-server.node, writeStringChunk), and pages full of Chinese hit
 * that (修改 came out as 修\0改, shown as 修�改). A zero byte is never part of a UTF-8 character
 * and never belongs in HTML, so dropping every one restores the page exactly.
 */
export function withoutNulBytes(document: Buffer<ArrayBuffer>): Buffer<ArrayBuffer> {
  let at = document.indexOf(0);
  if (at === -1) return document;
  const parts: Buffer[] = [];
  let from = 0;
  for (; at !== -1; at = document.indexOf(0, from)) {
    parts.push(document.subarray(from, at));
    from = at + 1;
  }
  parts.push(document.subarray(from));
  return Buffer.concat(parts);
}

/**
 * Renders the document and answers with it in one piece. The registry's pages have no deferred
 * data, so React's shell is the whole page and streaming it chunk by chunk gains nothing; the
 * page's loader data (single fetch) is inlined by the time everything is ready. Sending the
 * finished document in one write costs a fraction of passing some thirty 2 kB chunks through a
 * web stream into the socket.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = typeof loadContext.cspNonce === "string" ? loadContext.cspNonce : "";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const timer = setTimeout(() => abort(), streamTimeout + 1000);
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          const buffer = new DocumentBuffer();
          buffer.on("finish", () => {
            clearTimeout(timer);
            const document = withoutNulBytes(Buffer.concat(buffer.chunks, buffer.bytes));
            responseHeaders.set("Content-Type", "text/html; charset=utf-8");
            responseHeaders.set("Content-Length", String(document.byteLength));
            resolve(new Response(document, { headers: responseHeaders, status: responseStatusCode }));
          });
          buffer.on("error", reject);
          pipe(buffer);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors in the shell reach onShellError, and Remix reports them.
          if (shellRendered) console.error(error);
        },
      },
    );
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error(error);
}
