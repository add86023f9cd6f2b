import { z } from "zod";
import { isValidIsoDate } from "~/domain/dates";
import { formatWan, parseWan } from "~/domain/money";
import { normalizeTypedNumber } from "~/domain/typed-number";
import { doubtfulFigures, type DoubtfulFigure, type FirmFigures } from "~/domain/plausibility";
import { evaluateEligibility, usesChecklist, type EligibilityResult } from "~/domain/eligibility";
import { validatePhone } from "~/domain/phone";
import { validateUscc } from "~/domain/uscc";
import { getTier, isLevel, LEVELS, type Level, type TierCode } from "~/domain/tiers";
import { REASON_CODES, TOWN_OPINIONS } from "~/domain/state-machine";
import { fieldLabelKey, fieldsOf, renewalFieldsOf, formNameOf, labelYears, type PayloadField } from "~/components/application-fields";
import { todayInShanghai } from "~/utils/format";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export type ApplicationMode = "draft" | "submit";

export interface ChecklistItem {
  code: string;
  labelZh: string;
  labelEn: string;
  required: boolean;
}

export interface ApplicationFormOptions {
  mode: ApplicationMode;
  /** The tier's checklist (district factories); empty for other tiers. */
  checklist: readonly ChecklistItem[];
  /** The years one may apply for. */
  years: readonly number[];
  /** The edit form carries the version it saw. */
  withVersion?: boolean;
  /** A renewal's short form: only renewalFieldsOf are posted, checked and required; no checklist. */
  renewal?: boolean;
}

export interface ApplicationFormValue {
  intent: "save" | "submit";
  year: number;
  levelSought: Level;
  payload: Record<string, unknown>;
  version?: number;
  /** The firm confirmed amounts the plausibility check doubts. */
  confirmFigures: boolean;
}

type Raw = Record<string, unknown>;
type Issue = { path: (string | number)[]; message: string; missing?: boolean };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const isRealDate = isValidIsoDate;

/** The years named in field labels for a posted (or stored) year; this year when it is not one. */
export function formLabelYears(year: unknown): Record<string, number> {
  const current = Number(todayInShanghai().slice(0, 4));
  const text = String(year ?? "");
  return labelYears(/^\d{4}$/.test(text) ? Number(text) : current, current);
}

/** The intent a posted form asks for; anything else is a plain save. */
export function intentOf(formData: FormData): ApplicationMode {
  return formData.get("intent") === "submit" ? "submit" : "draft";
}

/**
 * Checks one field's typed text and turns it into its payload value. Returns an error message,
 * or the value (undefined when the field is empty).
 */
function parseField(f: PayloadField, raw: unknown, lang: Lang, years: Record<string, number>): { value?: unknown; error?: string } {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const label = t(fieldLabelKey(f.key), years);
  if (f.kind === "certificates") {
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const values = [...new Set(list.map(String))];
    if (values.some((v) => !f.options!.includes(v))) return { error: t("apps.err.option", { field: label }) };
    return { value: f.options!.filter((o) => values.includes(o)) };
  }
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "string") return { error: t("apps.err.option", { field: label }) };
  const text = raw.trim();
  if (text === "") return {};
  switch (f.kind) {
    case "text":
    case "textarea":
      if (Array.from(text).length > (f.maxLength ?? 200)) return { error: t("apps.err.tooLong", { field: label, max: f.maxLength ?? 200 }) };
      return { value: text };
    case "phone": {
      const r = validatePhone(text);
      return r.ok ? { value: r.value } : { error: lang === "en" ? r.messageEn : r.message };
    }
    case "int": {
      const typed = normalizeTypedNumber(text, f.units);
      if (!/^[+]?\d+$/.test(typed)) return { error: t("apps.err.int", { field: label }) };
      const n = Number(typed);
      if (n < (f.min ?? 0) || n > (f.max ?? Number.MAX_SAFE_INTEGER)) {
        return { error: t("apps.err.range", { field: label, min: f.min ?? 0, max: f.max ?? "" }) };
      }
      return { value: n };
    }
    case "decimal": {
      const typed = normalizeTypedNumber(text, f.units);
      const m = /^[+]?(\d+)(?:\.(\d+))?$/.exec(typed);
      if (!m) return { error: t("apps.err.number", { field: label }) };
      if ((m[2] ?? "").replace(/0+$/, "").length > (f.decimals ?? 2)) {
        return { error: t("apps.err.decimals", { field: label, n: f.decimals ?? 2 }) };
      }
      const n = Number(typed);
      if (n < (f.min ?? 0) || n > (f.max ?? Number.MAX_SAFE_INTEGER)) {
        return { error: t("apps.err.range", { field: label, min: f.min ?? 0, max: f.max ?? "" }) };
      }
      return { value: n };
    }
    case "money": {
      const r = parseWan(text);
      if (!r.ok) return { error: `${label}：${lang === "en" ? r.messageEn : r.message}` };
      return { value: r.yuan };
    }
    case "month":
      return MONTH.test(text) ? { value: text } : { error: t("apps.err.month", { field: label }) };
    case "date":
      return isRealDate(text) ? { value: text } : { error: t("apps.err.date", { field: label }) };
    case "enum":
      return f.options!.includes(text) ? { value: text } : { error: t("apps.err.option", { field: label }) };
    case "bool":
      return text === "yes" ? { value: true } : text === "no" ? { value: false } : { error: t("apps.err.option", { field: label }) };
    case "uscc": {
      const r = validateUscc(text);
      return r.ok ? { value: r.value } : { error: lang === "en" ? r.messageEn : r.message };
    }
  }
  return {};
}

