import { DISCOVERY_VERDICTS, isDiscoveryTier, type DiscoveryVerdict } from "~/domain/discovery";
import { DISCOVERY_SORTS, type DiscoveryQuery, type DiscoverySort } from "~/models/discovery.server";
import { parseYearParam } from "~/schemas/progress.server";
import { translate, type Lang } from "~/utils/i18n";

export type DiscoveryQueryResult = { ok: true; query: DiscoveryQuery } | { ok: false; field: string; message: string };

const CODE = /^[a-z0-9-]{1,40}$/;

/**
 * The query of the discovery page, its export and /api/candidates:
 * ?tier=&year=&town=&industry=&verdict=&sort=&dir=. A bad tier, year, town, industry or verdict
 * is refused with a message naming the field (400); an absent tier is `defaultTier` (the page's
 * 专精特新) or refused when there is none (the API); an absent year is `defaultYear`.
 */
export function parseDiscoveryQuery(params: URLSearchParams, lang: Lang, defaults: { tier: string | null; year: number }): DiscoveryQueryResult {
  const bad = (field: string) => ({ ok: false as const, field, message: translate(lang, `discovery.bad.${field}` as "discovery.bad.tier") });
  const rawTier = params.get("tier");
  const tier = rawTier === null || rawTier.trim() === "" ? defaults.tier : rawTier.trim();
  if (tier === null || !isDiscoveryTier(tier)) return bad("tier");
  const year = parseYearParam(params.get("year"), lang);
  if (!year.ok) return bad("year");
  const query: DiscoveryQuery = { tier, year: year.year ?? defaults.year };
  const town = params.get("town")?.trim();
  if (town) {
    if (!CODE.test(town)) return bad("town");
    query.town = town;
  }
  const industry = params.get("industry")?.trim();
  if (industry) {
    if (!CODE.test(industry)) return bad("industry");
    query.industry = industry;
  }
  const verdict = params.get("verdict")?.trim();
  if (verdict) {
    if (!(DISCOVERY_VERDICTS as readonly string[]).includes(verdict)) return bad("verdict");
    query.verdict = verdict as DiscoveryVerdict;
  }
  const sort = params.get("sort");
  if (sort && (DISCOVERY_SORTS as readonly string[]).includes(sort)) query.sort = sort as DiscoverySort;
  if (params.get("dir") === "desc") query.dir = "desc";
  return { ok: true, query };
}

/** The ids of the add form: `enterpriseId` (checked rows) or `single` (a row's own button). */
export function parseAddIds(form: FormData): number[] | null {
  const single = form.get("single");
  const raw = single !== null ? [single] : form.getAll("enterpriseId");
  if (raw.length === 0 || raw.length > 2000) return null;
  const ids: number[] = [];
  for (const v of raw) {
    if (typeof v !== "string" || !/^[1-9]\d{0,14}$/.test(v.trim())) return null;
    ids.push(Number(v.trim()));
  }
  return ids;
}

/** The page number of ?page= (1 when absent or not a whole number from 1 to 100,000). */
export function parseDiscoveryPage(params: URLSearchParams): number {
  const raw = params.get("page")?.trim() ?? "";
  if (!/^[1-9]\d{0,5}$/.test(raw)) return 1;
  return Math.min(Number(raw), 100_000);
}

/** The query string of a discovery query (what the page links and redirects to). */
export function discoveryQueryString(query: DiscoveryQuery): string {
  const params = new URLSearchParams({ tier: query.tier, year: String(query.year) });
  for (const key of ["town", "industry", "verdict", "sort", "dir"] as const) {
    const v = query[key];
    if (v) params.set(key, v);
  }
  return params.toString();
}
