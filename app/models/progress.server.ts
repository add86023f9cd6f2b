/**
 * Progress toward the yearly targets (rules in app/domain/counting.ts, counters in db/README.md), read from the trigger-kept counters
 * (0002's per town, 0008's district-wide, 0017's applications in review by level sought) so that
 * no request scans applications or awards. The firm lists behind each figure (drill-downs,
 * progress-firms.server.ts) read the rows, scoped to the caller; progress-check.server.ts recounts
 * the counters from the rows.
 */
import { sql, type SelectQueryBuilder } from "kysely";
import type { Db } from "../../db/client";
import type { DB } from "../../db/schema";
import { paceNeeded, pipelineStanding, shanghaiYear, type Coverage } from "~/domain/counting";
import { seesEverything, type Caller } from "~/domain/scope";
import { TIERS, TIER_CODES, countsTowardTarget, isLevel, type TierCode } from "~/domain/tiers";

/** Decided applications: they left the pipeline approved (incl. later revoked) or not. */
const APPROVED_STATUSES = ["approved", "revoked"] as const;
const NOT_APPROVED_STATUSES = ["rejected", "withdrawn"] as const;

export interface Cell {
  achieved: number;
  /** In review, at a level sought that can count (pipelineStanding "counts"). */
  pipeline: number;
  /** In review with no level sought yet (级别未定). */
  pipelineLevelUndecided: number;
}

export interface TierFigures {
  tier: TierCode;
  target: number;
  achieved: number;
  /** Applications in review whose level sought can count for the tier. */
  pipeline: number;
  /** Applications in review with no level sought yet (级别未定), not in `pipeline` nor the projection. */
  pipelineLevelUndecided: number;
  gap: number;
  /** achieved / target, 0–100+ with one decimal; null when the target is 0. */
  percent: number | null;
  /** Recognitions needed per remaining month; 0 when there is no gap; null after the year. */
  pace: number | null;
  /** Share of decided applications of this tier approved in earlier years (0–1); null without history. */
  approvalRate: number | null;
  /** Decided applications behind approvalRate. */
  decidedHistory: number;
  /** achieved + round(pipeline × approvalRate); achieved once the year is over; null without history. */
  projection: number | null;
  /** The year is over on the Asia/Shanghai calendar: nothing more can count toward it. */
  yearEnded: boolean;
  /** Recognitions of the year below the counting level (recorded, not counted). */
  belowLevel: number;
}

export interface TownRow {
  code: string;
  nameZh: string;
  nameEn: string;
  cells: Record<TierCode, Cell>;
  coverage: Coverage;
}

export interface ProgressReport extends DistrictProgress {
  /** Towns the caller may see (an officer: its own), in the catalogue order; one page when asked. */
  towns: TownRow[];
  /**
   * Where the towns shown sit among all the caller may see: the 1-based position of the first,
   * the count of all, and the cursor of the next page (the last town's code) or null.
   */
  townPage: { from: number; total: number; next: string | null };
  /** The officer's own town, else null. */
  ownTown: string | null;
}

export function percentOf(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part * 1000) / whole) / 10;
}

function emptyCells(): Record<TierCode, Cell> {
  return Object.fromEntries(TIERS.map((t) => [t.code, { achieved: 0, pipeline: 0, pipelineLevelUndecided: 0 }])) as Record<TierCode, Cell>;
}

/**
 * Adds `n` applications in review seeking `levelSought` ('' for none, as 0017's counters keep
 * it) to a cell by the counting rule: those whose level can count to the pipeline, those without
 * a level to `pipelineLevelUndecided`, the others (a 市级 专精特新) to neither.
 */
function addInReview(cell: Cell, tier: TierCode, levelSought: string, n: number) {
  // A value outside the catalogue (the CHECK admits none) would count, as the status did before 0017.
  const standing = levelSought === "" ? "level-undecided" : isLevel(levelSought) ? pipelineStanding(tier, levelSought) : "counts";
  if (standing === "counts") cell.pipeline += n;
  else if (standing === "level-undecided") cell.pipelineLevelUndecided += n;
}

function isTier(code: string): code is TierCode {
  return TIERS.some((t) => t.code === code);
}

/** Years that have targets, newest first. */
export async function targetYears(db: Db): Promise<number[]> {
  const rows = await db.selectFrom("targets").select("year").distinct().orderBy("year", "desc").execute();
  return rows.map((r) => r.year);
}