/**
 * Turns the posted form into the stored payload and lists every problem. Draft mode checks only
 * that what is typed is well-formed; submit mode also names each missing required field.
 */
export function buildPayload(
  lang: Lang,
  tierCode: TierCode,
  raw: Raw,
  options: Pick<ApplicationFormOptions, "mode" | "checklist" | "renewal">,
): { payload: Record<string, unknown>; levelSought: Level | null; issues: Issue[] } {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const tier = getTier(tierCode);
  const issues: Issue[] = [];
  const payload: Record<string, unknown> = {};
  const submit = options.mode === "submit";
  const years = formLabelYears(raw.year);

  let levelSought: Level | null = tier.levels.length > 1 ? null : tier.levels[0]!;
  if (tier.levels.length > 1) {
    const v = raw.levelSought;
    if (typeof v === "string" && v !== "") {
      if (isLevel(v) && tier.levels.includes(v)) levelSought = v;
      else issues.push({ path: ["levelSought"], message: t("apps.err.level") });
    } else if (submit) {
      issues.push({ path: ["levelSought"], message: t("apps.err.level"), missing: true });
    }
  }

  for (const f of options.renewal ? renewalFieldsOf(tierCode) : fieldsOf(tierCode)) {
    const name = formNameOf(f);
    const r = parseField(f, raw[name], lang, years);
    if (r.error) issues.push({ path: [name], message: r.error });
    else if (r.value !== undefined) payload[f.key] = r.value;
    else if (submit && !f.optional) {
      const choose = f.kind === "enum" || f.kind === "bool" || f.kind === "month";
      issues.push({
        path: [name],
        message: t(choose ? "apps.err.requiredSelect" : "apps.err.required", { field: t(fieldLabelKey(f.key), years) }),
        missing: true,
      });
    }
  }

  // Relations between fields: well-formedness, so checked in drafts too.
  const num = (k: string) => (typeof payload[k] === "number" ? (payload[k] as number) : null);
  if (num("mainBusinessRevenueYuan") !== null && num("revenueYuan") !== null && num("mainBusinessRevenueYuan")! > num("revenueYuan")!) {
    issues.push({ path: ["mainBusinessRevenueWan"], message: t("apps.err.mainBusinessAboveRevenue") });
  }
  if (num("rdStaff") !== null && num("employees") !== null && num("rdStaff")! > num("employees")!) {
    issues.push({ path: ["rdStaff"], message: t("apps.err.rdStaffAboveEmployees") });
  }
  if (typeof payload.stockCode === "string" && !/^[A-Za-z0-9.]{1,12}$/.test(payload.stockCode)) {
    issues.push({ path: ["stockCode"], message: t("apps.err.stockCode") });
  }
  if (submit && payload.stage === "listed") {
    if (payload.stockCode === undefined) issues.push({ path: ["stockCode"], message: t("apps.err.listedNeedsCode") });
    if (payload.listingDate === undefined) issues.push({ path: ["listingDate"], message: t("apps.err.listedNeedsCode") });
  }
  if (submit && payload.route === "individual-to-company" && payload.previousUscc === undefined) {
    issues.push({ path: ["previousUscc"], message: t("apps.err.individualNeedsUscc") });
  }

  if (usesChecklist(tierCode) && !options.renewal) {
    const ticked = (raw.checklist ?? {}) as Record<string, unknown>;
    payload.checklist = Object.fromEntries(options.checklist.map((item) => [item.code, ticked[item.code] === "on"]));
  }

  const declared = raw.declaration === "on";
  payload.declaration = declared;
  if (submit && !declared) {
    issues.push({ path: ["declaration"], message: t("apps.err.declaration"), missing: true });
  }
  return { payload, levelSought, issues };
}

