/**
 * Public notice (公示), objections: filing one while the window is open (public, no sign-in),
 * reading them on the application page, and resolving them — upholding one returns or rejects
 * the application in the same transaction.
 */
import { NotFound } from "~/domain/errors";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataPaths, type Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import type { Caller } from "~/domain/scope";
import { noticeWindow, type NoticeWindow } from "~/domain/notice";
import type { ReasonCode } from "~/domain/state-machine";
import { recordAudit } from "~/models/audit.server";
import { decideWithReason } from "~/models/application.server";
import type { ReceivedFile } from "~/models/attachment.server";
import { createNotification, reviewers } from "~/models/notification.server";
import { todayInShanghai } from "~/utils/format";
import { currentClientAddress } from "~/utils/request-context.server";
import { Rollback, requireDecider } from "~/models/notice.server";
import { getPublicNotice } from "~/models/notice-public.server";

// ───────────────────────────── objections ─────────────────────────────

export interface ObjectionInput {
  applicationId: number;
  name: string;
  phone: string;
  reason: string;
  /** An optional file, already checked and held in a temporary file (createEvidenceUploadHandler). */
  file?: ReceivedFile | null;
}

export type ObjectionResult = { ok: true; reference: string } | { ok: false; reason: "window-closed" | "window-upcoming" | "application" };

function newReference(batchId: number): string {
  return `GS${batchId}-${randomBytes(4).toString("hex").toUpperCase()}`;
}

/** Files an objection (public, no sign-in) while the window is open; audited; reviewers notified. */
export async function fileObjection(db: Db, batchId: number, input: ObjectionInput, today = todayInShanghai()): Promise<ObjectionResult> {
  const batch = await getPublicNotice(db, batchId, today);
  if (batch.window === "closed") return { ok: false, reason: "window-closed" };
  if (batch.window === "upcoming") return { ok: false, reason: "window-upcoming" };
  const item = batch.items.find((i) => i.applicationId === input.applicationId);
  if (!item) return { ok: false, reason: "application" };
  const app = await db.selectFrom("applications").select(["enterprise_id", "tier_code", "year"]).where("id", "=", item.applicationId).executeTakeFirstOrThrow();
  const reference = newReference(batchId);
  const now = new Date().toISOString();
  // The file is moved under a random key first and removed again if the objection is not stored.
  const file = input.file ?? null;
  const fileKey = file ? randomBytes(16).toString("hex") : null;
  const finalPath = fileKey ? path.join(dataPaths().uploadsDir, fileKey) : null;
  if (file && finalPath) await fs.promises.rename(file.tempPath, finalPath);
  try {
    await transact(db, async (trx) => {
      const row = await trx
        .insertInto("notice_objections")
        .values({
          reference,
          batch_id: batchId,
          application_id: item.applicationId,
          name: input.name,
          phone: input.phone,
          reason: input.reason,
          address: currentClientAddress(),
          status: "pending",
          resolution: null,
          resolved_by: null,
          resolved_at: null,
          created_at: now,
          file_name: file ? file.originalName : null,
          file_mime: file ? file.mime : null,
          file_size: file ? file.size : null,
          file_sha256: file ? file.sha256 : null,
          file_key: fileKey,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorId: null,
        action: "notice.objection",
        subject: `application:${item.applicationId}`,
        data: file ? { batch: batchId, reference, file: { name: file.originalName, mime: file.mime, size: file.size, sha256: file.sha256 } } : { batch: batchId, reference },
      });
      for (const recipientId of await reviewers(trx)) {
        await createNotification(trx, {
          recipientId,
          kind: "notice.objection",
          eventKey: `objection:${row.id}`,
          enterpriseId: app.enterprise_id,
          params: { tierCode: app.tier_code, year: app.year, applicationId: item.applicationId, reference },
          link: `/applications/${item.applicationId}`,
          now,
        });
      }
    });
  } catch (error) {
    if (finalPath) await fs.promises.rm(finalPath, { force: true });
    throw error;
  }
  return { ok: true, reference };
}

export interface ObjectionView {
  id: number;
  reference: string;
  batchId: number;
  name: string;
  phone: string;
  reason: string;
  status: "pending" | "upheld" | "dismissed";
  resolution: string | null;
  resolvedAt: string | null;
  createdAt: string;
  file: { name: string; mime: string; size: number } | null;
}

