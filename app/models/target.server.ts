/**
 * Yearly targets per tier (targets table). Reading is open to the bureau's roles; writing is for
 * reviewers and admins (checked here as well as in the route), and every change is audited.
 */
import { transact } from "../../db/dialect/transact";
import type { Db } from "../../db/client";
import { seesEverything, type Caller } from "~/domain/scope";
import { TIER_CODES, type TierCode } from "~/domain/tiers";
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
export async function saveTargets(
  db: Db,
  caller: Caller,
  year: number,
  counts: Record<TierCode, number>,
  now = new Date(),
): Promise<TargetChange[]> {
  if (!seesEverything(caller)) throw new Response("Forbidden", { status: 403 });
  return transact(db, async (trx) => {
    const existing = await trx
      .selectFrom("targets")
      .select(["tier_code", "target_count"])
      .where("year", "=", year)
      .execute();
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