/**
 * The sentence at the top of the form: every field with a problem, missing and not valid told
 * apart, counted as the fields marked on the page. A draft is saved only when all it holds is
 * well-formed, so a refused draft says plainly that nothing was saved.
 */
export function errorSummary(lang: Lang, tierCode: TierCode, mode: ApplicationMode, issues: readonly Issue[], year?: unknown): string | null {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const years = formLabelYears(year);
  const labels = new Map<string, string>([
    ["year", t("apps.field.year")],
    ["levelSought", t("apps.field.levelSought")],
    ["declaration", t("apps.field.declaration.short")],
    ...fieldsOf(tierCode).map((f) => [formNameOf(f), t(fieldLabelKey(f.key), years)] as [string, string]),
  ]);
  const missing = new Set<string>();
  const invalid = new Set<string>();
  for (const issue of issues) {
    const name = issue.path[0];
    if (typeof name !== "string" || name === "") continue;
    (issue.missing ? missing : invalid).add(labels.get(name) ?? name);
  }
  for (const label of invalid) missing.delete(label);
  const list = (names: Set<string>) => [...names].join(lang === "en" ? ", " : "、");
  const count = missing.size + invalid.size;
  if (count === 0) return null;
  if (mode === "draft") return t("apps.err.summaryDraft", { count: invalid.size, fields: list(invalid) });
  const parts = [
    missing.size ? t("apps.err.summaryMissing", { count: missing.size, fields: list(missing) }) : null,
    invalid.size ? t("apps.err.summaryInvalid", { count: invalid.size, fields: list(invalid) }) : null,
  ].filter(Boolean);
  return t("apps.err.summarySubmit", { count, parts: parts.join(lang === "en" ? "; " : "；") }) + (invalid.size ? "" : t("apps.err.summaryDraftHint"));
}

/**
 * The application form of one tier, in draft or submit mode. Every payload field arrives as
 * text (Conform strips empty strings) and is checked by buildPayload, so draft and submit share
 * one definition of each field.
 */
export function applicationFormSchema(lang: Lang, tierCode: TierCode, options: ApplicationFormOptions) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const [minYear, maxYear] = [Math.min(...options.years), Math.max(...options.years)];
  const shape: Record<string, z.ZodType> = {
    intent: z.enum(["save", "submit"]),
    // Checked in superRefine with the payload, so a bad year does not hide the other messages.
    year: z.string().optional(),
    levelSought: z.string().optional(),
    declaration: z.string().optional(),
    // Ticked to confirm amounts the plausibility check doubts (see unconfirmedDoubts).
    confirmFigures: z.string().optional(),
  };
  if (options.withVersion)
    shape.version = z
      .number({ error: t("apps.err.version") })
      .int()
      .min(1);
  for (const f of options.renewal ? renewalFieldsOf(tierCode) : fieldsOf(tierCode)) {
    shape[formNameOf(f)] = f.kind === "certificates" ? z.array(z.string()).optional() : z.string().optional();
  }
  if (usesChecklist(tierCode) && !options.renewal) {
    shape.checklist = z.object(Object.fromEntries(options.checklist.map((i) => [i.code, z.string().optional()]))).optional();
  }
  return z
    .object(shape)
    .superRefine((raw, ctx) => {
      const issues: Issue[] = [];
      if (!options.years.includes(Number(raw.year)) || !/^\d{4}$/.test(String(raw.year ?? ""))) {
        issues.push({ path: ["year"], message: t("apps.err.year", { min: minYear, max: maxYear }) });
      }
      issues.push(...buildPayload(lang, tierCode, raw, options).issues);
      for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
      const summary = errorSummary(lang, tierCode, options.mode, issues, raw.year);
      if (summary) ctx.addIssue({ code: "custom", path: [], message: summary });
    })
    .transform((raw): ApplicationFormValue => {
      const built = buildPayload(lang, tierCode, raw, options);
      return {
        intent: raw.intent as "save" | "submit",
        year: Number(raw.year),
        levelSought: (built.levelSought ?? null) as Level,
        payload: built.payload,
        version: raw.version as number | undefined,
        confirmFigures: raw.confirmFigures === "on",
      };
    });
}

// ───────────────────────────── decisions on the detail page ─────────────────────────────

export const DETAIL_INTENTS = ["approve", "reject", "return", "revoke", "withdraw", "opinion"] as const;
export type DetailIntent = (typeof DETAIL_INTENTS)[number];

