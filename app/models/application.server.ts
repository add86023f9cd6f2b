/**
 * Applications (培育申报): reading them within the caller's scope, and every command of the state
 * machine (app/domain/state-machine.ts). Each command is compare-and-set on (id, status,
 * version) and writes exactly one application_events row in the same transaction, so two people
 * acting on the same application at once can never both succeed (and never make two awards).
 */
import { NotFound, Forbidden } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import { sql, type Kysely } from "kysely";
import type { Db } from "../../db/client";
import { isUniqueViolation, likeInsensitive } from "../../db/dialect/sql";
import type { DB } from "../../db/schema";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import {
  TRANSITIONS,
  canTransition,
  nextStatus,
  STATUSES,
  type Action,
  type ReasonCode,
  type Status,
  type TownOpinion,
} from "~/domain/state-machine";
import { getTier, type Level, type TierCode } from "~/domain/tiers";
import type { FirmFigures } from "~/domain/plausibility";
import { evaluateEligibility, type EligibilityResult } from "~/domain/eligibility";
import { recordAudit } from "~/models/audit.server";
import { listChecklist } from "~/models/checklist.server";
import { notifyApplicationTransition } from "~/models/notification.server";
import { followApplication, lockFirmsForPool } from "~/models/pool.server";
import { missingEvidenceOf, requiredEvidence } from "~/models/evidence.server";
import type { AttachmentKind } from "~/domain/attachments";
import { todayInShanghai } from "~/utils/format";
import { defaultValidUntil } from "~/models/tier-validity.server";

// ───────────────────────────── results and errors ─────────────────────────────

export type CommandResult =
  | { ok: true; id: number }
  | { ok: false; reason: "conflict" }
  | { ok: false; reason: "duplicate"; existingId: number }
  | { ok: false; reason: "award-exists" }
  /** Submission refused: required evidence kinds without a file, in the order of the work. */
  | { ok: false; reason: "evidence-missing"; missing: AttachmentKind[] };

class Rollback extends Error {
  constructor(readonly result: CommandResult) {
    super(result.ok ? "ok" : result.reason);
  }
}

/** True when some status lets `role` take `action` (otherwise the answer is 403, not 409). */
export function roleMayEver(role: Caller["role"], action: Action): boolean {
  return TRANSITIONS.some((t) => t.action === action && t.roles.includes(role));
}

// ───────────────────────────── scope ─────────────────────────────

/**
 * The caller's scope as a condition over `applications a` joined to `enterprises e`: everything
 * for the bureau, its own firm for an enterprise, its town's firms for a town officer.
 */
function scope(caller: Caller) {
  if (seesEverything(caller)) return sql<boolean>`1 = 1`;
  if (caller.role === "enterprise") return sql<boolean>`a.enterprise_id = ${caller.enterpriseId ?? -1}`;
  if (caller.role === "town_officer") return sql<boolean>`e.town_code = ${caller.townCode ?? ""}`;
  return sql<boolean>`1 = 0`;
}

function base(db: Kysely<DB>) {
  return db.selectFrom("applications as a").innerJoin("enterprises as e", "e.id", "a.enterprise_id");
}

// ───────────────────────────── reading ─────────────────────────────

export interface ApplicationSummary {
  id: number;
  enterpriseId: number;
  enterpriseName: string;
  townCode: string;
  tierCode: TierCode;
  year: number;
  levelSought: Level | null;
  status: Status;
  version: number;
  /** The award a renewal (复核) application asks to renew; null for a new application. */
  renewsAwardId: number | null;
}

/** The application if the caller may see it; otherwise a thrown 404 (the same as missing). */
export async function getApplicationSummary(db: Db, caller: Caller, id: number): Promise<ApplicationSummary> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFound("application");
  const row = await base(db)
    .select([
      "a.id",
      "a.enterprise_id",
      "e.name",
      "e.town_code",
      "a.tier_code",
      "a.year",
      "a.level_sought",
      "a.status",
      "a.version",
      "a.renews_award_id",
    ])
    .where(scope(caller))
    .where("a.id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFound("application");
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.name,
    townCode: row.town_code,
    tierCode: row.tier_code as TierCode,
    year: row.year,
    levelSought: row.level_sought,
    status: row.status,
    version: row.version,
    renewsAwardId: row.renews_award_id === null ? null : Number(row.renews_award_id),
  };
}

