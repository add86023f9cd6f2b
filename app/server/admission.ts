import type { NextFunction, Request, Response } from "express";

/**
 * Admission control: at most `limit` requests are worked on at once; the others wait, in order
 * of arrival, and start one event-loop turn after a slot frees.
 *
 * Rendering a page is synchronous work on the one JavaScript thread (10–15 ms for the registry
 * list). Unbounded, ten concurrent requests put ten renders into the same turn of the event
 * loop, so timers, sign-ins and health checks waited 150–200 ms behind them (measured by
 * `npm run bench`). Bounded, a turn holds at most `limit` renders; throughput is the same (the
 * thread was the limit all along) and requests finish one after another instead of all late.
 *
 * `exempt` requests bypass the queue: long streams (exports) that would hold a slot for
 * seconds while yielding between batches, and sign-ins, which wait on password hashing in
 * libuv's threads rather than on this one.
 */
export function admissionControl(limit: number, exempt: (req: Request) => boolean) {
  let active = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    // The slot passes to the next request, which starts after timers and I/O had a turn.
    if (next) setImmediate(next);
    else active--;
  };

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (exempt(req)) return next();
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      release();
    };
    const start = () => {
      // The client left while waiting: pass the slot on without working for nobody.
      if (res.destroyed || req.destroyed) return done();
      res.once("finish", done);
      res.once("close", done);
      next();
    };
    if (active < limit) {
      active++;
      start();
    } else {
      waiting.push(start);
    }
  };
  return Object.assign(middleware, { stats: () => ({ active, waiting: waiting.length }) });
}
