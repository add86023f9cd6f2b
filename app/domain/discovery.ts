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

/**
 * A stored list of criteria (discovery_results.missing / to_confirm, JSON text) read back: each
 * item must carry the fields a MissingCriterion has, as strings (have may be null); anything else
 * answers null, so a damaged row shows no criteria rather than wrong ones.
 */
export function parseStoredCriteria(text: string): MissingCriterion[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length > 50) return null;
  const out: MissingCriterion[] = [];
  for (const item of value) {
    if (!item || typeof item !== "object") return null;
    const m = item as Record<string, unknown>;
    const text = (k: string) => typeof m[k] === "string" && (m[k] as string).length <= 500;
    const maybe = (k: string) => m[k] === null || text(k);
    if (!["key", "labelZh", "labelEn", "needZh", "needEn"].every(text) || !maybe("haveZh") || !maybe("haveEn")) return null;
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
