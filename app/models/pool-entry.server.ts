/**
 * The cultivation pool (培育库), its entries: adding firms to the pool, reading one entry with its
 * plan, visits and applications, and changing it (route, officer, year, notes, status) —
 * compare-and-set on the version, audited. Scope as in pool.server.ts.
 */
import { NotFound } from "~/domain/errors";
import { sql, type Kysely } from "kysely";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/dialect/sql";
import { transact } from "../../db/dialect/transact";
import type { DB } from "../../db/schema";
import { checkPoolChange, initialPoolStatus, routeRequired, type ExitReason, type PoolChangeError, type PoolRoute, type PoolStatus, type TaskStatus } from "~/domain/pool";
import { seesEverything, type Caller } from "~/domain/scope";
import type { Status } from "~/domain/state-machine";
import { LEVELS, countsTowardTarget, type TierCode } from "~/domain/tiers";
import { recordAudit } from "./audit.server";
import { assertPoolCaller, firmScope, type PoolRow } from "./pool.server";
import { lockFirmsForPool } from "./pool-follow.server";

type Trx = Kysely<DB>;

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
    .where((eb) => eb.or([eb("role", "in", ["reviewer", "admin"]), town ? eb.and([eb("role", "=", "town_officer"), eb("town_code", "=", town)]) : eb("role", "=", "town_officer")]))
    .orderBy("role")
    .orderBy("display_name")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, role: r.role, townCode: r.town_code }));
}

/** Whether `officerId` may serve a firm of `townCode`: a bureau user, or an officer of that town. */
async function officerFits(trx: Trx, officerId: number, townCode: string): Promise<boolean> {
  const u = await trx.selectFrom("users").select(["role", "town_code"]).where("id", "=", officerId).where("disabled_at", "is", null).executeTakeFirst();
  if (!u) return false;
  return u.role === "reviewer" || u.role === "admin" || (u.role === "town_officer" && u.town_code === townCode);
}

function checkRoute(tier: TierCode, route: PoolRoute | null): PoolInputError | null {
  if (routeRequired(tier) && !route) return "route-required";
  if (!routeRequired(tier) && route) return "route-not-allowed";
  return null;
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
        ? await trx.selectFrom("enterprises as e").select(["e.id", "e.town_code"]).where("e.id", "in", ids).where("e.archived_at", "is", null).where(firmScope(caller)).execute()
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

export type PoolCommandResult = { ok: true } | { ok: false; reason: "conflict" | PoolChangeError | PoolInputError | "task-not-found" };

/** The entry's firm town and status, in scope; 404 otherwise. */
export async function entryInScope(db: Db, caller: Caller, id: number) {
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
        exit_note: exiting ? input.exitNote?.trim() || null : null,
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
