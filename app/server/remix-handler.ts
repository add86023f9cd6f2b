import { createReadableStreamFromReadable, createRequestHandler as createWebHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { once } from "node:events";

/**
 * Remix behind Express, as @remix-run/express's createRequestHandler, except for how a body is
 * written: theirs writes each chunk as soon as the body yields it, without waiting for the
 * socket, so a CSV export of 100,000 firms to a slower client was produced in full and queued in
 * memory (peak RSS +114 MB). This one waits for 'drain', so an export is produced at the pace
 * the client reads it, and stops (cancelling the body, which ends the database iteration) when
 * the client goes away.
 */
export function createRemixHandler(options: { build: ServerBuild; mode: string; getLoadContext: (req: Request, res: Response) => AppLoadContext }) {
  const handle = createWebHandler(options.build, options.mode);
  return async (req: Request, res: Response, next: NextFunction) => {
    // Nothing that goes wrong here (a header value a route built from bad input, a stream that
    // fails) may escape as an unhandled rejection: it ends this request, never the process.
    try {
      const response = await handle(createRemixRequest(req, res), options.getLoadContext(req, res));
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      if (!response.body) return void res.end();
      await writeBody(response.body, res);
    } catch (error) {
      if (!res.headersSent) {
        // Headers appended before the failure must not leak into the error answer.
        for (const name of res.getHeaderNames()) {
          if (!/^(content-security-policy|x-|referrer-policy|cross-origin-)/.test(name)) res.removeHeader(name);
        }
      }
      next(error);
    }
  };
}

/** The web Request for an Express request, as @remix-run/express builds it. */
function createRemixRequest(req: Request, res: Response): globalThis.Request {
  // req.hostname honours "trust proxy" but drops the port: take it from the Host headers.
  const portOf = (header: string | undefined) => Number.parseInt(header?.split(":")[1] ?? "", 10);
  const forwardedPort = portOf(req.get("X-Forwarded-Host"));
  const hostPort = portOf(req.get("host"));
  const port = Number.isSafeInteger(forwardedPort) ? forwardedPort : Number.isSafeInteger(hostPort) ? hostPort : null;
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(key, value);
  }
  // Loaders and actions are aborted when the client leaves before the response is finished.
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    // The HTTP layer has read and checked the body already (request-body.ts).
    const checked = res.locals.body as Buffer | undefined;
    if (checked) init.body = new Uint8Array(checked.buffer, checked.byteOffset, checked.byteLength) as Uint8Array<ArrayBuffer>;
    else {
      init.body = createReadableStreamFromReadable(req);
      init.duplex = "half";
    }
  }
  return new globalThis.Request(url.href, init);
}

/** Copies a web stream into the response, honouring backpressure; never throws. */
export async function writeBody(body: ReadableStream<Uint8Array>, res: Response): Promise<void> {
  const reader = body.getReader();
  const closed = once(res, "close").catch(() => undefined);
  // compression() buffers; flushing each chunk keeps a streamed page streaming.
  const flushable = res as Response & { flush?: () => void };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      const ready = res.write(value);
      flushable.flush?.();
      if (!ready) await Promise.race([once(res, "drain"), closed]);
    }
    res.end();
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
