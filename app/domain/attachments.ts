/**
 * Evidence files (证明材料): the fixed list of kinds, the limits, and the pure rules for telling a
 * file's type by its content and for cleaning a client-supplied name. Shared by the upload route,
 * the model and the attachment list in the browser.
 */
import type { Role, Status } from "./state-machine";

export const ATTACHMENT_KINDS = [
  "business-licence",
  "financial-statements",
  "rd-audit",
  "ip-certificates",
  "iso-certificates",
  "discharge-permit",
  "energy-audit",
  "self-assessment",
  "other",
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export function isAttachmentKind(x: unknown): x is AttachmentKind {
  return typeof x === "string" && (ATTACHMENT_KINDS as readonly string[]).includes(x);
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_APPLICATION = 20;

export type AttachmentMime = "application/pdf" | "image/jpeg" | "image/png";

export const MIME_EXTENSION: Record<AttachmentMime, string> = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
};

export const MIME_LABEL: Record<AttachmentMime, string> = {
  "application/pdf": "PDF",
  "image/jpeg": "JPEG",
  "image/png": "PNG",
};

/**
 * Files can be added or removed only while the application is being prepared (draft) or revised
 * (returned), by the firm itself or by the bureau on its behalf. Town officers only read.
 */
export function attachmentsEditable(role: Role, status: Status): boolean {
  return (role === "enterprise" || role === "reviewer" || role === "admin") && (status === "draft" || status === "returned");
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes needed from the start of a file to tell its type. */
export const SNIFF_BYTES = 8;

/**
 * The type of a file from its first bytes (%PDF-, FF D8 FF, the PNG signature), or null for
 * anything else. The name and the browser's Content-Type are never trusted.
 */
export function sniffMime(head: Uint8Array): AttachmentMime | null {
  const starts = (sig: readonly number[]) => head.length >= sig.length && sig.every((b, i) => head[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts(PNG_SIGNATURE)) return "image/png";
  return null;
}

const MAX_NAME_CHARS = 120;

/**
 * A client-supplied file name made safe to store and show: the last path segment only, no
 * control or invisible formatting characters (which could disguise an extension), spaces
 * collapsed, at most 120 characters. Chinese and other letters are kept. Display only: files are
 * stored under a random key, never under this name.
 */
export function sanitizeFileName(raw: string | null | undefined): string {
  let name = (raw ?? "").normalize("NFC");
  name = name.split(/[/\\]/).pop() ?? "";
  name = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "");
  name = name.replace(/\s+/gu, " ").trim();
  // Leading dots would make a hidden file on download; ".." alone is no name at all.
  name = name.replace(/^\.+/u, "").trim();
  const chars = Array.from(name);
  if (chars.length > MAX_NAME_CHARS) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
    name =
      Array.from(name.slice(0, name.length - ext.length))
        .slice(0, MAX_NAME_CHARS - ext.length)
        .join("") + ext;
  }
  return name;
}

/**
 * The name to download a file under: the stored name with its extension corrected to the type
 * found in the content (a PDF uploaded as "scan.png" downloads as "scan.pdf").
 */
export function downloadName(storedName: string, mime: AttachmentMime, fallbackStem: string): string {
  const ext = MIME_EXTENSION[mime];
  const name = storedName || fallbackStem;
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (current === ext || (ext === "jpg" && current === "jpeg")) return name;
  const known = ["pdf", "png", "jpg", "jpeg"].includes(current);
  return `${known ? stem : name}.${ext}`;
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback and the real name in RFC 5987
 * `filename*`, which every current browser prefers, so Chinese names survive the download.
 */
export function contentDisposition(name: string, asciiFallback: string): string {
  // Old clients read only `filename`: a pure-ASCII name goes there as it is; any other name would
  // turn into underscores, so the neutral fallback reads better.
  const fallback = /^[\x20-\x7e]+$/.test(name) ? name.replace(/["\\%;]/g, "_") : asciiFallback;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** "1.2 MB", "350 KB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${bytes} B`;
}

/**
 * The evidence kinds each tier requires by default, after the typical evidence of a filing: the
 * business licence and a self-assessment for every tier; audited statements for the tiers judged
 * on money (专精特新, 升规, 上市); the R&D audit and IP certificates for 专精特新; the discharge
 * permit and energy audit for green factories. The bureau changes them at /admin/checklists.
 */
export const DEFAULT_REQUIRED_EVIDENCE: Readonly<Record<string, readonly AttachmentKind[]>> = {
  "specialized-new": ["business-licence", "financial-statements", "rd-audit", "ip-certificates", "self-assessment"],
  "scaled-up": ["business-licence", "financial-statements"],
  "green-factory": ["business-licence", "discharge-permit", "energy-audit", "self-assessment"],
  listed: ["business-licence", "financial-statements"],
  "demonstration-factory": ["business-licence", "self-assessment"],
  "quality-factory": ["business-licence", "self-assessment"],
  "clean-beauty-factory": ["business-licence", "self-assessment"],
};

/** Sorts kinds into the order of the work (ATTACHMENT_KINDS is listed that way: licence first, self-assessment last). */
export function inWorkOrder(kinds: Iterable<string>): AttachmentKind[] {
  const set = new Set(kinds);
  return ATTACHMENT_KINDS.filter((k) => set.has(k));
}

/** The required kinds with no live file among `attached`, in the order of the work. */
export function missingEvidence(required: Iterable<string>, attached: Iterable<string>): AttachmentKind[] {
  const have = new Set(attached);
  return inWorkOrder(required).filter((k) => !have.has(k));
}

/** The name of a tier's checkboxes in the bureau's required-evidence form (browser and server). */
export function evidenceFieldName(tier: string): string {
  return `req-${tier}`;
}
