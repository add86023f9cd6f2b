/**
 * Judging one batch of a discovery run: the firms as the run reads them (a row per firm with
 * its figures of the two years and whether it holds the tier or has an open application), each
 * judged by `discoverFirm` (app/domain/discovery.ts), answered as the rows discovery_results
 * stores. Pure, no I/O: the run calls it in its own thread for small runs and through the
 * judging thread (discovery-judge-thread.server.ts) for large ones, so both judge alike.
 */
import { compactCriteria, discoverFirm, type CriterionText, type DiscoveryVerdict } from "../domain/discovery";
import { FIGURE_FIELDS, type Figures } from "../domain/figures";
import type { TierCode } from "../domain/tiers";

/** A firm as the run reads it: enterprises joined with its figures of year − 1 (f_) and year − 2 (g_). */
export type FirmRow = Record<string, number | string | boolean | null> & {
  id: number;
  name: string;
  town_code: string;
  industry_code: string;
  above_scale: number;
  archived_at: string | null;
  /** EXISTS: 0/1 on SQLite, a boolean on PostgreSQL. */
  held: number | boolean;
  open_application: number | boolean;
  f_id: number | null;
  g_id: number | null;
};

/** A candidate as discovery_results stores it. */
export interface JudgedFirm {
  run_id: number;
  enterprise_id: number;
  verdict: DiscoveryVerdict;
  missing_count: number;
  confirm_count: number;
  missing: string;
  to_confirm: string;
  town_code: string;
  industry_code: string;
  name: string;
}

/** What a batch is judged against: the run, its tier and application year, and the day whose rules apply. */
export interface JudgeContext {
  runId: number;
  tier: TierCode;
  year: number;
  today: string;
}

export const FIGURE_SELECT = FIGURE_FIELDS.map((f) => `f.${f.column} AS f_${f.column}, g.${f.column} AS g_${f.column}`).join(", ");

function figuresFrom(row: FirmRow, prefix: "f_" | "g_"): Figures {
  const out = {} as Figures;
  for (const field of FIGURE_FIELDS) {
    const v = row[prefix + field.column];
    out[field.key] = v === null || v === undefined ? null : Number(v);
  }
  return out;
}

/**
 * Whether a firm is judged at all: live, with figures of the year before, neither holding the
 * tier nor with an open application of it (its standing is then "held" / "open", never a
 * candidate: standing.ts).
 */
export function isJudged(f: FirmRow): boolean {
  return f.archived_at === null && f.f_id !== null && f.held !== true && f.held !== 1 && f.open_application !== true && f.open_application !== 1;
}

const empty: never[] = [];

/**
 * The candidates among `firms`, in their order. Criterion labels and needs go to `dictionary`
 * (added to as keys first appear), each firm keeping only its own values.
 */
export function judgeFirms(firms: readonly FirmRow[], context: JudgeContext, dictionary: Record<string, CriterionText>): JudgedFirm[] {
  const results: JudgedFirm[] = [];
  for (const f of firms) {
    if (!isJudged(f)) continue;
    const finding = discoverFirm({
      tierCode: context.tier,
      year: context.year,
      today: context.today,
      figures: figuresFrom(f, "f_"),
      previous: f.g_id === null ? null : figuresFrom(f, "g_"),
      holdings: empty,
      applications: empty,
      aboveScale: Number(f.above_scale) === 1,
    });
    if (!finding) continue;
    results.push({
      run_id: context.runId,
      enterprise_id: Number(f.id),
      verdict: finding.verdict,
      missing_count: finding.missing.length,
      confirm_count: finding.toConfirm.length,
      missing: JSON.stringify(compactCriteria(finding.missing, dictionary)),
      to_confirm: JSON.stringify(compactCriteria(finding.toConfirm, dictionary)),
      town_code: f.town_code,
      industry_code: f.industry_code,
      name: f.name,
    });
  }
  return results;
}
