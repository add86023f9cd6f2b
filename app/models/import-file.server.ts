/**
 * Uploaded spreadsheets between preview and confirm: kept under the data folder by their
 * SHA-256 (never by the user's file name), read into rows of cells.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { dataPaths } from "../../db/client";
import { createSheetReader } from "./sheet-reader-thread.server";
import type { Sheet } from "./sheet-reader.server";
import type { AwardDefaults } from "~/models/award-import.server";

export type ImportKind = "enterprises" | "awards" | "figures";

const sheetReader = createSheetReader();

export interface StoredImportMeta {
  kind: ImportKind;
  fileName: string;
  size: number;
  sha256: string;
  uploadedBy: number;
  uploadedAt: string;
  /** Batch values of a recognition list (tier, level, year, 文号, date) the rows may leave out. */
  defaults?: AwardDefaults;
  /** The year a figures sheet is of, or the year an enterprise list's figures go to. */
  year?: number;
}

export { SpreadsheetUnreadable, type Sheet } from "./sheet-reader.server";

const SHA256 = /^[0-9a-f]{64}$/;
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

function importsDir(): string {
  return path.join(dataPaths().dataDir, "imports");
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** How long an upload is kept for its preview, confirmation and check report. */
export const IMPORT_KEEP_DAYS = 30;

/**
 * Deletes uploads (files, descriptions, parsed rows) untouched for IMPORT_KEEP_DAYS, so that the
 * data folder does not keep every spreadsheet ever previewed. A preview opened after that asks
 * for the file again (imp.err.stale). Best effort: a file that cannot be removed stays.
 */
export async function pruneImportFiles(now = Date.now()): Promise<number> {
  const dir = importsDir();
  let removed = 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const stat = await fs.stat(file);
      if (stat.isFile() && now - stat.mtimeMs > IMPORT_KEEP_DAYS * 86_400_000) {
        await fs.rm(file, { force: true });
        removed++;
      }
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}

/** Keeps the file and its description; the same bytes uploaded again land on the same name. */
export async function storeImportFile(bytes: Uint8Array, meta: Omit<StoredImportMeta, "sha256" | "size">): Promise<StoredImport> {
  const sha256 = sha256Of(bytes);
  const dir = importsDir();
  await fs.mkdir(dir, { recursive: true });
  await pruneImportFiles();
  const full: StoredImportMeta = { ...meta, sha256, size: bytes.length };
  await fs.writeFile(path.join(dir, `${sha256}.bin`), bytes);
  // The description is per upload (kind and batch values may differ for the same bytes).
  const metaId = createHash("sha256")
    .update(sha256)
    .update(JSON.stringify([meta.kind, meta.defaults ?? null, ...(meta.year !== undefined ? [meta.year] : [])]))
    .digest("hex");
  await fs.writeFile(path.join(dir, `${metaId}.json`), JSON.stringify(full));
  return { ...full, id: metaId };
}

export type StoredImport = StoredImportMeta & { id: string };

/** The upload with this id, or null when it is unknown or gone (then the user uploads again). */
export async function loadImportFile(id: string): Promise<{ meta: StoredImport; bytes: Uint8Array } | null> {
  if (!SHA256.test(id)) return null;
  const dir = importsDir();
  try {
    const meta = JSON.parse(await fs.readFile(path.join(dir, `${id}.json`), "utf8")) as StoredImportMeta;
    if (!SHA256.test(meta.sha256)) return null;
    const bytes = new Uint8Array(await fs.readFile(path.join(dir, `${meta.sha256}.bin`)));
    if (sha256Of(bytes) !== meta.sha256) return null;
    return { meta: { ...meta, id }, bytes };
  } catch {
    return null;
  }
}

const SHEET_CACHE_VERSION = 2;
/** A parsed-row cache larger than this is not written: the rows are read from the file again. */
export const SHEET_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * The rows of a stored upload. Parsed once and kept beside the file as JSON (the file is named
 * by its hash, so the cache cannot go stale): a 10,000-row workbook takes seconds to parse, its
 * rows a few milliseconds to read back, and preview and confirm each need them. Rows are kept
 * without their trailing empty cells (a sheet whose rows reach a far-right column is mostly
 * empty cells), and padded back on reading.
 */
export async function readStoredSheet(stored: { meta: StoredImportMeta; bytes: Uint8Array }): Promise<Sheet> {
  const cache = path.join(importsDir(), `${stored.meta.sha256}.rows.json`);
  try {
    const parsed = JSON.parse(await fs.readFile(cache, "utf8")) as { v: number; width: number[]; sheet: Sheet };
    if (parsed.v === SHEET_CACHE_VERSION) {
      parsed.sheet.rows = parsed.sheet.rows.map((r, i) => {
        const row = r.map((c) => (c && typeof c === "object" && "$d" in c ? new Date((c as { $d: string }).$d) : c));
        while (row.length < (parsed.width[i] ?? 0)) row.push(null);
        return row;
      });
      return parsed.sheet;
    }
  } catch {
    /* not cached yet */
  }
  const sheet = await readSheet(stored.bytes);
  const width = sheet.rows.map((r) => r.length);
  const rows = sheet.rows.map((r) => {
    let end = r.length;
    while (end > 0 && (r[end - 1] === null || r[end - 1] === "")) end--;
    return r.slice(0, end).map((c) => (c instanceof Date ? { $d: c.toISOString() } : c));
  });
  const json = JSON.stringify({ v: SHEET_CACHE_VERSION, width, sheet: { ...sheet, rows } });
  if (json.length <= SHEET_CACHE_MAX_BYTES) await fs.writeFile(cache, json);
  return sheet;
}

/**
 * Rows of the first worksheet with data (XLSX) or of the CSV (any of the encodings Excel
 * writes), read in the sheet reader's worker thread: a workbook takes seconds to read, and
 * other users are served meanwhile. Old binary .xls is refused with a hint to save as .xlsx;
 * a sheet beyond SHEET_LIMITS with the limit it passed.
 */
export function readSheet(bytes: Uint8Array): Promise<Sheet> {
  return sheetReader.read(bytes);
}
