import type { NextFunction, Request, Response } from "express";

/**
 * Admission control: at most `limit` requests are worked on at once; the others wait, in order
 * of arrival. A slot frees one event-loop turn after its request finished, and the next request
 * starts then, after timers and I/O had their turn.
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

  // A slot is free again one turn after its request finished, and passes to the next request
  // then, after timers and I/O had their turn. Freeing it at once would let a page that renders
  // within one turn (loaders, then renderToString, no waiting in between) be followed by every
  // other request already read from the sockets: measured under the list at c = 10, nine or ten
  // pages in one turn, and the event loop stalled 100–200 ms at a time.
  const handOn = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  const release = () => setImmediate(handOn);

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (exempt(req)) return next();
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      release();
    };
    const start = () => {
      // The client left while waiting: pass the slot on without working for nobody. (The
      // request stream itself counts as destroyed once its body was read, so ask the socket.)
      if (res.destroyed || req.socket.destroyed) return done();
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