/**
 * The year to show: the requested one, else the current Asia/Shanghai year when it has targets,
 * else the latest year that has them (else the current year).
 */
export function defaultYear(years: readonly number[], now: Date): number {
  const current = shanghaiYear(now);
  if (years.includes(current)) return current;
  return years.length ? Math.max(...years) : current;
}

/**
 * Towns to read counters of: a list of codes, or a query of them (a page of the league, read in
 * the same round as the page itself).
 */
type TownCodes = readonly string[] | SelectQueryBuilder<DB, "towns", { code: string }>;

/** Clean-beauty coverage per town, from the trigger-kept counter (of the given towns, else all). */
async function coverageByTown(db: Db, codes?: TownCodes): Promise<Map<string, Coverage>> {
  if (Array.isArray(codes) && codes.length === 0) return new Map();
  const rows = await db
    .selectFrom("progress_coverage_counts")
    .select(["town_code", "total", "covered"])
    .$if(codes !== undefined, (qb) => qb.where("town_code", "in", codes!))
    .execute();
  return new Map(rows.map((r) => [r.town_code, { covered: r.covered, total: r.total, percent: percentOf(r.covered, r.total) }]));
}

/** The district's coverage: one sum over the per-town counters (one row per town, no firm rows). */
async function districtCoverage(db: Db): Promise<Coverage> {
  const row = await db
    .selectFrom("progress_coverage_counts")
    .select([(eb) => eb.fn.coalesce(eb.fn.sum<number>("covered"), sql<number>`0`).as("covered"), (eb) => eb.fn.coalesce(eb.fn.sum<number>("total"), sql<number>`0`).as("total")])
    .executeTakeFirstOrThrow();
  const covered = Number(row.covered);
  const total = Number(row.total);
  return { covered, total, percent: percentOf(covered, total) };
}

export interface CoverageReport {
  district: Coverage;
  /** The towns the caller may see (an officer: its own), in catalogue order. */
  towns: { code: string; nameZh: string; nameEn: string; coverage: Coverage }[];
}

/** Clean-beauty coverage of the district and of the towns in the caller's scope. */
export async function loadCoverage(db: Db, caller: Caller): Promise<CoverageReport> {
  const [byTown, towns, district] = await Promise.all([coverageByTown(db), scopedTowns(db, caller), districtCoverage(db)]);
  return {
    district,
    towns: towns.rows.map((t) => ({
      code: t.code,
      nameZh: t.name_zh,
      nameEn: t.name_en,
      coverage: byTown.get(t.code) ?? { covered: 0, total: 0, percent: null },
    })),
  };
}

/**
 * Towns per page of the dashboard's league: Dinghai's 13 on one page; a province's ~90
 * county-level units in pages, so that the dashboard costs the same whatever their number.
 */
export const LEAGUE_PAGE_SIZE = 15;

/** A page of the town league: `limit` towns in catalogue order after the town `after`. */
export interface TownPageRequest {
  after: string | null;
  limit: number;
}

/** The catalogue key (sort, code) of a town, for a keyset page after it; null when unknown. */
async function townKey(db: Db, code: string | null): Promise<{ sort: number; code: string } | null> {
  if (code === null) return null;
  return (await db.selectFrom("towns").select(["sort", "code"]).where("code", "=", code).executeTakeFirst()) ?? null;
}

/**
 * The towns the caller may see (an officer: its own) in catalogue order: all of them, or one
 * page of them (`extra` more, to tell whether a next page exists). A province-wide registry has
 * a town row per county-level unit (about 90), so pages keep the dashboard's cost independent of
 * their number.
 */
function scopedTownsQuery(db: Db, caller: Caller, page?: { after: { sort: number; code: string } | null; limit: number }, extra = 0) {
  const townFilter = seesEverything(caller) ? null : (caller.townCode ?? "\u0000none");
  const after = page?.after ?? null;
  return db
    .selectFrom("towns")
    .$if(townFilter !== null, (qb) => qb.where("code", "=", townFilter!))
    .$if(after !== null, (qb) => qb.where(sql<boolean>`(sort, code) > (${after!.sort}, ${after!.code})`))
    .orderBy("sort")
    .orderBy("code")
    .$if(page !== undefined, (qb) => qb.limit(page!.limit + extra));
}

