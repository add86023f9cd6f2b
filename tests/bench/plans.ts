import type Database from "better-sqlite3";
import type { Caller } from "~/domain/scope";
import { getApplicationDetail, listApplications } from "~/models/application.server";
import { getEnterpriseProfile, listEnterprises } from "~/models/enterprise.server";
import { LEAGUE_PAGE_SIZE, loadDistrictProgress, loadProgress } from "~/models/progress.server";
import { parseEnterpriseListQuery } from "~/schemas/enterprise.server";
import { bindable, capturingDb, type CapturedQuery } from "./capture";

export interface PlannedQuery extends CapturedQuery {
  page: string;
  plan: string[];
}

/** Tables that grow with the province: a full scan of one of them is a cost that grows too. */
export const BIG_TABLES = ["enterprises", "applications", "awards", "application_events", "attachments", "audit_log", "sessions"];

function caller(sqlite: Database.Database, username: string): Caller {
  return sqlite
    .prepare(`SELECT id, role, enterprise_id AS enterpriseId, town_code AS townCode FROM users WHERE username = ?`)
    .get(username) as Caller;
}

/**
 * Runs the hot pages' model functions against `sqlite`, capturing the SQL they issue, and
 * returns each statement with its EXPLAIN QUERY PLAN.
 */
export async function hotQueryPlans(sqlite: Database.Database): Promise<PlannedQuery[]> {
  const { db, take } = capturingDb(sqlite);
  const reviewer = caller(sqlite, "reviewer");
  const officer = caller(sqlite, "officer-jintang");
  const firm = sqlite.prepare(`SELECT id FROM enterprises WHERE town_code = 'jintang' ORDER BY id LIMIT 1`).get() as { id: number };
  const app = sqlite.prepare(`SELECT id FROM applications WHERE status = 'approved' ORDER BY id LIMIT 1`).get() as { id: number };
  const firstPage = await listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: "jintang" })), { pageSize: 5 });
  take();
  const pages: [string, () => Promise<unknown>][] = [
    ["registry: town filter, first page", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: "jintang" })))],
    ["registry: town filter, next page", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: "jintang", cursor: firstPage.nextCursor ?? "" })))],
    ["registry: all firms, first page", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams()))],
    ["registry: town officer", () => listEnterprises(db, officer, parseEnterpriseListQuery(new URLSearchParams()))],
    ["registry: industry filter", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ industry: "machinery" })))],
    ["registry: by last update", () => listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ sort: "updated", dir: "desc" })))],
    ["profile", () => getEnterpriseProfile(db, reviewer, firm.id)],
    ["review queue", () => listApplications(db, reviewer, { statuses: ["submitted"], limit: 50 })],
    ["application detail", () => getApplicationDetail(db, reviewer, app.id)],
    ["dashboard", () => loadProgress(db, reviewer, 2026, new Date(), { after: null, limit: LEAGUE_PAGE_SIZE })],
    ["dashboard: next page of towns", () => loadProgress(db, reviewer, 2026, new Date(), { after: "jintang", limit: LEAGUE_PAGE_SIZE })],
    ["api progress", () => loadDistrictProgress(db, 2026)],
  ];
  const out: PlannedQuery[] = [];
  for (const [page, run] of pages) {
    take();
    await run();
    for (const q of take()) {
      const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...bindable(q.parameters)) as { detail: string }[]).map((r) => r.detail);
      out.push({ ...q, page, plan });
    }
  }
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
