/**
 * Spreadsheet bytes to rows of cells (XLSX through exceljs, CSV in any of the encodings Excel
 * writes), within SHEET_LIMITS. Runs in the sheet reader's worker thread (sheet-reader.worker.ts),
 * never on the thread that serves pages.
 */
import ExcelJS from "exceljs";
import zlib from "node:zlib";
import type { CellValue } from "~/domain/import/cells";
import { measureSheetXml, sheetLimitPassed, SHEET_LIMITS, type SheetLimitReason } from "~/domain/import/sheet-limits";
import { decodeText, parseCsv, type TextEncodingName } from "~/domain/import/text";

export interface Sheet {
  sheetName: string | null;
  format: "xlsx" | "csv";
  encoding: TextEncodingName | null;
  rows: CellValue[][];
}

export type UnreadableReason = "xls" | "not-spreadsheet" | "empty" | "corrupt" | SheetLimitReason;

export class SpreadsheetUnreadable extends Error {
  constructor(readonly reason: UnreadableReason) {
    super(reason);
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

/** The entries of a ZIP archive from its central directory: name, method, offsets. */
function zipEntries(bytes: Buffer): { name: string; method: number; compressedSize: number; localOffset: number }[] {
  const minEocd = Math.max(0, bytes.length - 65_557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= minEocd; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SpreadsheetUnreadable("corrupt");
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw new SpreadsheetUnreadable("corrupt");
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    entries.push({ name, method, compressedSize, localOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One entry's bytes unpacked, refusing to unpack more than SHEET_LIMITS.xmlBytes. */
function unpack(bytes: Buffer, entry: { method: number; compressedSize: number; localOffset: number }): string {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) throw new SpreadsheetUnreadable("corrupt");
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  try {
    if (entry.method === 0) {
      if (data.length > SHEET_LIMITS.xmlBytes) throw new SpreadsheetUnreadable("too-big-to-read");
      return data.toString("utf8");
    }
    return zlib.inflateRawSync(data, { maxOutputLength: SHEET_LIMITS.xmlBytes }).toString("utf8");
  } catch (error) {
    if (error instanceof SpreadsheetUnreadable) throw error;
    if (error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new SpreadsheetUnreadable("too-big-to-read");
    }
    throw new SpreadsheetUnreadable("corrupt");
  }
}

/**
 * Measures every worksheet and the shared strings before exceljs loads anything, and refuses a
 * workbook that passes a limit. exceljs itself reads the whole archive into objects.
 */
export function checkXlsxLimits(bytes: Buffer): void {
  for (const entry of zipEntries(bytes)) {
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) {
      const passed = sheetLimitPassed(measureSheetXml(unpack(bytes, entry)));
      if (passed) throw new SpreadsheetUnreadable(passed);
    } else if (entry.name === "xl/sharedStrings.xml") {
      const xml = unpack(bytes, entry);
      let strings = 0;
      for (let at = xml.indexOf("<si"); at >= 0; at = xml.indexOf("<si", at + 3)) strings++;
      if (strings > SHEET_LIMITS.sharedStrings) throw new SpreadsheetUnreadable("too-many-strings");
    }
  }
}

/**
 * The first worksheet with data. The whole workbook is loaded rather than streamed: exceljs's
 * streaming reader decodes each chunk separately and garbles Chinese characters that straddle
 * two chunks (seen at 10,000 rows). Loading also fills merged cells with their value.
 */
async function readXlsx(bytes: Uint8Array): Promise<Sheet> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkXlsxLimits(buffer);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new SpreadsheetUnreadable("corrupt");
  }
  const sheet = workbook.worksheets.find((ws) => ws.state !== "hidden" && ws.actualRowCount > 0);
  if (!sheet) throw new SpreadsheetUnreadable("empty");
  // columnCount walks every row: read it once, not per row.
  const width = sheet.columnCount;
  const passed = sheetLimitPassed({ rows: sheet.rowCount, columns: width });
  if (passed) throw new SpreadsheetUnreadable(passed);
  const rows: CellValue[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: CellValue[] = [];
    for (let c = 1; c <= width; c++) cells.push(excelValue(row.getCell(c).value));
    rows[rowNumber - 1] = cells;
  });
  return { sheetName: sheet.name, format: "xlsx", encoding: null, rows: Array.from(rows, (r) => r ?? []) };
}

/**
 * Rows of the first worksheet with data (XLSX) or of the CSV. Old binary .xls is refused with a
 * hint to save as .xlsx.
 */
export async function readSheetHere(bytes: Uint8Array): Promise<Sheet> {
  if (bytes.length === 0) throw new SpreadsheetUnreadable("empty");
  const magic = Array.from(bytes.subarray(0, 4));
  if (magic[0] === 0xd0 && magic[1] === 0xcf && magic[2] === 0x11 && magic[3] === 0xe0) throw new SpreadsheetUnreadable("xls");
  if (magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04) {
    return readXlsx(bytes);
  }
  // Text: a NUL byte means some other binary file (a PDF, an image) sent by mistake.
  if (bytes.subarray(0, 4096).includes(0)) throw new SpreadsheetUnreadable("not-spreadsheet");
  const { text, encoding } = decodeText(bytes);
  const rows = parseCsv(text);
  const passed = sheetLimitPassed({ rows: rows.length, columns: rows.reduce((w, r) => Math.max(w, r.length), 0) });
  if (passed) throw new SpreadsheetUnreadable(passed);
  return { sheetName: null, format: "csv", encoding, rows };
}