async function scopedTowns(db: Db, caller: Caller, page?: { after: { sort: number; code: string } | null; limit: number }) {
  const rows = await scopedTownsQuery(db, caller, page, 1).select(["code", "name_zh", "name_en"]).execute();
  if (!page || rows.length <= page.limit) return { rows, next: null };
  const shown = rows.slice(0, page.limit);
  return { rows: shown, next: shown[shown.length - 1]!.code };
}

/** Where a page of towns starts (1-based) and how many towns the caller may see in all. */
async function townPosition(db: Db, caller: Caller, after: { sort: number; code: string } | null) {
  if (!seesEverything(caller)) return { from: 1, total: caller.townCode ? 1 : 0 };
  const row = await db
    .selectFrom("towns")
    .select([
      (eb) => eb.fn.countAll<number>().as("total"),
      after === null ? sql<number>`0`.as("before") : sql<number>`coalesce(sum(CASE WHEN (sort, code) <= (${after.sort}, ${after.code}) THEN 1 ELSE 0 END), 0)`.as("before"),
    ])
    .executeTakeFirstOrThrow();
  return { from: Number(row.before) + 1, total: Number(row.total) };
}

/** The district's figures for one year: the same for every caller. */
export interface DistrictProgress {
  year: number;
  asOf: string;
  /** Whether the year has target rows. */
  hasTargets: boolean;
  tiers: TierFigures[];
  totals: Record<TierCode, Cell>;
  cleanBeautyCoverage: Coverage;
}

/**
 * The tier figures of the district for one year, read from district-wide counters (0008's
 * slotted application_status_totals and award_level_totals, 0017's pipeline_level_totals, a sum
 * over the coverage counters): no row of an application or of a town is read. What
 * `/api/progress` sends.
 */
export async function loadDistrictProgress(db: Db, year: number, now = new Date()): Promise<DistrictProgress> {
  const [targets, awardRows, levelRows, history, coverage] = await Promise.all([
    db.selectFrom("targets").select(["tier_code", "target_count"]).where("year", "=", year).execute(),
    db
      .selectFrom("award_level_totals")
      .select(["tier_code", "level", (eb) => eb.fn.sum<number>("n").as("n")])
      .where("year", "=", year)
      .where("n", ">", 0)
      .groupBy(["tier_code", "level"])
      .execute(),
    db
      .selectFrom("pipeline_level_totals")
      .select(["tier_code", "level_sought", (eb) => eb.fn.sum<number>("n").as("n")])
      .where("year", "=", year)
      .where("n", ">", 0)
      .groupBy(["tier_code", "level_sought"])
      .execute(),
    db
      .selectFrom("application_status_totals")
      .select(["tier_code", "status", (eb) => eb.fn.sum<number>("n").as("n")])
      .where("year", "<", year)
      .where("status", "in", [...APPROVED_STATUSES, ...NOT_APPROVED_STATUSES])
      .groupBy(["tier_code", "status"])
      .execute(),
    districtCoverage(db),
  ]);

  const totals = emptyCells();
  const belowLevel = new Map<TierCode, number>();
  for (const r of awardRows) {
    if (!isTier(r.tier_code) || !isLevel(r.level)) continue;
    if (!countsTowardTarget(r.tier_code, r.level)) {
      belowLevel.set(r.tier_code, (belowLevel.get(r.tier_code) ?? 0) + r.n);
      continue;
    }
    totals[r.tier_code].achieved += r.n;
  }
  for (const r of levelRows) {
    if (isTier(r.tier_code)) addInReview(totals[r.tier_code], r.tier_code, r.level_sought, Number(r.n));
  }

  const approved = new Map<string, number>();
  const decided = new Map<string, number>();
  for (const h of history) {
    const n = Number(h.n);
    decided.set(h.tier_code, (decided.get(h.tier_code) ?? 0) + n);
    if ((APPROVED_STATUSES as readonly string[]).includes(h.status)) {
      approved.set(h.tier_code, (approved.get(h.tier_code) ?? 0) + n);
    }
  }

  const yearEnded = year < shanghaiYear(now);
  const tiers = [...TIERS]
    .sort((a, b) => a.sort - b.sort)
    .map((tier): TierFigures => {
      const target = targets.find((t) => t.tier_code === tier.code)?.target_count ?? 0;
      const { achieved, pipeline, pipelineLevelUndecided } = totals[tier.code];
      const gap = Math.max(target - achieved, 0);
      const decidedN = decided.get(tier.code) ?? 0;
      const approvalRate = decidedN > 0 ? (approved.get(tier.code) ?? 0) / decidedN : null;
      return {
        tier: tier.code,
        target,
        achieved,
        pipeline,
        pipelineLevelUndecided,
        gap,
        percent: percentOf(achieved, target),
        pace: paceNeeded(gap, now, year),
        approvalRate,
        decidedHistory: decidedN,
        projection: yearEnded ? achieved : approvalRate === null ? null : achieved + Math.round(pipeline * approvalRate),
        yearEnded,
        belowLevel: belowLevel.get(tier.code) ?? 0,
      };
    });

  return { year, asOf: now.toISOString(), hasTargets: targets.length > 0, tiers, totals, cleanBeautyCoverage: coverage };
}

