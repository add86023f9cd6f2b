import { sql, type Kysely } from "kysely";
import { dropTriggers, runStatements, type Statement } from "./ddl";
import { COUNTER_SLOTS } from "./0008_counter_slots";
import { defaultTierValidity, validUntilFrom, validityStart } from "../../app/domain/validity";

/**
 * Validity and renewal (复核).
 *
 * - `tier_validity`: per tier, the months a recognition stays valid (NULL: it does not lapse) and
 *   the renewal window around the end of validity; seeded with the defaults of
 *   app/domain/validity.ts.
 * - `awards.renews_award_id`: the award a renewal award continues (one renewal per award,
 *   `awards_one_renewal`); `awards.ended_on`: the day an award was superseded by its renewal.
 *   Ending is not revoking: the old award keeps counting for the year it was made.
 * - `applications.renews_award_id`: the award an application asks to renew.
 * - The award counters (0002's per town and level, 0008's slotted totals) count NEW recognitions:
 *   their triggers are recreated to skip renewal awards (`renews_award_id IS NOT NULL`), which
 *   never count toward a year's target. `renews_award_id` is set on insert and never changed.
 * - Awards without `valid_until` of a tier that lapses get one: the recognition date (or, when
 *   unknown, 31 December of the award's year) plus the tier's default validity. Computed here in
 *   TypeScript (the same function approval uses), so both databases get the same dates.
 */
const town = (enterpriseId: string) => `(SELECT town_code FROM enterprises WHERE id = ${enterpriseId})`;
const counted = (r: "NEW" | "OLD") => `${r}.revoked_on IS NULL AND ${r}.renews_award_id IS NULL`;

const awardUp = (r: "NEW" | "OLD") => `
  INSERT INTO progress_award_counts (year, tier_code, town_code, level, n)
  SELECT ${r}.year, ${r}.tier_code, ${town(`${r}.enterprise_id`)}, ${r}.level, 1
  WHERE ${counted(r)}
  ON CONFLICT (year, tier_code, town_code, level) DO UPDATE SET n = n + 1;`;
const awardDown = (r: "NEW" | "OLD") => `
  UPDATE progress_award_counts SET n = n - 1
  WHERE ${counted(r)} AND year = ${r}.year AND tier_code = ${r}.tier_code
    AND town_code = ${town(`${r}.enterprise_id`)} AND level = ${r}.level;`;
const slot = (r: "NEW" | "OLD") => `${r}.enterprise_id % ${COUNTER_SLOTS}`;
const totalUp = (r: "NEW" | "OLD") => `
  INSERT INTO award_level_totals (year, tier_code, level, slot, n)
  SELECT ${r}.year, ${r}.tier_code, ${r}.level, ${slot(r)}, 1 WHERE ${counted(r)}
  ON CONFLICT (year, tier_code, level, slot) DO UPDATE SET n = n + 1;`;
const totalDown = (r: "NEW" | "OLD") => `
  UPDATE award_level_totals SET n = n - 1
  WHERE ${counted(r)} AND year = ${r}.year AND tier_code = ${r}.tier_code AND level = ${r}.level AND slot = ${slot(r)};`;

const REPLACED = [
  { name: "progress_awards_insert", table: "awards" },
  { name: "progress_awards_delete", table: "awards" },
  { name: "progress_awards_update", table: "awards" },
  { name: "award_totals_insert", table: "awards" },
  { name: "award_totals_delete", table: "awards" },
  { name: "award_totals_update", table: "awards" },
  { name: "progress_enterprises_move", table: "enterprises" },
];

const LIVE_NEW = "revoked_on IS NULL AND renews_award_id IS NULL";

