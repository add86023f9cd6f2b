/**
 * Uploaded spreadsheets between preview and confirm: kept under the data folder by their
 * SHA-256 (never by the user's file name), read into rows of cells.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import { dataPaths } from "../../db/client";
import type { CellValue } from "~/domain/import/cells";
import { decodeText, parseCsv, type TextEncodingName } from "~/domain/import/text";
import type { AwardDefaults } from "~/models/award-import.server";

export type ImportKind = "enterprises" | "awards";

export interface StoredImportMeta {
  kind: ImportKind;
  fileName: string;
  size: number;
  sha256: string;
  uploadedBy: number;
  uploadedAt: string;
  /** Batch values of a recognition list (tier, level, year, 文号, date) the rows may leave out. */
  defaults?: AwardDefaults;
}

export interface Sheet {
  sheetName: string | null;
  format: "xlsx" | "csv";
  encoding: TextEncodingName | null;
  rows: CellValue[][];
}

export class SpreadsheetUnreadable extends Error {
  constructor(readonly reason: "xls" | "not-spreadsheet" | "empty" | "corrupt") {
    super(reason);
  }
}

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
  const metaId = createHash("sha256").update(sha256).update(JSON.stringify([meta.kind, meta.defaults ?? null])).digest("hex");
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

function excelValue(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return value;
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join("");
    if ("result" in value) return excelValue((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ("text" in value && typeof (value as { text: unknown }).text === "string") return (value as { text: string }).text;
    if ("error" in value) return null;
  }
  return String(value);
}

/**
 * The first worksheet with data. The whole workbook is loaded rather than streamed: exceljs's
 * streaming reader decodes each chunk separately and garbles Chinese characters that straddle
 * two chunks (seen at 10,000 rows). Loading also fills merged cells with their value.
 */
async function readXlsx(bytes: Uint8Array): Promise<Sheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new SpreadsheetUnreadable("corrupt");
  }
  const sheet = workbook.worksheets.find((ws) => ws.state !== "hidden" && ws.actualRowCount > 0);
  if (!sheet) throw new SpreadsheetUnreadable("empty");
  // columnCount walks every row: read it once, not per row.
  const width = sheet.columnCount;
  const rows: CellValue[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: CellValue[] = [];
    for (let c = 1; c <= width; c++) cells.push(excelValue(row.getCell(c).value));
    rows[rowNumber - 1] = cells;
  });
  return { sheetName: sheet.name, format: "xlsx", encoding: null, rows: Array.from(rows, (r) => r ?? []) };
}

const SHEET_CACHE_VERSION = 1;

/**
 * The rows of a stored upload. Parsed once and kept beside the file as JSON (the file is named
 * by its hash, so the cache cannot go stale): a 10,000-row workbook takes seconds to parse, its
 * rows a few milliseconds to read back, and preview and confirm each need them.
 */
export async function readStoredSheet(stored: { meta: StoredImportMeta; bytes: Uint8Array }): Promise<Sheet> {
  const cache = path.join(importsDir(), `${stored.meta.sha256}.rows.json`);
  try {
    const parsed = JSON.parse(await fs.readFile(cache, "utf8")) as { v: number; sheet: Sheet };
    if (parsed.v === SHEET_CACHE_VERSION) {
      parsed.sheet.rows = parsed.sheet.rows.map((r) =>
        r.map((c) => (c && typeof c === "object" && "$d" in c ? new Date((c as { $d: string }).$d) : c)),
      );
      return parsed.sheet;
    }
  } catch {
    /* not cached yet */
  }
  const sheet = await readSheet(stored.bytes);
  const rows = sheet.rows.map((r) => r.map((c) => (c instanceof Date ? { $d: c.toISOString() } : c)));
  await fs.writeFile(cache, JSON.stringify({ v: SHEET_CACHE_VERSION, sheet: { ...sheet, rows } }));
  return sheet;
}

/**
 * Rows of the first worksheet with data (XLSX) or of the CSV (any of the encodings Excel
 * writes). Old binary .xls is refused with a hint to save as .xlsx.
 */
export async function readSheet(bytes: Uint8Array): Promise<Sheet> {
  if (bytes.length === 0) throw new SpreadsheetUnreadable("empty");
  const magic = Array.from(bytes.subarray(0, 4));
  if (magic[0] === 0xd0 && magic[1] === 0xcf && magic[2] === 0x11 && magic[3] === 0xe0) throw new SpreadsheetUnreadable("xls");
  if (magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04) {
    return readXlsx(bytes);
  }
  // Text: a NUL byte means some other binary file (a PDF, an image) sent by mistake.
  if (bytes.subarray(0, 4096).includes(0)) throw new SpreadsheetUnreadable("not-spreadsheet");
  const { text, encoding } = decodeText(bytes);
  return { sheetName: null, format: "csv", encoding, rows: parseCsv(text) };
}
