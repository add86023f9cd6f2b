/**
 * Progress toward the yearly targets (rules in app/domain/counting.ts, counters in db/README.md), read from the trigger-kept counters
 * (0002's per town, 0008's district-wide, 0017's applications in review by level sought) so that
 * no request scans applications or awards. The firm lists behind each figure (drill-downs) read
 * the rows, scoped to the caller.
 */
import { NotFound } from "~/domain/errors";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { paceNeeded, pipelineStanding, shanghaiYear, type Coverage } from "~/domain/counting";
import { seesEverything, type Caller } from "~/domain/scope";
import { LEVELS, TIERS, TIER_CODES, countsTowardTarget, isLevel, type Level, type TierCode } from "~/domain/tiers";

const CLEAN_BEAUTY = "clean-beauty-factory";
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

/** Clean-beauty coverage per town, from the trigger-kept counter (of the given towns, else all). */
async function coverageByTown(db: Db, codes?: readonly string[]): Promise<Map<string, Coverage>> {
  if (codes && codes.length === 0) return new Map();
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
    .select([
      (eb) => eb.fn.coalesce(eb.fn.sum<number>("covered"), sql<number>`0`).as("covered"),
      (eb) => eb.fn.coalesce(eb.fn.sum<number>("total"), sql<number>`0`).as("total"),
    ])
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
 * page of them. A province-wide registry has a town row per county-level unit (about 90), so
 * pages keep the dashboard's cost independent of their number.
 */
async function scopedTowns(db: Db, caller: Caller, page?: { after: { sort: number; code: string } | null; limit: number }) {
  const townFilter = seesEverything(caller) ? null : (caller.townCode ?? "\u0000none");
  const after = page?.after ?? null;
  const rows = await db
    .selectFrom("towns")
    .select(["code", "name_zh", "name_en"])
    .$if(townFilter !== null, (qb) => qb.where("code", "=", townFilter!))
    .$if(after !== null, (qb) => qb.where(sql<boolean>`(sort, code) > (${after!.sort}, ${after!.code})`))
    .orderBy("sort")
    .orderBy("code")
    .$if(page !== undefined, (qb) => qb.limit(page!.limit + 1))
    .execute();
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
      after === null
        ? sql<number>`0`.as("before")
        : sql<number>`coalesce(sum(CASE WHEN (sort, code) <= (${after.sort}, ${after.code}) THEN 1 ELSE 0 END), 0)`.as("before"),
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
async function townCells(db: Db, year: number, codes: readonly string[]): Promise<Map<string, Record<TierCode, Cell>>> {
  const byTown = new Map<string, Record<TierCode, Cell>>();
  if (codes.length === 0) return byTown;
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
export async function loadProgress(
  db: Db,
  caller: Caller,
  year: number,
  now = new Date(),
  towns?: TownPageRequest,
): Promise<ProgressReport> {
  const ownTown = seesEverything(caller) ? null : caller.townCode;
  // An unknown town to page after (an edited or stale link) starts from the first page; an
  // officer's one town is never paged away.
  const after = towns && ownTown === null ? await townKey(db, towns.after) : null;
  const [district, page, position] = await Promise.all([
    loadDistrictProgress(db, year, now),
    scopedTowns(db, caller, towns ? { after, limit: towns.limit } : undefined),
    townPosition(db, caller, after),
  ]);
  const codes = page.rows.map((t) => t.code);
  const [cells, coverage] = await Promise.all([townCells(db, year, codes), coverageByTown(db, codes)]);
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

// ───────────────────────────── drill-downs ─────────────────────────────

/**
 * The town a drill-down may show: an officer only its own (another town is 404, like a missing
 * one); reviewers and admins any known town or the whole district (null).
 */
export async function scopedTown(db: Db, caller: Caller, requested: string | null): Promise<string | null> {
  if (requested) {
    const exists = await db.selectFrom("towns").select("code").where("code", "=", requested).executeTakeFirst();
    if (!exists) throw new NotFound("town");
  }
  if (seesEverything(caller)) return requested;
  if (caller.role !== "town_officer" || !caller.townCode) throw new NotFound("town");
  if (requested && requested !== caller.townCode) throw new NotFound("town");
  return caller.townCode;
}

export interface AwardedFirm {
  awardId: number;
  enterpriseId: number;
  name: string;
  uscc: string;
  townCode: string;
  townZh: string;
  townEn: string;
  level: Level;
  counted: boolean;
  recognizedOn: string | null;
  documentNo: string | null;
  archived: boolean;
}

export interface Page<T> {
  rows: T[];
  /** Cursor of the next page, or null on the last one. */
  next: string | null;
}

const PAGE_SIZE = 100;

function encodeCursor(key: string, id: number): string {
  return Buffer.from(JSON.stringify([key, id])).toString("base64url");
}

function decodeCursor(cursor: string | null): [string, number] | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && Number.isInteger(value[1])) return [value[0], value[1]];
  } catch {
    /* fall through: a bad cursor starts from the first page */
  }
  return null;
}

/**
 * The firms behind an "achieved" figure: live awards of `tier` in `year` (at a counting level
 * unless `includeBelow`), in the caller's scope, in order of recognition. That order walks the
 * index awards_live_tier_year_recognized and stops after a page; by name it would sort every
 * award of the year (0.3–0.9 s for 28k awards at 1M firms).
 */
export async function listAwardedFirms(
  db: Db,
  caller: Caller,
  filters: { year: number; tier: TierCode; town: string | null; includeBelow: boolean; cursor: string | null; pageSize?: number },
): Promise<Page<AwardedFirm>> {
  const size = filters.pageSize ?? PAGE_SIZE;
  const town = await scopedTown(db, caller, filters.town);
  const levels = LEVELS.filter((l) => filters.includeBelow || countsTowardTarget(filters.tier, l));
  const after = decodeCursor(filters.cursor);
  const rows = await db
    .selectFrom("awards as w")
    .innerJoin("enterprises as e", "e.id", "w.enterprise_id")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .select([
      "w.id as awardId",
      "e.id as enterpriseId",
      "e.name",
      "e.uscc",
      "e.town_code as townCode",
      "t.name_zh as townZh",
      "t.name_en as townEn",
      "w.level",
      "w.recognized_on as recognizedOn",
      "w.document_no as documentNo",
      "e.archived_at",
    ])
    .where("w.tier_code", "=", filters.tier)
    .where("w.year", "=", filters.year)
    .where("w.level", "in", levels)
    .where("w.revoked_on", "is", null)
    // Renewals (复核) are not new recognitions (0015).
    .where("w.renews_award_id", "is", null)
    .$if(town !== null, (qb) => qb.where("e.town_code", "=", town!))
    .$if(after !== null, (qb) =>
      qb.where(sql<boolean>`(coalesce(w.recognized_on, ''), w.id) > (${after![0]}, ${after![1]})`),
    )
    .orderBy(sql`coalesce(w.recognized_on, '')`)
    .orderBy("w.id")
    .limit(size + 1)
    .execute();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ archived_at, ...r }) => ({
      ...r,
      counted: countsTowardTarget(filters.tier, r.level),
      archived: archived_at !== null,
    })),
    next: rows.length > size && last ? encodeCursor(last.recognizedOn ?? "", last.awardId) : null,
  };
}

