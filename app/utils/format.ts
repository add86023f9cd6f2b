/**
 * Display formatting shared by every page and export: instants are stored as UTC ISO strings and
 * shown on the Asia/Shanghai clock (UTC+8 all year, no daylight saving).
 */
import type { Lang } from "./i18n";

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function shanghaiIso(value: string | Date): string | null {
  const ms = typeof value === "string" ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) return null;
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString();
}

/**
 * "YYYY-MM-DD" on the Shanghai calendar. A value that already is a calendar date (e.g.
 * awards.valid_until) is returned as it is; empty and unparsable values give "".
 */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string" && DATE_ONLY.test(value)) return value;
  return shanghaiIso(value)?.slice(0, 10) ?? "";
}

/** "YYYY-MM-DD HH:mm" on the Shanghai clock; "" for empty or unparsable values. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  const iso = shanghaiIso(value);
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "";
}

/** Today's calendar date in Shanghai, "YYYY-MM-DD". */
export function todayInShanghai(now: Date = new Date()): string {
  return formatDate(now);
}

/** The "as of" line under figures and in exports: "数据截至 2026-11-27 17:00（北京时间）". */
export function formatAsOf(value: string | Date, lang: Lang): string {
  const when = formatDateTime(value);
  return lang === "en" ? `As of ${when} (Beijing time, UTC+8)` : `数据截至 ${when}（北京时间）`;
}

/** Integer with thousands separators: 12,345. */
export function formatInteger(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "";
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
