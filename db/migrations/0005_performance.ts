import { sql, type Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Province scale: what keeps each page's cost independent of the number of firms.
 *
 * Clean-beauty coverage was an aggregate over every above-scale manufacturer with a probe into
 * awards per firm: ~150,000 probes at a million firms, on every dashboard view. It becomes a
 * counter per town, kept by triggers in the same transaction as each change, like 0002's.
 *
 * - total: non-archived above-scale firms of a manufacturing industry in the town;
 * - covered: those of them holding a non-revoked clean-beauty-factory award (any year).
 *
 * And indexes matched to the registry's filters and sort. The list hides archived firms by
 * default, so (filter, archived_at, name, id) serves both the page (equality on the first two,
 * then already in name order for the keyset) and its count (a covering range), whatever the
 * statistics say: with 0001's (town_code, name, id) the count had to read every row of the town,
 * and the planner preferred a skip-scan of enterprises_above_scale over the whole table.
 */

const CB = "'clean-beauty-factory'";
const eligible = (r: string) =>
  `(${r}.above_scale = 1 AND ${r}.archived_at IS NULL
    AND EXISTS (SELECT 1 FROM industries i WHERE i.code = ${r}.industry_code AND i.manufacturing = 1))`;
// Probes the partial index awards_live_clean_beauty (0002).
const liveCb = (firm: string) => `(SELECT count(*) FROM awards w WHERE w.enterprise_id = ${firm} AND w.tier_code = ${CB} AND w.revoked_on IS NULL)`;
const isLiveCb = (r: string) => `(${r}.tier_code = ${CB} AND ${r}.revoked_on IS NULL)`;

const firmIn = (r: "NEW" | "OLD") => `
  INSERT INTO progress_coverage_counts (town_code, total, covered)
  SELECT ${r}.town_code, 1, CASE WHEN ${liveCb(`${r}.id`)} > 0 THEN 1 ELSE 0 END WHERE ${eligible(r)}
  ON CONFLICT (town_code) DO UPDATE SET total = total + 1, covered = covered + excluded.covered;`;
const firmOut = (r: "NEW" | "OLD") => `
  UPDATE progress_coverage_counts SET total = total - 1, covered = covered - CASE WHEN ${liveCb(`${r}.id`)} > 0 THEN 1 ELSE 0 END
  WHERE town_code = ${r}.town_code AND ${eligible(r)};`;
/** The firm's town, when the firm counts toward coverage. */
const eligibleTown = (firm: string) => `(SELECT e.town_code FROM enterprises e WHERE e.id = ${firm} AND ${eligible("e")})`;

const totalUp = (r: "NEW" | "OLD") => `
  INSERT INTO application_status_totals (year, tier_code, status, n) VALUES (${r}.year, ${r}.tier_code, ${r}.status, 1)
  ON CONFLICT (year, tier_code, status) DO UPDATE SET n = n + 1;`;
const totalDown = (r: "NEW" | "OLD") => `
  UPDATE application_status_totals SET n = n - 1
  WHERE year = ${r}.year AND tier_code = ${r}.tier_code AND status = ${r}.status;`;

export const REBUILD_TOTALS_SQL = `
  DELETE FROM application_status_totals;
  INSERT INTO application_status_totals (year, tier_code, status, n)
  SELECT year, tier_code, status, count(*) FROM applications GROUP BY year, tier_code, status;`;

export const REBUILD_COVERAGE_SQL = `
  DELETE FROM progress_coverage_counts;
  INSERT INTO progress_coverage_counts (town_code, total, covered)
  SELECT e.town_code, count(*), sum(CASE WHEN EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = e.id
                                            AND w.tier_code = ${CB} AND w.revoked_on IS NULL) THEN 1 ELSE 0 END)
  FROM enterprises e WHERE ${eligible("e")} GROUP BY e.town_code;`;

const statements: Statement[] = [
  `CREATE INDEX enterprises_town_live_name ON enterprises(town_code, archived_at, name, id)`,
  `CREATE INDEX enterprises_industry_live_name ON enterprises(industry_code, archived_at, name, id)`,
  `CREATE INDEX enterprises_town_industry_live_name ON enterprises(town_code, industry_code, archived_at, name, id)`,
  // The unfiltered list in each sort order: equality on archived_at, then the keyset's order.
  `CREATE INDEX enterprises_live_name ON enterprises(archived_at, name, id)`,
  `CREATE INDEX enterprises_live_uscc ON enterprises(archived_at, uscc, id)`,
  `CREATE INDEX enterprises_live_updated ON enterprises(archived_at, updated_at, id)`,
  // A firm's awards, newest first, without a sort (profile page).
  `CREATE INDEX awards_enterprise_year ON awards(enterprise_id, year, id)`,

  `CREATE TABLE progress_coverage_counts (
    town_code TEXT PRIMARY KEY,
    total INTEGER NOT NULL CHECK (total >= 0),
    covered INTEGER NOT NULL CHECK (covered >= 0 AND covered <= total)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TRIGGER coverage_enterprises_insert AFTER INSERT ON enterprises BEGIN ${firmIn("NEW")} END`,
  `CREATE TRIGGER coverage_enterprises_delete AFTER DELETE ON enterprises BEGIN ${firmOut("OLD")} END`,
  `CREATE TRIGGER coverage_enterprises_update
   AFTER UPDATE OF above_scale, archived_at, industry_code, town_code ON enterprises
   BEGIN ${firmOut("OLD")} ${firmIn("NEW")} END`,
  // An award changes coverage only when it makes the firm's first live one or removes its last.
  `CREATE TRIGGER coverage_awards_insert AFTER INSERT ON awards WHEN ${isLiveCb("NEW")}
   BEGIN
     UPDATE progress_coverage_counts SET covered = covered + 1
     WHERE town_code = ${eligibleTown("NEW.enterprise_id")} AND ${liveCb("NEW.enterprise_id")} = 1;
   END`,
  `CREATE TRIGGER coverage_awards_delete AFTER DELETE ON awards WHEN ${isLiveCb("OLD")}
   BEGIN
     UPDATE progress_coverage_counts SET covered = covered - 1
     WHERE town_code = ${eligibleTown("OLD.enterprise_id")} AND ${liveCb("OLD.enterprise_id")} = 0;
   END`,
  `CREATE TRIGGER coverage_awards_update AFTER UPDATE OF tier_code, revoked_on, enterprise_id ON awards
   WHEN ${isLiveCb("OLD")} IS NOT ${isLiveCb("NEW")} OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN
     UPDATE progress_coverage_counts SET covered = covered - 1
     WHERE ${isLiveCb("OLD")} AND town_code = ${eligibleTown("OLD.enterprise_id")} AND ${liveCb("OLD.enterprise_id")} = 0;
     UPDATE progress_coverage_counts SET covered = covered + 1
     WHERE ${isLiveCb("NEW")} AND town_code = ${eligibleTown("NEW.enterprise_id")} AND ${liveCb("NEW.enterprise_id")} = 1;
   END`,
  // District-wide applications per (year, tier, status): the review queue's per-status tallies
  // for the bureau, a few hundred rows whatever the number of towns (0002's counters are per town).
  `CREATE TABLE application_status_totals (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, status)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TRIGGER status_totals_insert AFTER INSERT ON applications BEGIN ${totalUp("NEW")} END`,
  `CREATE TRIGGER status_totals_delete AFTER DELETE ON applications BEGIN ${totalDown("OLD")} END`,
  `CREATE TRIGGER status_totals_update AFTER UPDATE OF status, year, tier_code ON applications
   WHEN OLD.status IS NOT NEW.status OR OLD.year IS NOT NEW.year OR OLD.tier_code IS NOT NEW.tier_code
   BEGIN ${totalDown("OLD")} ${totalUp("NEW")} END`,
  // Reclassifying an industry is a rare admin act: recount everything.
  `CREATE TRIGGER coverage_industries_update AFTER UPDATE OF manufacturing ON industries
   WHEN OLD.manufacturing IS NOT NEW.manufacturing
   BEGIN ${REBUILD_COVERAGE_SQL} END`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
  for (const rebuild of [REBUILD_COVERAGE_SQL, REBUILD_TOTALS_SQL]) {
    for (const statement of rebuild.split(";").filter((s) => s.trim())) await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    "coverage_enterprises_insert",
    "coverage_enterprises_delete",
    "coverage_enterprises_update",
    "coverage_awards_insert",
    "coverage_awards_delete",
    "coverage_awards_update",
    "coverage_industries_update",
    "status_totals_insert",
    "status_totals_delete",
    "status_totals_update",
  ]) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  }
  await sql.raw(`DROP TABLE IF EXISTS progress_coverage_counts`).execute(db);
  await sql.raw(`DROP TABLE IF EXISTS application_status_totals`).execute(db);
  for (const index of [
    "enterprises_live_name",
    "enterprises_live_uscc",
    "enterprises_live_updated",
    "enterprises_town_live_name",
    "enterprises_industry_live_name",
    "enterprises_town_industry_live_name",
    "awards_enterprise_year",
  ]) {
    await sql.raw(`DROP INDEX IF EXISTS ${index}`).execute(db);
  }
}
