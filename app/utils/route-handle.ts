/**
 * What a route tells the HTTP layer about itself, in its `handle` export:
 *
 *     export const handle: RouteHandle = { skipsQueue: ["GET"] };
 *
 * The server reads it from the build's route modules (server/route-needs.ts) before Remix runs
 * the request, so that no URL pattern in the server repeats what the routes already know.
 */
export interface RouteHandle {
  /**
   * Methods whose requests skip the admission queue (server/admission.ts) because they spend
   * their time waiting on something other than this thread: a download that streams for
   * seconds, or a post that waits on password hashing in libuv's threads. Held in the queue,
   * such a request would keep every page waiting behind it.
   */
  skipsQueue?: readonly ("GET" | "POST")[];
}
