/**
 * A firm's standing for every tier (the application start page): its live awards, its open
 * applications, and the pre-check over what the registry knows of it, classified by
 * app/domain/standing.ts.
 */
import type { Db } from "../../db/client";
import { evaluateEligibility, usesChecklist } from "~/domain/eligibility";
import type { Caller } from "~/domain/scope";
import { classifyStanding, type Holding, type OpenApplication, type Standing } from "~/domain/standing";
import { TIERS, type TierCode } from "~/domain/tiers";
import { knownEligibilityPayload } from "./known-figures.server";

const OPEN = ["draft", "submitted", "returned", "publicized"] as const;

/**
 * The firm's standing for each tier, in the catalogue's order, for an application of `year`
 * judged by the rules in force on `today`. Scope: the caller must see the firm (404 otherwise).
 */
export async function firmStandings(db: Db, caller: Caller, enterpriseId: number, year: number, today: string): Promise<Standing[]> {
  const known = await knownEligibilityPayload(db, caller, enterpriseId, year);
  const [awards, applications] = await Promise.all([
    db
      .selectFrom("awards")
      .select(["tier_code", "level", "year", "recognized_on", "valid_until"])
      .where("enterprise_id", "=", enterpriseId)
      .where("revoked_on", "is", null)
      .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">=", today)]))
      .execute(),
    db.selectFrom("applications").select(["id", "tier_code", "year", "status"]).where("enterprise_id", "=", enterpriseId).where("status", "in", OPEN).execute(),
  ]);
  return TIERS.map((tier) => {
    const holdings: Holding[] = awards
      .filter((a) => a.tier_code === tier.code)
      .map((a) => ({ level: a.level, year: a.year, recognizedOn: a.recognized_on, validUntil: a.valid_until }));
    const open: OpenApplication[] = applications.filter((a) => a.tier_code === tier.code).map((a) => ({ id: a.id, year: a.year, status: a.status as OpenApplication["status"] }));
    // A district checklist is the firm's own ticks: the registry knows nothing to pre-check.
    const eligibility = usesChecklist(tier.code) ? null : evaluateEligibility(tier.code as TierCode, known.payload, today, [], undefined, undefined, undefined, year);
    return classifyStanding({ tierCode: tier.code, eligibility, holdings, applications: open, aboveScale: known.aboveScale });
  });
}
