/**
 * Cultivation figures: the town league (per town and tier: its share of the target, achieved,
 * applied, in the pool), the funnel of each tier (pool → in review → achieved, against the
 * target) and a town officer's own town against its shares. Achieved and in review follow the
 * counting rules of app/domain/counting.ts through the progress counters (progress.server.ts);
 * "in the pool" is the entries of the target year still cultivating, so that no firm is counted
 * twice along the funnel.
 */
import type { Db } from "../../db/client";
import { seesEverything, type Caller } from "~/domain/scope";
import { TIERS, type TierCode } from "~/domain/tiers";
import { assertPoolCaller, countPoolByStatus, cultivatingByTierTown } from "./pool.server";
import { loadProgress } from "./progress.server";

export interface LeagueRow {
  town: string;
  nameZh: string;
  nameEn: string;
  /** The town's share of the target; null when the bureau has not split this tier. */
  target: number | null;
  achieved: number;
  /** Applications in review that can count (the dashboard's 在审). */
  applied: number;
  /** Pool entries of the year still cultivating. */
  pool: number;
}

/** The town league of one tier and year, in the caller's scope (an officer: its own town). */
export async function loadTownLeague(db: Db, caller: Caller, year: number, tier: TierCode, now = new Date()): Promise<LeagueRow[]> {
  assertPoolCaller(caller);
  const [report, shares, pool] = await Promise.all([
    loadProgress(db, caller, year, now),
    db.selectFrom("town_targets").select(["town_code", "target_count"]).where("year", "=", year).where("tier_code", "=", tier).execute(),
    cultivatingByTierTown(db, year),
  ]);
  const share = new Map(shares.map((s) => [s.town_code, s.target_count]));
  return report.towns.map((t) => ({
    town: t.code,
    nameZh: t.nameZh,
    nameEn: t.nameEn,
    target: share.get(t.code) ?? null,
    achieved: t.cells[tier].achieved,
    applied: t.cells[tier].pipeline,
    pool: pool.find((p) => p.tier === tier && p.town === t.code)?.n ?? 0,
  }));
}

/** Entries of `year` still cultivating, district-wide, for each of `tiers` in that order (the funnel's pool). */
export async function cultivatingByTier(db: Db, year: number, tiers: readonly TierCode[]): Promise<number[]> {
  if (tiers.length === 0) return [];
  // Per tier, no town: a seek per tier into pool_entries_tier_year, read from the index alone.
  const rows = await db
    .selectFrom("pool_entries")
    .select(["tier_code", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tier_code", "in", tiers)
    .where("target_year", "=", year)
    .where("status", "=", "cultivating")
    .groupBy("tier_code")
    .execute();
  return tiers.map((tier) => Number(rows.find((r) => r.tier_code === tier)?.n ?? 0));
}

export interface TownHomeRow {
  tier: TierCode;
  target: number | null;
  achieved: number;
  applied: number;
  pool: number;
}

/** A town officer's own town against its shares of the year's targets, every tier. */
export async function loadTownHome(db: Db, caller: Caller, year: number, now = new Date()): Promise<{ town: string; nameZh: string; nameEn: string; rows: TownHomeRow[] } | null> {
  if (seesEverything(caller) || caller.role !== "town_officer" || !caller.townCode) return null;
  const [report, shares, pool] = await Promise.all([
    loadProgress(db, caller, year, now),
    db.selectFrom("town_targets").select(["tier_code", "target_count"]).where("year", "=", year).where("town_code", "=", caller.townCode).execute(),
    cultivatingByTierTown(db, year),
  ]);
  const own = report.towns.find((t) => t.code === caller.townCode);
  if (!own) return null;
  return {
    town: own.code,
    nameZh: own.nameZh,
    nameEn: own.nameEn,
    rows: [...TIERS]
      .sort((a, b) => a.sort - b.sort)
      .map((tier) => ({
        tier: tier.code,
        target: shares.find((s) => s.tier_code === tier.code)?.target_count ?? null,
        achieved: own.cells[tier.code].achieved,
        applied: own.cells[tier.code].pipeline,
        pool: pool.find((p) => p.tier === tier.code && p.town === own.code)?.n ?? 0,
      })),
  };
}

/** What GET /api/cultivation answers: the pool by status and the town league, in the caller's scope. */
export async function cultivationSummary(db: Db, caller: Caller, year: number, tier: TierCode) {
  assertPoolCaller(caller);
  const town = seesEverything(caller) ? null : caller.townCode;
  const [pool, towns] = await Promise.all([countPoolByStatus(db, caller, year, tier, town), loadTownLeague(db, caller, year, tier)]);
  return {
    year,
    tier,
    pool,
    towns: towns.map((t) => ({ town: t.town, target: t.target, achieved: t.achieved, applied: t.applied, pool: t.pool })),
  };
}
