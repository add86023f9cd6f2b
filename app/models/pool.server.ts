/**
 * The cultivation pool (培育库): entries (a firm prepared for a tier and target year), their plans
 * (一企一策 tasks) and visit logs. Every function takes the caller: reviewers and admins manage
 * every entry, a town officer its own town's (by the firm's current town), an enterprise nothing
 * (404, as for something missing). Changes are audited.
 *
 * This module holds the scope, the list and the lookups of firms and overdue tasks; adding to the
 * pool and one entry are in pool-entry.server.ts, tasks and visits in pool-plan.server.ts, and
 * the status following applications in pool-follow.server.ts.
 */
import { NotFound } from "~/domain/errors";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { likeInsensitive, containsPattern } from "../../db/dialect/sql";
import type { ExitReason, PoolRoute, PoolStatus } from "~/domain/pool";
import { seesEverything, type Caller } from "~/domain/scope";
import type { TierCode } from "~/domain/tiers";

/** The pool is the bureau's and the towns' work: a firm's own account sees none of it. */
export function assertPoolCaller(caller: Caller): void {
  if (seesEverything(caller)) return;
  if (caller.role === "town_officer" && caller.townCode) return;
  throw new NotFound("pool-entry");
}

/** The caller's scope over `enterprises e`. */
export function firmScope(caller: Caller) {
  if (seesEverything(caller)) return sql<boolean>`1 = 1`;
  if (caller.role === "town_officer" && caller.townCode) return sql<boolean>`e.town_code = ${caller.townCode}`;
  return sql<boolean>`1 = 0`;
}

/** The names of the firms of `ids` the caller may see (the others are left out). */
export async function firmNamesInScope(db: Db, caller: Caller, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("enterprises as e")
    .select(["e.id", "e.name"])
    .where("e.id", "in", [...ids])
    .where(firmScope(caller))
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ───────────────────────────── the list ─────────────────────────────

export const POOL_SORTS = ["name", "tier", "year", "town", "status", "entered", "officer", "overdue"] as const;
export type PoolSort = (typeof POOL_SORTS)[number];

export interface PoolFilters {
  tier?: TierCode;
  year?: number;
  town?: string;
  status?: PoolStatus | "active";
  officer?: number;
  q?: string;
  sort?: PoolSort;
  dir?: "asc" | "desc";
}

export interface PoolRow {
  id: number;
  enterpriseId: number;
  enterpriseName: string;
  uscc: string;
  townCode: string;
  townNameZh: string;
  townNameEn: string;
  tierCode: TierCode;
  targetYear: number;
  route: PoolRoute | null;
  officerId: number | null;
  officerName: string | null;
  enteredOn: string;
  status: PoolStatus;
  exitReason: ExitReason | null;
  openTasks: number;
  overdueTasks: number;
  lastVisit: string | null;
}

/** A district's pool holds hundreds of firms; a list beyond this many is cut (and says so). */
export const POOL_LIST_LIMIT = 2000;

function poolQuery(db: Db, caller: Caller, filters: PoolFilters) {
  let q = db
    .selectFrom("pool_entries as p")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .leftJoin("users as u", "u.id", "p.officer_id")
    .where(firmScope(caller));
  if (filters.tier) q = q.where("p.tier_code", "=", filters.tier);
  if (filters.year) q = q.where("p.target_year", "=", filters.year);
  if (filters.town) q = q.where("e.town_code", "=", filters.town);
  if (filters.status === "active") q = q.where("p.status", "<>", "exited");
  else if (filters.status) q = q.where("p.status", "=", filters.status);
  if (filters.officer) q = q.where("p.officer_id", "=", filters.officer);
  if (filters.q && filters.q.trim()) {
    const text = filters.q.trim();
    q = q.where((eb) => eb.or([likeInsensitive(db, sql`e.name`, containsPattern(text)), eb("e.uscc", "=", text.toUpperCase())]));
  }
  return q;
}

/** The pool entries the caller may see, filtered and sorted (the whole list: it is small). */
export async function listPool(db: Db, caller: Caller, filters: PoolFilters, today: string): Promise<{ rows: PoolRow[]; truncated: boolean }> {
  assertPoolCaller(caller);
  const openTasks = sql<number>`(SELECT count(*) FROM pool_tasks k WHERE k.entry_id = p.id AND k.status <> 'done')`;
  const overdueTasks = sql<number>`(SELECT count(*) FROM pool_tasks k WHERE k.entry_id = p.id AND k.status <> 'done' AND k.due_on < ${today})`;
  const lastVisit = sql<string | null>`(SELECT max(v.visited_on) FROM pool_visits v WHERE v.entry_id = p.id)`;
  const dir = filters.dir === "desc" ? "desc" : "asc";
  const sortColumn = {
    name: sql`e.name`,
    tier: sql`p.tier_code`,
    year: sql`p.target_year`,
    town: sql`t.sort`,
    status: sql`p.status`,
    entered: sql`p.entered_on`,
    officer: sql`coalesce(u.display_name, '')`,
    overdue: overdueTasks,
  }[filters.sort ?? "entered"];
  const rows = await poolQuery(db, caller, filters)
    .select([
      "p.id",
      "p.enterprise_id",
      "e.name",
      "e.uscc",
      "e.town_code",
      "t.name_zh",
      "t.name_en",
      "p.tier_code",
      "p.target_year",
      "p.route",
      "p.officer_id",
      "u.display_name",
      "p.entered_on",
      "p.status",
      "p.exit_reason",
      openTasks.as("open_tasks"),
      overdueTasks.as("overdue_tasks"),
      lastVisit.as("last_visit"),
    ])
    .orderBy(sql`${sortColumn} ${sql.raw(dir)}`)
    .orderBy("p.id", dir)
    .limit(POOL_LIST_LIMIT + 1)
    .execute();
  return {
    truncated: rows.length > POOL_LIST_LIMIT,
    rows: rows.slice(0, POOL_LIST_LIMIT).map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.name,
      uscc: r.uscc,
      townCode: r.town_code,
      townNameZh: r.name_zh,
      townNameEn: r.name_en,
      tierCode: r.tier_code as TierCode,
      targetYear: r.target_year,
      route: r.route,
      officerId: r.officer_id,
      officerName: r.display_name,
      enteredOn: r.entered_on,
      status: r.status,
      exitReason: r.exit_reason,
      openTasks: Number(r.open_tasks),
      overdueTasks: Number(r.overdue_tasks),
      lastVisit: r.last_visit,
    })),
  };
}