/**
 * How many firms hold a live award of the year at a counting level, and how many below it, in
 * the caller's scope (from the counters: the same figures as the dashboard).
 */
export async function countAwarded(db: Db, caller: Caller, year: number, tier: TierCode, town: string | null) {
  const scoped = await scopedTown(db, caller, town);
  const rows = await db
    .selectFrom("progress_award_counts")
    .select(["level", (eb) => eb.fn.sum<number>("n").as("n")])
    .where("year", "=", year)
    .where("tier_code", "=", tier)
    .$if(scoped !== null, (qb) => qb.where("town_code", "=", scoped!))
    .groupBy("level")
    .execute();
  let counted = 0;
  let below = 0;
  for (const r of rows) {
    if (!isLevel(r.level)) continue;
    if (countsTowardTarget(tier, r.level)) counted += Number(r.n);
    else below += Number(r.n);
  }
  return { counted, below };
}

export interface UncoveredFirm {
  id: number;
  name: string;
  uscc: string;
  townCode: string;
  townZh: string;
  townEn: string;
  industryZh: string;
  industryEn: string;
  contactName: string | null;
  contactPhone: string | null;
}

/**
 * The bureau's work list: non-archived above-scale manufacturers without a live clean-beauty
 * award, in the caller's scope, by name.
 */
