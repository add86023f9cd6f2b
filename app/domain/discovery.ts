/**
 * Discovery (主动发现): which firms of the district could be recognized in a tier, judged by the
 * tier's rule set in force over what the registry knows of each firm. Pure: it runs the
 * eligibility pre-check (eligibility.ts) and the standing classification (standing.ts) and keeps
 * what a town officer acts on, so discovery never judges a criterion in a way the start page
 * would not.
 *
 * - "meets" (符合): no criterion the data can decide fails; the ones it cannot decide are listed
 *   as to confirm (待确认), never as met.
 * - "near" (接近): one or two criteria fail (standing.ts NEAR_MAX_MISSING), each named with what
 *   it needs and what the firm has.
 *
 * Firms that hold the tier or have an open application for it are left out, and so are firms
 * without figures of the year before the application's: with nothing known, nothing is decided.
 */
import { evaluateEligibility, usesChecklist } from "./eligibility";
import { eligibilityPayloadFromFigures, type Figures } from "./figures";
import { classifyStanding, type Holding, type MissingCriterion, type OpenApplication } from "./standing";
import { TIERS, type TierCode } from "./tiers";

export const DISCOVERY_VERDICTS = ["meets", "near"] as const;
export type DiscoveryVerdict = (typeof DISCOVERY_VERDICTS)[number];

/** Tiers the registry's figures can pre-check: not the district checklists, not listing. */
export const DISCOVERY_TIERS: readonly TierCode[] = TIERS.map((t) => t.code as TierCode).filter(
  (code) => !usesChecklist(code) && evaluateEligibility(code, {}, "2030-01-01").criteria.some((c) => !c.advisory),
);

export function isDiscoveryTier(value: string): value is TierCode {
  return (DISCOVERY_TIERS as readonly string[]).includes(value);
}

export interface DiscoveryInput {
  tierCode: TierCode;
  /** The application year: the firm's figures of the year before are read. */
  year: number;
  /** The date whose rule set is in force (YYYY-MM-DD). */
  today: string;
  /** Figures of `year - 1`; null when the firm has not reported them. */
  figures: Figures | null;
  /** Figures of `year - 2`, for the criteria that read two years. */
  previous: Figures | null;
  holdings: readonly Holding[];
  applications: readonly OpenApplication[];
  aboveScale: boolean;
}

export interface DiscoveryFinding {
  verdict: DiscoveryVerdict;
  /** Criteria not met (one or two for "near", none for "meets"). */
  missing: MissingCriterion[];
  /** Criteria the data cannot decide (待确认). */
  toConfirm: MissingCriterion[];
  ruleVersion: string;
}

/** The rule set version discovery applies for a tier on a date. */
export function discoveryRuleVersion(tierCode: TierCode, today: string, year: number): string {
  return evaluateEligibility(tierCode, {}, today, [], undefined, undefined, undefined, year).ruleVersion;
}

/** A firm's finding for the tier, or null when it is not a candidate (held, open, not near, no data). */
export function discoverFirm(input: DiscoveryInput): DiscoveryFinding | null {
  if (!input.figures) return null;
  const payload = eligibilityPayloadFromFigures(input.figures, input.previous);
  const eligibility = evaluateEligibility(input.tierCode, payload, input.today, [], undefined, undefined, undefined, input.year);
  const standing = classifyStanding({
    tierCode: input.tierCode,
    eligibility,
    holdings: input.holdings,
    applications: input.applications,
    aboveScale: input.aboveScale,
  });
  const base = { missing: standing.missing, toConfirm: standing.toConfirm, ruleVersion: eligibility.ruleVersion };
  if (standing.verdict === "meets" || standing.verdict === "to-confirm") return { verdict: "meets", ...base };
  if (standing.verdict === "near") return { verdict: "near", ...base };
  return null;
}

