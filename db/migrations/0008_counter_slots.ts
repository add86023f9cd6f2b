import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { dropTriggers, runStatements, type Statement } from "./ddl";

/**
 * The district-wide counters of 0005 (applications per year, tier and status) and 0006 (live
 * awards per year, tier and level) get a `slot` in their key: a change writes the slot of its
 * firm (enterprise_id % 8), and readers sum the slots. On PostgreSQL a counter row is locked
 * from the writer's UPDATE to its commit, so with one row per (year, tier, status) every
 * approval of the year's 品质工厂 queued behind the one before, whatever the firm or town:
 * measured with tests/bench/counter-contention.ts, 8 concurrent approvals sharing the rows ran
 * at 152 a second against 313 one at a time (437 when they shared no row). With eight slots,
 * writers of different firms pass each other: 494–512 a second at 8 against 374–423 one at a
 * time (617–656 sharing no row; what remains shared is the firm's town's row of 0002). Readers
 * sum at most 8 rows where they read one.
 *
 * Written for SQLite and translated for PostgreSQL by ./ddl.ts, like every migration.
 */
export const COUNTER_SLOTS = 8;
const slot = (r: "NEW" | "OLD") => `${r}.enterprise_id % ${COUNTER_SLOTS}`;

const statusUp = (r: "NEW" | "OLD") => `
  INSERT INTO application_status_totals (year, tier_code, status, slot, n) VALUES (${r}.year, ${r}.tier_code, ${r}.status, ${slot(r)}, 1)
  ON CONFLICT (year, tier_code, status, slot) DO UPDATE SET n = n + 1;`;
const statusDown = (r: "NEW" | "OLD") => `
  UPDATE application_status_totals SET n = n - 1
  WHERE year = ${r}.year AND tier_code = ${r}.tier_code AND status = ${r}.status AND slot = ${slot(r)};`;
const awardUp = (r: "NEW" | "OLD") => `
  INSERT INTO award_level_totals (year, tier_code, level, slot, n)
  SELECT ${r}.year, ${r}.tier_code, ${r}.level, ${slot(r)}, 1 WHERE ${r}.revoked_on IS NULL
  ON CONFLICT (year, tier_code, level, slot) DO UPDATE SET n = n + 1;`;
const awardDown = (r: "NEW" | "OLD") => `
  UPDATE award_level_totals SET n = n - 1
  WHERE ${r}.revoked_on IS NULL AND year = ${r}.year AND tier_code = ${r}.tier_code AND level = ${r}.level AND slot = ${slot(r)};`;

export const REBUILD_STATUS_SLOTS_SQL = `
  DELETE FROM application_status_totals;
  INSERT INTO application_status_totals (year, tier_code, status, slot, n)
  SELECT year, tier_code, status, enterprise_id % ${COUNTER_SLOTS}, count(*) FROM applications
  GROUP BY year, tier_code, status, enterprise_id % ${COUNTER_SLOTS};`;

export const REBUILD_AWARD_SLOTS_SQL = `
  DELETE FROM award_level_totals;
  INSERT INTO award_level_totals (year, tier_code, level, slot, n)
  SELECT year, tier_code, level, enterprise_id % ${COUNTER_SLOTS}, count(*) FROM awards WHERE revoked_on IS NULL
  GROUP BY year, tier_code, level, enterprise_id % ${COUNTER_SLOTS};`;

const OLD_TRIGGERS = [
  { name: "status_totals_insert", table: "applications" },
  { name: "status_totals_delete", table: "applications" },
  { name: "status_totals_update", table: "applications" },
  { name: "award_totals_insert", table: "awards" },
  { name: "award_totals_delete", table: "awards" },
  { name: "award_totals_update", table: "awards" },
];

const statements: Statement[] = [
  `DROP TABLE application_status_totals`,
  `DROP TABLE award_level_totals`,
  `CREATE TABLE application_status_totals (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    status TEXT NOT NULL,
    slot INTEGER NOT NULL CHECK (slot >= 0 AND slot < ${COUNTER_SLOTS}),
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, status, slot)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TABLE award_level_totals (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    level TEXT NOT NULL,
    slot INTEGER NOT NULL CHECK (slot >= 0 AND slot < ${COUNTER_SLOTS}),
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, level, slot)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TRIGGER status_totals_insert AFTER INSERT ON applications BEGIN ${statusUp("NEW")} END`,
  `CREATE TRIGGER status_totals_delete AFTER DELETE ON applications BEGIN ${statusDown("OLD")} END`,
  `CREATE TRIGGER status_totals_update AFTER UPDATE OF status, year, tier_code, enterprise_id ON applications
   WHEN OLD.status IS NOT NEW.status OR OLD.year IS NOT NEW.year OR OLD.tier_code IS NOT NEW.tier_code
     OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN ${statusDown("OLD")} ${statusUp("NEW")} END`,
  `CREATE TRIGGER award_totals_insert AFTER INSERT ON awards BEGIN ${awardUp("NEW")} END`,
  `CREATE TRIGGER award_totals_delete AFTER DELETE ON awards BEGIN ${awardDown("OLD")} END`,
  `CREATE TRIGGER award_totals_update AFTER UPDATE OF revoked_on, year, tier_code, level, enterprise_id ON awards
   WHEN (OLD.revoked_on IS NULL) IS NOT (NEW.revoked_on IS NULL) OR OLD.year IS NOT NEW.year
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.level IS NOT NEW.level OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN ${awardDown("OLD")} ${awardUp("NEW")} END`,
  ...[REBUILD_STATUS_SLOTS_SQL, REBUILD_AWARD_SLOTS_SQL].flatMap((rebuild) => rebuild.split(";").filter((s) => s.trim())),
];

/** Recomputes the slotted totals from the rows (after a bulk load without triggers). */
export function rebuildCounterSlots(sqlite: Database.Database): void {
  sqlite.exec(REBUILD_STATUS_SLOTS_SQL);
  sqlite.exec(REBUILD_AWARD_SLOTS_SQL);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await dropTriggers(db, OLD_TRIGGERS);
  await runStatements(db, statements);
}
