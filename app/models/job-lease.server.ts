import crypto from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../db/client";

/** This process in the lease table: its pid and a random part; each call adds its own number. */
const PROCESS = `${process.pid}-${crypto.randomBytes(6).toString("hex")}`;
let calls = 0;

/**
 * Runs `job` only if this process takes the job's lease, and answers whether it ran. The lease
 * is one row per job (job_leases): taken when absent or expired, in one statement that both
 * databases make atomic, and released when the job ends. Another process asking meanwhile gets
 * `{ ran: false }` and does nothing. `ttlMs` bounds how long a process that died holding the
 * lease blocks the job.
 */
export async function runWithLease<T>(db: Db, name: string, ttlMs: number, job: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
  const holder = `${PROCESS}-${++calls}`;
  const now = new Date();
  const nowText = now.toISOString();
  const until = new Date(now.getTime() + ttlMs).toISOString();
  await sql`INSERT INTO job_leases (name, holder, acquired_at, expires_at) VALUES (${name}, ${holder}, ${nowText}, ${until})
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
    WHERE job_leases.expires_at < ${nowText}`.execute(db);
  const row = await db.selectFrom("job_leases").select("holder").where("name", "=", name).executeTakeFirst();
  if (row?.holder !== holder) return { ran: false };
  try {
    return { ran: true, result: await job() };
  } finally {
    await db.deleteFrom("job_leases").where("name", "=", name).where("holder", "=", holder).execute();
  }
}
