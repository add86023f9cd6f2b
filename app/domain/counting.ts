/**
 * Counting rules for the yearly targets (summed up in db/README.md) and Asia/Shanghai calendar helpers.
 */
import { TIERS, levelAtLeast, type Level, type TierCode } from "./tiers";
import type { Status } from "./state-machine";

export type EnterpriseId = number | string;

export interface TargetInput {
  tierCode: TierCode;
  targetCount: number;
}

export interface AwardInput {
  enterpriseId: EnterpriseId;
  tierCode: TierCode;
  level: Level;
  year: number;
  revoked: boolean;
  /** A renewal (复核) award: it continues an earlier recognition and is never a new one. */
  renewal?: boolean;
}

export interface ApplicationInput {
  tierCode: TierCode;
  year: number;
  status: Status;
  /** The level the firm applies for; null while not chosen yet (a draft, or an older row). */
  levelSought: Level | null;
  /** A renewal (复核) application: it asks to keep a title, so it never enters the pipeline. */
  renewal?: boolean;
}

/**
 * Where an application in review stands toward its tier's target: it "counts" when the level
 * sought is at or above the tier's counting level (a 市级 application for 专精特新, counted from
 * 省级, never can); "level-undecided" when no level is given yet — shown apart as 级别未定.
 * A renewal (复核) "cannot-count" at any level: it keeps a title the firm holds, and its award
 * is not a new recognition either.
 */
export type PipelineStanding = "counts" | "cannot-count" | "level-undecided";

export function pipelineStanding(tierCode: TierCode, levelSought: Level | null, renewal = false): PipelineStanding {
  if (renewal) return "cannot-count";
  if (levelSought === null) return "level-undecided";
  const tier = TIERS.find((t) => t.code === tierCode);
  return tier && levelAtLeast(levelSought, tier.countingLevel) ? "counts" : "cannot-count";
}

/** True for the statuses of an application still in review (the pipeline). */
export function inPipeline(status: Status): boolean {
  return status === "submitted" || status === "returned" || status === "publicized";
}

export interface CoverageEnterprise {
  id: EnterpriseId;
  aboveScale: boolean;
  manufacturing: boolean;
  archived: boolean;
}

export interface CoverageAward {
  enterpriseId: EnterpriseId;
  tierCode: TierCode;
  revoked: boolean;
}

export interface Coverage {
  covered: number;
  total: number;
  /** 0–100 with one decimal; null when there is no above-scale manufacturer. */
  percent: number | null;
}

/** Either figures already counted (e.g. by SQL) or the rows to count them from. */
export type CoverageInput = { aboveScaleManufacturers: number; covered: number } | { enterprises: readonly CoverageEnterprise[]; awards: readonly CoverageAward[] };

export interface TierProgress {
  tier: TierCode;
  target: number;
  achieved: number;
  /** Applications in review whose level sought can count for the tier. */
  pipeline: number;
  /** Applications in review with no level sought yet (级别未定): not in `pipeline`. */
  pipelineLevelUndecided: number;
  gap: number;
  /** achieved / target as 0–100+ with one decimal; null when the target is 0. */
  percent: number | null;
  /** The firms behind `achieved`, so the figure can be opened into a list. */
  achievedEnterpriseIds: EnterpriseId[];
}

export interface ProgressInput {
  year: number;
  targets: readonly TargetInput[];
  awards: readonly AwardInput[];
  applications: readonly ApplicationInput[];
  coverage: CoverageInput;
}

export interface Progress {
  year: number;
  tiers: TierProgress[];
  cleanBeautyCoverage: Coverage;
}

function percentOf(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part * 1000) / whole) / 10;
}

/**
 * Progress of every catalogue tier for one year. Rows of other years are ignored, so callers
 * may pass more than the year's rows. A tier without a target row has target 0.
 */
export function countProgress(input: ProgressInput): Progress {
  const { year } = input;
  const tiers = [...TIERS]
    .sort((a, b) => a.sort - b.sort)
    .map((tier): TierProgress => {
      const target = input.targets.find((t) => t.tierCode === tier.code)?.targetCount ?? 0;
      const achievers = new Set<EnterpriseId>();
      for (const a of input.awards) {
        if (a.tierCode === tier.code && a.year === year && !a.revoked && !a.renewal && levelAtLeast(a.level, tier.countingLevel)) {
          achievers.add(a.enterpriseId);
        }
      }
      const inReview = input.applications.filter((a) => a.tierCode === tier.code && a.year === year && inPipeline(a.status));
      const pipeline = inReview.filter((a) => pipelineStanding(tier.code, a.levelSought, a.renewal) === "counts").length;
      const pipelineLevelUndecided = inReview.filter((a) => pipelineStanding(tier.code, a.levelSought, a.renewal) === "level-undecided").length;
      const achieved = achievers.size;
      return {
        tier: tier.code,
        target,
        achieved,
        pipeline,
        pipelineLevelUndecided,
        gap: Math.max(target - achieved, 0),
        percent: percentOf(achieved, target),
        achievedEnterpriseIds: [...achievers],
      };
    });

  const c = input.coverage;
  const cleanBeautyCoverage =
    "enterprises" in c
      ? coverage(c.enterprises, c.awards)
      : {
          covered: c.covered,
          total: c.aboveScaleManufacturers,
          percent: percentOf(c.covered, c.aboveScaleManufacturers),
        };

  return { year, tiers, cleanBeautyCoverage };
}

/**
 * Clean-beauty coverage: of the non-archived above-scale manufacturers, how many hold a
 * non-revoked clean-beauty-factory award of any year.
 */
export function coverage(enterprises: readonly CoverageEnterprise[], awards: readonly CoverageAward[]): Coverage {
  const holders = new Set<EnterpriseId>();
  for (const a of awards) {
    if (a.tierCode === "clean-beauty-factory" && !a.revoked) holders.add(a.enterpriseId);
  }
  let total = 0;
  let covered = 0;
  for (const e of enterprises) {
    if (e.archived || !e.aboveScale || !e.manufacturing) continue;
    total++;
    if (holders.has(e.id)) covered++;
  }
  return { covered, total, percent: percentOf(covered, total) };
}

// Asia/Shanghai has been UTC+8 without daylight saving since 1991, so a fixed offset is exact
// for every date this registry handles and needs no time-zone database.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function shanghaiClock(date: Date | string): Date {
  const ms = typeof date === "string" ? Date.parse(date) : date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Invalid date: ${String(date)}`);
  return new Date(ms + SHANGHAI_OFFSET_MS);
}

/** Calendar year in Shanghai of an instant (a Date or an ISO-8601 string). */
export function shanghaiYear(date: Date | string): number {
  return shanghaiClock(date).getUTCFullYear();
}

/** Calendar month in Shanghai, 1–12. */
export function shanghaiMonth(date: Date | string): number {
  return shanghaiClock(date).getUTCMonth() + 1;
}

/** Calendar date in Shanghai as "YYYY-MM-DD". */
export function shanghaiDate(isoUtc: Date | string): string {
  return shanghaiClock(isoUtc).toISOString().slice(0, 10);
}

/**
 * Recognitions needed per remaining month of `year` to close `gap`, counting the current month
 * as remaining. 0 when there is no gap; null when the year is already over.
 */
export function paceNeeded(gap: number, now: Date | string, year: number): number | null {
  if (gap <= 0) return 0;
  const currentYear = shanghaiYear(now);
  if (year < currentYear) return null;
  const remainingMonths = year > currentYear ? 12 : 12 - shanghaiMonth(now) + 1;
  return gap / remainingMonths;
}