export interface ApplicationEventView {
  id: number;
  at: string;
  actorName: string | null;
  actorRole: Caller["role"] | null;
  action: string;
  fromStatus: Status | null;
  toStatus: Status | null;
  comment: string | null;
  data: Record<string, unknown> | null;
}

export interface AwardView {
  id: number;
  level: Level;
  year: number;
  recognizedOn: string | null;
  validUntil: string | null;
  documentNo: string | null;
  revokedOn: string | null;
  revokedReason: string | null;
}

export interface ApplicationDetail extends ApplicationSummary {
  enterpriseUscc: string;
  townNameZh: string;
  townNameEn: string;
  payload: Record<string, unknown>;
  eligibility: EligibilityResult | null;
  ruleVersion: string | null;
  townOpinion: TownOpinion | null;
  townComment: string | null;
  submittedAt: string | null;
  decidedAt: string | null;
  decisionReason: ReasonCode | null;
  decisionComment: string | null;
  createdAt: string;
  updatedAt: string;
  events: ApplicationEventView[];
  award: AwardView | null;
}

/** Stored JSON as the type its column holds (written by this module), or null when unreadable. */
function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Everything the detail page shows: the application, its award and its whole history. */
export async function getApplicationDetail(db: Db, caller: Caller, id: number): Promise<ApplicationDetail> {
  const summary = await getApplicationSummary(db, caller, id);
  const [row, events, award] = await Promise.all([
    db
      .selectFrom("applications as a")
      .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
      .innerJoin("towns as t", "t.code", "e.town_code")
      .select([
        "e.uscc",
        "t.name_zh",
        "t.name_en",
        "a.payload",
        "a.eligibility",
        "a.rule_version",
        "a.town_opinion",
        "a.town_comment",
        "a.submitted_at",
        "a.decided_at",
        "a.decision_reason",
        "a.decision_comment",
        "a.created_at",
        "a.updated_at",
      ])
      .where("a.id", "=", id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("application_events as ev")
      .leftJoin("users as u", "u.id", "ev.actor_id")
      .select([
        "ev.id",
        "ev.at",
        "u.display_name",
        "u.role",
        "ev.action",
        "ev.from_status",
        "ev.to_status",
        "ev.comment",
        "ev.data",
      ])
      .where("ev.application_id", "=", id)
      .orderBy("ev.id")
      .execute(),
    db
      .selectFrom("awards")
      .select([
        "id",
        "level",
        "year",
        "recognized_on",
        "valid_until",
        "document_no",
        "revoked_on",
        "revoked_reason",
      ])
      .where("application_id", "=", id)
      .executeTakeFirst(),
  ]);
  return {
    ...summary,
    enterpriseUscc: row.uscc,
    townNameZh: row.name_zh,
    townNameEn: row.name_en,
    payload: parseJson<Record<string, unknown>>(row.payload) ?? {},
    eligibility: parseJson<EligibilityResult>(row.eligibility),
    ruleVersion: row.rule_version,
    townOpinion: row.town_opinion,
    townComment: row.town_comment,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason as ReasonCode | null,
    decisionComment: row.decision_comment,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    events: events.map((e) => ({
      id: e.id,
      at: e.at,
      actorName: e.display_name,
      actorRole: e.role,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      comment: e.comment,
      data: parseJson<Record<string, unknown>>(e.data),
    })),
    award: award
      ? {
          id: award.id,
          level: award.level,
          year: award.year,
          recognizedOn: award.recognized_on,
          validUntil: award.valid_until,
          documentNo: award.document_no,
          revokedOn: award.revoked_on,
          revokedReason: award.revoked_reason,
        }
      : null,
  };
}

/**
 * The oldest submitted application in the caller's queue other than `exceptId`, for the "next in
 * queue" link after a decision. A town officer's queue holds those still without the town's
 * opinion; firms have no queue. Seeks on applications_status_submitted.
 */
export async function nextInQueue(
  db: Db,
  caller: Caller,
  exceptId: number,
): Promise<{ id: number; enterpriseName: string; tierCode: TierCode } | null> {
  if (caller.role === "enterprise") return null;
  const row = await base(db)
    .select(["a.id", "e.name", "a.tier_code"])
    .where(scope(caller))
    .where("a.status", "=", "submitted")
    .where("a.id", "<>", exceptId)
    .$if(caller.role === "town_officer", (qb) => qb.where("a.town_opinion", "is", null))
    .orderBy("a.submitted_at")
    .orderBy("a.id")
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, enterpriseName: row.name, tierCode: row.tier_code as TierCode } : null;
}

