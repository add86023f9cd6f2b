import type { NextFunction, Request, Response } from "express";
import { hasSessionCookie } from "../utils/session-cookie";

/**
 * Limits on what a request may send. Bytes are counted as they are read, whatever the framing
 * (Content-Length or chunked), so a body without a declared length is held to the same limit.
 * A caller without a session can only sign in or switch the language: its posts are tiny.
 */
export const BODY_LIMITS = {
  /** urlencoded forms of a signed-in user */
  form: 1024 * 1024,
  /** uploads (evidence files up to 10 MB, spreadsheets up to 10 MB, plus the form around them) */
  multipart: 12 * 1024 * 1024,
  /** any post without a session cookie */
  anonymous: 16 * 1024,
  /** the public objection form (no session): 2,000 characters of reasons, percent-encoded */
  publicForm: 64 * 1024,
  /** the same form with its optional file (10 MB at most, refused by the field above that) */
  publicUpload: 11 * 1024 * 1024,
  /** fields and files of one multipart body */
  multipartParts: 100,
  /** fields of one urlencoded body (a bulk decision over a whole queue page stays far below) */
  formFields: 10_000,
} as const;

/** The methods the registry serves; anything else (TRACE, PUT, …) is answered 405. */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST"] as const;

const FORM = "application/x-www-form-urlencoded";
/** The one form anyone may post without signing in beyond sign-in itself. */
export const PUBLIC_FORM_PATH = /^\/notices\/\d{1,15}\/objection\/?$/;
const MULTIPART = "multipart/form-data";

export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 405 | 413 | 415,
    readonly messageZh: string,
    message: string,
  ) {
    super(message);
  }
}

/** The media type and the multipart boundary of a Content-Type header. */
export function parseContentType(header: string | undefined): { type: string; boundary: string | null } {
  const [type = "", ...params] = (header ?? "").split(";");
  let boundary: string | null = null;
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== "boundary") continue;
    boundary = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
  }
  return { type: type.trim().toLowerCase(), boundary };
}

/** Reads at most `limit` bytes; more is refused with 413 as soon as the limit is passed. */
export function readLimited(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error("client closed the request before its body was read"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

function tooLarge(limit: number): BodyRefused {
  const size = limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB`;
  return new BodyRefused(413, `提交内容过大（上限 ${size}）`, `request body too large (limit ${size})`);
}

/** Counts the parts of a multipart body by its delimiter lines, without parsing it. */
export function countMultipartParts(body: Buffer, boundary: string): number {
  const delimiter = Buffer.from(`--${boundary}`);
  let count = 0;
  for (let at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, at + delimiter.length)) {
    if (at === 0 || (body[at - 2] === 0x0d && body[at - 1] === 0x0a)) count++;
  }
  // The closing delimiter ("--boundary--") ends the list; it is no part.
  return Math.max(count - 1, 0);
}

/**
 * Reads and checks the body of a state-changing request before any route sees it: the method,
 * the media type (form routes take urlencoded and multipart only), the size as read, the number
 * of fields and parts, and that a multipart body parses at all. The route reads the checked
 * bytes (res.locals.body); a refusal is a BodyRefused with its status.
 */
export async function checkedBody(req: Request): Promise<Buffer> {
  if (!(ALLOWED_METHODS as readonly string[]).includes(req.method)) {
    throw new BodyRefused(405, "不支持的请求方法", `method ${req.method} not allowed`);
  }
  const anonymous = !hasSessionCookie(req.get("cookie"));
  const { type, boundary } = parseContentType(req.get("content-type"));
  const multipart = type === MULTIPART;
  if (type !== "" && type !== FORM && !multipart) {
    throw new BodyRefused(415, "只接受表单提交", `content type ${type} not accepted; send ${FORM} or ${MULTIPART}`);
  }
  if (multipart && !boundary) throw new BodyRefused(400, "表单格式有误（缺少分隔符）", "multipart body without a boundary");
  const publicForm = anonymous && PUBLIC_FORM_PATH.test(req.path);
  const limit = publicForm
    ? multipart
      ? BODY_LIMITS.publicUpload
      : BODY_LIMITS.publicForm
    : anonymous
      ? BODY_LIMITS.anonymous
      : multipart
        ? BODY_LIMITS.multipart
        : BODY_LIMITS.form;
  const declared = Number(req.get("content-length") ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const body = await readLimited(req, limit);
  if (body.length > 0 && type === "") {
    throw new BodyRefused(415, "只接受表单提交", `a body needs a content type: ${FORM} or ${MULTIPART}`);
  }
  if (type === FORM) {
    let fields = 1;
    for (let at = body.indexOf(0x26); at >= 0; at = body.indexOf(0x26, at + 1)) fields++;
    if (fields > BODY_LIMITS.formFields) {
      throw new BodyRefused(413, `表单字段过多（上限 ${BODY_LIMITS.formFields} 个）`, "too many form fields");
    }
  }
  if (multipart && boundary) {
    if (countMultipartParts(body, boundary) > BODY_LIMITS.multipartParts) {
      throw new BodyRefused(413, `表单部件过多（上限 ${BODY_LIMITS.multipartParts} 个）`, "too many multipart parts");
    }
    try {
      await new globalThis.Response(new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as Uint8Array<ArrayBuffer>, {
        headers: { "Content-Type": req.get("content-type")! },
      }).formData();
    } catch {
      throw new BodyRefused(400, "表单格式有误，无法读取", "malformed multipart body");
    }
  }
  return body;
}

/** Drops what remains of a refused body: up to 64 MB or 5 seconds, then closes the socket. */
function discardRest(req: Request): void {
  let dropped = 0;
  const close = () => req.socket.destroy();
  const timer = setTimeout(close, 5000);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > 64 * 1024 * 1024) close();
  });
  req.once("end", () => clearTimeout(timer));
  req.resume();
}

/** Express middleware: the checked body lands in res.locals.body; refusals are answered here. */
export function bodyCheck() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    checkedBody(req).then(
      (body) => {
        res.locals.body = body;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof BodyRefused)) return next(error);
        if (error.status === 405) res.set("Allow", ALLOWED_METHODS.join(", "));
        // The rest of an oversized body is read and dropped, so that the client, still
        // sending, receives the answer (closing at once resets the connection and loses it);
        // past 64 MB or 5 seconds the connection is closed whatever is left.
        if (error.status === 413) discardRest(req);
        res.status(error.status).type("text/plain; charset=utf-8").send(`${error.messageZh} (${error.message})`);
      },
    );
  };
}