function optionalText(max: number, lang: Lang) {
  return z
    .string()
    .max(max, translate(lang, "apps.err.tooLong", { field: translate(lang, "apps.decide.comment"), max }))
    .optional();
}

function dateField(lang: Lang, labelKey: MessageKey) {
  return z.string().refine(isRealDate, translate(lang, "apps.err.date", { field: translate(lang, labelKey) }));
}

/** The forms of the detail page, told apart by `intent`; each carries the version it saw. */
export function detailActionSchema(lang: Lang, tierCode: TierCode) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const tier = getTier(tierCode);
  const version = z
    .number({ error: t("apps.err.version") })
    .int()
    .min(1);
  const comment = z
    .string({ error: t("apps.err.comment") })
    .trim()
    .min(1, t("apps.err.comment"))
    .max(1000, t("apps.err.tooLong", { field: t("apps.decide.reasonComment"), max: 1000 }));
  const reasonCode = z.enum(REASON_CODES, { error: t("apps.err.reasonCode") });
  return z.discriminatedUnion("intent", [
    z
      .object({
        intent: z.literal("approve"),
        version,
        level: z.enum(LEVELS, { error: t("apps.err.level") }).refine((l) => tier.levels.includes(l), t("apps.err.level")),
        recognizedOn: dateField(lang, "apps.decide.recognizedOn"),
        validUntil: dateField(lang, "apps.decide.validUntil").optional(),
        documentNo: z
          .string({ error: t("apps.err.documentNo") })
          .trim()
          .min(1, t("apps.err.documentNo"))
          .max(100, t("apps.err.tooLong", { field: t("apps.decide.documentNo"), max: 100 })),
        comment: optionalText(1000, lang),
      })
      .refine((v) => v.validUntil === undefined || v.validUntil > v.recognizedOn, {
        path: ["validUntil"],
        message: t("apps.err.validUntil"),
      }),
    z.object({ intent: z.literal("reject"), version, reasonCode, comment }),
    z.object({ intent: z.literal("return"), version, reasonCode, comment }),
    z.object({
      intent: z.literal("revoke"),
      version,
      reason: z
        .string({ error: t("apps.err.revokeReason") })
        .trim()
        .min(1, t("apps.err.revokeReason"))
        .max(500, t("apps.err.tooLong", { field: t("apps.decide.revokeReason"), max: 500 })),
      revokedOn: dateField(lang, "apps.decide.revokedOn"),
    }),
    z.object({ intent: z.literal("withdraw"), version, comment: optionalText(500, lang) }),
    z.object({
      intent: z.literal("opinion"),
      version,
      opinion: z.enum(TOWN_OPINIONS, { error: t("apps.err.opinion") }),
      comment: z
        .string({ error: t("apps.err.commentShort") })
        .trim()
        .min(1, t("apps.err.commentShort"))
        .max(500, t("apps.err.tooLong", { field: t("apps.decide.opinionComment"), max: 500 })),
    }),
  ]);
}

export type DetailActionValue = z.infer<ReturnType<typeof detailActionSchema>>;

/** The sentence a refused command answers with (409): changed by someone else, a duplicate, … */
export function commandFailureMessage(
  lang: Lang,
  result: { ok: false; reason: "conflict" | "duplicate" | "award-exists" | "evidence-missing"; missing?: readonly string[] },
  app: { tierCode: TierCode; year: number },
): string {
  switch (result.reason) {
    case "evidence-missing":
      return evidenceMissingMessage(lang, result.missing ?? []);
    case "duplicate": {
      const tier = getTier(app.tierCode);
      return translate(lang, "apps.err.duplicate", { year: app.year, tier: lang === "en" ? tier.nameEn : tier.nameZh });
    }
    case "award-exists":
      return translate(lang, "apps.err.awardExists");
    default:
      return translate(lang, "apps.err.conflict");
  }
}

/** The refusal of a submission without its required evidence, naming each missing kind. */
export function evidenceMissingMessage(lang: Lang, missing: readonly string[]): string {
  const kinds = missing.map((k) => translate(lang, `attachments.kind.${k}` as MessageKey)).join(lang === "en" ? ", " : "、");
  return translate(lang, "apps.err.evidenceMissing", { count: missing.length, kinds });
}

/** The years one may apply for: last year (late filings), this year and next, Shanghai calendar. */
export function applicationYears(today: string): number[] {
  const y = Number(today.slice(0, 4));
  return [y - 1, y, y + 1];
}

// ───────────────────────────── the live pre-check ─────────────────────────────

