import { calendarDate, parseIsoDate } from "../dates";

/**
 * What a spreadsheet cell holds once read (XLSX through exceljs, CSV as text), and its
 * conversion to the text the validators expect.
 */

export type CellValue = string | number | boolean | Date | null;

/** Trims, and folds the full-width space and non-breaking spaces Excel users paste in. */
function tidy(text: string): string {
  return text.replace(/[\u00a0\u3000]/g, " ").trim();
}

/**
 * A cell as text. Numbers lose binary noise (12.340000000000002 → "12.34") but keep every
 * meaningful digit, so a value with too many decimals is still refused by the money rule.
 */
export function cellText(value: CellValue): string {
  if (value === null) return "";
  if (typeof value === "string") return tidy(value);
  if (typeof value === "boolean") return value ? "是" : "否";
  if (value instanceof Date) return isoDateOf(value) ?? "";
  if (!Number.isFinite(value)) return "";
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

export function isBlankRow(row: readonly CellValue[]): boolean {
  return row.every((c) => cellText(c) === "");
}

/** "YYYY-MM-DD" of a Date read from a workbook (exceljs gives date cells as UTC midnight). */
function isoDateOf(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().slice(0, 10);
}

/** Excel's 1900 date system: serial 1 is 1900-01-01, with the phantom 1900-02-29 (serial 60). */
export function excelSerialToIsoDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const days = Math.floor(serial);
  const epoch = Date.UTC(1899, 11, 30);
  return new Date(epoch + days * 86_400_000).toISOString().slice(0, 10);
}

const validIso = calendarDate;

/**
 * A calendar date from a cell: a date cell, an Excel serial number (a date column formatted as
 * a number, or a CSV of one), or text as Chinese offices write it: 2023-12-05, 2023/12/5,
 * 2023.12.5, 2023年12月5日, 20231205. Null when it is not a date.
 */
export function parseDateCell(value: CellValue): string | null {
  if (value === null) return null;
  if (value instanceof Date) return parseIsoDate(isoDateOf(value));
  if (typeof value === "number") return parseIsoDate(excelSerialToIsoDate(value));
  const text = cellText(value).replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (text === "") return null;
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/.exec(text);
  if (m) return validIso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return validIso(Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d{5}(?:\.\d+)?$/.test(text)) return parseIsoDate(excelSerialToIsoDate(Number(text)));
  return null;
}

const YES = new Set(["是", "规上", "规模以上", "y", "yes", "true", "1", "√", "✓", "✔", "对"]);
const NO = new Set(["否", "规下", "规模以下", "n", "no", "false", "0", "×", "✗", "不是", "-", "—"]);

/** 是/否 and the other ways a yes/no column is filled in; null when blank, "invalid" when neither. */
export function parseYesNo(value: CellValue): boolean | null | "invalid" {
  if (typeof value === "boolean") return value;
  const text = cellText(value).toLowerCase();
  if (text === "") return null;
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  return "invalid";
}

/** A four-digit year from a cell (2023, "2023", "2023年", "2023年度"); null otherwise. */
export function parseYearCell(value: CellValue): number | null {
  const text = cellText(value).replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const m = /^(\d{4})\s*(?:年度?)?$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  return year >= 2000 && year <= 2100 ? year : null;
}
