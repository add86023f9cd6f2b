import { z } from "zod";
import { parseWan } from "~/domain/money";
import { validatePhone } from "~/domain/phone";
import { isLevel, isTierCode } from "~/domain/tiers";
import { validateUscc } from "~/domain/uscc";
import type { EnterpriseProfileInput, EnterpriseInput } from "~/models/enterprise.server";
import { ARCHIVED_MODES, SORT_KEYS, type EnterpriseListQuery } from "~/models/enterprise-list.server";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

/**
 * Which characters each kind of text may hold. Firm and person names get an allow-list (letters
 * of any script, digits and the punctuation real names use); free text only refuses markup,
 * control and invisible characters, and emoji, none of which belong in a registry.
 */
const NAME_CHAR = /[\p{L}\p{M}\p{N} ()（）·•\-—–&.,，、'’+/《》“”"[\]【】]/u;
const PERSON_CHAR = /[\p{L}\p{M} ·•.\-'’]/u;
const FORBIDDEN_ANYWHERE = /[<>\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Extended_Pictographic}\uFFFD]/u;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;

type CharClass = "name" | "person" | "free";

function firstBadChar(value: string, chars: CharClass): string | null {
  for (const ch of value) {
    if (FORBIDDEN_ANYWHERE.test(ch)) return ch;
    if (chars === "name" && !NAME_CHAR.test(ch)) return ch;
    if (chars === "person" && !PERSON_CHAR.test(ch)) return ch;
  }
  return null;
}

function messages(lang: Lang) {
  return (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
}

interface TextOptions {
  label: MessageKey;
  max: number;
  chars: CharClass;
}

/** Trims and collapses spaces, then checks length and characters; null when empty or invalid. */
function textCheck(lang: Lang, options: TextOptions) {
  const t = messages(lang);
  const label = t(options.label);
  return (raw: string, ctx: z.RefinementCtx): string | null => {
    const value = raw.trim().replace(/\s+/gu, " ");
    if (value === "") return null;
    const length = Array.from(value).length;
    if (length > options.max) {
      ctx.addIssue({ code: "custom", message: t("ent.err.tooLong", { field: label, max: options.max, n: length }) });
      return null;
    }
    const bad = firstBadChar(value, options.chars);
    if (bad !== null) {
      const message = INVISIBLE.test(bad)
        ? t("ent.err.badCharCode", { field: label, code: `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` })
        : t("ent.err.badChar", { field: label, char: bad });
      ctx.addIssue({ code: "custom", message });
      return null;
    }
    return value;
  };
}

function requiredTextField(lang: Lang, options: TextOptions & { required: MessageKey }) {
  const required = translate(lang, options.required);
  const check = textCheck(lang, options);
  return z.string({ error: required }).transform((raw, ctx): string => {
    if (raw.trim() === "") {
      ctx.addIssue({ code: "custom", message: required });
      return z.NEVER;
    }
    const value = check(raw, ctx);
    return value === null ? z.NEVER : value;
  });
}

function optionalTextField(lang: Lang, options: TextOptions) {
  const check = textCheck(lang, options);
  return z
    .string()
    .optional()
    .transform((raw, ctx) => (raw === undefined ? null : check(raw, ctx)));
}

function moneyField(lang: Lang) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return null;
      const result = parseWan(raw.slice(0, 64));
      if (!result.ok) {
        ctx.addIssue({ code: "custom", message: lang === "en" ? result.messageEn : result.message });
        return z.NEVER;
      }
      return result.yuan;
    });
}

function employeesField(lang: Lang) {
  const t = messages(lang);
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return null;
      const text = raw
        .replace(/[\uFF10-\uFF19]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
        .replace(/[\s,，]/gu, "")
        .replace(/人$/u, "");
      if (text === "") return null;
      if (!/^\d{1,8}$/.test(text) || Number(text) > 10_000_000) {
        ctx.addIssue({ code: "custom", message: t("ent.err.employees") });
        return z.NEVER;
      }
      return Number(text);
    });
}

function phoneField(lang: Lang) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return null;
      const result = validatePhone(raw.slice(0, 64));
      if (!result.ok) {
        ctx.addIssue({ code: "custom", message: lang === "en" ? result.messageEn : result.message });
        return z.NEVER;
      }
      return result.value;
    });
}

function usccField(lang: Lang) {
  const empty = validateUscc("");
  const emptyMessage = !empty.ok ? (lang === "en" ? empty.messageEn : empty.message) : "";
  return z.string({ error: emptyMessage }).transform((raw, ctx) => {
    const result = validateUscc(raw.slice(0, 64));
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: lang === "en" ? result.messageEn : result.message });
      return z.NEVER;
    }
    return result.value;
  });
}

function codeField(lang: Lang, codes: readonly string[], required: MessageKey, unknown: MessageKey) {
  const t = messages(lang);
  return z.string({ error: t(required) }).refine((v) => codes.includes(v), t(unknown));
}

