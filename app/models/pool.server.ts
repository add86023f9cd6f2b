/**
 * The cultivation pool (培育库): entries (a firm prepared for a tier and target year), their plans
 * (一企一策 tasks) and visit logs. Every function takes the caller: reviewers and admins manage
 * every entry, a town officer its own town's (by the firm's current town), an enterprise nothing
 * (404, as for something missing). Changes are audited.
 *
 * An entry's status follows its firm's application of the same tier and target year by itself:
 * `followApplication` runs inside the application command's transaction (application.server.ts),
 * after `lockFirmsForPool` took the firm's row, which `addToPool` takes too — so a firm added to
 * the pool while its application moves is never left in a status the application contradicts.
 */
import { NotFound } from "~/domain/errors";
import { sql, type Kysely } from "kysely";
import type { Db } from "../../db/client";
import { isUniqueViolation, likeInsensitive, containsPattern, lockRowsById } from "../../db/dialect/sql";
import { transact } from "../../db/dialect/transact";
import type { DB } from "../../db/schema";
import {
  checkPoolChange,
  initialPoolStatus,
  poolStatusAfterApplication,
  routeRequired,
  type ExitReason,
  type PoolChangeError,
  type PoolRoute,
  type PoolStatus,
  type TaskStatus,
} from "~/domain/pool";
import { seesEverything, type Caller } from "~/domain/scope";
import type { Action, Status } from "~/domain/state-machine";
import { LEVELS, countsTowardTarget, type TierCode } from "~/domain/tiers";
import { recordAudit } from "./audit.server";

type Trx = Kysely<DB>;

/** The pool is the bureau's and the towns' work: a firm's own account sees none of it. */
export function assertPoolCaller(caller: Caller): void {
  if (seesEverything(caller)) return;
  if (caller.role === "town_officer" && caller.townCode) return;
  throw new NotFound("pool-entry");
}

/** The caller's scope over `enterprises e`. */
function firmScope(caller: Caller) {
  if (seesEverything(caller)) return sql<boolean>`1 = 1`;
  if (caller.role === "town_officer" && caller.townCode) return sql<boolean>`e.town_code = ${caller.townCode}`;
  return sql<boolean>`1 = 0`;
}

/** The names of the firms of `ids` the caller may see (the others are left out). */
export async function firmNamesInScope(db: Db, caller: Caller, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("enterprises as e").select(["e.id", "e.name"]).where("e.id", "in", [...ids]).where(firmScope(caller)).execute();
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
export async function listPool(
  db: Db,
  caller: Caller,
  filters: PoolFilters,
  today: string,
): Promise<{ rows: PoolRow[]; truncated: boolean }> {
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
export async function countPoolByStatus(
  db: Db,
  caller: Caller,
  year: number,
  tier: TierCode,
  town?: string | null,
): Promise<Record<PoolStatus, number>> {
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

// ───────────────────────────── adding ─────────────────────────────

export interface AddToPoolInput {
  enterpriseIds: readonly number[];
  tierCode: TierCode;
  targetYear: number;
  route: PoolRoute | null;
  officerId: number | null;
  enteredOn: string;
  notes: string | null;
}

export type AddSkip = { enterpriseId: number; reason: "not-found" | "already-active" };

export interface AddToPoolResult {
  added: { enterpriseId: number; entryId: number; status: PoolStatus }[];
  skipped: AddSkip[];
}

export type PoolInputError = "route-required" | "route-not-allowed" | "officer-invalid";

/**
 * The service officers an entry of a firm in `townCode` may have: the bureau's people and that
 * town's officers, not disabled.
 */
export async function listOfficerChoices(db: Db, caller: Caller, townCode?: string | null) {
  assertPoolCaller(caller);
  const town = seesEverything(caller) ? (townCode ?? null) : caller.townCode;
  const rows = await db
    .selectFrom("users")
    .select(["id", "display_name", "role", "town_code"])
    .where("disabled_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("role", "in", ["reviewer", "admin"]),
        town ? eb.and([eb("role", "=", "town_officer"), eb("town_code", "=", town)]) : eb("role", "=", "town_officer"),
      ]),
    )
    .orderBy("role")
    .orderBy("display_name")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, role: r.role, townCode: r.town_code }));
}

