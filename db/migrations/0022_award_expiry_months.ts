import type { Kysely } from "kysely";
import { COUNTER_SLOTS } from "./0008_counter_slots";
import { expiryCounterBodies, rebuildExpirySql } from "./0021_award_expiry_counters";
import { runStatements, type Statement } from "./ddl";

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
const { selfIn, selfOut, renewedIn, renewedOut } = expiryCounterBodies("award_expiry_months", "month", month);

/** Recounts the counter from the rows (either database). */
export const REBUILD_AWARD_EXPIRY_MONTHS_SQL = rebuildExpirySql("award_expiry_months", "month", month);

const statements: Statement[] = [
  `CREATE TABLE award_expiry_months (
    tier_code TEXT NOT NULL,
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('current', 'renewed')),
    slot INTEGER NOT NULL CHECK (slot >= 0 AND slot < ${COUNTER_SLOTS}),
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (tier_code, kind, month, slot)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TRIGGER award_expiry_month_insert AFTER INSERT ON awards
   BEGIN ${selfIn("NEW")} ${renewedIn("NEW")} END`,
  `CREATE TRIGGER award_expiry_month_delete AFTER DELETE ON awards
   BEGIN ${selfOut("OLD")} ${renewedOut("OLD")} END`,
  `CREATE TRIGGER award_expiry_month_update AFTER UPDATE OF revoked_on, ended_on, valid_until, tier_code, enterprise_id, renews_award_id ON awards
   WHEN OLD.revoked_on IS NOT NEW.revoked_on OR OLD.ended_on IS NOT NEW.ended_on OR OLD.valid_until IS NOT NEW.valid_until
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.enterprise_id IS NOT NEW.enterprise_id OR OLD.renews_award_id IS NOT NEW.renews_award_id
   BEGIN ${selfOut("OLD")} ${renewedOut("OLD")} ${selfIn("NEW")} ${renewedIn("NEW")} END`,
  // Backfill from the rows already there.
  ...REBUILD_AWARD_EXPIRY_MONTHS_SQL.split(";").filter((s) => s.trim()),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