export async function listUncoveredFirms(
  db: Db,
  caller: Caller,
  filters: { town: string | null; cursor: string | null; pageSize?: number },
): Promise<Page<UncoveredFirm>> {
  const size = filters.pageSize ?? PAGE_SIZE;
  const town = await scopedTown(db, caller, filters.town);
  const after = decodeCursor(filters.cursor);
  const rows = await db
    .selectFrom("enterprises as e")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .innerJoin("industries as i", "i.code", "e.industry_code")
    .select([
      "e.id",
      "e.name",
      "e.uscc",
      "e.town_code as townCode",
      "t.name_zh as townZh",
      "t.name_en as townEn",
      "i.name_zh as industryZh",
      "i.name_en as industryEn",
      "e.contact_name as contactName",
      "e.contact_phone as contactPhone",
    ])
    .where("e.above_scale", "=", 1)
    .where("e.archived_at", "is", null)
    .where("i.manufacturing", "=", 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("awards as w")
            .select(sql`1`.as("one"))
            .whereRef("w.enterprise_id", "=", "e.id")
            .where("w.tier_code", "=", CLEAN_BEAUTY)
            .where("w.revoked_on", "is", null),
        ),
      ),
    )
    .$if(town !== null, (qb) => qb.where("e.town_code", "=", town!))
    .$if(after !== null, (qb) => qb.where(sql<boolean>`(e.name, e.id) > (${after![0]}, ${after![1]})`))
    .orderBy("e.name")
    .orderBy("e.id")
    .limit(size + 1)
    .execute();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > size && last ? encodeCursor(last.name, last.id) : null };
}

// ───────────────────────────── counter check ─────────────────────────────

export interface CounterDifference {
  table:
    | "progress_application_counts"
    | "progress_award_counts"
    | "progress_coverage_counts"
    | "application_status_totals"
    | "award_level_totals"
    | "pipeline_level_counts"
    | "pipeline_level_totals"
    | "award_expiry_counts";
  key: string;
  counter: number;
  actual: number;
}

/**
 * Recomputes every counter table from the rows and lists every difference (empty when the
 * triggers kept them exact). Scans everything: for tests and maintenance, never a request.
 */