/** "研发费用占营业收入比重 2.10%，需 ≥ 3%" — a missing criterion in one line. */
export function missingText(m: MissingCriterion, lang: "zh" | "en"): string {
  if (lang === "en") return `${m.labelEn}: ${m.haveEn ?? "no data"}, needs ${m.needEn}`;
  return `${m.labelZh} ${m.haveZh ?? "无数据"}，需 ${m.needZh}`;
}

/** What a criterion says whatever the firm: the same for every firm of one run (its rule set and years). */
export interface CriterionText {
  labelZh: string;
  labelEn: string;
  needZh: string;
  needEn: string;
}

/** A stored criterion: `[key, haveZh, haveEn]` with its text in the run's dictionary, or the whole criterion. */
export type StoredCriterion = [string, string | null, string | null] | MissingCriterion;

/**
 * A firm's criteria as a run stores them: only what is the firm's own (what it has), the
 * label and need kept once per run in `dictionary` (added to as keys first appear). A criterion
 * whose text differs from the dictionary's is stored whole.
 */
export function compactCriteria(list: readonly MissingCriterion[], dictionary: Record<string, CriterionText>): StoredCriterion[] {
  return list.map((m) => {
    const known = dictionary[m.key];
    if (!known) {
      dictionary[m.key] = { labelZh: m.labelZh, labelEn: m.labelEn, needZh: m.needZh, needEn: m.needEn };
      return [m.key, m.haveZh, m.haveEn];
    }
    if (known.labelZh === m.labelZh && known.labelEn === m.labelEn && known.needZh === m.needZh && known.needEn === m.needEn) return [m.key, m.haveZh, m.haveEn];
    return m;
  });
}

const shortText = (v: unknown): v is string => typeof v === "string" && v.length <= 500;

/** A run's dictionary of criterion texts (discovery_runs.criteria) read back; null when malformed. */
export function parseCriteriaDictionary(text: string): Record<string, CriterionText> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const out: Record<string, CriterionText> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (!item || typeof item !== "object") return null;
    const m = item as Record<string, unknown>;
    if (!shortText(m.labelZh) || !shortText(m.labelEn) || !shortText(m.needZh) || !shortText(m.needEn)) return null;
    out[key] = { labelZh: m.labelZh, labelEn: m.labelEn, needZh: m.needZh, needEn: m.needEn };
  }
  return out;
}

/**
 * A stored list of criteria (discovery_results.missing / to_confirm, JSON text) read back with
 * its run's dictionary: each item a `[key, haveZh, haveEn]` whose key the dictionary knows, or a
 * whole criterion with string fields (have may be null); anything else answers null, so a damaged
 * row shows no criteria rather than wrong ones.
 */
export function parseStoredCriteria(text: string, dictionary: Record<string, CriterionText>): MissingCriterion[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length > 50) return null;
  const out: MissingCriterion[] = [];
  const maybe = (v: unknown) => v === null || shortText(v);
  for (const item of value) {
    if (Array.isArray(item)) {
      const [key, haveZh, haveEn] = item as unknown[];
      if (item.length !== 3 || !shortText(key) || !maybe(haveZh) || !maybe(haveEn) || !Object.hasOwn(dictionary, key)) return null;
      out.push({ key, ...dictionary[key]!, haveZh: haveZh as string | null, haveEn: haveEn as string | null });
      continue;
    }
    if (!item || typeof item !== "object") return null;
    const m = item as Record<string, unknown>;
    if (![m.key, m.labelZh, m.labelEn, m.needZh, m.needEn].every(shortText) || !maybe(m.haveZh) || !maybe(m.haveEn)) return null;
    out.push({
      key: m.key as string,
      labelZh: m.labelZh as string,
      labelEn: m.labelEn as string,
      needZh: m.needZh as string,
      needEn: m.needEn as string,
      haveZh: (m.haveZh as string | null) ?? null,
      haveEn: (m.haveEn as string | null) ?? null,
    });
  }
  return out;
}
