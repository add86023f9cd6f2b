/**
 * Applications (培育申报), reading: one application within the caller's scope (summary, detail),
 * the next in a reviewer's queue, the firms a caller may apply for, and a firm's earlier figures.
 * The list lives in application-list.server.ts, the commands in application.server.ts.
 */
import { NotFound, Forbidden } from "~/domain/errors";
import { sql, type Kysely } from "kysely";
import type { Db } from "../../db/client";
import { likeInsensitive } from "../../db/dialect/sql";
import type { DB } from "../../db/schema";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import { TRANSITIONS, type Action, type ReasonCode, type Status, type TownOpinion } from "~/domain/state-machine";
import type { Level, TierCode } from "~/domain/tiers";
import type { FirmFigures } from "~/domain/plausibility";
import type { EligibilityResult } from "~/domain/eligibility";

/** True when some status lets `role` take `action` (otherwise the answer is 403, not 409). */
export function roleMayEver(role: Caller["role"], action: Action): boolean {
  return TRANSITIONS.some((t) => t.action === action && t.roles.includes(role));
}

// ───────────────────────────── scope ─────────────────────────────

/**
 * The caller's scope as a condition over `applications a` joined to `enterprises e`: everything
 * for the bureau, its own firm for an enterprise, its town's firms for a town officer.
 */
export function scope(caller: Caller) {
  if (seesEverything(caller)) return sql<boolean>`1 = 1`;
  if (caller.role === "enterprise") return sql<boolean>`a.enterprise_id = ${caller.enterpriseId ?? -1}`;
  if (caller.role === "town_officer") return sql<boolean>`e.town_code = ${caller.townCode ?? ""}`;
  return sql<boolean>`1 = 0`;
}

export function base(db: Kysely<DB>) {
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
    .select(["a.id", "a.enterprise_id", "e.name", "e.town_code", "a.tier_code", "a.year", "a.level_sought", "a.status", "a.version", "a.renews_award_id"])
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
      .select(["ev.id", "ev.at", "u.display_name", "u.role", "ev.action", "ev.from_status", "ev.to_status", "ev.comment", "ev.data"])
      .where("ev.application_id", "=", id)
      .orderBy("ev.id")
      .execute(),
    db
      .selectFrom("awards")
      .select(["id", "level", "year", "recognized_on", "valid_until", "document_no", "revoked_on", "revoked_reason"])
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
export async function nextInQueue(db: Db, caller: Caller, exceptId: number): Promise<{ id: number; enterpriseName: string; tierCode: TierCode } | null> {
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
export async function findOpenApplication(db: Db, caller: Caller, enterpriseId: number, tierCode: TierCode, year: number): Promise<{ id: number; status: Status } | null> {
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
    .where((eb) => eb.or([likeInsensitive(db, sql`e.name`, like), eb("e.uscc", "=", text.toUpperCase())]))
    .orderBy("e.name")
    .orderBy("e.id")
    .limit(20)
    .execute();
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