/** Entries per status for a tier and target year, in the caller's scope (one town when given). */
export async function countPoolByStatus(db: Db, caller: Caller, year: number, tier: TierCode, town?: string | null): Promise<Record<PoolStatus, number>> {
  assertPoolCaller(caller);
  const rows = await db
    .selectFrom("pool_entries as p")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .select(["p.status", (eb) => eb.fn.countAll<number>().as("n")])
    .where(firmScope(caller))
    .where("p.target_year", "=", year)
    .where("p.tier_code", "=", tier)
    .$if(Boolean(town), (qb) => qb.where("e.town_code", "=", town!))
    .groupBy("p.status")
    .execute();
  const counts: Record<PoolStatus, number> = { cultivating: 0, applied: 0, recognized: 0, exited: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** Entries still cultivating per (tier, town) for a target year, across the district (the funnel and league). */
export async function cultivatingByTierTown(db: Db, year: number): Promise<{ tier: string; town: string; n: number }[]> {
  const rows = await db
    .selectFrom("pool_entries as p")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .select(["p.tier_code", "e.town_code", (eb) => eb.fn.countAll<number>().as("n")])
    .where("p.target_year", "=", year)
    .where("p.status", "=", "cultivating")
    .groupBy(["p.tier_code", "e.town_code"])
    .execute();
  return rows.map((r) => ({ tier: r.tier_code, town: r.town_code, n: Number(r.n) }));
}

// ───────────────────────────── finding firms, overdue tasks ─────────────────────────────

/** Current firms in the caller's scope by part of the name or the exact credit code (at most 20). */
export async function searchPoolFirms(db: Db, caller: Caller, q: string) {
  assertPoolCaller(caller);
  const text = q.trim();
  if (text === "") return [];
  return db
    .selectFrom("enterprises as e")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .select(["e.id", "e.name", "e.uscc", "e.town_code as townCode", "t.name_zh as townZh", "t.name_en as townEn"])
    .where("e.archived_at", "is", null)
    .where(firmScope(caller))
    .where((eb) => eb.or([likeInsensitive(db, sql`e.name`, containsPattern(text)), eb("e.uscc", "=", text.toUpperCase())]))
    .orderBy("e.name")
    .orderBy("e.id")
    .limit(20)
    .execute();
}

/** A firm in the caller's scope by id (the add form's choice), or null. */
export async function poolFirm(db: Db, caller: Caller, enterpriseId: number) {
  assertPoolCaller(caller);
  if (!Number.isSafeInteger(enterpriseId) || enterpriseId <= 0) return null;
  return (
    (await db
      .selectFrom("enterprises as e")
      .select(["e.id", "e.name", "e.uscc", "e.town_code as townCode"])
      .where("e.id", "=", enterpriseId)
      .where("e.archived_at", "is", null)
      .where(firmScope(caller))
      .executeTakeFirst()) ?? null
  );
}

export interface OverdueTask {
  taskId: number;
  entryId: number;
  title: string;
  owner: string | null;
  dueOn: string;
  enterpriseName: string;
  tierCode: TierCode;
}

/** Open tasks past their due date on active entries in the caller's scope, oldest first. */
export async function listOverdueTasks(db: Db, caller: Caller, today: string, limit = 20): Promise<OverdueTask[]> {
  assertPoolCaller(caller);
  const rows = await db
    .selectFrom("pool_tasks as k")
    .innerJoin("pool_entries as p", "p.id", "k.entry_id")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .select(["k.id", "k.entry_id", "k.title", "k.owner", "k.due_on", "e.name", "p.tier_code"])
    .where(firmScope(caller))
    .where("k.status", "<>", "done")
    .where("k.due_on", "<", today)
    .where("p.status", "<>", "exited")
    .orderBy("k.due_on")
    .orderBy("k.id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    taskId: r.id,
    entryId: r.entry_id,
    title: r.title,
    owner: r.owner,
    dueOn: r.due_on!,
    enterpriseName: r.name,
    tierCode: r.tier_code as TierCode,
  }));
}
