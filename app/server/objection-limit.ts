import type { NextFunction, Request, Response } from "express";
import { PUBLIC_FORM_PATH } from "./request-body";

/** Objections one address may post (valid or not) in the window before answers become 429. */
export const OBJECTION_LIMIT_PER_ADDRESS = 5;
export const OBJECTION_LIMIT_WINDOW_MS = 15 * 60 * 1000;

/**
 * Counts posts to the public objection form per client address, in memory: past the limit a
 * post is answered 429 here, before its body is read or any route or database is touched.
 */
export class ObjectionLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    readonly limit = OBJECTION_LIMIT_PER_ADDRESS,
    readonly windowMs = OBJECTION_LIMIT_WINDOW_MS,
  ) {}

  /** Counts one post from `address`; true when it is over the limit. */
  hit(address: string, now = Date.now()): boolean {
    const recent = (this.seen.get(address) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    this.seen.set(address, recent.slice(-(this.limit + 1)));
    if (this.seen.size > 10_000) {
      for (const [key, list] of this.seen) if (!list.some((t) => now - t < this.windowMs)) this.seen.delete(key);
    }
    return recent.length > this.limit;
  }
}

export function objectionRateLimit(limiter = new ObjectionLimiter()) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "POST" || !PUBLIC_FORM_PATH.test(req.path)) return next();
    if (limiter.hit(req.ip ?? "unknown")) {
      res
        .status(429)
        .set("Retry-After", String(Math.ceil(limiter.windowMs / 1000)))
        .type("text/plain; charset=utf-8")
        .send("提交过于频繁，请稍后再试 (too many submissions; please try again later)");
      return;
    }
    next();
  };
}