/** The firm's open application of a tier and year, if any (the one the unique index allows). */
export async function findOpenApplication(
  db: Db,
  caller: Caller,
  enterpriseId: number,
  tierCode: TierCode,
  year: number,
): Promise<{ id: number; status: Status } | null> {
  const row = await base(db)
    .select(["a.id", "a.status"])
    .where(scope(caller))
    .where("a.enterprise_id", "=", enterpriseId)
    .where("a.tier_code", "=", tierCode)
    .where("a.year", "=", year)
    .where("a.status", "in", ["draft", "submitted", "returned", "publicized"])
    .executeTakeFirst();
  return row ?? null;
}

/** A firm the caller may apply for: its own (enterprise) or any current firm (reviewer, admin). */
export async function getApplicantEnterprise(
  db: Db,
  caller: Caller,
  enterpriseId: number,
): Promise<{ id: number; name: string; uscc: string; townCode: string; contactName: string | null; contactPhone: string | null }> {
  if (!roleMayEver(caller.role, "submit")) throw new Forbidden("role");
  if (caller.role === "enterprise" && caller.enterpriseId !== enterpriseId) throw new NotFound("application");
  if (!Number.isSafeInteger(enterpriseId) || enterpriseId <= 0) throw new NotFound("application");
  const row = await db
    .selectFrom("enterprises")
    .select(["id", "name", "uscc", "town_code", "contact_name", "contact_phone"])
    .where("id", "=", enterpriseId)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new NotFound("application");
  return {
    id: row.id,
    name: row.name,
    uscc: row.uscc,
    townCode: row.town_code,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
  };
}

/** Firms a reviewer may apply for on their behalf, found by name or credit code (at most 20). */
export async function searchApplicantFirms(db: Db, caller: Caller, q: string) {
  if (!seesEverything(caller)) throw new Forbidden("role");
  const text = q.trim();
  if (text === "") return [];
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom("enterprises as e")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .select(["e.id", "e.name", "e.uscc", "t.name_zh as townZh", "t.name_en as townEn"])
    .where("e.archived_at", "is", null)
    .where((eb) =>
      eb.or([likeInsensitive(db, sql`e.name`, like), eb("e.uscc", "=", text.toUpperCase())]),
    )
    .orderBy("e.name")
    .orderBy("e.id")
    .limit(20)
    .execute();
}

// ───────────────────────────── the list and the review queue ─────────────────────────────

export interface ApplicationListFilters {
  tier?: TierCode;
  year?: number;
  statuses?: readonly Status[];
  town?: string;
  q?: string;
  /** Levels sought to keep, or "none" for applications with no level yet (级别未定). */
  levelSought?: readonly Level[] | "none";
  /** true: renewal (复核) applications only; false: none of them (the pipeline never holds one). */
  renewal?: boolean;
  cursor?: string | null;
  limit?: number;
}

export interface ApplicationListRow {
  id: number;
  enterpriseId: number;
  enterpriseName: string;
  townCode: string;
  townNameZh: string;
  townNameEn: string;
  tierCode: TierCode;
  year: number;
  levelSought: Level | null;
  status: Status;
  townOpinion: TownOpinion | null;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApplicationList {
  rows: ApplicationListRow[];
  nextCursor: string | null;
  /** Applications per status under the same filters (status aside). */
  counts: Record<Status, number>;
  /** "mine": newest first (an enterprise's own); "queue": oldest submission first. */
  order: "mine" | "queue";
}

type Cursor = { s: string | null; c: string; i: number };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}
function decodeCursor(text: string | null | undefined): Cursor | null {
  if (!text) return null;
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (
      c &&
      (c.s === null || typeof c.s === "string") &&
      typeof c.c === "string" &&
      Number.isSafeInteger(c.i)
    ) {
      return c as Cursor;
    }
  } catch {
    /* a hand-edited cursor is ignored: the first page */
  }
  return null;
}

/**
 * Applications per status under the list's filters. Without a name search they come from the
 * trigger-kept counters (a few hundred rows), not from a GROUP BY over every application in
 * scope, which at province scale reads millions of rows on each view of the queue.
 */