/** Whether `officerId` may serve a firm of `townCode`: a bureau user, or an officer of that town. */
async function officerFits(trx: Trx, officerId: number, townCode: string): Promise<boolean> {
  const u = await trx
    .selectFrom("users")
    .select(["role", "town_code"])
    .where("id", "=", officerId)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  if (!u) return false;
  return u.role === "reviewer" || u.role === "admin" || (u.role === "town_officer" && u.town_code === townCode);
}

function checkRoute(tier: TierCode, route: PoolRoute | null): PoolInputError | null {
  if (routeRequired(tier) && !route) return "route-required";
  if (!routeRequired(tier) && route) return "route-not-allowed";
  return null;
}

/**
 * Locks the firms' rows for the rest of the transaction (PostgreSQL; SQLite has one writer).
 * Every command that reads or writes a firm's pool standing takes it first: the application
 * commands, before the application row; adding to the pool, before reading the applications.
 */
export async function lockFirmsForPool(trx: Trx, enterpriseIds: readonly number[]): Promise<void> {
  await lockRowsById(trx, "enterprises", enterpriseIds);
}

/**
 * Adds firms to the pool of a tier (one entry each), in one transaction: the form adds one, the
 * discovery list many. A firm outside the caller's scope (or archived) is skipped as not found,
 * one with an active entry of the tier as already active. A new entry starts from the firm's
 * standing: recognized when it holds a counting award of the tier and year, applied when an
 * application of them is in review, else cultivating.
 */
