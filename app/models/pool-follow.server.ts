/**
 * An entry's status follows its firm's application of the same tier and target year by itself:
 * `followApplication` runs inside the application command's transaction (application.server.ts,
 * application-approval.server.ts), after `lockFirmsForPool` took the firm's row, which
 * `addToPool` takes too — so a firm added to the pool while its application moves is never left
 * in a status the application contradicts.
 */
import { sql, type Kysely } from "kysely";
import { lockRowsById } from "../../db/dialect/sql";
import type { DB } from "../../db/schema";
import { poolStatusAfterApplication, type PoolStatus } from "~/domain/pool";
import type { Action, Status } from "~/domain/state-machine";

type Trx = Kysely<DB>;

/**
 * Locks the firms' rows for the rest of the transaction (PostgreSQL; SQLite has one writer).
 * Every command that reads or writes a firm's pool standing takes it first: the application
 * commands, before the application row; adding to the pool, before reading the applications.
 */
export async function lockFirmsForPool(trx: Trx, enterpriseIds: readonly number[]): Promise<void> {
  await lockRowsById(trx, "enterprises", enterpriseIds);
}
// ───────────────────────────── following applications ─────────────────────────────

/**
 * Moves the firm's active entry of the application's tier and target year after the application
 * took `action` (rules in domain/pool.ts), in the application's transaction. Returns the change.
 */
export async function followApplication(
  trx: Trx,
  change: { enterpriseId: number; tierCode: string; year: number; action: Action; to: Status; at: string },
): Promise<{ entryId: number; from: PoolStatus; to: PoolStatus } | null> {
  const entry = await trx
    .selectFrom("pool_entries")
    .select(["id", "status"])
    .where("enterprise_id", "=", change.enterpriseId)
    .where("tier_code", "=", change.tierCode)
    .where("target_year", "=", change.year)
    .where("status", "<>", "exited")
    .executeTakeFirst();
  if (!entry) return null;
  const next = poolStatusAfterApplication(entry.status, change.action, change.to);
  if (next === null) return null;
  await trx
    .updateTable("pool_entries")
    .set({ status: next, version: sql<number>`version + 1`, updated_at: change.at })
    .where("id", "=", entry.id)
    .where("status", "=", entry.status)
    .execute();
  return { entryId: entry.id, from: entry.status, to: next };
}
