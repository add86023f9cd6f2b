import type { Kysely } from "kysely";
import { COUNTER_SLOTS } from "./0008_counter_slots";
import { runStatements, type Statement } from "./ddl";

/**
 * The applications in review (submitted, returned, publicized), renewals (复核) left out, counted
 * by the level they seek,
 * so that the pipeline's figures come from counters alone. Since 0009 the dashboard took off the
 * status counters the applications whose level cannot count for their tier, or is not set,
 * reading them as rows from 0009's partial index on the assumption that they were few; at
 * province scale they are not (45,000 市级 专精特新 in review at 1,000,000 firms: 285 ms of SQL
 * per dashboard view on SQLite, 324 ms on PostgreSQL).
 *
 * - pipeline_level_counts: per (year, tier, town of the firm, level sought), for the town league;
 * - pipeline_level_totals: per (year, tier, level sought, slot), district-wide, slotted by firm
 *   (enterprise_id % 8) as 0008's totals, so that writers of different firms do not queue on one
 *   row on PostgreSQL; readers sum the slots.
 *
 * No level sought is kept as '' (a key column cannot be NULL). Triggers keep both in the same
 * transaction as every insert, delete and change of status, level sought, year, tier or firm,
 * and as a firm's move to another town. Rows whose count falls to 0 are kept; readers skip them.
 *
 * Written for SQLite and translated for PostgreSQL by ./ddl.ts, like every migration.
 */
const IN_REVIEW = `('submitted', 'returned', 'publicized')`;
/** In review and not a renewal (复核): a renewal never counts toward a year's target (0015). */
const inReview = (r: "NEW" | "OLD") => `(${r}.status IN ${IN_REVIEW} AND ${r}.renews_award_id IS NULL)`;
const counted = (a = "") => `${a}status IN ${IN_REVIEW} AND ${a}renews_award_id IS NULL`;
const level = (r: "NEW" | "OLD") => `coalesce(${r}.level_sought, '')`;
const slot = (r: "NEW" | "OLD") => `${r}.enterprise_id % ${COUNTER_SLOTS}`;
const town = (r: "NEW" | "OLD") => `(SELECT town_code FROM enterprises WHERE id = ${r}.enterprise_id)`;

const countIn = (r: "NEW" | "OLD") => `
  INSERT INTO pipeline_level_counts (year, tier_code, town_code, level_sought, n)
  SELECT ${r}.year, ${r}.tier_code, ${town(r)}, ${level(r)}, 1 WHERE ${inReview(r)}
  ON CONFLICT (year, tier_code, town_code, level_sought) DO UPDATE SET n = n + 1;
  INSERT INTO pipeline_level_totals (year, tier_code, level_sought, slot, n)
  SELECT ${r}.year, ${r}.tier_code, ${level(r)}, ${slot(r)}, 1 WHERE ${inReview(r)}
  ON CONFLICT (year, tier_code, level_sought, slot) DO UPDATE SET n = n + 1;`;
const countOut = (r: "NEW" | "OLD") => `
  UPDATE pipeline_level_counts SET n = n - 1
  WHERE ${inReview(r)} AND year = ${r}.year AND tier_code = ${r}.tier_code AND town_code = ${town(r)}
    AND level_sought = ${level(r)};
  UPDATE pipeline_level_totals SET n = n - 1
  WHERE ${inReview(r)} AND year = ${r}.year AND tier_code = ${r}.tier_code AND level_sought = ${level(r)}
    AND slot = ${slot(r)};`;

const rebuildSql = (indexedBy: string) => `
  DELETE FROM pipeline_level_counts;
  INSERT INTO pipeline_level_counts (year, tier_code, town_code, level_sought, n)
  SELECT a.year, a.tier_code, e.town_code, coalesce(a.level_sought, ''), count(*)
  FROM applications a${indexedBy} JOIN enterprises e ON e.id = a.enterprise_id
  WHERE ${counted("a.")}
  GROUP BY a.year, a.tier_code, e.town_code, coalesce(a.level_sought, '');
  DELETE FROM pipeline_level_totals;
  INSERT INTO pipeline_level_totals (year, tier_code, level_sought, slot, n)
  SELECT year, tier_code, coalesce(level_sought, ''), enterprise_id % ${COUNTER_SLOTS}, count(*)
  FROM applications${indexedBy} WHERE ${counted()}
  GROUP BY year, tier_code, coalesce(level_sought, ''), enterprise_id % ${COUNTER_SLOTS};`;