const statements: Statement[] = [
  `CREATE TABLE tier_validity (
    tier_code TEXT PRIMARY KEY REFERENCES tiers(code),
    validity_months INTEGER CHECK (validity_months IS NULL OR validity_months BETWEEN 1 AND 120),
    renew_before_days INTEGER NOT NULL CHECK (renew_before_days BETWEEN 0 AND 730),
    renew_after_days INTEGER NOT NULL CHECK (renew_after_days BETWEEN 0 AND 730),
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
  ) STRICT`,
  {
    sqlite: "ALTER TABLE awards ADD COLUMN renews_award_id INTEGER REFERENCES awards(id)",
    postgres: "ALTER TABLE awards ADD COLUMN renews_award_id BIGINT REFERENCES awards(id)",
  },
  `ALTER TABLE awards ADD COLUMN ended_on TEXT`,
  {
    sqlite: "ALTER TABLE applications ADD COLUMN renews_award_id INTEGER REFERENCES awards(id)",
    postgres: "ALTER TABLE applications ADD COLUMN renews_award_id BIGINT REFERENCES awards(id)",
  },
  // One renewal per award, even when two reviewers approve at once.
  `CREATE UNIQUE INDEX awards_one_renewal ON awards(renews_award_id) WHERE renews_award_id IS NOT NULL`,
  // The expiring list walks the current awards in order of their end of validity.
  `CREATE INDEX awards_current_valid_until ON awards(valid_until, id) WHERE revoked_on IS NULL AND ended_on IS NULL`,
  `CREATE INDEX applications_renews ON applications(renews_award_id) WHERE renews_award_id IS NOT NULL`,

  `CREATE TRIGGER progress_awards_insert AFTER INSERT ON awards BEGIN ${awardUp("NEW")} END`,
  `CREATE TRIGGER progress_awards_delete AFTER DELETE ON awards BEGIN ${awardDown("OLD")} END`,
  `CREATE TRIGGER progress_awards_update
   AFTER UPDATE OF revoked_on, year, tier_code, level, enterprise_id ON awards
   WHEN (OLD.revoked_on IS NULL) IS NOT (NEW.revoked_on IS NULL) OR OLD.year IS NOT NEW.year
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.level IS NOT NEW.level
     OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN ${awardDown("OLD")} ${awardUp("NEW")} END`,
  `CREATE TRIGGER award_totals_insert AFTER INSERT ON awards BEGIN ${totalUp("NEW")} END`,
  `CREATE TRIGGER award_totals_delete AFTER DELETE ON awards BEGIN ${totalDown("OLD")} END`,
  `CREATE TRIGGER award_totals_update AFTER UPDATE OF revoked_on, year, tier_code, level, enterprise_id ON awards
   WHEN (OLD.revoked_on IS NULL) IS NOT (NEW.revoked_on IS NULL) OR OLD.year IS NOT NEW.year
     OR OLD.tier_code IS NOT NEW.tier_code OR OLD.level IS NOT NEW.level OR OLD.enterprise_id IS NOT NEW.enterprise_id
   BEGIN ${totalDown("OLD")} ${totalUp("NEW")} END`,
  // 0002's, with renewal awards left out of the award counts.
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
                  AND w.renews_award_id IS NULL
                  AND w.year = progress_award_counts.year
                  AND w.tier_code = progress_award_counts.tier_code
                  AND w.level = progress_award_counts.level)
     WHERE town_code = OLD.town_code
       AND (year, tier_code, level) IN
         (SELECT year, tier_code, level FROM awards WHERE enterprise_id = NEW.id AND ${LIVE_NEW});
     INSERT INTO progress_award_counts (year, tier_code, town_code, level, n)
     SELECT year, tier_code, NEW.town_code, level, count(*) FROM awards
     WHERE enterprise_id = NEW.id AND ${LIVE_NEW} GROUP BY year, tier_code, level
     ON CONFLICT (year, tier_code, town_code, level) DO UPDATE SET n = n + excluded.n;
   END`,
];

export async function up(db: Kysely<any>): Promise<void> {
  await dropTriggers(db, REPLACED);
  await runStatements(db, statements);
  const now = new Date().toISOString();
  const defaults = defaultTierValidity();
  const tiers = new Set((await sql<{ code: string }>`SELECT code FROM tiers`.execute(db)).rows.map((r) => r.code));
  for (const d of defaults) {
    // The reference seed writes tiers on a fresh database after the migrations: the validity
    // rows of tiers not there yet are written by the reference seed (seeds/reference.ts).
    if (!tiers.has(d.tierCode)) continue;
    await sql`INSERT INTO tier_validity (tier_code, validity_months, renew_before_days, renew_after_days, updated_by, updated_at)
              VALUES (${d.tierCode}, ${d.validityMonths}, ${d.renewBeforeDays}, ${d.renewAfterDays}, NULL, ${now})`.execute(db);
  }
  // Backfill: in id order, a page at a time.
  const months = new Map(defaults.map((d) => [d.tierCode as string, d.validityMonths]));
  let after = 0;
  for (;;) {
    const rows = (
      await sql<{ id: number; tier_code: string; year: number; recognized_on: string | null }>`
        SELECT id, tier_code, year, recognized_on FROM awards
        WHERE valid_until IS NULL AND id > ${after} ORDER BY id LIMIT 1000`.execute(db)
    ).rows;
    if (rows.length === 0) break;
    for (const r of rows) {
      after = Number(r.id);
      const m = months.get(r.tier_code) ?? null;
      const start = validityStart(r.recognized_on, Number(r.year));
      if (m === null || !/^\d{4}-\d{2}-\d{2}$/.test(start)) continue;
      let until: string | null;
      try {
        until = validUntilFrom(start, m);
      } catch {
        until = null;
      }
      if (until) await sql`UPDATE awards SET valid_until = ${until} WHERE id = ${r.id}`.execute(db);
    }
  }
}
