/** Recounts the progress counters (db/README.md) from the rows: for tests and maintenance. */
import { sql } from "kysely";
import type { Db } from "../../db/client";

const CLEAN_BEAUTY = "clean-beauty-factory";

// ───────────────────────────── counter check ─────────────────────────────

export interface CounterDifference {
  table:
    | "progress_application_counts"
    | "progress_award_counts"
    | "progress_coverage_counts"
    | "application_status_totals"
    | "award_level_totals"
    | "pipeline_level_counts"
    | "pipeline_level_totals"
    | "award_expiry_counts"
    | "award_expiry_months";
  key: string;
  counter: number;
  actual: number;
}

/**
 * Recomputes every counter table from the rows and lists every difference (empty when the
 * triggers kept them exact). Scans everything: for tests and maintenance, never a request.
 */
export async function verifyCounters(db: Db): Promise<CounterDifference[]> {
  const diffs: CounterDifference[] = [];
  const compare = (table: CounterDifference["table"], counters: { key: string; n: number }[], actual: { key: string; n: number }[]) => {
    const a = new Map(actual.map((r) => [r.key, Number(r.n)]));
    const c = new Map(counters.filter((r) => Number(r.n) !== 0).map((r) => [r.key, Number(r.n)]));
    for (const key of new Set([...a.keys(), ...c.keys()])) {
      const counter = c.get(key) ?? 0;
      const real = a.get(key) ?? 0;
      if (counter !== real) diffs.push({ table, key, counter, actual: real });
    }
  };
  const appCounters = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || town_code || '/' || status AS key, n
    FROM progress_application_counts`.execute(db);
  const appActual = await sql<{ key: string; n: number }>`
    SELECT a.year || '/' || a.tier_code || '/' || e.town_code || '/' || a.status AS key, count(*) AS n
    FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
    GROUP BY a.year, a.tier_code, e.town_code, a.status`.execute(db);
  compare("progress_application_counts", appCounters.rows, appActual.rows);
  const awardCounters = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || town_code || '/' || level AS key, n
    FROM progress_award_counts`.execute(db);
  const awardActual = await sql<{ key: string; n: number }>`
    SELECT w.year || '/' || w.tier_code || '/' || e.town_code || '/' || w.level AS key, count(*) AS n
    FROM awards w JOIN enterprises e ON e.id = w.enterprise_id
    WHERE w.revoked_on IS NULL AND w.renews_award_id IS NULL
    GROUP BY w.year, w.tier_code, e.town_code, w.level`.execute(db);
  compare("progress_award_counts", awardCounters.rows, awardActual.rows);
  const coverageCounters = await sql<{ key: string; n: number }>`
    SELECT town_code || '/total' AS key, total AS n FROM progress_coverage_counts
    UNION ALL SELECT town_code || '/covered', covered FROM progress_coverage_counts`.execute(db);
  const coverageActual = await sql<{ key: string; n: number }>`
    WITH d AS (
      SELECT e.town_code,
        EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = e.id
                AND w.tier_code = ${CLEAN_BEAUTY} AND w.revoked_on IS NULL) AS held
      FROM enterprises e JOIN industries i ON i.code = e.industry_code
      WHERE e.above_scale = 1 AND e.archived_at IS NULL AND i.manufacturing = 1)
    SELECT town_code || '/total' AS key, count(*) AS n FROM d GROUP BY town_code
    UNION ALL SELECT town_code || '/covered', sum(CASE WHEN held THEN 1 ELSE 0 END) FROM d GROUP BY town_code`.execute(db);
  compare("progress_coverage_counts", coverageCounters.rows, coverageActual.rows);
  const statusTotals = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || status AS key, sum(n) AS n FROM application_status_totals
    GROUP BY year, tier_code, status`.execute(db);
  const statusActual = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || status AS key, count(*) AS n FROM applications
    GROUP BY year, tier_code, status`.execute(db);
  compare("application_status_totals", statusTotals.rows, statusActual.rows);
  const awardTotals = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || level AS key, sum(n) AS n FROM award_level_totals
    GROUP BY year, tier_code, level`.execute(db);
  const awardTotalsActual = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || level AS key, count(*) AS n FROM awards
    WHERE revoked_on IS NULL AND renews_award_id IS NULL GROUP BY year, tier_code, level`.execute(db);
  compare("award_level_totals", awardTotals.rows, awardTotalsActual.rows);
  const levelCounters = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || town_code || '/' || level_sought AS key, n
    FROM pipeline_level_counts`.execute(db);
  const levelActual = await sql<{ key: string; n: number }>`
    SELECT a.year || '/' || a.tier_code || '/' || e.town_code || '/' || coalesce(a.level_sought, '') AS key, count(*) AS n
    FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
    WHERE a.status IN ('submitted', 'returned', 'publicized') AND a.renews_award_id IS NULL
    GROUP BY a.year, a.tier_code, e.town_code, coalesce(a.level_sought, '')`.execute(db);
  compare("pipeline_level_counts", levelCounters.rows, levelActual.rows);
  const levelTotals = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || level_sought AS key, sum(n) AS n FROM pipeline_level_totals
    GROUP BY year, tier_code, level_sought`.execute(db);
  const levelTotalsActual = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || coalesce(level_sought, '') AS key, count(*) AS n FROM applications
    WHERE status IN ('submitted', 'returned', 'publicized') AND renews_award_id IS NULL
    GROUP BY year, tier_code, coalesce(level_sought, '')`.execute(db);
  compare("pipeline_level_totals", levelTotals.rows, levelTotalsActual.rows);
  const expiryCounters = await sql<{ key: string; n: number }>`
    SELECT tier_code || '/' || valid_until || '/' || kind AS key, sum(n) AS n FROM award_expiry_counts
    GROUP BY tier_code, valid_until, kind`.execute(db);
  const expiryActual = await sql<{ key: string; n: number }>`
    SELECT tier_code || '/' || valid_until || '/current' AS key, count(*) AS n FROM awards
    WHERE revoked_on IS NULL AND ended_on IS NULL AND valid_until IS NOT NULL GROUP BY tier_code, valid_until
    UNION ALL
    SELECT w.tier_code || '/' || w.valid_until || '/renewed', count(*) FROM awards r JOIN awards w ON w.id = r.renews_award_id
    WHERE w.revoked_on IS NULL AND w.valid_until IS NOT NULL GROUP BY w.tier_code, w.valid_until`.execute(db);
  compare("award_expiry_counts", expiryCounters.rows, expiryActual.rows);
  const monthCounters = await sql<{ key: string; n: number }>`
    SELECT tier_code || '/' || month || '/' || kind AS key, sum(n) AS n FROM award_expiry_months
    GROUP BY tier_code, month, kind`.execute(db);
  // The same counts as the day counter's, summed by month: recounted from the rows all the same.
  const monthActual = await sql<{ key: string; n: number }>`
    SELECT tier_code || '/' || substr(valid_until, 1, 7) || '/current' AS key, count(*) AS n FROM awards
    WHERE revoked_on IS NULL AND ended_on IS NULL AND valid_until IS NOT NULL GROUP BY tier_code, substr(valid_until, 1, 7)
    UNION ALL
    SELECT w.tier_code || '/' || substr(w.valid_until, 1, 7) || '/renewed', count(*) FROM awards r JOIN awards w ON w.id = r.renews_award_id
    WHERE w.revoked_on IS NULL AND w.valid_until IS NOT NULL GROUP BY w.tier_code, substr(w.valid_until, 1, 7)`.execute(db);
  compare("award_expiry_months", monthCounters.rows, monthActual.rows);
  return diffs;
}
