import type Database from "better-sqlite3";
import type pg from "pg";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import { getApplicationDetail } from "~/models/application-read.server";
import { listApplications } from "~/models/application-list.server";
import { listEnterprises } from "~/models/enterprise-list.server";
import { getEnterpriseProfile } from "~/models/enterprise-profile.server";
import { cultivatingByTier } from "~/models/cultivation.server";
import { LEAGUE_PAGE_SIZE, loadDistrictProgress, loadProgress } from "~/models/progress.server";
import { renewalSummary } from "~/models/validity.server";
import { TIER_CODES } from "~/domain/tiers";
import { parseEnterpriseListQuery } from "~/schemas/enterprise.server";
import { bindable, capturingDb, type CapturedQuery } from "./capture";

export interface PlannedQuery extends CapturedQuery {
  page: string;
  plan: string[];
}

/** Tables that grow with the province: a full scan of one of them is a cost that grows too. */
export const BIG_TABLES = ["enterprises", "applications", "awards", "application_events", "attachments", "audit_log", "sessions"];

async function caller(db: Db, username: string): Promise<Caller> {
  return (await db
    .selectFrom("users")
    .select(["id", "role", "enterprise_id as enterpriseId", "town_code as townCode"])
    .where("username", "=", username)
    .executeTakeFirstOrThrow()) as Caller;
}

/**
 * Runs the hot pages' model functions against `sqlite`, capturing the SQL they issue, and
 * returns each statement with its EXPLAIN QUERY PLAN.
 */
export async function hotQueryPlans(sqlite: Database.Database): Promise<PlannedQuery[]> {
  return planned(sqlite, async (q) => (sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...bindable(q.parameters)) as { detail: string }[]).map((r) => r.detail));
}

/**
 * The same statements on PostgreSQL, each with EXPLAIN (ANALYZE, BUFFERS): the plan it ran with
 * and its times. (Run twice, the second kept: the first may read from disk.)
 */
export async function hotQueryPlansPostgres(pool: pg.Pool): Promise<PlannedQuery[]> {
  return planned(pool, async (q) => {
    const explain = `EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`;
    await pool.query(explain, [...q.parameters]);
    return (await pool.query<{ "QUERY PLAN": string }>(explain, [...q.parameters])).rows.map((r) => r["QUERY PLAN"]);
  });
}

async function planned(database: Database.Database | pg.Pool, explain: (q: CapturedQuery) => Promise<string[]>): Promise<PlannedQuery[]> {
  const { db, take } = capturingDb(database);
  const reviewer = await caller(db, "reviewer");
  const officer = await caller(db, "officer-jintang");
  const firm = await db.selectFrom("enterprises").select(["id"]).where("town_code", "=", "jintang").orderBy("id").limit(1).executeTakeFirstOrThrow();
  const app = await db.selectFrom("applications").select(["id"]).where("status", "=", "approved").orderBy("id").limit(1).executeTakeFirstOrThrow();
  const firstPage = await listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: "jintang" })), { pageSize: 5 });
  take();
  const pages: [string, () => Promise<unknown>][] = [
    ["registry: town filter, first page", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: "jintang" })))],
    [
      "registry: town filter, next page",
      () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: "jintang", cursor: firstPage.nextCursor ?? "" }))),
    ],
    ["registry: all firms, first page", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams()))],
    ["registry: town officer", () => listEnterprises(db, officer, parseEnterpriseListQuery(new URLSearchParams()))],
    ["registry: industry filter", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ industry: "machinery" })))],
    ["registry: by last update", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ sort: "updated", dir: "desc" })))],
    ["profile", () => getEnterpriseProfile(db, reviewer, firm.id)],
    ["review queue", () => listApplications(db, reviewer, { statuses: ["submitted"], limit: 50 })],
    ["application detail", () => getApplicationDetail(db, reviewer, app.id)],
    // What the dashboard's loader reads: the figures and league, the funnel's pool, the renewal table.
    [
      "dashboard",
      () =>
        Promise.all([
          loadProgress(db, reviewer, 2026, new Date(), { after: null, limit: LEAGUE_PAGE_SIZE }),
          cultivatingByTier(db, 2026, TIER_CODES),
          renewalSummary(db, 2026, "2026-10-15"),
        ]),
    ],
    ["dashboard: next page of towns", () => loadProgress(db, reviewer, 2026, new Date(), { after: "jintang", limit: LEAGUE_PAGE_SIZE })],
    ["api progress", () => loadDistrictProgress(db, 2026)],
  ];
  const out: PlannedQuery[] = [];
  for (const [page, run] of pages) {
    take();
    await run();
    for (const q of take()) out.push({ ...q, page, plan: await explain(q) });
  }
  // Not destroyed: that would close the caller's handle.
  return out;
}

/** The table a plan line's name stands for: `e` in `from "enterprises" as "e"` is enterprises. */
function tableOf(sql: string, name: string): string {
  const alias = new RegExp(`"(\\w+)" as "${name}"`).exec(sql);
  return alias ? alias[1]! : name;
}

/**
 * Plan lines that make a query's cost grow with the data:
 * - a big table scanned without an index;
 * - a big table scanned through an index by a query with no LIMIT (a count or a GROUP BY over
 *   every row: an index scan stops early only when a LIMIT stops it);
 * - a temporary b-tree (sort) in a query that reads a big table.
 */
export function planProblems(q: PlannedQuery): string[] {
  const readsBig = BIG_TABLES.some((t) => new RegExp(`"${t}"`).test(q.sql));
  const limited = /\blimit\b/i.test(q.sql);
  return q.plan.filter((line) => {
    if (/USE TEMP B-TREE/.test(line)) return readsBig;
    const scan = /^SCAN (\w+)( USING (COVERING )?INDEX \w+)?/.exec(line);
    if (!scan || !BIG_TABLES.includes(tableOf(q.sql, scan[1]!))) return false;
    return !scan[2] || !limited;
  });
}