/** Achieved and pipeline cells of the given towns for one year, from 0002's and 0017's per-town counters. */
async function townCells(db: Db, year: number, codes: TownCodes): Promise<Map<string, Record<TierCode, Cell>>> {
  const byTown = new Map<string, Record<TierCode, Cell>>();
  if (Array.isArray(codes) && codes.length === 0) return byTown;
  // Equality on year and IN lists on tier and town: seeks into the counters' primary keys,
  // one per (tier, town) of the page, not a read of the year's rows of every town.
  const [awardRows, levelRows] = await Promise.all([
    db
      .selectFrom("progress_award_counts")
      .select(["tier_code", "town_code", "level", "n"])
      .where("year", "=", year)
      .where("tier_code", "in", TIER_CODES)
      .where("town_code", "in", codes)
      .where("n", ">", 0)
      .execute(),
    db
      .selectFrom("pipeline_level_counts")
      .select(["tier_code", "town_code", "level_sought", "n"])
      .where("year", "=", year)
      .where("tier_code", "in", TIER_CODES)
      .where("town_code", "in", codes)
      .where("n", ">", 0)
      .execute(),
  ]);
  const cellsOf = (town: string) => {
    let cells = byTown.get(town);
    if (!cells) byTown.set(town, (cells = emptyCells()));
    return cells;
  };
  for (const r of awardRows) {
    if (isTier(r.tier_code) && isLevel(r.level) && countsTowardTarget(r.tier_code, r.level)) {
      cellsOf(r.town_code)[r.tier_code].achieved += r.n;
    }
  }
  for (const r of levelRows) {
    if (isTier(r.tier_code)) addInReview(cellsOf(r.town_code)[r.tier_code], r.tier_code, r.level_sought, Number(r.n));
  }
  return byTown;
}

/**
 * Everything the dashboard and the report show for one year: the district's figures (the same
 * for every caller) and the per-town rows in the caller's scope (an officer gets its own town
 * only) — every town, or one page of them (`towns`).
 */
export async function loadProgress(db: Db, caller: Caller, year: number, now = new Date(), towns?: TownPageRequest): Promise<ProgressReport> {
  const ownTown = seesEverything(caller) ? null : caller.townCode;
  // An unknown town to page after (an edited or stale link) starts from the first page; an
  // officer's one town is never paged away.
  const after = towns && ownTown === null ? await townKey(db, towns.after) : null;
  const pageRequest = towns ? { after, limit: towns.limit } : undefined;
  // The page's counters are read with the page (its codes as a subquery): one round, not two.
  const codes = scopedTownsQuery(db, caller, pageRequest).select("code");
  const [district, page, position, cells, coverage] = await Promise.all([
    loadDistrictProgress(db, year, now),
    scopedTowns(db, caller, pageRequest),
    townPosition(db, caller, after),
    townCells(db, year, codes),
    coverageByTown(db, codes),
  ]);
  return {
    ...district,
    towns: page.rows.map((t) => ({
      code: t.code,
      nameZh: t.name_zh,
      nameEn: t.name_en,
      cells: cells.get(t.code) ?? emptyCells(),
      coverage: coverage.get(t.code) ?? { covered: 0, total: 0, percent: null },
    })),
    townPage: { from: page.rows.length ? position.from : 0, total: position.total, next: page.next },
    ownTown,
  };
}
