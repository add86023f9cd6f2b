import type { Kysely } from "kysely";
import { COUNTER_SLOTS } from "./0008_counter_slots";
import { runStatements, type Statement } from "./ddl";

/**
 * The dashboard's renewal table (复核: due this year, renewed, lapsed) from counters. It read the
 * current awards ending in the year as rows: 78,000 of them at province scale (1,365,213
 * awards), each fetched from the table for its tier, 2 s per dashboard view on SQLite.
 *
 * award_expiry_counts, per (tier, day the validity ends, kind, slot):
 * - kind 'current': awards neither revoked nor ended (superseded by a renewal) with that end
 *   of validity;
 * - kind 'renewed': awards not revoked with that end of validity that a renewal award renews
 *   (`awards.renews_award_id`; one renewal per award, 0015's awards_one_renewal).
 * A reader sums the days of a year per tier and kind (a range of the key), and counts as lapsed
 * the current ones whose renewal window closed before today. Slotted by firm (enterprise_id % 8) like 0008's totals, so that
 * approvals of different firms on one day do not queue on one row on PostgreSQL.
 *
 * Triggers keep it in the same transaction as every insert, delete and change of an award's
 * revocation, end, validity, tier, firm or renewed award. Rows whose count falls to 0 are kept;
 * readers skip them. Written for SQLite and translated for PostgreSQL by ./ddl.ts.
 */
const slot = (r: string) => `${r}.enterprise_id % ${COUNTER_SLOTS}`;
const isCurrent = (r: "NEW" | "OLD") => `(${r}.revoked_on IS NULL AND ${r}.ended_on IS NULL AND ${r}.valid_until IS NOT NULL)`;
/** A row that, if some award renews it, counts as renewed. */
const isRenewable = (r: "NEW" | "OLD") => `(${r}.revoked_on IS NULL AND ${r}.valid_until IS NOT NULL)`;
const hasRenewal = (r: "NEW" | "OLD") => `EXISTS (SELECT 1 FROM awards x WHERE x.renews_award_id = ${r}.id)`;

/**
 * The trigger bodies of an expiry counter keyed (tier_code, kind, <key>, slot): this one's key is
 * the day (`valid_until`), 0022's the month (`month`, the first seven characters of the day).
 * `keyOf(r)` is the key of the award row `r`.
 */
export function expiryCounterBodies(table: string, key: string, keyOf: (r: string) => string) {
  const countUp = (kind: string, tier: string, until: string, slotOf: string, from: string, where: string) => `
  INSERT INTO ${table} (tier_code, ${key}, kind, slot, n)
  SELECT ${tier}, ${until}, '${kind}', ${slotOf}, 1${from} WHERE ${where}
  ON CONFLICT (tier_code, kind, ${key}, slot) DO UPDATE SET n = n + 1;`;
  const down = (kind: string, tier: string, until: string, slotOf: string, where: string) => `
  UPDATE ${table} SET n = n - 1
  WHERE ${where} AND tier_code = ${tier} AND ${key} = ${until} AND kind = '${kind}' AND slot = ${slotOf};`;
  return {
    /** The row itself, as a current award and as a renewed one. */
    selfIn: (r: "NEW" | "OLD") =>
      countUp("current", `${r}.tier_code`, keyOf(r), slot(r), "", isCurrent(r)) +
      countUp("renewed", `${r}.tier_code`, keyOf(r), slot(r), "", `${isRenewable(r)} AND ${hasRenewal(r)}`),
    selfOut: (r: "NEW" | "OLD") =>
      down("current", `${r}.tier_code`, keyOf(r), slot(r), isCurrent(r)) + down("renewed", `${r}.tier_code`, keyOf(r), slot(r), `${isRenewable(r)} AND ${hasRenewal(r)}`),
    /** The award this row renews, counted as renewed while this row names it. */
    renewedIn: (r: "NEW" | "OLD") =>
      countUp("renewed", "w.tier_code", keyOf("w"), slot("w"), " FROM awards w", `w.id = ${r}.renews_award_id AND w.revoked_on IS NULL AND w.valid_until IS NOT NULL`),
    renewedOut: (r: "NEW" | "OLD") => `
  UPDATE ${table} SET n = n - 1
  WHERE kind = 'renewed' AND EXISTS (SELECT 1 FROM awards w WHERE w.id = ${r}.renews_award_id AND w.revoked_on IS NULL
    AND w.valid_until IS NOT NULL AND w.tier_code = ${table}.tier_code AND ${keyOf("w")} = ${table}.${key}
    AND ${slot("w")} = ${table}.slot);`,
  };
}

