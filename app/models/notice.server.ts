/**
 * Public notice (公示) of recognitions: the bureau's per-tier settings, proposing submitted
 * applications into a notice batch (拟认定), and the scheduled closing of a batch whose window has
 * passed. The public list is in notice-public.server.ts, written objections and their resolution
 * in notice-objection.server.ts. Rules in app/domain/notice.ts; the lifecycle is told in
 * README.md ("Public notice").
 */
import { NotFound, Forbidden } from "~/domain/errors";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import { defaultNoticeSetting, noticeEndDate, type NoticeSetting } from "~/domain/notice";
import { TIERS, type TierCode } from "~/domain/tiers";
import { recordAudit } from "~/models/audit.server";
import { loadCalendarExceptions } from "~/models/calendar.server";
import { proposeApplication } from "~/models/application.server";
import { approveAfterNotice } from "~/models/application-approval.server";
import { createNotification, reviewers } from "~/models/notification.server";
import { todayInShanghai } from "~/utils/format";

export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super("rollback");
  }
}

export function requireDecider(caller: Caller): void {
  if (!seesEverything(caller) || (caller.role !== "reviewer" && caller.role !== "admin")) throw new Forbidden("role");
}

// ───────────────────────────── settings ─────────────────────────────

export async function listNoticeSettings(db: Db): Promise<NoticeSetting[]> {
  const rows = await db.selectFrom("tier_notice_settings").selectAll().execute();
  const byTier = new Map(rows.map((r) => [r.tier_code, r]));
  return TIERS.map((t) => {
    const r = byTier.get(t.code);
    return r ? { tierCode: t.code, enabled: r.enabled === 1, workingDays: r.working_days } : defaultNoticeSetting(t.code);
  });
}

export async function noticeSettingOf(db: Db, tierCode: TierCode): Promise<NoticeSetting> {
  return (await listNoticeSettings(db)).find((s) => s.tierCode === tierCode) ?? defaultNoticeSetting(tierCode);
}

/** The bureau's choice for one tier (audited). */
export async function setNoticeSetting(db: Db, caller: Caller, setting: NoticeSetting): Promise<void> {
  requireDecider(caller);
  const now = new Date().toISOString();
  await transact(db, async (trx) => {
    await trx
      .insertInto("tier_notice_settings")
      .values({ tier_code: setting.tierCode, enabled: setting.enabled ? 1 : 0, working_days: setting.workingDays, updated_by: caller.id, updated_at: now })
      .onConflict((oc) => oc.column("tier_code").doUpdateSet({ enabled: setting.enabled ? 1 : 0, working_days: setting.workingDays, updated_by: caller.id, updated_at: now }))
      .execute();
    await recordAudit(trx, { actorId: caller.id, action: "notice.settings", subject: `tier:${setting.tierCode}`, data: setting });
  });
}

// ───────────────────────────── proposing ─────────────────────────────

export interface ProposeInput {
  title: string;
  startsOn: string;
  office: string;
  phone: string;
  /** The applications with the version the reviewer saw. */
  applications: { id: number; version: number }[];
}

export type ProposeResult = { ok: true; batchId: number; endsOn: string } | { ok: false; reason: "conflict" | "notice-off" | "mixed-days"; applicationId?: number };

/**
 * Creates a batch and moves each application into it (submitted → publicized), all or nothing.
 * The window ends `workingDays` working days after its start (the tiers' setting; the batch's
 * tiers must agree on it), counted with the working-day calendar.
 */
