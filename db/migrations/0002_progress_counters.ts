import { sql, type Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Progress counters. The dashboard reads these small tables instead of aggregating
 * applications and awards on every request: better-sqlite3 is synchronous, so a slow aggregate
 * would stall every user. Triggers keep them in the same transaction as each change, whichever
 * model writes.
 *
 * - progress_application_counts: applications per (year, tier, town of the firm, status).
 * - progress_award_counts: LIVE (revoked_on IS NULL) awards per (year, tier, town, level).
 *   With the unique index below (one live award per firm, tier and year) a count of live awards
 *   is a count of distinct firms, so "achieved" is a sum over the levels that count.
 *
 * Clean-beauty coverage counters per town are kept by migration 0005.
 *
 * Rows whose count falls to 0 are kept; readers ignore them.
 */

const town = (enterpriseId: string) => `(SELECT town_code FROM enterprises WHERE id = ${enterpriseId})`;

const appUp = (r: "NEW" | "OLD") => `
  INSERT INTO progress_application_counts (year, tier_code, town_code, status, n)
  VALUES (${r}.year, ${r}.tier_code, ${town(`${r}.enterprise_id`)}, ${r}.status, 1)
  ON CONFLICT (year, tier_code, town_code, status) DO UPDATE SET n = n + 1;`;
const appDown = (r: "NEW" | "OLD") => `
  UPDATE progress_application_counts SET n = n - 1
  WHERE year = ${r}.year AND tier_code = ${r}.tier_code AND town_code = ${town(`${r}.enterprise_id`)}
    AND status = ${r}.status;`;
const awardUp = (r: "NEW" | "OLD") => `
  INSERT INTO progress_award_counts (year, tier_code, town_code, level, n)
  SELECT ${r}.year, ${r}.tier_code, ${town(`${r}.enterprise_id`)}, ${r}.level, 1
  WHERE ${r}.revoked_on IS NULL
  ON CONFLICT (year, tier_code, town_code, level) DO UPDATE SET n = n + 1;`;
const awardDown = (r: "NEW" | "OLD") => `
  UPDATE progress_award_counts SET n = n - 1
  WHERE ${r}.revoked_on IS NULL AND year = ${r}.year AND tier_code = ${r}.tier_code
    AND town_code = ${town(`${r}.enterprise_id`)} AND level = ${r}.level;`;

const statements: Statement[] = [
  `CREATE TABLE progress_application_counts (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    town_code TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, town_code, status)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TABLE progress_award_counts (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    town_code TEXT NOT NULL,
    level TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, town_code, level)
  ) STRICT, WITHOUT ROWID`,

  // One live award per firm, tier and year: a firm counts once, and a double approval fails.
  `CREATE UNIQUE INDEX awards_one_live ON awards(enterprise_id, tier_code, year) WHERE revoked_on IS NULL`,
  // "Does this firm hold a live clean-beauty award?" in one probe (coverage, work list).
  `CREATE INDEX awards_live_clean_beauty ON awards(enterprise_id)
   WHERE tier_code = 'clean-beauty-factory' AND revoked_on IS NULL`,
  // The firms behind a figure, in order of recognition, one page at a time.
  `CREATE INDEX awards_live_tier_year_recognized ON awards(tier_code, year, coalesce(recognized_on, ''), id)
   WHERE revoked_on IS NULL`,
  // The coverage work list walks above-scale firms in name order and stops after one page.
  `CREATE INDEX enterprises_above_scale_name ON enterprises(above_scale, archived_at, name, id)`,

  // Applications.
  `CREATE TRIGGER progress_applications_insert AFTER INSERT ON applications
   BEGIN ${appUp("NEW")} END`,
  `CREATE TRIGGER progress_applications_delete AFTER DELETE ON applications
   BEGIN ${appDown("OLD")} END`,
  `CREATE TRIGGER progress_applications_update
   AFTER UPDATE OF status, year, tier_code, enterprise_id ON applications
   WHEN OLD.status IS NOT NEW.status OR OLD.year IS NOT NEW.year
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN ${appDown("OLD")} ${appUp("NEW")} END`,

  // Awards: only live ones are counted; revoking (revoked_on set) takes one away.
  `CREATE TRIGGER progress_awards_insert AFTER INSERT ON awards
   BEGIN ${awardUp("NEW")} END`,
  `CREATE TRIGGER progress_awards_delete AFTER DELETE ON awards
   BEGIN ${awardDown("OLD")} END`,
  `CREATE TRIGGER progress_awards_update
   AFTER UPDATE OF revoked_on, year, tier_code, level, enterprise_id ON awards
   WHEN (OLD.revoked_on IS NULL) IS NOT (NEW.revoked_on IS NULL) OR OLD.year IS NOT NEW.year
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.level IS NOT NEW.level
     OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN ${awardDown("OLD")} ${awardUp("NEW")} END`,

  // A firm moving town takes its counts along (archiving changes nothing: the figures are
  // about recognitions made in a year, which stay true).
  `CREATE TRIGGER progress_enterprises_move AFTER UPDATE OF town_code ON enterprises
   WHEN OLD.town_code IS NOT NEW.town_code
   BEGIN
     UPDATE progress_application_counts
     SET n = n - (SELECT count(*) FROM applications a WHERE a.enterprise_id = NEW.id
                  AND a.year = progress_application_counts.year
                  AND a.tier_code = progress_application_counts.tier_code
                  AND a.status = progress_application_counts.status)
     WHERE town_code = OLD.town_code
       AND (year, tier_code, status) IN (SELECT year, tier_code, status FROM applications WHERE enterprise_id = NEW.id);
     INSERT INTO progress_application_counts (year, tier_code, town_code, status, n)
     SELECT year, tier_code, NEW.town_code, status, count(*) FROM applications
     WHERE enterprise_id = NEW.id GROUP BY year, tier_code, status
     ON CONFLICT (year, tier_code, town_code, status) DO UPDATE SET n = n + excluded.n;
     UPDATE progress_award_counts
     SET n = n - (SELECT count(*) FROM awards w WHERE w.enterprise_id = NEW.id AND w.revoked_on IS NULL
                  AND w.year = progress_award_counts.year
                  AND w.tier_code = progress_award_counts.tier_code
                  AND w.level = progress_award_counts.level)
     WHERE town_code = OLD.town_code
       AND (year, tier_code, level) IN
         (SELECT year, tier_code, level FROM awards WHERE enterprise_id = NEW.id AND revoked_on IS NULL);
     INSERT INTO progress_award_counts (year, tier_code, town_code, level, n)
     SELECT year, tier_code, NEW.town_code, level, count(*) FROM awards
     WHERE enterprise_id = NEW.id AND revoked_on IS NULL GROUP BY year, tier_code, level
     ON CONFLICT (year, tier_code, town_code, level) DO UPDATE SET n = n + excluded.n;
   END`,

  // Backfill from the rows already there (an empty database on a fresh install).
  `INSERT INTO progress_application_counts (year, tier_code, town_code, status, n)
   SELECT a.year, a.tier_code, e.town_code, a.status, count(*)
   FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
   GROUP BY a.year, a.tier_code, e.town_code, a.status`,
  `INSERT INTO progress_award_counts (year, tier_code, town_code, level, n)
   SELECT w.year, w.tier_code, e.town_code, w.level, count(*)
   FROM awards w JOIN enterprises e ON e.id = w.enterprise_id
   WHERE w.revoked_on IS NULL
   GROUP BY w.year, w.tier_code, e.town_code, w.level`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    "progress_applications_insert",
    "progress_applications_delete",
    "progress_applications_update",
    "progress_awards_insert",
    "progress_awards_delete",
    "progress_awards_update",
    "progress_enterprises_move",
  ]) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  }
  for (const index of ["awards_one_live", "awards_live_clean_beauty", "awards_live_tier_year_recognized", "enterprises_above_scale_name"]) {
    await sql.raw(`DROP INDEX IF EXISTS ${index}`).execute(db);
  }
  await sql.raw(`DROP TABLE IF EXISTS progress_application_counts`).execute(db);
  await sql.raw(`DROP TABLE IF EXISTS progress_award_counts`).execute(db);
}