/** Recounts an expiry counter (of expiryCounterBodies' shape) from the rows (either database). */
export function rebuildExpirySql(table: string, key: string, keyOf: (r: string) => string): string {
  return `
  DELETE FROM ${table};
  INSERT INTO ${table} (tier_code, ${key}, kind, slot, n)
  SELECT tier_code, ${keyOf("awards")}, 'current', enterprise_id % ${COUNTER_SLOTS}, count(*) FROM awards
  WHERE revoked_on IS NULL AND ended_on IS NULL AND valid_until IS NOT NULL
  GROUP BY tier_code, ${keyOf("awards")}, enterprise_id % ${COUNTER_SLOTS};
  INSERT INTO ${table} (tier_code, ${key}, kind, slot, n)
  SELECT w.tier_code, ${keyOf("w")}, 'renewed', w.enterprise_id % ${COUNTER_SLOTS}, count(*) FROM awards r JOIN awards w ON w.id = r.renews_award_id
  WHERE r.renews_award_id IS NOT NULL AND w.revoked_on IS NULL AND w.valid_until IS NOT NULL
  GROUP BY w.tier_code, ${keyOf("w")}, w.enterprise_id % ${COUNTER_SLOTS};`;
}

/**
 * The table, its three triggers on awards and its backfill: `table` keyed (tier_code, kind, `key`,
 * slot), the triggers named `<prefix>_insert`, `_delete` and `_update`.
 */
export function expiryCounterStatements(table: string, key: string, keyOf: (r: string) => string, prefix: string): Statement[] {
  const { selfIn, selfOut, renewedIn, renewedOut } = expiryCounterBodies(table, key, keyOf);
  return [
    `CREATE TABLE ${table} (
    tier_code TEXT NOT NULL,
    ${key} TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('current', 'renewed')),
    slot INTEGER NOT NULL CHECK (slot >= 0 AND slot < ${COUNTER_SLOTS}),
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (tier_code, kind, ${key}, slot)
  ) STRICT, WITHOUT ROWID`,
    `CREATE TRIGGER ${prefix}_insert AFTER INSERT ON awards
   BEGIN ${selfIn("NEW")} ${renewedIn("NEW")} END`,
    `CREATE TRIGGER ${prefix}_delete AFTER DELETE ON awards
   BEGIN ${selfOut("OLD")} ${renewedOut("OLD")} END`,
    // A renewal is written as the new award (insert) and the old one's end (ended_on): the end
    // moves the old award from current to nothing here; it stays renewed.
    `CREATE TRIGGER ${prefix}_update AFTER UPDATE OF revoked_on, ended_on, valid_until, tier_code, enterprise_id, renews_award_id ON awards
   WHEN OLD.revoked_on IS NOT NEW.revoked_on OR OLD.ended_on IS NOT NEW.ended_on OR OLD.valid_until IS NOT NEW.valid_until
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.enterprise_id IS NOT NEW.enterprise_id OR OLD.renews_award_id IS NOT NEW.renews_award_id
   BEGIN ${selfOut("OLD")} ${renewedOut("OLD")} ${selfIn("NEW")} ${renewedIn("NEW")} END`,
    // Backfill from the rows already there.
    ...rebuildExpirySql(table, key, keyOf)
      .split(";")
      .filter((s) => s.trim()),
  ];
}

/** Recounts the counter from the rows (either database). */
export const REBUILD_AWARD_EXPIRY_SQL = rebuildExpirySql("award_expiry_counts", "valid_until", (r) => `${r}.valid_until`);

const statements = expiryCounterStatements("award_expiry_counts", "valid_until", (r) => `${r}.valid_until`, "award_expiry");

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
