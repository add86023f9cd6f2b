import crypto from "node:crypto";
import { NotFound, Forbidden } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import fs from "node:fs";
import path from "node:path";
import type { UploadHandler } from "@remix-run/node";
import { dataPaths, type Db } from "../../db/client";
import {
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_APPLICATION,
  SNIFF_BYTES,
  attachmentsEditable,
  sanitizeFileName,
  sniffMime,
  type AttachmentKind,
  type AttachmentMime,
} from "~/domain/attachments";
import { seesEverything, type Caller } from "~/domain/scope";
import type { Status } from "~/domain/state-machine";
import { recordAudit } from "./audit.server";

export type AttachmentView = {
  id: number;
  kind: string;
  originalName: string;
  mime: string;
  size: number;
  uploadedAt: string;
};

/** Why an upload or a removal was refused; each has a sentence in messages/attachments.ts. */
export type AttachmentRefusal = "type" | "size" | "count" | "empty" | "kind" | "status" | "malformed";

export class UploadRefused extends Error {
  constructor(
    readonly reason: AttachmentRefusal,
    readonly fileName = "",
  ) {
    super(`upload refused: ${reason}`);
  }
}

/**
 * Where an upload or removal sends the user back to: the application page, with the outcome in
 * the query for the attachment list to show (POST → redirect → GET: a reload never re-uploads).
 */
export function attachmentOutcomeUrl(
  applicationId: number,
  outcome: { notice: "uploaded" | "removed" } | { error: AttachmentRefusal },
  fileName = "",
  page: AttachmentPage = "detail",
): string {
  const query = new URLSearchParams();
  if ("notice" in outcome) query.set("attachment", outcome.notice);
  else query.set("attachmentError", outcome.error);
  if (fileName) query.set("file", fileName.slice(0, 120));
  return `/applications/${applicationId}${page === "edit" ? "/edit" : ""}?${query}#attachments`;
}

/**
 * The page an upload or removal came from (`?from=edit`), to go back to: from the edit page the
 * firm stays on it, and in the browser the form keeps what it has typed and not yet saved.
 */
export type AttachmentPage = "detail" | "edit";

export function attachmentPageOf(request: Request): AttachmentPage {
  return new URL(request.url).searchParams.get("from") === "edit" ? "edit" : "detail";
}

/** The application if the caller may see it (scope in the WHERE), else undefined. */
async function applicationInScope(db: Db, caller: Caller, applicationId: number) {
  let q = db
    .selectFrom("applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.status", "a.enterprise_id"])
    .where("a.id", "=", applicationId);
  if (caller.role === "enterprise") q = q.where("a.enterprise_id", "=", caller.enterpriseId ?? -1);
  else if (caller.role === "town_officer") q = q.where("e.town_code", "=", caller.townCode ?? "");
  else if (!seesEverything(caller)) return undefined;
  return q.executeTakeFirst();
}

/** The evidence files of an application the caller may see, oldest first; 404 outside scope. */
export async function listAttachments(db: Db, caller: Caller, applicationId: number): Promise<AttachmentView[]> {
  if (!(await applicationInScope(db, caller, applicationId))) throw new NotFound("attachment");
  const rows = await db
    .selectFrom("attachments")
    .select(["id", "kind", "original_name", "mime", "size", "uploaded_at"])
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .orderBy("uploaded_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    originalName: r.original_name,
    mime: r.mime,
    size: r.size,
    uploadedAt: r.uploaded_at,
  }));
}

async function liveCount(db: Db, applicationId: number): Promise<number> {
  const row = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("application_id", "=", applicationId)
    .where("deleted_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Checked before the request body is read, so a refused upload costs no disk: 404 outside
 * scope, 403 for a town officer (read-only), a refusal when the status or the count forbids it.
 */
export async function checkUploadAllowed(db: Db, caller: Caller, applicationId: number): Promise<{ ok: true } | { ok: false; reason: AttachmentRefusal }> {
  const app = await applicationInScope(db, caller, applicationId);
  if (!app) throw new NotFound("attachment");
  if (!attachmentsEditable(caller.role, app.status as Status)) {
    if (caller.role === "town_officer") throw new Forbidden("role");
    return { ok: false, reason: "status" };
  }
  if ((await liveCount(db, applicationId)) >= MAX_ATTACHMENTS_PER_APPLICATION) return { ok: false, reason: "count" };
  return { ok: true };
}

export interface ReceivedFile {
  tempPath: string;
  originalName: string;
  mime: AttachmentMime;
  size: number;
  sha256: string;
}

function uploadsDir(): string {
  return dataPaths().uploadsDir;
}

function randomKey(): string {
  return crypto.randomBytes(16).toString("hex");
}

async function drain(data: AsyncIterable<Uint8Array>) {
  for await (const _ of data) {
    // discard
  }
}

/**
 * A streaming handler for unstable_parseMultipartFormData. The one file part, `file`, goes to a
 * temporary file while its size is counted and its SHA-256 computed; it is refused as soon as
 * its first bytes are not PDF/JPEG/PNG or it passes 10 MB, and the partial file is removed.
 * The received file is kept out of the FormData (so a text field cannot forge it): read it with
 * `received()`, and call `discard()` if it is not kept.
 */
export function createEvidenceUploadHandler() {
  let received: ReceivedFile | null = null;
  let sawFile = false;
  const tempDir = path.join(uploadsDir(), "tmp");

  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (filename === undefined) {
      // A small text field (kind); anything long is not from our form.
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of data) {
        total += chunk.byteLength;
        if (total > 1024) throw new UploadRefused("malformed");
        chunks.push(chunk);
      }
      return new TextDecoder().decode(Buffer.concat(chunks));
    }
    const displayName = sanitizeFileName(filename);
    if (name !== "file" || sawFile) throw new UploadRefused("malformed", displayName);
    sawFile = true;
    if (filename === "") {
      await drain(data);
      return null;
    }
    await fs.promises.mkdir(tempDir, { recursive: true });
    const tempPath = path.join(tempDir, `${randomKey()}.part`);
    const file = await fs.promises.open(tempPath, "wx", 0o600);
    const hash = crypto.createHash("sha256");
    let size = 0;
    let head = new Uint8Array(0);
    let mime: AttachmentMime | null = null;
    let kept = false;
    try {
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size > MAX_ATTACHMENT_BYTES) throw new UploadRefused("size", displayName);
        if (!mime) {
          if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          if (head.length >= SNIFF_BYTES) {
            mime = sniffMime(head);
            if (!mime) throw new UploadRefused("type", displayName);
          }
        }
        hash.update(chunk);
        for (let offset = 0; offset < chunk.byteLength;) offset += (await file.write(chunk, offset)).bytesWritten;
      }
      if (size === 0) return null;
      // Files shorter than the sniff window (a 5-byte "%PDF-") are judged on what there is.
      mime ??= sniffMime(head);
      if (!mime) throw new UploadRefused("type", displayName);
      received = { tempPath, originalName: displayName, mime, size, sha256: hash.digest("hex") };
      kept = true;
      return null;
    } finally {
      await file.close();
      if (!kept) await fs.promises.rm(tempPath, { force: true });
    }
  };

  return {
    handler,
    received: () => received,
    async discard() {
      if (received) await fs.promises.rm(received.tempPath, { force: true });
      received = null;
    },
  };
}