export async function proposeBatch(db: Db, caller: Caller, input: ProposeInput): Promise<ProposeResult> {
  requireDecider(caller);
  const settings = await listNoticeSettings(db);
  const apps = await db
    .selectFrom("applications")
    .select(["id", "tier_code"])
    .where("id", "in", input.applications.length ? input.applications.map((a) => a.id) : [-1])
    .execute();
  let days: number | null = null;
  for (const a of input.applications) {
    const row = apps.find((r) => r.id === a.id);
    if (!row) throw new NotFound("notice");
    const setting = settings.find((s) => s.tierCode === row.tier_code)!;
    if (!setting.enabled) return { ok: false, reason: "notice-off", applicationId: a.id };
    if (days !== null && days !== setting.workingDays) return { ok: false, reason: "mixed-days", applicationId: a.id };
    days = setting.workingDays;
  }
  if (days === null) return { ok: false, reason: "conflict" };
  const endsOn = noticeEndDate(input.startsOn, days, await loadCalendarExceptions(db));
  const now = new Date().toISOString();
  try {
    const batchId = await transact(db, async (trx) => {
      const batch = await trx
        .insertInto("notice_batches")
        .values({
          title: input.title,
          starts_on: input.startsOn,
          ends_on: endsOn,
          working_days: days!,
          office: input.office,
          phone: input.phone,
          created_by: caller.id,
          created_at: now,
          closed_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      let position = 0;
      for (const a of input.applications) {
        position++;
        const pos = position;
        const result = await proposeApplication(trx, caller, a.id, a.version, async (inner) => {
          await inner.insertInto("notice_items").values({ batch_id: batch.id, application_id: a.id, position: pos }).execute();
        });
        if (!result.ok) throw new Rollback({ ok: false as const, reason: "conflict" as const, applicationId: a.id });
      }
      await recordAudit(trx, {
        actorId: caller.id,
        action: "notice.propose",
        subject: `notice:${batch.id}`,
        data: { title: input.title, startsOn: input.startsOn, endsOn, applications: input.applications.map((a) => a.id) },
      });
      return batch.id;
    });
    return { ok: true, batchId, endsOn };
  } catch (error) {
    if (error instanceof Rollback) return error.result as ProposeResult;
    throw error;
  }
}

export interface Proposable {
  id: number;
  version: number;
  year: number;
  tierCode: TierCode;
  firm: string;
  town: { zh: string; en: string };
  submittedAt: string | null;
}

/** Submitted applications of the tiers that go through public notice, oldest submission first. */
export async function listProposable(db: Db, caller: Caller): Promise<Proposable[]> {
  requireDecider(caller);
  const tiers = (await listNoticeSettings(db)).filter((s) => s.enabled).map((s) => s.tierCode);
  if (tiers.length === 0) return [];
  const rows = await db
    .selectFrom("applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .select(["a.id", "a.version", "a.year", "a.tier_code", "a.submitted_at", "e.name", "t.name_zh", "t.name_en"])
    .where("a.status", "=", "submitted")
    .where("a.tier_code", "in", tiers)
    .orderBy("a.submitted_at")
    .orderBy("a.id")
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    year: r.year,
    tierCode: r.tier_code as TierCode,
    firm: r.name,
    town: { zh: r.name_zh, en: r.name_en },
    submittedAt: r.submitted_at,
  }));
}

export interface ProposalConflict {
  id: number;
  /** The present status, null when the application no longer exists. */
  status: string | null;
  firm: string | null;
  tierCode: TierCode | null;
}

export type ProposalPreview =
  | { ok: true; endsOn: string; workingDays: number }
  | { ok: false; reason: "conflicts"; conflicts: ProposalConflict[] }
  | { ok: false; reason: "notice-off" | "mixed-days"; applicationId: number };

/**
 * What proposing the selected applications from `startsOn` would do, without writing: every
 * application that changed since the reviewer saw it (another status or a newer version; each one
 * reported), or the tiers' settings that forbid the batch, or the last day of its window.
 */
export async function previewProposal(db: Db, caller: Caller, startsOn: string, applications: { id: number; version: number }[]): Promise<ProposalPreview> {
  requireDecider(caller);
  const rows = applications.length
    ? await db
        .selectFrom("applications as a")
        .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
        .select(["a.id", "a.version", "a.status", "a.tier_code", "e.name"])
        .where(
          "a.id",
          "in",
          applications.map((a) => a.id),
        )
        .execute()
    : [];
  const conflicts: ProposalConflict[] = [];
  for (const a of applications) {
    const row = rows.find((r) => r.id === a.id);
    if (!row) conflicts.push({ id: a.id, status: null, firm: null, tierCode: null });
    else if (row.status !== "submitted" || row.version !== a.version) conflicts.push({ id: a.id, status: row.status, firm: row.name, tierCode: row.tier_code as TierCode });
  }
  if (conflicts.length) return { ok: false, reason: "conflicts", conflicts };
  const settings = await listNoticeSettings(db);
  let days: number | null = null;
  for (const a of applications) {
    const setting = settings.find((s) => s.tierCode === rows.find((r) => r.id === a.id)!.tier_code)!;
    if (!setting.enabled) return { ok: false, reason: "notice-off", applicationId: a.id };
    if (days !== null && days !== setting.workingDays) return { ok: false, reason: "mixed-days", applicationId: a.id };
    days = setting.workingDays;
  }
  if (days === null) return { ok: false, reason: "conflicts", conflicts: [] };
  return { ok: true, endsOn: noticeEndDate(startsOn, days, await loadCalendarExceptions(db)), workingDays: days };
}

