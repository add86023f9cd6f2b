/**
 * Applications (培育申报), the commands of the state machine (app/domain/state-machine.ts):
 * create, save and submit, withdraw, reject or return, revoke, the town's opinion and the
 * proposal into public notice. Each command is compare-and-set on (id, status, version) and
 * writes exactly one application_events row in the same transaction, so two people acting on the
 * same application at once can never both succeed (and never make two awards). Approval, which
 * writes the award, is in application-approval.server.ts.
 */
import { Forbidden } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import { sql, type Kysely } from "kysely";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/dialect/sql";
import type { DB } from "../../db/schema";
import type { Caller } from "~/domain/scope";
import { canTransition, nextStatus, type Action, type ReasonCode, type Status, type TownOpinion } from "~/domain/state-machine";
import type { Level, TierCode } from "~/domain/tiers";
import { evaluateEligibility } from "~/domain/eligibility";
import { recordAudit } from "~/models/audit.server";
import { listChecklist } from "~/models/checklist.server";
import { notifyApplicationTransition } from "~/models/notification.server";
import { followApplication, lockFirmsForPool } from "~/models/pool-follow.server";
import { missingEvidenceOf, requiredEvidence } from "~/models/evidence.server";
import type { AttachmentKind } from "~/domain/attachments";
import { todayInShanghai } from "~/utils/format";
import { findOpenApplication, getApplicantEnterprise, getApplicationSummary, roleMayEver, type ApplicationSummary } from "~/models/application-read.server";

// ───────────────────────────── results and errors ─────────────────────────────

export type CommandResult =
  | { ok: true; id: number }
  | { ok: false; reason: "conflict" }
  | { ok: false; reason: "duplicate"; existingId: number }
  | { ok: false; reason: "award-exists" }
  /** Submission refused: required evidence kinds without a file, in the order of the work. */
  | { ok: false; reason: "evidence-missing"; missing: AttachmentKind[] };

export class Rollback extends Error {
  constructor(readonly result: CommandResult) {
    super(result.ok ? "ok" : result.reason);
  }
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
export async function transition(
  db: Db,
  caller: Caller,
  id: number,
  action: Action,
  expectedVersion: number,
  build: (
    app: ApplicationSummary,
    now: string,
  ) => Promise<{
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
      // The firm first: its cultivation-pool entry follows the application (pool-follow.server.ts).
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
export async function saveApplication(db: Db, caller: Caller, id: number, input: ApplicationInput & { version: number; submit: boolean }): Promise<CommandResult> {
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

export async function withdrawApplication(db: Db, caller: Caller, id: number, input: { version: number; comment?: string | null }): Promise<CommandResult> {
  return transition(db, caller, id, "withdraw", input.version, async () => ({ comment: input.comment ?? null }));
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
export async function revokeApplication(db: Db, caller: Caller, id: number, input: { version: number; reason: string; revokedOn: string }): Promise<CommandResult> {
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
export async function recordTownOpinion(db: Db, caller: Caller, id: number, input: { version: number; opinion: TownOpinion; comment: string }): Promise<CommandResult> {
  return transition(db, caller, id, "opinion", input.version, async () => ({
    set: { town_opinion: input.opinion, town_comment: input.comment },
    comment: input.comment,
    data: { opinion: input.opinion },
  }));
}

// ───────────────────────────── public notice (公示) ─────────────────────────────

/** 拟认定: moves a submitted application into public notice; `extra` writes its batch item. */
export async function proposeApplication(db: Db, caller: Caller, id: number, version: number, extra: (trx: Trx, app: ApplicationSummary) => Promise<void>): Promise<CommandResult> {
  return transition(db, caller, id, "propose", version, async (app) => ({ extra: (trx) => extra(trx, app) }));
}
