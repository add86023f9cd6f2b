/**
 * The application payload catalogue (the SHARED CONTRACT of payload keys): which fields each tier
 * asks, of what kind, and how a stored payload becomes form values. Pure data and functions, so
 * the server schema validates against the same list the form is drawn from.
 */
import { formatWan } from "~/domain/money";
import type { TierCode } from "~/domain/tiers";
import type { MessageKey } from "~/utils/i18n";

export type PayloadFieldKind = "text" | "textarea" | "phone" | "int" | "decimal" | "money" | "month" | "date" | "enum" | "bool" | "certificates" | "uscc";

export interface PayloadField {
  key: string;
  kind: PayloadFieldKind;
  /** May stay empty at submission. */
  optional?: boolean;
  min?: number;
  max?: number;
  /** Decimals allowed for "decimal". */
  decimals?: number;
  maxLength?: number;
  options?: readonly string[];
  /** Message-key prefix of the option names ("apps.opt.route" → "apps.opt.route.cultivate"). */
  optionPrefix?: string;
  hint?: MessageKey;
  /** Units a person may type after a number ("%", "年"), accepted and dropped. */
  units?: readonly string[];
}

export const ROUTES = ["cultivate", "introduce", "upgrade", "guide", "individual-to-company"] as const;
export const CERTIFICATES = ["iso9001", "iso14001", "iso45001", "iso50001"] as const;
export const BOARDS = ["sse-main", "szse-main", "star", "chinext", "bse", "neeq", "regional", "overseas"] as const;
export const STAGES = ["shareholding-reform", "tutoring", "accepted", "review", "listed"] as const;

/** Asked of every tier. The declaration is handled apart (a checkbox that must be ticked). */
export const COMMON_FIELDS: readonly PayloadField[] = [
  { key: "contactName", kind: "text", maxLength: 50 },
  { key: "contactPhone", kind: "phone", hint: "apps.field.contactPhone.hint" },
  { key: "description", kind: "textarea", maxLength: 2000, hint: "apps.field.description.hint" },
];

const COUNT = { kind: "int" as const, min: 0, max: 1_000_000, units: ["人", "名", "项", "件", "个"] };

export const TIER_FIELDS: Record<TierCode, readonly PayloadField[]> = {
  "specialized-new": [
    { key: "nicheYears", kind: "int", min: 0, max: 200, units: ["年"] },
    { key: "mainProduct", kind: "text", maxLength: 100 },
    { key: "revenueYuan", kind: "money" },
    { key: "mainBusinessRevenueYuan", kind: "money" },
    { key: "rdExpenseYuan", kind: "money" },
    { key: "rdExpensePrevYuan", kind: "money" },
    // Beyond the shared contract, optional: lets the pre-check test the year-before R&D ratio (2026 rules).
    { key: "revenuePrevYuan", kind: "money", optional: true },
    { key: "rdStaff", ...COUNT },
    { key: "employees", ...COUNT },
    { key: "debtRatioPercent", kind: "decimal", min: 0, max: 100, decimals: 1, units: ["%"] },
    { key: "ipClass1", ...COUNT },
    { key: "ipClass2", ...COUNT },
    { key: "equityFinancingYuan", kind: "money", optional: true },
    { key: "evaluationScore", kind: "int", min: 0, max: 100, optional: true, units: ["分"] },
  ],
  "scaled-up": [
    { key: "route", kind: "enum", options: ROUTES, optionPrefix: "apps.opt.route" },
    { key: "priorYearRevenueYuan", kind: "money" },
    { key: "ytdRevenueYuan", kind: "money" },
    { key: "expectedMonth", kind: "month" },
    { key: "intakeMonth", kind: "month", optional: true },
    { key: "previousUscc", kind: "uscc", optional: true, hint: "apps.field.previousUscc.hint" },
  ],
  "green-factory": [
    { key: "energyIntensity", kind: "decimal", min: 0, max: 100, decimals: 3, hint: "apps.field.energyIntensity.hint" },
    { key: "certificates", kind: "certificates", optional: true, options: CERTIFICATES, optionPrefix: "apps.opt.cert" },
    { key: "dischargePermit", kind: "bool" },
    { key: "evaluatingBody", kind: "text", maxLength: 100, optional: true },
  ],
  listed: [
    { key: "board", kind: "enum", options: BOARDS, optionPrefix: "apps.opt.board" },
    { key: "stage", kind: "enum", options: STAGES, optionPrefix: "apps.opt.stage" },
    { key: "stockCode", kind: "text", maxLength: 12, optional: true },
    { key: "listingDate", kind: "date", optional: true },
  ],
  // The district factories ask the bureau-kept checklist instead (payload.checklist).
  "demonstration-factory": [],
  "quality-factory": [],
  "clean-beauty-factory": [],
};

export function fieldLabelKey(key: string): MessageKey {
  return `apps.field.${key}` as MessageKey;
}

/**
 * The years a field's label names, never "上年度": {prior} and {before} are the two years
 * before the application's year, {current} the calendar year of today (revenue to date).
 */
export function labelYears(applicationYear: number, currentYear: number): { prior: number; before: number; current: number } {
  return { prior: applicationYear - 1, before: applicationYear - 2, current: currentYear };
}

export function optionLabelKey(field: PayloadField, value: string): MessageKey {
  return `${field.optionPrefix}.${value}` as MessageKey;
}

/** Money is typed in 万元, so its form field says so: revenueYuan → revenueWan. */
export function formNameOf(field: PayloadField): string {
  return field.kind === "money" ? field.key.replace(/Yuan$/, "Wan") : field.key;
}

export function checklistFormName(code: string): string {
  return `checklist.${code}`;
}

/** Every payload field of a tier, common ones first. */
export function fieldsOf(tier: TierCode): readonly PayloadField[] {
  return [...COMMON_FIELDS, ...TIER_FIELDS[tier]];
}

/**
 * What a renewal (复核) asks: the common part (contact and the firm's statement) and the tier's
 * figures, which the yearly figures prefill. The rest of the stored payload is kept as it is.
 */
export function renewalFieldsOf(tier: TierCode): readonly PayloadField[] {
  return [...COMMON_FIELDS, ...TIER_FIELDS[tier].filter((f) => f.kind === "money" || f.kind === "int" || f.kind === "decimal")];
}

type FormDefaults = Record<string, string | string[] | Record<string, string> | undefined>;

/** A stored payload as form values (money back into 万元, booleans as "yes"/"no"/"on"). */
export function formDefaultsFromPayload(tier: TierCode, payload: Record<string, unknown>): FormDefaults {
  const out: FormDefaults = {};
  for (const f of fieldsOf(tier)) {
    const v = payload[f.key];
    if (v === undefined || v === null) continue;
    const name = formNameOf(f);
    if (f.kind === "money" && typeof v === "number") out[name] = formatWan(v);
    else if (f.kind === "bool") out[name] = v === true ? "yes" : v === false ? "no" : undefined;
    else if (f.kind === "certificates") out[name] = Array.isArray(v) ? v.map(String) : [];
    else out[name] = String(v);
  }
  if (payload.declaration === true) out.declaration = "on";
  const checklist = payload.checklist;
  if (checklist && typeof checklist === "object") {
    out.checklist = Object.fromEntries(
      Object.entries(checklist as Record<string, unknown>)
        .filter(([, v]) => v === true)
        .map(([k]) => [k, "on"]),
    );
  }
  return out;
}
