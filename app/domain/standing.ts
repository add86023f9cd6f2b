/**
 * A firm's standing for a tier (申报资格概览): what it already holds, what it has open, and — for
 * the rest — what the pre-check says of what the registry knows of it. Used by the application
 * start page and, later, by lists over many firms, so it takes plain data and does no I/O.
 *
 * The pre-check warns and never decides (see eligibility.ts); here too a criterion the data
 * cannot decide is "to confirm", never met.
 */
import type { EligibilityCriterion, EligibilityResult } from "./eligibility";
import { levelRank, type Level, type TierCode } from "./tiers";

/** A live award of the tier (not revoked, not expired). */
export interface Holding {
  level: Level;
  year: number;
  recognizedOn: string | null;
  validUntil: string | null;
}

/** An open (draft, submitted or returned) application of the tier. */
export interface OpenApplication {
  id: number;
  year: number;
  status: "draft" | "submitted" | "returned" | "publicized";
}

export type Verdict =
  /** A live award of the tier. */
  | "held"
  /** An application of the tier is open: finish or follow it. */
  | "open"
  /** Every binding criterion is met by what the registry knows. */
  | "meets"
  /** No criterion fails, but some cannot be decided from the registry's data. */
  | "to-confirm"
  /** One or two criteria are not met. */
  | "near"
  /** Three or more criteria are not met. */
  | "not-yet"
  /** The tier has no pre-check (listing, or a district checklist the firm ticks itself). */
  | "no-precheck"
  /** Not offered: 升规 to a firm already above scale. */
  | "not-offered";

/** Criteria not met within this many make a firm "near". */
export const NEAR_MAX_MISSING = 2;

export interface MissingCriterion {
  key: string;
  labelZh: string;
  labelEn: string;
  needZh: string;
  needEn: string;
  /** What the registry knows; null when it knows nothing. */
  haveZh: string | null;
  haveEn: string | null;
}

export interface Standing {
  tierCode: TierCode;
  verdict: Verdict;
  holding: Holding | null;
  application: OpenApplication | null;
  /** Binding criteria not met, in the rule set's order. */
  missing: MissingCriterion[];
  /** Binding criteria the data cannot decide (待确认). */
  toConfirm: MissingCriterion[];
  ruleVersion: string | null;
}

export interface StandingInput {
  tierCode: TierCode;
  /** The pre-check over what the registry knows of the firm; null when it was not run. */
  eligibility: EligibilityResult | null;
  /** Live awards of this tier. */
  holdings: readonly Holding[];
  /** Open applications of this tier, any year. */
  applications: readonly OpenApplication[];
  aboveScale: boolean;
}

function asMissing(c: EligibilityCriterion): MissingCriterion {
  return {
    key: c.key,
    labelZh: c.labelZh,
    labelEn: c.labelEn,
    needZh: c.thresholdZh,
    needEn: c.thresholdEn,
    haveZh: c.valueText,
    haveEn: c.valueTextEn ?? c.valueText,
  };
}

/** The highest live holding (latest year among equals). */
function bestHolding(holdings: readonly Holding[]): Holding | null {
  let best: Holding | null = null;
  for (const h of holdings) {
    if (!best || levelRank(h.level) > levelRank(best.level) || (h.level === best.level && h.year > best.year)) best = h;
  }
  return best;
}

/** The open application to show: the latest year, then the highest id. */
function latestOpen(applications: readonly OpenApplication[]): OpenApplication | null {
  let latest: OpenApplication | null = null;
  for (const a of applications) {
    if (!latest || a.year > latest.year || (a.year === latest.year && a.id > latest.id)) latest = a;
  }
  return latest;
}

/** A firm's standing for one tier. Precedence: open application, held, not offered, pre-check. */
export function classifyStanding(input: StandingInput): Standing {
  const holding = bestHolding(input.holdings);
  const application = latestOpen(input.applications);
  const binding = (input.eligibility?.criteria ?? []).filter((c) => !c.advisory);
  // "invalid" and "doubtful" cannot come from stored figures in practice; neither is met.
  const missing = binding.filter((c) => c.outcome === "not-met").map(asMissing);
  const toConfirm = binding.filter((c) => c.outcome !== "met" && c.outcome !== "not-met").map(asMissing);
  const base = { tierCode: input.tierCode, holding, application, missing, toConfirm, ruleVersion: input.eligibility?.ruleVersion ?? null };
  if (application) return { ...base, verdict: "open" };
  if (holding) return { ...base, verdict: "held" };
  if (input.tierCode === "scaled-up" && input.aboveScale) return { ...base, verdict: "not-offered", missing: [], toConfirm: [] };
  if (!binding.length) return { ...base, verdict: "no-precheck" };
  if (missing.length > NEAR_MAX_MISSING) return { ...base, verdict: "not-yet" };
  if (missing.length > 0) return { ...base, verdict: "near" };
  if (toConfirm.length > 0) return { ...base, verdict: "to-confirm" };
  return { ...base, verdict: "meets" };
}
