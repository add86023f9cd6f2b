/**
 * Applications (培育申报), approval: a reviewer's decision and the approval after a public notice,
 * each writing the award (and, for a renewal, ending the award it renews) in the transaction of
 * the transition.
 */
import { Forbidden } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import { getTier, type Level, type TierCode } from "~/domain/tiers";
import { notifyApplicationTransition } from "~/models/notification.server";
import { followApplication, lockFirmsForPool } from "~/models/pool-follow.server";
import { todayInShanghai } from "~/utils/format";
import { defaultValidUntil } from "~/models/tier-validity.server";
import { getApplicationSummary, roleMayEver } from "~/models/application-read.server";
import { Rollback, transition, type CommandResult } from "~/models/application.server";

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

/**
 * Approves an application whose public notice closed with no objection standing (the scheduled
 * job; no person acts, so the event and decision carry no actor), and writes its award dated the
 * last day of the notice — in one transaction, compare-and-set on `publicized`, so a re-run
 * after a crash finds it approved and writes nothing more. Answers whether it approved now.
 */
export async function approveAfterNotice(db: Db, id: number, input: { recognizedOn: string; documentNo: string | null; batchId: number }): Promise<boolean> {
  const row = await db.selectFrom("applications").select(["id", "enterprise_id", "tier_code", "year", "status", "version", "level_sought"]).where("id", "=", id).executeTakeFirst();
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