/**
 * Keeps a received file: moves it under a random key and records it, re-checking scope, status
 * and the 20-file limit inside the transaction (two uploads racing cannot make 21).
 */
export async function saveAttachment(
  db: Db,
  caller: Caller,
  applicationId: number,
  kind: AttachmentKind,
  file: ReceivedFile,
): Promise<{ ok: true; id: number } | { ok: false; reason: AttachmentRefusal }> {
  const key = randomKey();
  const finalPath = path.join(uploadsDir(), key);
  await fs.promises.rename(file.tempPath, finalPath);
  try {
    const result = await transact(db, async (trx) => {
      const allowed = await checkUploadAllowed(trx, caller, applicationId);
      if (!allowed.ok) return allowed;
      const row = await trx
        .insertInto("attachments")
        .values({
          application_id: applicationId,
          kind,
          original_name: file.originalName,
          mime: file.mime,
          size: file.size,
          sha256: file.sha256,
          storage_key: key,
          uploaded_by: caller.id,
          uploaded_at: new Date().toISOString(),
          deleted_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actorId: caller.id,
        action: "attachment.upload",
        subject: `application/${applicationId}`,
        data: { attachmentId: row.id, kind, name: file.originalName, mime: file.mime, size: file.size, sha256: file.sha256 },
      });
      return { ok: true as const, id: row.id };
    });
    if (!result.ok) await fs.promises.rm(finalPath, { force: true });
    return result;
  } catch (error) {
    await fs.promises.rm(finalPath, { force: true });
    throw error;
  }
}

/** Scoped lookup of a live attachment with its application; undefined when out of scope or gone. */
async function attachmentInScope(db: Db, caller: Caller, attachmentId: number) {
  let q = db
    .selectFrom("attachments as f")
    .innerJoin("applications as a", "a.id", "f.application_id")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["f.id", "f.application_id", "f.original_name", "f.mime", "f.size", "f.storage_key", "a.status"])
    .where("f.id", "=", attachmentId)
    .where("f.deleted_at", "is", null);
  if (caller.role === "enterprise") q = q.where("a.enterprise_id", "=", caller.enterpriseId ?? -1);
  else if (caller.role === "town_officer") q = q.where("e.town_code", "=", caller.townCode ?? "");
  else if (!seesEverything(caller)) return undefined;
  return q.executeTakeFirst();
}

/** What the download route needs: 404 when out of scope, removed, or the file is missing on disk. */
export async function getAttachmentFile(db: Db, caller: Caller, attachmentId: number) {
  const row = await attachmentInScope(db, caller, attachmentId);
  if (!row) throw new NotFound("attachment");
  const filePath = path.join(uploadsDir(), row.storage_key);
  const stat = await fs.promises.stat(filePath).catch(() => null);
  if (!stat?.isFile()) throw new NotFound("attachment");
  return { id: row.id, originalName: row.original_name, mime: row.mime as AttachmentMime, size: stat.size, path: filePath };
}

/**
 * Soft-deletes a file (deleted_at): only while the application is a draft or returned, by the
 * owning firm or a reviewer/admin. The file stays on disk, so the audit trail can be followed.
 */
export async function removeAttachment(
  db: Db,
  caller: Caller,
  attachmentId: number,
): Promise<{ ok: true; applicationId: number; name: string } | { ok: false; reason: "status"; applicationId: number }> {
  return transact(db, async (trx) => {
    const row = await attachmentInScope(trx, caller, attachmentId);
    if (!row) throw new NotFound("attachment");
    if (!attachmentsEditable(caller.role, row.status as Status)) {
      if (caller.role === "town_officer") throw new Forbidden("role");
      return { ok: false as const, reason: "status" as const, applicationId: row.application_id };
    }
    await trx.updateTable("attachments").set({ deleted_at: new Date().toISOString() }).where("id", "=", row.id).execute();
    await recordAudit(trx, {
      actorId: caller.id,
      action: "attachment.remove",
      subject: `application/${row.application_id}`,
      data: { attachmentId: row.id, name: row.original_name },
    });
    return { ok: true as const, applicationId: row.application_id, name: row.original_name };
  });
}