export async function verifyCounters(db: Db): Promise<CounterDifference[]> {
  const diffs: CounterDifference[] = [];
  const compare = (
    table: CounterDifference["table"],
    counters: { key: string; n: number }[],
    actual: { key: string; n: number }[],
  ) => {
    const a = new Map(actual.map((r) => [r.key, Number(r.n)]));
    const c = new Map(counters.filter((r) => Number(r.n) !== 0).map((r) => [r.key, Number(r.n)]));
    for (const key of new Set([...a.keys(), ...c.keys()])) {
      const counter = c.get(key) ?? 0;
      const real = a.get(key) ?? 0;
      if (counter !== real) diffs.push({ table, key, counter, actual: real });
    }
  };
  const appCounters = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || town_code || '/' || status AS key, n
    FROM progress_application_counts`.execute(db);
  const appActual = await sql<{ key: string; n: number }>`
    SELECT a.year || '/' || a.tier_code || '/' || e.town_code || '/' || a.status AS key, count(*) AS n
    FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
    GROUP BY a.year, a.tier_code, e.town_code, a.status`.execute(db);
  compare("progress_application_counts", appCounters.rows, appActual.rows);
  const awardCounters = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || town_code || '/' || level AS key, n
    FROM progress_award_counts`.execute(db);
  const awardActual = await sql<{ key: string; n: number }>`
    SELECT w.year || '/' || w.tier_code || '/' || e.town_code || '/' || w.level AS key, count(*) AS n
    FROM awards w JOIN enterprises e ON e.id = w.enterprise_id
    WHERE w.revoked_on IS NULL AND w.renews_award_id IS NULL
    GROUP BY w.year, w.tier_code, e.town_code, w.level`.execute(db);
  compare("progress_award_counts", awardCounters.rows, awardActual.rows);
  const coverageCounters = await sql<{ key: string; n: number }>`
    SELECT town_code || '/total' AS key, total AS n FROM progress_coverage_counts
    UNION ALL SELECT town_code || '/covered', covered FROM progress_coverage_counts`.execute(db);
  const coverageActual = await sql<{ key: string; n: number }>`
    WITH d AS (
      SELECT e.town_code,
        EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = e.id
                AND w.tier_code = ${CLEAN_BEAUTY} AND w.revoked_on IS NULL) AS held
      FROM enterprises e JOIN industries i ON i.code = e.industry_code
      WHERE e.above_scale = 1 AND e.archived_at IS NULL AND i.manufacturing = 1)
    SELECT town_code || '/total' AS key, count(*) AS n FROM d GROUP BY town_code
    UNION ALL SELECT town_code || '/covered', sum(CASE WHEN held THEN 1 ELSE 0 END) FROM d GROUP BY town_code`.execute(db);
  compare("progress_coverage_counts", coverageCounters.rows, coverageActual.rows);
  const statusTotals = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || status AS key, sum(n) AS n FROM application_status_totals
    GROUP BY year, tier_code, status`.execute(db);
  const statusActual = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || status AS key, count(*) AS n FROM applications
    GROUP BY year, tier_code, status`.execute(db);
  compare("application_status_totals", statusTotals.rows, statusActual.rows);
  const awardTotals = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || level AS key, sum(n) AS n FROM award_level_totals
    GROUP BY year, tier_code, level`.execute(db);
  const awardTotalsActual = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || level AS key, count(*) AS n FROM awards
    WHERE revoked_on IS NULL AND renews_award_id IS NULL GROUP BY year, tier_code, level`.execute(db);
  compare("award_level_totals", awardTotals.rows, awardTotalsActual.rows);
  const levelCounters = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || town_code || '/' || level_sought AS key, n
    FROM pipeline_level_counts`.execute(db);
  const levelActual = await sql<{ key: string; n: number }>`
    SELECT a.year || '/' || a.tier_code || '/' || e.town_code || '/' || coalesce(a.level_sought, '') AS key, count(*) AS n
    FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
    WHERE a.status IN ('submitted', 'returned', 'publicized') AND a.renews_award_id IS NULL
    GROUP BY a.year, a.tier_code, e.town_code, coalesce(a.level_sought, '')`.execute(db);
  compare("pipeline_level_counts", levelCounters.rows, levelActual.rows);
  const levelTotals = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || level_sought AS key, sum(n) AS n FROM pipeline_level_totals
    GROUP BY year, tier_code, level_sought`.execute(db);
  const levelTotalsActual = await sql<{ key: string; n: number }>`
    SELECT year || '/' || tier_code || '/' || coalesce(level_sought, '') AS key, count(*) AS n FROM applications
    WHERE status IN ('submitted', 'returned', 'publicized') AND renews_award_id IS NULL
    GROUP BY year, tier_code, coalesce(level_sought, '')`.execute(db);
  compare("pipeline_level_totals", levelTotals.rows, levelTotalsActual.rows);
  const expiryCounters = await sql<{ key: string; n: number }>`
    SELECT tier_code || '/' || valid_until || '/' || kind AS key, sum(n) AS n FROM award_expiry_counts
    GROUP BY tier_code, valid_until, kind`.execute(db);
  const expiryActual = await sql<{ key: string; n: number }>`
    SELECT tier_code || '/' || valid_until || '/current' AS key, count(*) AS n FROM awards
    WHERE revoked_on IS NULL AND ended_on IS NULL AND valid_until IS NOT NULL GROUP BY tier_code, valid_until
    UNION ALL
    SELECT w.tier_code || '/' || w.valid_until || '/renewed', count(*) FROM awards r JOIN awards w ON w.id = r.renews_award_id
    WHERE w.revoked_on IS NULL AND w.valid_until IS NOT NULL GROUP BY w.tier_code, w.valid_until`.execute(db);
  compare("award_expiry_counts", expiryCounters.rows, expiryActual.rows);
  return diffs;
}
