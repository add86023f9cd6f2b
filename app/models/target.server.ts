/**
 * Yearly targets per tier (targets table). Reading is open to the bureau's roles; writing is for
 * reviewers and admins (checked here as well as in the route), and every change is audited.
 */
import { Forbidden } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import type { Db } from "../../db/client";
import { seesEverything, type Caller } from "~/domain/scope";
import { TIER_CODES, type TierCode } from "~/domain/tiers";
import { splitShortfall } from "~/domain/pool";
import { recordAudit } from "./audit.server";

export interface YearTargets {
  year: number;
  counts: Partial<Record<TierCode, number>>;
  updatedAt: string;
  updatedBy: string | null;
}

/** Every year that has targets, newest first, with its latest change. */
export async function listTargets(db: Db): Promise<YearTargets[]> {
  const rows = await db
    .selectFrom("targets")
    .leftJoin("users", "users.id", "targets.updated_by")
    .select(["targets.year", "targets.tier_code", "targets.target_count", "targets.updated_at", "users.display_name"])
    .orderBy("targets.year", "desc")
    .execute();
  const years = new Map<number, YearTargets>();
  for (const r of rows) {
    let y = years.get(r.year);
    if (!y) years.set(r.year, (y = { year: r.year, counts: {}, updatedAt: r.updated_at, updatedBy: r.display_name }));
    if ((TIER_CODES as readonly string[]).includes(r.tier_code)) y.counts[r.tier_code as TierCode] = r.target_count;
    if (r.updated_at > y.updatedAt) {
      y.updatedAt = r.updated_at;
      y.updatedBy = r.display_name;
    }
  }
  return [...years.values()];
}

export interface TargetChange {
  tier: TierCode;
  old: number | null;
  new: number;
}

/**
 * Sets the targets of one year (inserting missing rows). One audit row "target.update" per
 * changed tier, with the old and the new value, in the same transaction.
 */
export async function saveTargets(db: Db, caller: Caller, year: number, counts: Record<TierCode, number>, now = new Date()): Promise<TargetChange[]> {
  if (!seesEverything(caller)) throw new Forbidden("role");
  return transact(db, async (trx) => {
    const existing = await trx.selectFrom("targets").select(["tier_code", "target_count"]).where("year", "=", year).execute();
    const old = new Map(existing.map((r) => [r.tier_code, r.target_count]));
    const changes: TargetChange[] = [];
    for (const tier of TIER_CODES) {
      const before = old.get(tier) ?? null;
      if (before === counts[tier]) continue;
      changes.push({ tier, old: before, new: counts[tier] });
      await trx
        .insertInto("targets")
        .values({ year, tier_code: tier, target_count: counts[tier], updated_by: caller.id, updated_at: now.toISOString() })
        .onConflict((oc) =>
          oc.columns(["year", "tier_code"]).doUpdateSet({
            target_count: counts[tier],
            updated_by: caller.id,
            updated_at: now.toISOString(),
          }),
        )
        .execute();
      await recordAudit(trx, {
        actorId: caller.id,
        action: "target.update",
        subject: `${year}/${tier}`,
        data: { year, tier, old: before, new: counts[tier] },
      });
    }
    return changes;
  });
}

// ───────────────────────────── the towns' split (目标分解) ─────────────────────────────

export interface TownSplit {
  year: number;
  /** The district's target per tier (targets table); 0 without a row. */
  district: Record<TierCode, number>;
  /** Each town's share per tier; a town without a row has no share (shown empty). */
  towns: { code: string; nameZh: string; nameEn: string; counts: Partial<Record<TierCode, number>> }[];
  /** Per tier: the towns' sum and how far it falls short of the district target. */
  sums: Record<TierCode, { sum: number; shortfall: number }>;
}

/** The district target of each tier of `year` split among the towns, with the shortfall per tier. */
export async function loadTownSplit(db: Db, year: number): Promise<TownSplit> {
  const [towns, district, shares] = await Promise.all([
    db.selectFrom("towns").select(["code", "name_zh", "name_en"]).orderBy("sort").orderBy("code").execute(),
    db.selectFrom("targets").select(["tier_code", "target_count"]).where("year", "=", year).execute(),
    db.selectFrom("town_targets").select(["tier_code", "town_code", "target_count"]).where("year", "=", year).execute(),
  ]);
  const districtCounts = Object.fromEntries(TIER_CODES.map((c) => [c, 0])) as Record<TierCode, number>;
  for (const r of district) if ((TIER_CODES as readonly string[]).includes(r.tier_code)) districtCounts[r.tier_code as TierCode] = r.target_count;
  const byTown = new Map<string, Partial<Record<TierCode, number>>>();
  for (const r of shares) {
    if (!(TIER_CODES as readonly string[]).includes(r.tier_code)) continue;
    const counts = byTown.get(r.town_code) ?? {};
    counts[r.tier_code as TierCode] = r.target_count;
    byTown.set(r.town_code, counts);
  }
  const sums = Object.fromEntries(
    TIER_CODES.map((tier) => [
      tier,
      splitShortfall(
        districtCounts[tier],
        shares.filter((s) => s.tier_code === tier).map((s) => s.target_count),
      ),
    ]),
  ) as Record<TierCode, { sum: number; shortfall: number }>;
  return {
    year,
    district: districtCounts,
    towns: towns.map((t) => ({ code: t.code, nameZh: t.name_zh, nameEn: t.name_en, counts: byTown.get(t.code) ?? {} })),
    sums,
  };
}

/**
 * Sets the towns' shares of one tier and year (a town left out keeps its share). One audit row
 * "town-target.update" per changed town, in the same transaction. Returns the towns changed.
 */
export async function saveTownTargets(
  db: Db,
  caller: Caller,
  year: number,
  tier: TierCode,
  counts: Record<string, number>,
  now = new Date(),
): Promise<{ town: string; old: number | null; new: number }[]> {
  if (!seesEverything(caller)) throw new Forbidden("role");
  return transact(db, async (trx) => {
    const known = new Set((await trx.selectFrom("towns").select("code").execute()).map((t) => t.code));
    const existing = await trx.selectFrom("town_targets").select(["town_code", "target_count"]).where("year", "=", year).where("tier_code", "=", tier).execute();
    const old = new Map(existing.map((r) => [r.town_code, r.target_count]));
    const changes: { town: string; old: number | null; new: number }[] = [];
    for (const [town, n] of Object.entries(counts)) {
      if (!known.has(town)) continue;
      const before = old.get(town) ?? null;
      if (before === n) continue;
      changes.push({ town, old: before, new: n });
      await trx
        .insertInto("town_targets")
        .values({ year, tier_code: tier, town_code: town, target_count: n, updated_by: caller.id, updated_at: now.toISOString() })
        .onConflict((oc) => oc.columns(["year", "tier_code", "town_code"]).doUpdateSet({ target_count: n, updated_by: caller.id, updated_at: now.toISOString() }))
        .execute();
      await recordAudit(trx, {
        actorId: caller.id,
        action: "town-target.update",
        subject: `${year}/${tier}/${town}`,
        data: { year, tier, town, old: before, new: n },
      });
    }
    return changes;
  });
}
