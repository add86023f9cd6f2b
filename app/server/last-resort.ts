/**
 * The last guard: an exception or rejection that escaped every request handler is logged and
 * the process keeps serving. Each request's own failures are answered where they happen (the
 * Remix handler and the HTTP layer's error handler); this catches what runs outside a request
 * (a timer, a stream's late error) so that one such fault never cuts every user off.
 */
export function installLastResortGuard(log: (...args: unknown[]) => void = console.error): void {
  process.on("uncaughtException", (error, origin) => {
    log(`[registry] ${origin} outside any request; still serving:`, error);
  });
  process.on("unhandledRejection", (reason) => {
    log("[registry] unhandled rejection outside any request; still serving:", reason);
  });
}