function versionField(lang: Lang) {
  const message = translate(lang, "ent.err.version");
  return z
    .string({ error: message })
    .regex(/^\d{1,9}$/, message)
    .transform(Number);
}

/** Fields an enterprise user may change on its own profile (contacts and figures). */
function profileShape(lang: Lang) {
  return {
    address: optionalTextField(lang, { label: "ent.field.address", max: 200, chars: "free" }),
    legalRep: optionalTextField(lang, { label: "ent.field.legalRep", max: 50, chars: "person" }),
    contactName: optionalTextField(lang, { label: "ent.field.contactName", max: 50, chars: "person" }),
    contactPhone: phoneField(lang),
    employees: employeesField(lang),
    revenueWan: moneyField(lang),
    rdExpenseWan: moneyField(lang),
  };
}

/** Everything a reviewer sets: identity, place and classification, plus the profile fields. */
function fullShape(lang: Lang, reference: { towns: readonly string[]; industries: readonly string[] }) {
  return {
    uscc: usccField(lang),
    name: requiredTextField(lang, { label: "ent.field.name", max: 100, chars: "name", required: "ent.err.nameRequired" }),
    townCode: codeField(lang, reference.towns, "ent.err.townRequired", "ent.err.townUnknown"),
    industryCode: codeField(lang, reference.industries, "ent.err.industryRequired", "ent.err.industryUnknown"),
    platform: optionalTextField(lang, { label: "ent.field.platform", max: 60, chars: "name" }),
    aboveScale: z
      .boolean()
      .optional()
      .transform((v) => v ?? false),
    ...profileShape(lang),
  };
}

export type EnterpriseFormMode = "create" | "full" | "profile";

export function enterpriseCreateSchema(lang: Lang, reference: { towns: readonly string[]; industries: readonly string[] }) {
  return z.object(fullShape(lang, reference));
}

export function enterpriseFullEditSchema(lang: Lang, reference: { towns: readonly string[]; industries: readonly string[] }) {
  return z.object({ ...fullShape(lang, reference), version: versionField(lang) });
}

export function enterpriseProfileEditSchema(lang: Lang) {
  return z.object({ ...profileShape(lang), version: versionField(lang) });
}

type ProfileValue = z.output<ReturnType<typeof enterpriseProfileEditSchema>>;
type FullValue = z.output<ReturnType<typeof enterpriseCreateSchema>>;

export function toProfileInput(v: Omit<ProfileValue, "version">): EnterpriseProfileInput {
  return {
    address: v.address,
    legalRep: v.legalRep,
    contactName: v.contactName,
    contactPhone: v.contactPhone,
    employees: v.employees,
    revenueYuan: v.revenueWan,
    rdExpenseYuan: v.rdExpenseWan,
  };
}

export function toEnterpriseInput(v: FullValue): EnterpriseInput {
  return {
    ...toProfileInput(v),
    uscc: v.uscc,
    name: v.name,
    townCode: v.townCode,
    industryCode: v.industryCode,
    platform: v.platform,
    aboveScale: v.aboveScale,
  };
}

/** Archive / restore buttons on the profile. */
export const profileIntentSchema = z.object({ intent: z.enum(["archive", "restore"]) });

const CODE_PARAM = /^[a-z][a-z0-9-]{0,39}$/;
const CURSOR_PARAM = /^[A-Za-z0-9_-]{1,400}$/;

/**
 * The registry's URL search params, read leniently: a value that makes no sense is dropped (as
 * if absent), so a hand-edited or stale link still shows a page rather than an error.
 */
export function parseEnterpriseListQuery(params: URLSearchParams): EnterpriseListQuery {
  const str = (key: string) => params.get(key)?.trim() ?? "";
  const code = (key: string) => (CODE_PARAM.test(str(key)) ? str(key) : undefined);
  const q = Array.from(str("q")).slice(0, 100).join("");
  const tier = str("tier");
  const level = str("level");
  const notTier = str("notTier");
  const aboveScale = str("aboveScale");
  const archived = str("archived");
  const sort = str("sort");
  const cursor = str("cursor");
  const before = str("before");
  return {
    q: q || undefined,
    town: code("town"),
    industry: code("industry"),
    tier: isTierCode(tier) ? tier : undefined,
    level: isLevel(level) ? level : undefined,
    notTier: isTierCode(notTier) ? notTier : undefined,
    manufacturing: str("manufacturing") === "1" ? true : undefined,
    aboveScale: aboveScale === "1" ? true : aboveScale === "0" ? false : undefined,
    archived: archived === "1" ? "include" : (ARCHIVED_MODES as readonly string[]).includes(archived) ? (archived as EnterpriseListQuery["archived"]) : "hide",
    sort: (SORT_KEYS as readonly string[]).includes(sort) ? (sort as EnterpriseListQuery["sort"]) : "name",
    dir: str("dir") === "desc" ? "desc" : "asc",
    cursor: CURSOR_PARAM.test(cursor) ? cursor : undefined,
    before: !CURSOR_PARAM.test(cursor) && CURSOR_PARAM.test(before) ? before : undefined,
  };
}
