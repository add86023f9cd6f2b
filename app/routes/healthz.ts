import { pingDb } from "~/utils/db.server";
import type { RouteHandle } from "~/utils/route-handle";

/** Answered at once, even while pages queue. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/** 200 "ok" when the database answers a query; 503 otherwise. */
export async function loader() {
  try {
    await pingDb();
    return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  } catch {
    return new Response("database unavailable", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
