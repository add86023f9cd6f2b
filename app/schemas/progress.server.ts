import { z } from "zod";
import { TIER_CODES, type TierCode } from "~/domain/tiers";
import { translate, type Lang } from "~/utils/i18n";

/** A year query parameter: absent means "the default year"; anything else must be 2000–2100. */
function buildYearSchema(lang: Lang) {
  const message = translate(lang, "progress.badYear");
  return z
    .string()
    .trim()
    .regex(/^\d{4}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(2000, message).max(2100, message));
}

// Built once per language: a zod schema costs more to build than to run, on every dashboard view.
const yearSchemas = { zh: buildYearSchema("zh"), en: buildYearSchema("en") } satisfies Record<Lang, unknown>;
const yearSchema = (lang: Lang) => yearSchemas[lang];

export type YearParam = { ok: true; year: number | null } | { ok: false; message: string };

/** Reads `?year=`; an empty or missing value is null (the caller picks the default year). */
export function parseYearParam(value: string | null, lang: Lang): YearParam {
  if (value === null || value.trim() === "") return { ok: true, year: null };
  const result = yearSchema(lang).safeParse(value);
  return result.success ? { ok: true, year: result.data } : { ok: false, message: result.error.issues[0]!.message };
}

export type DrillDownParams = { ok: true; year: number; tier: TierCode; town: string | null; includeBelow: boolean; cursor: string | null } | { ok: false; message: string };

/** The query of /progress/firms: ?year=&tier=&town=&below=1&cursor= */
export function parseFirmsQuery(params: URLSearchParams, lang: Lang): DrillDownParams {
  const year = parseYearParam(params.get("year"), lang);
  if (!year.ok) return year;
  if (year.year === null) return { ok: false, message: translate(lang, "progress.badYear") };
  const tier = z.enum(TIER_CODES).safeParse(params.get("tier"));
  if (!tier.success) return { ok: false, message: translate(lang, "progress.badTier") };
  const town = params.get("town")?.trim() || null;
  return {
    ok: true,
    year: year.year,
    tier: tier.data,
    town,
    includeBelow: params.get("below") === "1",
    cursor: params.get("cursor"),
  };
}