/** Recounts both counters from the rows (PostgreSQL, or any SQL database). */
export const REBUILD_PIPELINE_LEVELS_SQL = rebuildSql("");
/**
 * The same for SQLite, through 0009's partial index of the applications in review: SQLite's
 * planner takes the index on status instead and fetches each row from the table, 24 s against
 * 2.6 s for the district totals at 3,000,000 applications (on a loaded machine).
 */
export const REBUILD_PIPELINE_LEVELS_SQLITE_SQL = rebuildSql(" INDEXED BY applications_in_review");

const split = (text: string) => text.split(";").filter((s) => s.trim());

const statements: Statement[] = [
  `CREATE TABLE pipeline_level_counts (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    town_code TEXT NOT NULL,
    level_sought TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, town_code, level_sought)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TABLE pipeline_level_totals (
    year INTEGER NOT NULL,
    tier_code TEXT NOT NULL,
    level_sought TEXT NOT NULL,
    slot INTEGER NOT NULL CHECK (slot >= 0 AND slot < ${COUNTER_SLOTS}),
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (year, tier_code, level_sought, slot)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TRIGGER pipeline_levels_insert AFTER INSERT ON applications WHEN ${inReview("NEW")}
   BEGIN ${countIn("NEW")} END`,
  `CREATE TRIGGER pipeline_levels_delete AFTER DELETE ON applications WHEN ${inReview("OLD")}
   BEGIN ${countOut("OLD")} END`,
  // Moving between statuses in review (submitted → returned → submitted → publicized) changes
  // nothing here: no counter row is written, none locked.
  `CREATE TRIGGER pipeline_levels_update AFTER UPDATE OF status, level_sought, year, tier_code, enterprise_id, renews_award_id ON applications
   WHEN (${inReview("OLD")}) IS NOT (${inReview("NEW")})
     OR ((${inReview("NEW")}) AND (OLD.level_sought IS NOT NEW.level_sought OR OLD.year IS NOT NEW.year
       OR OLD.tier_code IS NOT NEW.tier_code OR OLD.enterprise_id IS NOT NEW.enterprise_id))
   BEGIN ${countOut("OLD")} ${countIn("NEW")} END`,
  // A firm moving town takes its applications in review along (the district totals stay).
  `CREATE TRIGGER pipeline_levels_enterprises_move AFTER UPDATE OF town_code ON enterprises
   WHEN OLD.town_code IS NOT NEW.town_code
   BEGIN
     UPDATE pipeline_level_counts
     SET n = n - (SELECT count(*) FROM applications a WHERE a.enterprise_id = NEW.id AND ${counted("a.")}
                  AND a.year = pipeline_level_counts.year
                  AND a.tier_code = pipeline_level_counts.tier_code
                  AND coalesce(a.level_sought, '') = pipeline_level_counts.level_sought)
     WHERE town_code = OLD.town_code
       AND (year, tier_code, level_sought) IN
         (SELECT year, tier_code, coalesce(level_sought, '') FROM applications WHERE enterprise_id = NEW.id AND ${counted()});
     INSERT INTO pipeline_level_counts (year, tier_code, town_code, level_sought, n)
     SELECT year, tier_code, NEW.town_code, coalesce(level_sought, ''), count(*) FROM applications
     WHERE enterprise_id = NEW.id AND ${counted()} GROUP BY year, tier_code, coalesce(level_sought, '')
     ON CONFLICT (year, tier_code, town_code, level_sought) DO UPDATE SET n = n + excluded.n;
   END`,
  // Backfill from the rows already there.
  ...split(REBUILD_PIPELINE_LEVELS_SQLITE_SQL).map((sqlite, i) => ({ sqlite, postgres: split(REBUILD_PIPELINE_LEVELS_SQL)[i]! })),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
