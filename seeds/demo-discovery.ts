import type { Kysely } from "kysely";
import type { DB } from "../db/schema";
import { DISCOVERY_TIERS } from "../app/domain/discovery";
import { startDiscoveryRun } from "../app/models/discovery.server";
import { processDiscoveryRuns } from "../app/models/discovery-worker.server";

/**
 * One finished discovery run per tier for the demo's year, as the reviewer would start them, so
 * that the discovery page and `/api/candidates` answer with candidates on a fresh demo instead
 * of asking for a run first. Dated the demo's own clock, like the rest of the demo data.
 */
export async function seedDemoDiscovery(db: Kysely<DB>, now: string): Promise<void> {
  const reviewer = await db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  const caller = { id: reviewer.id, role: "reviewer" as const, enterpriseId: null, townCode: null };
  const at = new Date(now);
  const year = Number(now.slice(0, 4));
  for (const tier of DISCOVERY_TIERS) await startDiscoveryRun(db, caller, { tier, year }, at);
  await processDiscoveryRuns(db, { holder: "demo-seed", now: () => at });
}
