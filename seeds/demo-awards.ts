/** The demo's awards: from its approved and revoked applications, and recorded directly. */
import type { Insertable, Kysely } from "kysely";
import type { AwardsTable, DB } from "../db/schema";
import { getTier } from "../app/domain/tiers";
import { chance, int, mulberry32 } from "./random";
import { DAY, DEMO_SEED, HOUR, NOW_CAP, addYears, cstDate, insertChunks, iso, officeTime } from "./demo-common";
import type { Case } from "./demo-plan";

/** Writes the awards of the planned cases; ids in order of entry. */
export async function insertDemoAwards(trx: Kysely<DB>, cases: readonly Case[], appIdOf: ReadonlyMap<Case, number>, uid: (name: string | null) => number | null): Promise<void> {
  // Awards: from approved/revoked applications and recorded directly; ids in order of entry.
  const awardRng = mulberry32(DEMO_SEED ^ 0x5eed);
  const awards = cases
    .filter((c) => c.batch !== null)
    .map((c, i) => {
      const appId = appIdOf.get(c) ?? null;
      const tier = getTier(c.tier);
      const creator = c.status !== null ? c.decider : chance(awardRng, 0.2) ? "admin" : "reviewer";
      const createdAt =
        c.status !== null
          ? c.approvedAt!
          : Math.min(NOW_CAP, Math.max(officeTime(c.batch!.ms + int(awardRng, 2, 15) * DAY + awardRng() * DAY), c.firm.createdAt + int(awardRng, 1, 48) * HOUR));
      return {
        i,
        createdAt,
        row: {
          enterprise_id: c.firm.id,
          tier_code: c.tier,
          level: c.level!,
          year: c.year,
          recognized_on: c.batch!.date,
          valid_until: tier.validityYears ? addYears(c.batch!.date, tier.validityYears) : null,
          document_no: c.batch!.docNo,
          application_id: appId,
          revoked_on: c.revoke ? cstDate(c.revoke.at) : null,
          revoked_reason: c.revoke ? c.revoke.reason : null,
          created_by: uid(creator),
          created_at: iso(createdAt),
        },
      };
    })
    .sort((x, y) => x.createdAt - y.createdAt || x.i - y.i);
  const awardRows: Insertable<AwardsTable>[] = awards.map(({ row }, i) => ({ id: i + 1, ...row }));
  await insertChunks(trx, "awards", awardRows);
}
