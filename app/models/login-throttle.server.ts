import type { Db } from "../../db/client";

/** Failed sign-ins allowed per username in the window before further attempts are refused. */
export const MAX_FAILURES_PER_USERNAME = 5;
/** Failed sign-ins allowed per client address in the window (several users behind one office NAT). */
export const MAX_FAILURES_PER_ADDRESS = 30;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Whether sign-in attempts for this username or from this address are refused now, counted
 * from the audit log's recent failures (indexed by action, subject/address, time).
 */
export async function loginThrottled(db: Db, username: string, address: string | null, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  const byName = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("action", "=", "login.failure")
    .where("subject", "=", username.trim().toLowerCase())
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  if (Number(byName.n) >= MAX_FAILURES_PER_USERNAME) return true;
  if (!address) return false;
  const byAddress = await db
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("action", "=", "login.failure")
    .where("address", "=", address)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(byAddress.n) >= MAX_FAILURES_PER_ADDRESS;
}
