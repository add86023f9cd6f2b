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

/**
 * The columns of a firm as the run reads it, in order: enterprises joined with its figures of
 * year − 1 (f_) and year − 2 (g_), and whether it has an open application of the tier or holds
 * it (EXISTS: 0/1 on SQLite, a boolean on PostgreSQL). A firm travels as a tuple of these values
 * (`FirmTuple`): read so from SQLite, and cheaper to hand to the judging thread than an object.
 */
export const FIRM_COLUMNS: readonly string[] = [
  "id",
  "name",
  "town_code",
  "industry_code",
  "above_scale",
  "archived_at",
  "f_id",
  "g_id",
  "open_application",
  "held",
  ...FIGURE_FIELDS.flatMap((f) => [`f_${f.column}`, `g_${f.column}`]),
];
export type FirmTuple = (number | string | boolean | null)[];
/** Where each value sits in a FirmTuple (figure i: f_ at `figures + 2i`, g_ right after). */
export const FIRM = { id: 0, name: 1, town: 2, industry: 3, aboveScale: 4, archivedAt: 5, fId: 6, gId: 7, open: 8, held: 9, figures: 10 } as const;

/** A firm read as an object (PostgreSQL) as a tuple. */
export function firmTuple(row: Record<string, unknown>): FirmTuple {
  return FIRM_COLUMNS.map((c) => row[c] as FirmTuple[number]);
}

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

/** The figure columns of the run's read, in FIRM_COLUMNS' order. */
export const FIGURE_SELECT = FIGURE_FIELDS.map((f) => `f.${f.column} AS f_${f.column}, g.${f.column} AS g_${f.column}`).join(", ");

/** A year's figures of a tuple: `year` 0 for f_ (year − 1), 1 for g_ (year − 2). */
function figuresFrom(row: FirmTuple, year: 0 | 1): Figures {
  const out = {} as Figures;
  for (let i = 0; i < FIGURE_FIELDS.length; i++) {
    const v = row[FIRM.figures + 2 * i + year];
    out[FIGURE_FIELDS[i]!.key] = v === null || v === undefined ? null : Number(v);
  }
  return out;
}

/**
 * Whether a firm is judged at all: live, with figures of the year before, neither holding the
 * tier nor with an open application of it (its standing is then "held" / "open", never a
 * candidate: standing.ts).
 */
export function isJudged(f: FirmTuple): boolean {
  const held = f[FIRM.held];
  const open = f[FIRM.open];
  return f[FIRM.archivedAt] === null && f[FIRM.fId] !== null && held !== true && held !== 1 && open !== true && open !== 1;
}

const empty: never[] = [];

/**
 * The candidates among `firms`, in their order. Criterion labels and needs go to `dictionary`
 * (added to as keys first appear), each firm keeping only its own values.
 */
export function judgeFirms(firms: readonly FirmTuple[], context: JudgeContext, dictionary: Record<string, CriterionText>): JudgedFirm[] {
  const results: JudgedFirm[] = [];
  for (const f of firms) {
    if (!isJudged(f)) continue;
    const finding = discoverFirm({
      tierCode: context.tier,
      year: context.year,
      today: context.today,
      figures: figuresFrom(f, 0),
      previous: f[FIRM.gId] === null ? null : figuresFrom(f, 1),
      holdings: empty,
      applications: empty,
      aboveScale: Number(f[FIRM.aboveScale]) === 1,
    });
    if (!finding) continue;
    results.push({
      run_id: context.runId,
      enterprise_id: Number(f[FIRM.id]),
      verdict: finding.verdict,
      missing_count: finding.missing.length,
      confirm_count: finding.toConfirm.length,
      missing: JSON.stringify(compactCriteria(finding.missing, dictionary)),
      to_confirm: JSON.stringify(compactCriteria(finding.toConfirm, dictionary)),
      town_code: String(f[FIRM.town]),
      industry_code: String(f[FIRM.industry]),
      name: String(f[FIRM.name]),
    });
  }
  return results;
}