/** The objections to one application, for the bureau (others: none). */
export async function listObjections(db: Db, caller: Caller, applicationId: number): Promise<ObjectionView[]> {
  if (caller.role !== "reviewer" && caller.role !== "admin") return [];
  const rows = await db.selectFrom("notice_objections").selectAll().where("application_id", "=", applicationId).orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    batchId: r.batch_id,
    name: r.name,
    phone: r.phone,
    reason: r.reason,
    status: r.status,
    resolution: r.resolution,
    resolvedAt: r.resolved_at,
    createdAt: r.created_at,
    file: r.file_key && r.file_mime ? { name: r.file_name ?? "", mime: r.file_mime, size: r.file_size ?? 0 } : null,
  }));
}

/**
 * The file of an objection, for the bureau only: anyone else, an objection without a file, or a
 * file missing on disk answers 404 (the public never gets back what was filed).
 */
export async function getObjectionFile(db: Db, caller: Caller, objectionId: number) {
  if (caller.role !== "reviewer" && caller.role !== "admin") throw new NotFound("notice");
  const row = await db.selectFrom("notice_objections").select(["id", "reference", "file_name", "file_mime", "file_key"]).where("id", "=", objectionId).executeTakeFirst();
  if (!row?.file_key || !row.file_mime) throw new NotFound("notice");
  const filePath = path.join(dataPaths().uploadsDir, row.file_key);
  const stat = await fs.promises.stat(filePath).catch(() => null);
  if (!stat?.isFile()) throw new NotFound("notice");
  return { id: row.id, reference: row.reference, originalName: row.file_name ?? "", mime: row.file_mime, size: stat.size, path: filePath };
}

/** The batch an application was published in (the latest), for the bureau's application page. */
export async function noticeOfApplication(
  db: Db,
  applicationId: number,
  today = todayInShanghai(),
): Promise<{ id: number; title: string; startsOn: string; endsOn: string; workingDays: number; window: NoticeWindow } | null> {
  const b = await db
    .selectFrom("notice_items as i")
    .innerJoin("notice_batches as b", "b.id", "i.batch_id")
    .select(["b.id", "b.title", "b.starts_on", "b.ends_on", "b.working_days"])
    .where("i.application_id", "=", applicationId)
    .orderBy("b.id", "desc")
    .executeTakeFirst();
  if (!b) return null;
  return { id: b.id, title: b.title, startsOn: b.starts_on, endsOn: b.ends_on, workingDays: b.working_days, window: noticeWindow(b.starts_on, b.ends_on, today) };
}

export type ResolveInput =
  { outcome: "dismissed"; resolution: string } | { outcome: "upheld"; resolution: string; decision: "return" | "reject"; reasonCode: ReasonCode; version: number };

export type ResolveResult = { ok: true } | { ok: false; reason: "conflict" };

/**
 * Resolves a pending objection: dismissed (with a reason), or upheld — the application is then
 * returned or rejected with the reason, in the same transaction.
 */
export async function resolveObjection(db: Db, caller: Caller, objectionId: number, input: ResolveInput): Promise<ResolveResult> {
  requireDecider(caller);
  const objection = await db.selectFrom("notice_objections").select(["id", "application_id", "status", "reference"]).where("id", "=", objectionId).executeTakeFirst();
  if (!objection) throw new NotFound("notice");
  if (objection.status !== "pending") return { ok: false, reason: "conflict" };
  const now = new Date().toISOString();
  try {
    await transact(db, async (trx) => {
      const updated = await trx
        .updateTable("notice_objections")
        .set({ status: input.outcome, resolution: input.resolution, resolved_by: caller.id, resolved_at: now })
        .where("id", "=", objectionId)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new Rollback({ ok: false, reason: "conflict" });
      if (input.outcome === "upheld") {
        const result = await decideWithReason(trx, caller, objection.application_id, input.decision, {
          version: input.version,
          reasonCode: input.reasonCode,
          comment: input.resolution,
        });
        if (!result.ok) throw new Rollback({ ok: false, reason: "conflict" });
      }
      await recordAudit(trx, {
        actorId: caller.id,
        action: "notice.resolve",
        subject: `application:${objection.application_id}`,
        data: { objection: objection.reference, outcome: input.outcome, decision: input.outcome === "upheld" ? input.decision : null },
      });
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result as ResolveResult;
    throw error;
  }
  return { ok: true };
}
