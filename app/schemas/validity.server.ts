import { z } from "zod";
import { TIER_CODES, type TierCode } from "~/domain/tiers";
import { MAX_VALIDITY_MONTHS, MAX_WINDOW_DAYS, type TierValidity } from "~/domain/validity";
import { EXPIRING_SORTS, RENEWAL_STATES, type ExpiringSort, type RenewalState } from "~/models/validity.server";
import { translate, type Lang } from "~/utils/i18n";

export const DEFAULT_WITHIN = 180;

export type ExpiringQuery =
  | { ok: true; within: number; tier: TierCode | null; sort: ExpiringSort; year: number | null; state: RenewalState | null }
  | { ok: false; field: "within" | "tier" | "sort" | "year" | "state"; message: string };

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * `?within=&tier=&sort=` of /awards/expiring, its export and its API; absent values are defaults.
 * `year=` (with `state=renewed|lapsed`) lists the awards whose validity ends in that year instead:
 * the dashboard's renewal figures open there.
 */
export function parseExpiringQuery(params: URLSearchParams, lang: Lang): ExpiringQuery {
  const rawWithin = params.get("within");
  let within = DEFAULT_WITHIN;
  if (rawWithin !== null && rawWithin.trim() !== "") {
    const r = wholeNumber(1, MAX_WINDOW_DAYS).safeParse(rawWithin);
    if (!r.success) return { ok: false, field: "within", message: translate(lang, "val.badWithin") };
    within = r.data;
  } else if (rawWithin !== null) {
    return { ok: false, field: "within", message: translate(lang, "val.badWithin") };
  }
  const rawTier = params.get("tier");
  let tier: TierCode | null = null;
  if (rawTier !== null && rawTier !== "") {
    const r = z.enum(TIER_CODES).safeParse(rawTier);
    if (!r.success) return { ok: false, field: "tier", message: translate(lang, "val.badTier") };
    tier = r.data;
  }
  const rawSort = params.get("sort");
  let sort: ExpiringSort = "validUntil";
  if (rawSort !== null && rawSort !== "") {
    const r = z.enum(EXPIRING_SORTS).safeParse(rawSort);
    if (!r.success) return { ok: false, field: "sort", message: translate(lang, "val.badSort") };
    sort = r.data;
  }
  const rawYear = params.get("year");
  let year: number | null = null;
  if (rawYear !== null && rawYear !== "") {
    const r = wholeNumber(2000, 2100).safeParse(rawYear);
    if (!r.success) return { ok: false, field: "year", message: translate(lang, "val.badYear") };
    year = r.data;
  }
  const rawState = params.get("state");
  let state: RenewalState | null = null;
  if (rawState !== null && rawState !== "") {
    const r = z.enum(RENEWAL_STATES).safeParse(rawState);
    if (!r.success || year === null) return { ok: false, field: "state", message: translate(lang, "val.badState") };
    state = r.data;
  }
  return { ok: true, within, tier, sort, year, state };
}

export type ValidityForm =
  { ok: true; value: TierValidity } | { ok: false; fieldErrors: Partial<Record<"tier" | "months" | "before" | "after", string>>; values: Record<string, string> };

/** One tier's row of /admin/validity: months empty means "does not lapse". */
export function parseValidityForm(form: FormData, lang: Lang): ValidityForm {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v.slice(0, 200) : "";
  };
  const values = { tier: text("tier"), months: text("months"), before: text("before"), after: text("after") };
  const fieldErrors: Partial<Record<"tier" | "months" | "before" | "after", string>> = {};
  const tier = z.enum(TIER_CODES).safeParse(values.tier);
  if (!tier.success) fieldErrors.tier = translate(lang, "val.badTier");
  let months: number | null = null;
  if (values.months.trim() !== "") {
    const m = wholeNumber(1, MAX_VALIDITY_MONTHS).safeParse(values.months);
    if (m.success) months = m.data;
    else fieldErrors.months = translate(lang, "val.settings.badMonths");
  }
  const before = wholeNumber(0, MAX_WINDOW_DAYS).safeParse(values.before);
  if (!before.success) fieldErrors.before = translate(lang, "val.settings.badDays");
  const after = wholeNumber(0, MAX_WINDOW_DAYS).safeParse(values.after);
  if (!after.success) fieldErrors.after = translate(lang, "val.settings.badDays");
  if (Object.keys(fieldErrors).length > 0 || !tier.success || !before.success || !after.success) return { ok: false, fieldErrors, values };
  return { ok: true, value: { tierCode: tier.data, validityMonths: months, renewBeforeDays: before.data, renewAfterDays: after.data } };
}