export async function addToPool(
  db: Db,
  caller: Caller,
  input: AddToPoolInput,
  now = new Date(),
): Promise<{ ok: true; result: AddToPoolResult } | { ok: false; reason: PoolInputError }> {
  assertPoolCaller(caller);
  const routeError = checkRoute(input.tierCode, input.route);
  if (routeError) return { ok: false, reason: routeError };
  const ids = [...new Set(input.enterpriseIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
  const at = now.toISOString();
  try {
    return await transact(db, async (trx) => {
      await lockFirmsForPool(trx, ids);
      const firms = ids.length
        ? await trx
            .selectFrom("enterprises as e")
            .select(["e.id", "e.town_code"])
            .where("e.id", "in", ids)
            .where("e.archived_at", "is", null)
            .where(firmScope(caller))
            .execute()
        : [];
      const townOf = new Map(firms.map((f) => [f.id, f.town_code]));
      if (input.officerId !== null) {
        for (const town of new Set(townOf.values())) {
          if (!(await officerFits(trx, input.officerId, town))) return { ok: false as const, reason: "officer-invalid" as const };
        }
      }
      const result: AddToPoolResult = { added: [], skipped: [] };
      for (const enterpriseId of ids) {
        if (!townOf.has(enterpriseId)) {
          result.skipped.push({ enterpriseId, reason: "not-found" });
          continue;
        }
        const active = await trx
          .selectFrom("pool_entries")
          .select("id")
          .where("enterprise_id", "=", enterpriseId)
          .where("tier_code", "=", input.tierCode)
          .where("status", "<>", "exited")
          .executeTakeFirst();
        if (active) {
          result.skipped.push({ enterpriseId, reason: "already-active" });
          continue;
        }
        const status = initialPoolStatus(await standing(trx, enterpriseId, input.tierCode, input.targetYear));
        const row = await trx
          .insertInto("pool_entries")
          .values({
            enterprise_id: enterpriseId,
            tier_code: input.tierCode,
            target_year: input.targetYear,
            route: input.route,
            officer_id: input.officerId,
            entered_on: input.enteredOn,
            status,
            exit_reason: null,
            exit_note: null,
            exited_on: null,
            notes: input.notes,
            created_by: caller.id,
            created_at: at,
            updated_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        result.added.push({ enterpriseId, entryId: row.id, status });
      }
      if (result.added.length > 0) {
        await recordAudit(trx, {
          actorId: caller.id,
          action: "pool.add",
          subject: `pool:${input.tierCode}/${input.targetYear}`,
          data: {
            tier: input.tierCode,
            year: input.targetYear,
            route: input.route,
            officerId: input.officerId,
            entries: result.added.map((a) => ({ enterpriseId: a.enterpriseId, entryId: a.entryId, status: a.status })),
          },
        });
      }
      return { ok: true as const, result };
    });
  } catch (error) {
    // The lock above serialises adds of one firm; this is the database's own guard behind it.
    if (isUniqueViolation(error, "pool_entries")) {
      return { ok: true, result: { added: [], skipped: ids.map((enterpriseId) => ({ enterpriseId, reason: "already-active" as const })) } };
    }
    throw error;
  }
}

/** A firm's standing in a tier and year, by the counting rules: a counting live award; an application in review. */
async function standing(trx: Trx, enterpriseId: number, tier: TierCode, year: number) {
  const countingLevels = LEVELS.filter((l) => countsTowardTarget(tier, l));
  const [award, inReview] = await Promise.all([
    trx
      .selectFrom("awards")
      .select("id")
      .where("enterprise_id", "=", enterpriseId)
      .where("tier_code", "=", tier)
      .where("year", "=", year)
      .where("revoked_on", "is", null)
      .where("level", "in", countingLevels)
      .executeTakeFirst(),
    trx
      .selectFrom("applications")
      .select("id")
      .where("enterprise_id", "=", enterpriseId)
      .where("tier_code", "=", tier)
      .where("year", "=", year)
      .where("status", "in", ["submitted", "returned", "publicized"])
      .executeTakeFirst(),
  ]);
  return { recognized: Boolean(award), inReview: Boolean(inReview) };
}

// ───────────────────────────── following applications ─────────────────────────────

/**
 * Moves the firm's active entry of the application's tier and target year after the application
 * took `action` (rules in domain/pool.ts), in the application's transaction. Returns the change.
 */
export async function followApplication(
  trx: Trx,
  change: { enterpriseId: number; tierCode: string; year: number; action: Action; to: Status; at: string },
): Promise<{ entryId: number; from: PoolStatus; to: PoolStatus } | null> {
  const entry = await trx
    .selectFrom("pool_entries")
    .select(["id", "status"])
    .where("enterprise_id", "=", change.enterpriseId)
    .where("tier_code", "=", change.tierCode)
    .where("target_year", "=", change.year)
    .where("status", "<>", "exited")
    .executeTakeFirst();
  if (!entry) return null;
  const next = poolStatusAfterApplication(entry.status, change.action, change.to);
  if (next === null) return null;
  await trx
    .updateTable("pool_entries")
    .set({ status: next, version: sql<number>`version + 1`, updated_at: change.at })
    .where("id", "=", entry.id)
    .where("status", "=", entry.status)
    .execute();
  return { entryId: entry.id, from: entry.status, to: next };
}

// ───────────────────────────── one entry ─────────────────────────────

export interface PoolTaskView {
  id: number;
  title: string;
  owner: string | null;
  dueOn: string | null;
  status: TaskStatus;
  notes: string | null;
  doneOn: string | null;
}

export interface PoolVisitView {
  id: number;
  visitedOn: string;
  visitor: string;
  findings: string;
  createdBy: string | null;
}

export interface PoolEntryDetail extends PoolRow {
  notes: string | null;
  exitNote: string | null;
  exitedOn: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  contactName: string | null;
  contactPhone: string | null;
  industryNameZh: string;
  industryNameEn: string;
  tasks: PoolTaskView[];
  visits: PoolVisitView[];
  applications: { id: number; year: number; status: Status }[];
}

/** One entry with its plan, visits and the firm's applications of the tier; 404 outside scope. */
export async function getPoolEntry(db: Db, caller: Caller, id: number, today: string): Promise<PoolEntryDetail> {
  assertPoolCaller(caller);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFound("pool-entry");
  const row = await db
    .selectFrom("pool_entries as p")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .innerJoin("industries as i", "i.code", "e.industry_code")
    .leftJoin("users as u", "u.id", "p.officer_id")
    .select([
      "p.id",
      "p.enterprise_id",
      "e.name",
      "e.uscc",
      "e.town_code",
      "e.contact_name",
      "e.contact_phone",
      "t.name_zh",
      "t.name_en",
      "i.name_zh as industry_zh",
      "i.name_en as industry_en",
      "p.tier_code",
      "p.target_year",
      "p.route",
      "p.officer_id",
      "u.display_name",
      "p.entered_on",
      "p.status",
      "p.exit_reason",
      "p.exit_note",
      "p.exited_on",
      "p.notes",
      "p.version",
      "p.created_at",
      "p.updated_at",
    ])
    .where(firmScope(caller))
    .where("p.id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFound("pool-entry");
  const [tasks, visits, applications] = await Promise.all([
    db
      .selectFrom("pool_tasks")
      .select(["id", "title", "owner", "due_on", "status", "notes", "done_on"])
      .where("entry_id", "=", id)
      .orderBy(sql`CASE WHEN status = 'done' THEN 1 ELSE 0 END`)
      .orderBy(sql`coalesce(due_on, '9999-12-31')`)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("pool_visits as v")
      .leftJoin("users as u", "u.id", "v.created_by")
      .select(["v.id", "v.visited_on", "v.visitor", "v.findings", "u.display_name"])
      .where("v.entry_id", "=", id)
      .orderBy("v.visited_on", "desc")
      .orderBy("v.id", "desc")
      .execute(),
    db
      .selectFrom("applications")
      .select(["id", "year", "status"])
      .where("enterprise_id", "=", row.enterprise_id)
      .where("tier_code", "=", row.tier_code)
      .orderBy("year", "desc")
      .orderBy("id", "desc")
      .execute(),
  ]);
  const taskViews = tasks.map((k) => ({
    id: k.id,
    title: k.title,
    owner: k.owner,
    dueOn: k.due_on,
    status: k.status,
    notes: k.notes,
    doneOn: k.done_on,
  }));
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.name,
    uscc: row.uscc,
    townCode: row.town_code,
    townNameZh: row.name_zh,
    townNameEn: row.name_en,
    industryNameZh: row.industry_zh,
    industryNameEn: row.industry_en,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
    tierCode: row.tier_code as TierCode,
    targetYear: row.target_year,
    route: row.route,
    officerId: row.officer_id,
    officerName: row.display_name,
    enteredOn: row.entered_on,
    status: row.status,
    exitReason: row.exit_reason,
    exitNote: row.exit_note,
    exitedOn: row.exited_on,
    notes: row.notes,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    openTasks: taskViews.filter((k) => k.status !== "done").length,
    overdueTasks: taskViews.filter((k) => k.status !== "done" && k.dueOn !== null && k.dueOn < today).length,
    lastVisit: visits[0]?.visited_on ?? null,
    tasks: taskViews,
    visits: visits.map((v) => ({ id: v.id, visitedOn: v.visited_on, visitor: v.visitor, findings: v.findings, createdBy: v.display_name })),
    applications,
  };
}

export type PoolCommandResult =
  | { ok: true }
  | { ok: false; reason: "conflict" | PoolChangeError | PoolInputError | "task-not-found" };

/** The entry's firm town and status, in scope; 404 otherwise. */
async function entryInScope(db: Db, caller: Caller, id: number) {
  assertPoolCaller(caller);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFound("pool-entry");
  const row = await db
    .selectFrom("pool_entries as p")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .select(["p.id", "p.status", "p.version", "p.tier_code", "e.town_code"])
    .where(firmScope(caller))
    .where("p.id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFound("pool-entry");
  return row;
}

/** Changes the route, service officer, target year or notes (compare-and-set on the version). */
export async function updatePoolEntry(
  db: Db,
  caller: Caller,
  id: number,
  input: { version: number; route: PoolRoute | null; officerId: number | null; targetYear: number; notes: string | null },
): Promise<PoolCommandResult> {
  const entry = await entryInScope(db, caller, id);
  const routeError = checkRoute(entry.tier_code as TierCode, input.route);
  if (routeError) return { ok: false, reason: routeError };
  if (entry.status === "exited") return { ok: false, reason: "exited" };
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    if (input.officerId !== null && !(await officerFits(trx, input.officerId, entry.town_code))) return { ok: false, reason: "officer-invalid" };
    const updated = await trx
      .updateTable("pool_entries")
      .set({
        route: input.route,
        officer_id: input.officerId,
        target_year: input.targetYear,
        notes: input.notes,
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where("id", "=", id)
      .where("version", "=", input.version)
      .where("status", "<>", "exited")
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false, reason: "conflict" };
    await recordAudit(trx, {
      actorId: caller.id,
      action: "pool.update",
      subject: `pool:${id}`,
      data: { route: input.route, officerId: input.officerId, targetYear: input.targetYear },
    });
    return { ok: true };
  });
}

/** Moves an entry by hand (rules in domain/pool.ts), compare-and-set on the version; audited. */
export async function changePoolStatus(
  db: Db,
  caller: Caller,
  id: number,
  input: { version: number; to: PoolStatus; exitReason: ExitReason | null; exitNote: string | null; today: string },
): Promise<PoolCommandResult> {
  const entry = await entryInScope(db, caller, id);
  const check = checkPoolChange(entry.status, input.to, { reason: input.exitReason, note: input.exitNote });
  if (!check.ok) return { ok: false, reason: check.error };
  const now = new Date().toISOString();
  const exiting = input.to === "exited";
  return transact(db, async (trx) => {
    const updated = await trx
      .updateTable("pool_entries")
      .set({
        status: input.to,
        exit_reason: exiting ? input.exitReason : null,
        exit_note: exiting ? (input.exitNote?.trim() || null) : null,
        exited_on: exiting ? input.today : null,
        version: sql<number>`version + 1`,
        updated_at: now,
      })
      .where("id", "=", id)
      .where("version", "=", input.version)
      .where("status", "=", entry.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false, reason: "conflict" };
    await recordAudit(trx, {
      actorId: caller.id,
      action: "pool.status",
      subject: `pool:${id}`,
      data: { from: entry.status, to: input.to, exitReason: exiting ? input.exitReason : null, exitNote: exiting ? input.exitNote : null },
    });
    return { ok: true };
  });
}

export interface TaskInput {
  title: string;
  owner: string | null;
  dueOn: string | null;
  notes: string | null;
}

/** Adds a task to an entry's plan (一企一策); audited. */
export async function addPoolTask(db: Db, caller: Caller, entryId: number, input: TaskInput): Promise<{ ok: true; id: number } | { ok: false; reason: "exited" }> {
  const entry = await entryInScope(db, caller, entryId);
  if (entry.status === "exited") return { ok: false, reason: "exited" };
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    const row = await trx
      .insertInto("pool_tasks")
      .values({
        entry_id: entryId,
        title: input.title,
        owner: input.owner,
        due_on: input.dueOn,
        status: "open",
        notes: input.notes,
        done_on: null,
        created_by: caller.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: caller.id, action: "pool.task", subject: `pool:${entryId}`, data: { op: "add", taskId: row.id, ...input } });
    return { ok: true as const, id: row.id };
  });
}

/** Sets a task's status (done records the Shanghai date); audited. */
export async function setPoolTaskStatus(
  db: Db,
  caller: Caller,
  entryId: number,
  taskId: number,
  status: TaskStatus,
  today: string,
): Promise<PoolCommandResult> {
  await entryInScope(db, caller, entryId);
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    const task = await trx.selectFrom("pool_tasks").select(["status"]).where("id", "=", taskId).where("entry_id", "=", entryId).executeTakeFirst();
    if (!task) return { ok: false, reason: "task-not-found" };
    if (task.status === status) return { ok: true };
    await trx
      .updateTable("pool_tasks")
      .set({ status, done_on: status === "done" ? today : null, updated_at: now })
      .where("id", "=", taskId)
      .where("entry_id", "=", entryId)
      .execute();
    await recordAudit(trx, { actorId: caller.id, action: "pool.task", subject: `pool:${entryId}`, data: { op: "status", taskId, from: task.status, to: status } });
    return { ok: true };
  });
}

/** Records a visit (走访记录); audited. */
export async function addPoolVisit(
  db: Db,
  caller: Caller,
  entryId: number,
  input: { visitedOn: string; visitor: string; findings: string },
): Promise<{ ok: true; id: number }> {
  await entryInScope(db, caller, entryId);
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    const row = await trx
      .insertInto("pool_visits")
      .values({ entry_id: entryId, visited_on: input.visitedOn, visitor: input.visitor, findings: input.findings, created_by: caller.id, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: caller.id, action: "pool.visit", subject: `pool:${entryId}`, data: { visitId: row.id, visitedOn: input.visitedOn } });
    return { ok: true as const, id: row.id };
  });
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