/** A batch's title and window, for the bureau (whether published yet or not); 404 if unknown. */
export async function getBatch(db: Db, caller: Caller, id: number) {
  requireDecider(caller);
  const b = await db.selectFrom("notice_batches").select(["id", "title", "starts_on", "ends_on"]).where("id", "=", id).executeTakeFirst();
  if (!b) throw new NotFound("notice");
  return { id: b.id, title: b.title, startsOn: b.starts_on, endsOn: b.ends_on };
}

// ───────────────────────────── closing (the scheduled job) ─────────────────────────────

export interface CloseCounts {
  [key: string]: number;
  batches: number;
  approved: number;
  waiting: number;
}

/**
 * For every batch whose window has passed: approves each application still in notice with no
 * pending or upheld objection (its award dated the notice's last day), leaves the others to the
 * reviewer, and tells the reviewers once that the window closed. Each approval is its own
 * compare-and-set transaction and the closing notice is keyed by batch, so a re-run (after a
 * crash too) approves nothing twice and writes one award per application.
 */
export async function closeDueNotices(db: Db, now: Date): Promise<CloseCounts> {
  const today = todayInShanghai(now);
  const batches = await db
    .selectFrom("notice_batches as b")
    .select(["b.id", "b.title", "b.ends_on", "b.closed_at"])
    .where("b.ends_on", "<", today)
    .where((eb) =>
      eb.or([
        eb("b.closed_at", "is", null),
        eb.exists(
          eb
            .selectFrom("notice_items as i")
            .innerJoin("applications as a", "a.id", "i.application_id")
            .select(sql<number>`1`.as("one"))
            .whereRef("i.batch_id", "=", "b.id")
            .where("a.status", "=", "publicized"),
        ),
      ]),
    )
    .orderBy("b.id")
    .execute();
  const counts: CloseCounts = { batches: 0, approved: 0, waiting: 0 };
  for (const b of batches) {
    counts.batches++;
    const items = await db
      .selectFrom("notice_items as i")
      .innerJoin("applications as a", "a.id", "i.application_id")
      .select(["a.id", "a.status"])
      .select((eb) =>
        eb
          .selectFrom("notice_objections as o")
          .select(sql<number>`count(*)`.as("n"))
          .whereRef("o.application_id", "=", "a.id")
          .where("o.status", "in", ["pending", "upheld"])
          .as("standing"),
      )
      .where("i.batch_id", "=", b.id)
      .where("a.status", "=", "publicized")
      .orderBy("i.position")
      .execute();
    for (const item of items) {
      if (Number(item.standing ?? 0) > 0) {
        counts.waiting++;
        continue;
      }
      if (await approveAfterNotice(db, item.id, { recognizedOn: b.ends_on, documentNo: null, batchId: b.id })) counts.approved++;
    }
    if (b.closed_at === null) {
      const at = now.toISOString();
      await transact(db, async (trx) => {
        const updated = await trx.updateTable("notice_batches").set({ closed_at: at }).where("id", "=", b.id).where("closed_at", "is", null).executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return;
        for (const recipientId of await reviewers(trx)) {
          await createNotification(trx, {
            recipientId,
            kind: "notice.closed",
            eventKey: `notice:${b.id}:closed`,
            enterpriseId: null,
            params: { title: b.title, endsOn: b.ends_on },
            link: `/notices/${b.id}`,
            now: at,
          });
        }
      });
    }
  }
  return counts;
}
