import type { Kysely } from "kysely";
import { expiryCounterStatements, rebuildExpirySql } from "./0021_award_expiry_counters";
import { runStatements } from "./ddl";

/**
 * 0021's expiry counter by month as well as by day. The dashboard's renewal table reads a year
 * per tier: by day that is up to 366 days × 8 slots × 2 kinds, 2,778 rows per tier at province
 * scale (1,365,213 awards), 2.3 ms on PostgreSQL for the five lapsing tiers. By month it is
 * 12 × 8 × 2; only the month in which the renewal window closes today is read by day.
 *
 * award_expiry_months, per (tier, month the validity ends as YYYY-MM, kind, slot): the same
 * counts as 0021's award_expiry_counts, summed over the days of each month. Kept by its own
 * triggers on the same changes, in the same transaction; written for SQLite and translated for
 * PostgreSQL by ./ddl.ts.
 */
const month = (r: string) => `substr(${r}.valid_until, 1, 7)`;

/** Recounts the counter from the rows (either database). */
export const REBUILD_AWARD_EXPIRY_MONTHS_SQL = rebuildExpirySql("award_expiry_months", "month", month);

const statements = expiryCounterStatements("award_expiry_months", "month", month, "award_expiry_month");

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
