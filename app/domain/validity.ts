/**
 * How long a recognition stays valid, and when it can be renewed (复核). Pure date arithmetic on
 * ISO calendar dates (YYYY-MM-DD, the Shanghai calendar); no clock: callers pass "today".
 *
 * - An award's `valid_until` is its recognition date plus the tier's validity in months, the day
 *   clamped to the end of a shorter month (2024-02-29 + 12 months = 2025-02-28).
 * - The renewal window of an award runs from `renewBeforeDays` before `valid_until` to
 *   `renewAfterDays` after it, both ends included.
 */
import { TIER_CODES, type TierCode } from "./tiers";

export interface TierValidity {
  tierCode: TierCode;
  /** Months a recognition stays valid; null when the tier does not lapse. */
  validityMonths: number | null;
  renewBeforeDays: number;
  renewAfterDays: number;
}

/**
 * The defaults a fresh database gets (the bureau changes them at /admin/validity):
 * 专精特新/小巨人 three years (MIIT rules); green factories one year (yearly dynamic management);
 * the district's own factories three years; 升规 and listings do not lapse.
 */
export const DEFAULT_VALIDITY: Readonly<Record<TierCode, number | null>> = {
  "specialized-new": 36,
  "scaled-up": null,
  "green-factory": 12,
  listed: null,
  "demonstration-factory": 36,
  "quality-factory": 36,
  "clean-beauty-factory": 36,
};
export const DEFAULT_RENEW_BEFORE_DAYS = 180;
export const DEFAULT_RENEW_AFTER_DAYS = 90;

export function defaultTierValidity(): TierValidity[] {
  return TIER_CODES.map((tierCode) => ({
    tierCode,
    validityMonths: DEFAULT_VALIDITY[tierCode],
    renewBeforeDays: DEFAULT_RENEW_BEFORE_DAYS,
    renewAfterDays: DEFAULT_RENEW_AFTER_DAYS,
  }));
}

/** Limits of the settings form (and of the API's `within`). */
export const MAX_VALIDITY_MONTHS = 120;
export const MAX_WINDOW_DAYS = 730;

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function parts(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Adds calendar months; a day past the end of the target month becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return iso(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** Adds (or with a negative number subtracts) days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** The end of validity of a recognition on `recognizedOn`; null when the tier does not lapse. */
export function validUntilFrom(recognizedOn: string, validityMonths: number | null): string | null {
  return validityMonths === null ? null : addMonths(recognizedOn, validityMonths);
}

/**
 * The date an award's validity is counted from when its recognition date is unknown: the last
 * day of its year (the latest it can have been recognised, so that no title is cut short).
 */
export function validityStart(recognizedOn: string | null, year: number): string {
  return recognizedOn ?? iso(year, 12, 31);
}

export function renewalWindow(validUntil: string, v: Pick<TierValidity, "renewBeforeDays" | "renewAfterDays">): { opens: string; closes: string } {
  return { opens: addDays(validUntil, -v.renewBeforeDays), closes: addDays(validUntil, v.renewAfterDays) };
}

/** True when `today` is inside the renewal window of an award valid until `validUntil`. */
export function inRenewalWindow(validUntil: string, today: string, v: Pick<TierValidity, "renewBeforeDays" | "renewAfterDays">): boolean {
  const w = renewalWindow(validUntil, v);
  return today >= w.opens && today <= w.closes;
}

/** Days left until `validUntil` (0 on its last day; negative once expired). */
export function daysLeft(validUntil: string, today: string): number {
  return daysBetween(today, validUntil);
}

/** The reminder thresholds (days before expiry) and which one applies today, if any. */
export const REMINDER_THRESHOLDS = [180, 90, 30] as const;
export function reminderThreshold(validUntil: string, today: string): (typeof REMINDER_THRESHOLDS)[number] | null {
  const left = daysLeft(validUntil, today);
  if (left < 0) return null;
  let hit: (typeof REMINDER_THRESHOLDS)[number] | null = null;
  for (const t of REMINDER_THRESHOLDS) if (left <= t) hit = t;
  return hit;
}
