/**
 * The bureau's validity settings per tier (`tier_validity`, 0015) as they are read: by the
 * approval of an application (the new award's valid-until) and by the validity pages, whose
 * commands are in validity.server.ts.
 */
import type { Db } from "../../db/client";
import { isTierCode, type TierCode } from "~/domain/tiers";
import { defaultTierValidity, validUntilFrom, validityStart, type TierValidity } from "~/domain/validity";

/** Every tier's validity settings (defaults for a tier without a row). */
export async function loadTierValidity(db: Db): Promise<Map<TierCode, TierValidity>> {
  const map = new Map(defaultTierValidity().map((v) => [v.tierCode, v]));
  const rows = await db.selectFrom("tier_validity").selectAll().execute();
  for (const r of rows) {
    if (!isTierCode(r.tier_code)) continue;
    map.set(r.tier_code, {
      tierCode: r.tier_code,
      validityMonths: r.validity_months === null ? null : Number(r.validity_months),
      renewBeforeDays: Number(r.renew_before_days),
      renewAfterDays: Number(r.renew_after_days),
    });
  }
  return map;
}

/** `valid_until` of a new award of `tier` recognised on `recognizedOn` (or in `year`), by the bureau's settings. */
export async function defaultValidUntil(db: Db, tier: string, recognizedOn: string | null, year: number): Promise<string | null> {
  if (!isTierCode(tier)) return null;
  const v = (await loadTierValidity(db)).get(tier)!;
  return validUntilFrom(validityStart(recognizedOn, year), v.validityMonths);
}
