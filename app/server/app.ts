import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import crypto from "node:crypto";
import path from "node:path";
import { admissionControl } from "./admission";
import { createRemixHandler } from "./remix-handler";
import { withDomainErrors } from "./domain-errors";
import { admissionExemption } from "./route-needs";
import { objectionRateLimit } from "./objection-limit";
import { bodyCheck } from "./request-body";
import { runWithRequestContext } from "../utils/request-context.server";

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // React writes progress-bar widths as style attributes; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** True when a state-changing request comes from our own pages (or from a non-browser client). */
export function isSameOrigin(req: express.Request): boolean {
  const site = req.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = req.get("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === req.get("host");
  } catch {
    return false;
  }
}

/**
 * Requests worked on at once (see admission.ts): one, so that a turn of the event loop holds at
 * most one page's loaders or one page's render. The database is synchronous, so a second slot
 * never overlapped any waiting, and under the registry list at c = 10 it doubled the event
 * loop's stalls (largest delay 35–65 ms against 17–42 ms with one, same throughput). Requests
 * that wait on something other than this thread skip the queue (route-needs.ts).
 * REGISTRY_ACTIVE_REQUESTS overrides it; 0 turns the queue off (for comparison).
 */
export function activeRequestLimit(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.REGISTRY_ACTIVE_REQUESTS ?? 1);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

/**
 * Which proxies' X-Forwarded-For and X-Forwarded-Proto are believed: none unless TRUST_PROXY
 * names them (Express's syntax: "loopback", "127.0.0.1", "10.0.0.0/8, 127.0.0.1"). Believing
 * any client's header would let one caller pose as many addresses to the sign-in throttle and
 * write any address into the audit log.
 */
export function trustProxySetting(value: string | undefined): false | string {
  const text = (value ?? "").trim();
  if (text === "" || /^(0|false|off|no)$/i.test(text)) return false;
  if (/^(1|true|on|yes|\*)$/i.test(text)) {
    throw new Error(`TRUST_PROXY=${text}: name the proxies' addresses (e.g. 127.0.0.1), not every client`);
  }
  return text;
}

/**
 * What no earlier handler answered: an error while handling one request. It is logged and that
 * request alone ends (500, or the socket closes if the answer had begun); the process serves on.
 */
function lastErrorHandler(error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) {
  console.error(`[registry] ${req.method} ${req.path.slice(0, 200)} failed:`, error);
  if (res.headersSent) return void res.destroy();
  const status = typeof (error as { status?: unknown })?.status === "number" && (error as { status: number }).status < 500 ? (error as { status: number }).status : 500;
  res
    .status(status)
    .type("text/plain; charset=utf-8")
    .send(status === 500 ? "服务器内部错误 (internal error)" : "请求有误 (bad request)");
}

/** The HTTP layer: security headers, CSRF origin check, body limits, static assets, Remix. */
export function createApp(build: ServerBuild, options: { assetsDir: string }) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(process.env.TRUST_PROXY));
  // Remix reads the query from the URL itself; Express's qs parse of every request is unused.
  app.set("query parser", false);
  app.use(compression());

  app.use((req, res, next) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set({
      "Content-Security-Policy": contentSecurityPolicy(nonce),
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    next();
  });

  app.use("/build", express.static(path.join(options.assetsDir), { immutable: true, maxAge: "1y", index: false }));

  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    if (!isSameOrigin(req)) {
      res.status(403).type("text/plain; charset=utf-8").send("跨站请求被拒绝 (cross-site request refused)");
      return;
    }
    next();
  });
  app.use(objectionRateLimit());
  app.use(bodyCheck());

  const limit = activeRequestLimit();
  if (limit > 0) app.use(admissionControl(limit, admissionExemption(build)));

  const remix = createRemixHandler({
    // Models throw NotFound / Forbidden / Conflict / Invalid; here they become 404/403/409/400.
    build: withDomainErrors(build),
    mode: process.env.NODE_ENV ?? "production",
    getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce as string, clientAddress: req.ip }),
  });
  // Entered here, after the admission queue, so the context is this request's own.
  app.all("*", (req, res, next) => runWithRequestContext({ clientAddress: req.ip ?? null }, () => remix(req, res, next)));
  app.use(lastErrorHandler);
  return app;
}