/** A value of each kind the pre-check can put in for a refused figure, to find what reads it. */
function standIn(f: PayloadField): unknown {
  switch (f.kind) {
    case "money":
      return 987_654_321;
    case "int":
      return Math.min(f.max ?? 98_765, 98_765);
    case "decimal":
      return Math.min(f.max ?? 98.7, 98.7);
    case "month":
      return "2001-02";
    case "date":
      return "2001-02-03";
    case "enum":
      return f.options?.[0];
    case "bool":
      return true;
    case "certificates":
      return [...(f.options ?? [])];
    default:
      return "?";
  }
}

/**
 * The pre-check of what the form holds right now, judged on the values the server would accept:
 * a figure the form refuses (not well-formed, or contradicting another) makes every criterion
 * that reads it "invalid" rather than met or not.
 */
export function precheckFromForm(
  lang: Lang,
  tierCode: TierCode,
  raw: Raw,
  options: { checklist: readonly ChecklistItem[]; today: string; firm: FirmFigures | null },
): { eligibility: EligibilityResult; doubts: Record<string, string> } {
  const built = buildPayload(lang, tierCode, raw, { mode: "draft", checklist: options.checklist });
  const byName = new Map(fieldsOf(tierCode).map((f) => [formNameOf(f), f]));
  const invalid: Record<string, unknown> = {};
  for (const issue of built.issues) {
    const f = byName.get(String(issue.path[0]));
    if (f) invalid[f.key] = standIn(f);
  }
  const valid = Object.fromEntries(Object.entries(built.payload).filter(([k]) => !(k in invalid)));
  const doubts = options.firm ? doubtfulFigures(valid, options.firm) : [];
  const eligibility = evaluateEligibility(
    tierCode,
    built.payload,
    options.today,
    [...options.checklist],
    built.levelSought ?? undefined,
    invalid,
    doubts.map((d) => d.key),
    /^\d{4}$/.test(String(raw.year ?? "")) ? Number(raw.year) : undefined,
  );
  return { eligibility, doubts: doubtMessages(lang, tierCode, doubts, raw.year) };
}

// ───────────────────────────── doubtful amounts ─────────────────────────────

/** Each doubtful figure's warning, by the form field it sits under (revenueWan, …). */
export function doubtMessages(lang: Lang, tierCode: TierCode, doubts: readonly DoubtfulFigure[], year?: unknown): Record<string, string> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const years = formLabelYears(year);
  const out: Record<string, string> = {};
  for (const d of doubts) {
    const f = fieldsOf(tierCode).find((x) => x.key === d.key);
    if (!f) continue;
    const reference = t(`apps.doubt.ref.${d.reference.source}.${d.reference.field}` as MessageKey, {
      year: d.reference.year ?? "",
      prior: d.reference.year ? d.reference.year - 1 : "",
    });
    out[formNameOf(f)] = t(d.kind === "yuan-for-wan" ? "apps.doubt.yuanForWan" : "apps.doubt.tenTimes", {
      field: t(fieldLabelKey(f.key), years),
      value: formatWan(d.valueYuan, { grouping: true }),
      reference,
      ref: formatWan(d.reference.yuan, { grouping: true }),
      ratio: d.ratio.toLocaleString("en"),
      suggest: d.asIfYuan === undefined ? "" : formatWan(d.asIfYuan, { grouping: true }),
    });
  }
  return out;
}

/**
 * Before a submission: the doubtful amounts the firm has not confirmed (the form's
 * confirmFigures box), as field errors and a summary; null when there is nothing to confirm.
 */
export function unconfirmedDoubts(
  lang: Lang,
  tierCode: TierCode,
  payload: Record<string, unknown>,
  firm: FirmFigures,
  confirmed: boolean,
  year?: number,
): { fieldErrors: Record<string, string[]>; formErrors: string[] } | null {
  if (confirmed) return null;
  const messages = doubtMessages(lang, tierCode, doubtfulFigures(payload, firm), year);
  const names = Object.keys(messages);
  if (names.length === 0) return null;
  const labels = names.map((name) => {
    const f = fieldsOf(tierCode).find((x) => formNameOf(x) === name)!;
    return translate(lang, fieldLabelKey(f.key), formLabelYears(year));
  });
  return {
    fieldErrors: { ...Object.fromEntries(names.map((n) => [n, [messages[n]!]])), confirmFigures: [translate(lang, "apps.doubt.confirmRequired")] },
    formErrors: [translate(lang, "apps.doubt.summary", { count: names.length, fields: labels.join(lang === "en" ? ", " : "、") })],
  };
}