async function statusCounts(
  db: Db,
  caller: Caller,
  filters: ApplicationListFilters,
  filtered: ReturnType<typeof base>,
): Promise<{ status: Status; n: number }[]> {
  // The status counters know no name and no level: a search or a level filter counts the rows.
  const searching = Boolean(filters.q && filters.q.trim() !== "") || filters.levelSought !== undefined || filters.renewal !== undefined;
  const town = seesEverything(caller) ? filters.town : caller.role === "town_officer" ? (caller.townCode ?? "") : undefined;
  if (!searching && seesEverything(caller) && !town) {
    return db
      .selectFrom("application_status_totals")
      .select(["status", (eb) => eb.fn.sum<number>("n").as("n")])
      .$if(Boolean(filters.tier), (qb) => qb.where("tier_code", "=", filters.tier!))
      .$if(Boolean(filters.year), (qb) => qb.where("year", "=", filters.year!))
      .groupBy("status")
      .execute() as Promise<{ status: Status; n: number }[]>;
  }
  if (!searching && town !== undefined && (seesEverything(caller) || !filters.town || filters.town === town)) {
    return db
      .selectFrom("progress_application_counts")
      .select(["status", (eb) => eb.fn.sum<number>("n").as("n")])
      .where("town_code", "=", town)
      .$if(Boolean(filters.tier), (qb) => qb.where("tier_code", "=", filters.tier!))
      .$if(Boolean(filters.year), (qb) => qb.where("year", "=", filters.year!))
      .groupBy("status")
      .execute() as Promise<{ status: Status; n: number }[]>;
  }
  return filtered
    .select(["a.status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("a.status")
    .execute();
}

/**
 * The applications the caller may see, filtered. Enterprises get their own, newest first; town
 * officers and the bureau get a queue, oldest submission first, keyset-paged on
 * (submitted_at, id) with row values (index applications_status_submitted). Drafts (no
 * submitted_at) come after every submitted one, in order of id.
 */
export async function listApplications(db: Db, caller: Caller, filters: ApplicationListFilters): Promise<ApplicationList> {
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
  const order: ApplicationList["order"] = caller.role === "enterprise" ? "mine" : "queue";

  let filtered = base(db).innerJoin("towns as t", "t.code", "e.town_code").where(scope(caller));
  if (filters.tier) filtered = filtered.where("a.tier_code", "=", filters.tier);
  if (filters.year) filtered = filtered.where("a.year", "=", filters.year);
  if (filters.town) filtered = filtered.where("e.town_code", "=", filters.town);
  if (filters.levelSought === "none") filtered = filtered.where("a.level_sought", "is", null);
  else if (filters.levelSought?.length) filtered = filtered.where("a.level_sought", "in", [...filters.levelSought]);
  if (filters.renewal !== undefined) filtered = filtered.where("a.renews_award_id", filters.renewal ? "is not" : "is", null);
  if (filters.q && filters.q.trim() !== "") {
    const like = `%${filters.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filtered = filtered.where(likeInsensitive(db, sql`e.name`, like));
  }

  const countRows = await statusCounts(db, caller, filters, filtered);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of countRows) counts[r.status] = Number(r.n);

  let q = filtered.select([
    "a.id",
    "a.enterprise_id",
    "e.name",
    "e.town_code",
    "t.name_zh",
    "t.name_en",
    "a.tier_code",
    "a.year",
    "a.level_sought",
    "a.status",
    "a.town_opinion",
    "a.submitted_at",
    "a.created_at",
    "a.updated_at",
  ]);
  if (filters.statuses && filters.statuses.length > 0) q = q.where("a.status", "in", [...filters.statuses]);

  const cursor = decodeCursor(filters.cursor);
  if (order === "mine") {
    if (cursor) q = q.where(sql<boolean>`(a.created_at, a.id) < (${cursor.c}, ${cursor.i})`);
    q = q.orderBy("a.created_at", "desc").orderBy("a.id", "desc");
  } else if (filters.statuses?.length && !filters.statuses.includes("draft")) {
    // Every status but draft has a submitted_at: a plain row-value seek on the index.
    if (cursor && cursor.s !== null) q = q.where(sql<boolean>`(a.submitted_at, a.id) > (${cursor.s}, ${cursor.i})`);
    q = q.orderBy("a.submitted_at").orderBy("a.id");
  } else {
    if (cursor && cursor.s !== null) {
      q = q.where(sql<boolean>`(a.submitted_at IS NULL OR (a.submitted_at, a.id) > (${cursor.s}, ${cursor.i}))`);
    } else if (cursor) {
      q = q.where(sql<boolean>`(a.submitted_at IS NULL AND a.id > ${cursor.i})`);
    }
    q = q.orderBy(sql`a.submitted_at IS NULL`).orderBy("a.submitted_at").orderBy("a.id");
  }
  const rows = await q.limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    order,
    counts,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ s: last.submitted_at, c: last.created_at, i: last.id }) : null,
    rows: page.map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.name,
      townCode: r.town_code,
      townNameZh: r.name_zh,
      townNameEn: r.name_en,
      tierCode: r.tier_code as TierCode,
      year: r.year,
      levelSought: r.level_sought,
      status: r.status,
      townOpinion: r.town_opinion,
      submittedAt: r.submitted_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
  };
}

// ───────────────────────────── commands ─────────────────────────────

type Trx = Kysely<DB>;

interface EventInput {
  action: Action | "create";
  from: Status | null;
  to: Status;
  comment?: string | null;
  data?: Record<string, unknown> | null;
}

async function appendEvent(trx: Trx, applicationId: number, actorId: number, at: string, e: EventInput) {
  await trx
    .insertInto("application_events")
    .values({
      application_id: applicationId,
      at,
      actor_id: actorId,
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      comment: e.comment ?? null,
      data: e.data ? JSON.stringify(e.data) : null,
    })
    .execute();
}

/** The pre-check snapshot stored at submission (rule set in force on the Shanghai date). */
async function eligibilitySnapshot(db: Db, tierCode: TierCode, payload: Record<string, unknown>, levelSought: Level, year: number) {
  const checklist = await listChecklist(db, tierCode);
  const result = evaluateEligibility(tierCode, payload, todayInShanghai(), checklist, levelSought, undefined, undefined, year);
  return { eligibility: JSON.stringify(result), rule_version: result.ruleVersion };
}

/**
 * One compare-and-set transition: checks scope (404), role (403) and state (409), then updates
 * the row only if it still has the status and version the caller saw, appends the event and runs
 * `extra` (award writes) — all in one transaction.
 */
async function transition(
  db: Db,
  caller: Caller,
  id: number,
  action: Action,
  expectedVersion: number,
  build: (app: ApplicationSummary, now: string) => Promise<{
    set?: Record<string, unknown>;
    comment?: string | null;
    data?: Record<string, unknown> | null;
    extra?: (trx: Trx) => Promise<void>;
  }>,
): Promise<CommandResult> {
  const app = await getApplicationSummary(db, caller, id);
  if (!roleMayEver(caller.role, action)) throw new Forbidden("role");
  if (!canTransition(caller.role, app.status, action) || app.version !== expectedVersion) {
    return { ok: false, reason: "conflict" };
  }
  const to = nextStatus(app.status, action)!;
  const now = new Date().toISOString();
  const plan = await build(app, now);
  try {
    // Inside a caller's transaction (a bulk decision), the transition joins it: the caller then
    // rolls everything back on any result but ok.
    const inTransaction = (fn: (trx: Trx) => Promise<void>) => (db.isTransaction ? fn(db) : transact(db, fn));
    await inTransaction(async (trx) => {
      // The firm first: its cultivation-pool entry follows the application (pool.server.ts).
      await lockFirmsForPool(trx, [app.enterpriseId]);
      const updated = await trx
        .updateTable("applications")
        .set({
          ...(plan.set ?? {}),
          status: to,
          version: sql<number>`version + 1`,
          updated_at: now,
        })
        .where("id", "=", id)
        .where("status", "=", app.status)
        .where("version", "=", expectedVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new Rollback({ ok: false, reason: "conflict" });
      await appendEvent(trx, id, caller.id, now, {
        action,
        from: app.status,
        to,
        comment: plan.comment ?? null,
        data: plan.data ?? null,
      });
      if (plan.extra) await plan.extra(trx);
      await notifyApplicationTransition(trx, app, action, expectedVersion + 1, now);
      const year = typeof plan.set?.year === "number" ? plan.set.year : app.year;
      await followApplication(trx, { enterpriseId: app.enterpriseId, tierCode: app.tierCode, year, action, to, at: now });
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    if (isUniqueViolation(error, "awards")) return { ok: false, reason: "award-exists" };
    throw error;
  }
  return { ok: true, id };
}

export interface ApplicationInput {
  year: number;
  levelSought: Level;
  payload: Record<string, unknown>;
}

/**
 * Starts an application (a "create" event), and submits it at once when `submit` is set (a
 * second, "submit" event). A second open application of the same firm, tier and year is refused
 * by the partial unique index applications_one_open, even in a race.
 */
export async function createApplication(
  db: Db,
  caller: Caller,
  enterpriseId: number,
  tierCode: TierCode,
  input: ApplicationInput & { submit: boolean; renewsAwardId?: number | null },
): Promise<CommandResult> {
  await getApplicantEnterprise(db, caller, enterpriseId);
  if (input.submit) {
    // A new application has no files yet: it can be submitted at once only where none are required.
    const missing = await requiredEvidence(db, tierCode);
    if (missing.length) return { ok: false, reason: "evidence-missing", missing };
  }
  const now = new Date().toISOString();
  const snapshot = input.submit ? await eligibilitySnapshot(db, tierCode, input.payload, input.levelSought, input.year) : null;
  try {
    const id = await transact(db, async (trx) => {
      await lockFirmsForPool(trx, [enterpriseId]);
      const row = await trx
        .insertInto("applications")
        .values({
          enterprise_id: enterpriseId,
          tier_code: tierCode,
          year: input.year,
          level_sought: input.levelSought,
          status: input.submit ? "submitted" : "draft",
          payload: JSON.stringify(input.payload),
          eligibility: snapshot?.eligibility ?? null,
          rule_version: snapshot?.rule_version ?? null,
          submitted_at: input.submit ? now : null,
          version: input.submit ? 2 : 1,
          created_by: caller.id,
          created_at: now,
          updated_at: now,
          renews_award_id: input.renewsAwardId ?? null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await appendEvent(trx, row.id, caller.id, now, { action: "create", from: null, to: "draft" });
      // A renewal is audited in the transaction that starts it: no renewal without its row.
      if (input.renewsAwardId) {
        await recordAudit(trx, { actorId: caller.id, action: "renewal.start", subject: `award:${input.renewsAwardId}`, data: { applicationId: row.id } });
      }
      if (input.submit) {
        await appendEvent(trx, row.id, caller.id, now, { action: "submit", from: "draft", to: "submitted" });
        await notifyApplicationTransition(trx, { id: row.id, enterpriseId, tierCode, year: input.year }, "submit", 2, now);
        await followApplication(trx, { enterpriseId, tierCode, year: input.year, action: "submit", to: "submitted", at: now });
      }
      return row.id;
    });
    return { ok: true, id };
  } catch (error) {
    if (isUniqueViolation(error, "applications")) {
      const existing = await findOpenApplication(db, caller, enterpriseId, tierCode, input.year);
      if (existing) return { ok: false, reason: "duplicate", existingId: existing.id };
    }
    throw error;
  }
}

/**
 * Saves the form of a draft or returned application ("edit", status unchanged), or saves and
 * submits it ("submit" from a draft, "resubmit" from a returned one) with the eligibility
 * snapshot — one event either way.
 */
export async function saveApplication(
  db: Db,
  caller: Caller,
  id: number,
  input: ApplicationInput & { version: number; submit: boolean },
): Promise<CommandResult> {
  const current = await getApplicationSummary(db, caller, id);
  const action: Action = !input.submit ? "edit" : current.status === "returned" ? "resubmit" : "submit";
  try {
    return await transition(db, caller, id, action, input.version, async (app, now) => {
      const set: Record<string, unknown> = {
        year: input.year,
        level_sought: input.levelSought,
        payload: JSON.stringify(input.payload),
      };
      if (input.submit) {
        Object.assign(set, await eligibilitySnapshot(db, app.tierCode, input.payload, input.levelSought, input.year), {
          submitted_at: now,
          decided_at: null,
          decided_by: null,
        });
      }
      return {
        set,
        data: input.year !== app.year ? { year: input.year } : null,
        // Checked inside the transaction, on the files there when the submission commits.
        extra: input.submit
          ? async (trx) => {
              const missing = await missingEvidenceOf(trx, app.id, app.tierCode);
              if (missing.length) throw new Rollback({ ok: false, reason: "evidence-missing", missing });
            }
          : undefined,
      };
    });
  } catch (error) {
    // Changing the year onto another open application of the same tier.
    if (isUniqueViolation(error, "applications")) {
      const existing = await findOpenApplication(db, caller, current.enterpriseId, current.tierCode, input.year);
      if (existing) return { ok: false, reason: "duplicate", existingId: existing.id };
    }
    throw error;
  }
}

export async function withdrawApplication(
  db: Db,
  caller: Caller,
  id: number,
  input: { version: number; comment?: string | null },
): Promise<CommandResult> {
  return transition(db, caller, id, "withdraw", input.version, async () => ({ comment: input.comment ?? null }));
}

/** Adds years to a calendar date; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  let md = date.slice(5);
  if (md === "02-29" && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) md = "02-28";
  return `${String(y).padStart(4, "0")}-${md}`;
}

/** Approves and writes the award (level, dates, 文号) in the same transaction. */
export async function approveApplication(
  db: Db,
  caller: Caller,
  id: number,
  input: {
    version: number;
    level: Level;
    recognizedOn: string;
    validUntil?: string | null;
    documentNo: string;
    comment?: string | null;
  },
): Promise<CommandResult> {
  // An application in public notice is approved only once its window has closed (asked after
  // the scope and role checks, so that it tells nobody else anything).
  await getApplicationSummary(db, caller, id);
  if (!roleMayEver(caller.role, "approve")) throw new Forbidden("role");
  const inNotice = await db
    .selectFrom("notice_items as i")
    .innerJoin("notice_batches as b", "b.id", "i.batch_id")
    .innerJoin("applications as a", "a.id", "i.application_id")
    .select("b.id")
    .where("i.application_id", "=", id)
    .where("a.status", "=", "publicized")
    .where("b.ends_on", ">=", todayInShanghai())
    .executeTakeFirst();
  if (inNotice) return { ok: false, reason: "conflict" };
  return transition(db, caller, id, "approve", input.version, async (app, now) => {
    // The bureau's validity of the tier (0015), unless the decision gives the date.
    const validUntil = input.validUntil ?? (await defaultValidUntil(db, app.tierCode, input.recognizedOn, app.year));
    const renewal = await db.selectFrom("applications").select("renews_award_id").where("id", "=", app.id).executeTakeFirst();
    const renewsAwardId = renewal?.renews_award_id ?? null;
    return {
      set: {
        decided_at: now,
        decided_by: caller.id,
        decision_reason: null,
        decision_comment: input.comment ?? null,
      },
      comment: input.comment ?? null,
      data: { level: input.level, recognizedOn: input.recognizedOn, validUntil, documentNo: input.documentNo, ...(renewsAwardId !== null ? { renewsAwardId } : {}) },
      extra: async (trx) => {
        await trx
          .insertInto("awards")
          .values({
            enterprise_id: app.enterpriseId,
            tier_code: app.tierCode,
            level: input.level,
            year: app.year,
            recognized_on: input.recognizedOn,
            valid_until: validUntil,
            document_no: input.documentNo,
            application_id: app.id,
            revoked_on: null,
            revoked_reason: null,
            created_by: caller.id,
            created_at: now,
            renews_award_id: renewsAwardId,
          })
          .execute();
        // A renewal (复核) supersedes the award it renews: that one ends, the new one carries on.
        if (renewsAwardId !== null) {
          const ended = await trx
            .updateTable("awards")
            .set({ ended_on: input.recognizedOn })
            .where("id", "=", renewsAwardId)
            .where("ended_on", "is", null)
            .where("revoked_on", "is", null)
            .executeTakeFirst();
          if (Number(ended.numUpdatedRows) !== 1) throw new Rollback({ ok: false, reason: "award-exists" });
        }
      },
    };
  });
}

/** Reject or return for revision: a reason code and the text telling the firm what to fix. */
export async function decideWithReason(
  db: Db,
  caller: Caller,
  id: number,
  action: "reject" | "return",
  input: { version: number; reasonCode: ReasonCode; comment: string },
): Promise<CommandResult> {
  return transition(db, caller, id, action, input.version, async (_app, now) => ({
    set: {
      decided_at: now,
      decided_by: caller.id,
      decision_reason: input.reasonCode,
      decision_comment: input.comment,
    },
    comment: input.comment,
    data: { reason: input.reasonCode },
  }));
}

/** Revokes an approval: the award is marked revoked (it stops counting) in the same transaction. */
export async function revokeApplication(
  db: Db,
  caller: Caller,
  id: number,
  input: { version: number; reason: string; revokedOn: string },
): Promise<CommandResult> {
  return transition(db, caller, id, "revoke", input.version, async (app, now) => ({
    set: { decided_at: now, decided_by: caller.id, decision_reason: null, decision_comment: input.reason },
    comment: input.reason,
    data: { revokedOn: input.revokedOn },
    extra: async (trx) => {
      await trx
        .updateTable("awards")
        .set({ revoked_on: input.revokedOn, revoked_reason: input.reason })
        .where("application_id", "=", app.id)
        .where("revoked_on", "is", null)
        .execute();
    },
  }));
}

/** A town officer's recommendation on a submitted application of its town (not a state change). */
export async function recordTownOpinion(
  db: Db,
  caller: Caller,
  id: number,
  input: { version: number; opinion: TownOpinion; comment: string },
): Promise<CommandResult> {
  return transition(db, caller, id, "opinion", input.version, async () => ({
    set: { town_opinion: input.opinion, town_comment: input.comment },
    comment: input.comment,
    data: { opinion: input.opinion },
  }));
}

/**
 * What the registry knows of a firm's money, for the plausibility check of an application of
 * `year`: the profile's figures and those stated in its latest application of an earlier year.
 */
export async function firmFigures(db: Db, enterpriseId: number, year: number): Promise<FirmFigures> {
  const [firm, earlier] = await Promise.all([
    db.selectFrom("enterprises").select(["revenue_yuan", "rd_expense_yuan"]).where("id", "=", enterpriseId).executeTakeFirst(),
    db
      .selectFrom("applications")
      .select(["year", "payload"])
      .where("enterprise_id", "=", enterpriseId)
      .where("year", "<", year)
      .where("status", "!=", "draft")
      .orderBy("year", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst(),
  ]);
  const stated = (payload: Record<string, unknown>, key: string) => (typeof payload[key] === "number" ? (payload[key] as number) : null);
  const payload = earlier ? (JSON.parse(earlier.payload) as Record<string, unknown>) : null;
  return {
    profile: { revenueYuan: firm?.revenue_yuan ?? null, rdExpenseYuan: firm?.rd_expense_yuan ?? null },
    earlier: earlier && payload ? { year: earlier.year, revenueYuan: stated(payload, "revenueYuan"), rdExpenseYuan: stated(payload, "rdExpenseYuan") } : null,
  };
}

// ───────────────────────────── public notice (公示) ─────────────────────────────

/** 拟认定: moves a submitted application into public notice; `extra` writes its batch item. */
export async function proposeApplication(
  db: Db,
  caller: Caller,
  id: number,
  version: number,
  extra: (trx: Trx, app: ApplicationSummary) => Promise<void>,
): Promise<CommandResult> {
  return transition(db, caller, id, "propose", version, async (app) => ({ extra: (trx) => extra(trx, app) }));
}

/**
 * Approves an application whose public notice closed with no objection standing (the scheduled
 * job; no person acts, so the event and decision carry no actor), and writes its award dated the
 * last day of the notice — in one transaction, compare-and-set on `publicized`, so a re-run
 * after a crash finds it approved and writes nothing more. Answers whether it approved now.
 */
export async function approveAfterNotice(db: Db, id: number, input: { recognizedOn: string; documentNo: string | null; batchId: number }): Promise<boolean> {
  const row = await db
    .selectFrom("applications")
    .select(["id", "enterprise_id", "tier_code", "year", "status", "version", "level_sought"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || row.status !== "publicized") return false;
  const tier = getTier(row.tier_code as TierCode);
  const level = (row.level_sought ?? tier.countingLevel) as Level;
  const validUntil = tier.validityYears ? addYears(input.recognizedOn, tier.validityYears) : null;
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    await lockFirmsForPool(trx, [row.enterprise_id]);
    const updated = await trx
      .updateTable("applications")
      .set({ status: "approved", version: sql<number>`version + 1`, updated_at: now, decided_at: now, decided_by: null, decision_reason: null, decision_comment: null })
      .where("id", "=", id)
      .where("status", "=", "publicized")
      .where("version", "=", row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await trx
      .insertInto("application_events")
      .values({
        application_id: id,
        at: now,
        actor_id: null,
        action: "approve",
        from_status: "publicized",
        to_status: "approved",
        comment: null,
        data: JSON.stringify({ level, recognizedOn: input.recognizedOn, validUntil, documentNo: input.documentNo, noticeBatch: input.batchId }),
      })
      .execute();
    await trx
      .insertInto("awards")
      .values({
        enterprise_id: row.enterprise_id,
        tier_code: row.tier_code,
        level,
        year: row.year,
        recognized_on: input.recognizedOn,
        valid_until: validUntil,
        document_no: input.documentNo,
        application_id: id,
        revoked_on: null,
        revoked_reason: null,
        created_by: null,
        created_at: now,
      })
      .execute();
    const app = { id, enterpriseId: row.enterprise_id, tierCode: row.tier_code as TierCode, year: row.year };
    await notifyApplicationTransition(trx, app, "approve", row.version + 1, now);
    await followApplication(trx, { enterpriseId: row.enterprise_id, tierCode: row.tier_code, year: row.year, action: "approve", to: "approved", at: now });
    return true;
  });
}
