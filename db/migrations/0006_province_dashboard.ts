import { sql, type Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * District-wide live awards per (year, tier, level), kept by triggers like 0002's per-town
 * counters. The district's figures — the dashboard's tier cards, `/api/progress`, the
 * bulk-decision preview — then read a few dozen rows whatever the number of towns, where summing
 * 0002's progress_award_counts meant one row per town and level (2,800 a year at 100 towns).
 * A firm moving town changes no district figure, so no trigger on enterprises is needed.
 *
 * And the towns in catalogue order, for the league's keyset pages (a province has ~90 units).
 */

const totalUp = (r: "NEW" | "OLD") => `
  INSERT INTO award_level_totals (year, tier_code, level, n)
  SELECT ${r}.year, ${r}.tier_code, ${r}.level, 1 WHERE ${r}.revoked_on IS NULL
  ON CONFLICT (year, tier_code, level) DO UPDATE SET n = n + 1;`;
const totalDown = (r: "NEW" | "OLD") => `
  UPDATE award_level_totals SET n = n - 1
  WHERE ${r}.revoked_on IS NULL AND year = ${r}.year AND tier_code = ${r}.tier_code AND level = ${r}.level;`;

export const REBUILD_AWARD_TOTALS_SQL = `
  DELETE FROM award_level_totals;
  INSERT INTO award_level_totals (year, tier_code, level, n)
  SELECT year, tier_code, level, count(*) FROM awards WHERE revoked_on IS NULL GROUP BY year, tier_code, level;`;

const statements: Statement[] = [
  `CREATE INDEX towns_sort ON towns(sort, code)`,
  `CREATE TABLE award_level_totals (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    level TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, level)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TRIGGER award_totals_insert AFTER INSERT ON awards BEGIN ${totalUp("NEW")} END`,
  `CREATE TRIGGER award_totals_delete AFTER DELETE ON awards BEGIN ${totalDown("OLD")} END`,
  `CREATE TRIGGER award_totals_update AFTER UPDATE OF revoked_on, year, tier_code, level ON awards
   WHEN (OLD.revoked_on IS NULL) IS NOT (NEW.revoked_on IS NULL) OR OLD.year IS NOT NEW.year
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.level IS NOT NEW.level
   BEGIN ${totalDown("OLD")} ${totalUp("NEW")} END`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
  for (const statement of REBUILD_AWARD_TOTALS_SQL.split(";").filter((s) => s.trim())) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ["award_totals_insert", "award_totals_delete", "award_totals_update"]) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  }
  await sql.raw(`DROP TABLE IF EXISTS award_level_totals`).execute(db);
  await sql.raw(`DROP INDEX IF EXISTS towns_sort`).execute(db);
}
