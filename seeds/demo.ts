/**
 * Deterministic demo data: ~300 firms of 定海区, their awards 2022–2026, applications in every
 * status with a consistent event history, and the demo accounts the README lists.
 *
 * Deterministic means identical rows on every machine: one seeded PRNG (seeds/random.ts), fixed
 * timestamps (never the clock), explicit ids. Only password hashes differ (argon2 salts).
 *
 * The whole data set is planned in memory first (firms → awards and applications year by year,
 * respecting the domain rules), then written in one transaction with batched inserts. By subject:
 * demo-firms.ts, demo-plan.ts (who gets which award or application), demo-applications.ts,
 * demo-awards.ts, demo-users.ts, and the figures, pool and notifications beside them; this module
 * puts them in order.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema";
import { syncIdSequences } from "../db/dialect/sql";
import { hash as argon2Hash } from "@node-rs/argon2";
import { seedReference } from "./reference";
import { mulberry32 } from "./random";
import { DAY, DEMO_ENTERPRISE_NAMES, DEMO_NOW, DEMO_PASSWORD, DEMO_SEED } from "./demo-common";
import { generateFirms, insertDemoFirms } from "./demo-firms";
import { Planner, planDemoFirms } from "./demo-plan";
import { buildApplication, insertDemoApplications } from "./demo-applications";
import { insertDemoAwards } from "./demo-awards";
import { insertDemoUsers } from "./demo-users";
import { seedDemoFigures } from "./demo-figures";
import { seedDemoPool } from "./demo-pool";
import { seedDemoNotifications } from "./demo-notifications";
import { seedDemoLifecycle } from "./demo-lifecycle";
import { seedDemoDiscovery } from "./demo-discovery";
import { seedDemoNotices } from "./demo-notices";

export { DEMO_ENTERPRISE_NAMES, DEMO_ENTERPRISE_USCC, DEMO_NOW, DEMO_PASSWORD, DEMO_SEED } from "./demo-common";

export interface SeedDemoOptions {
  /** Password hasher for the demo accounts; default argon2id with @node-rs/argon2 defaults. */
  passwordHash?: (password: string) => Promise<string>;
  /** Where the demo's evidence PDFs are written; without it only their rows are (tests). */
  uploadsDir?: string;
}

/** The demo data set, planned in memory (no I/O). Exposed for tests and the README's figures. */
export function planDemo(seed = DEMO_SEED) {
  const rng = mulberry32(seed);
  const firms = generateFirms(rng);
  const p = new Planner(rng, firms);
  const jintang = firms.find((f) => f.demo === "jintang")!;
  const yancang = firms.find((f) => f.demo === "yancang")!;
  planDemoFirms(p, jintang, yancang);

  // An archived firm whose 2022 clean-beauty award was revoked when it moved away.
  const gone = firms.find((f) => f.archivedAt !== null)!;
  const goneBatch = p.batchFor("clean-beauty-factory", 2022, "district", 0, 20);
  const goneCase = p.awardCase(gone, "clean-beauty-factory", 2022, "district", goneBatch, false, 0);
  goneCase.revoke = { at: gone.archivedAt! - 10 * DAY, reason: "企业已迁出本区" };
  p.add(goneCase);

  for (let year = 2022; year <= 2026; year++) p.planYear(year);

  const built = p.cases.filter((c) => c.status !== null).map((c) => buildApplication(rng, c));
  return { firms, cases: p.cases, built };
}

/**
 * Writes the demo data set. Requires an empty `enterprises` table (use seedIfEmpty); reference
 * data must already be loaded (seedReference).
 */
export async function seedDemo(db: Kysely<DB>, options: SeedDemoOptions = {}): Promise<void> {
  const passwordHash = options.passwordHash ?? ((pw: string) => argon2Hash(pw));
  const { firms, cases, built } = planDemo();
  // Hashed outside the transaction, once: every demo account has the same, published password,
  // so separate salts would protect nothing and cost ~50 ms of argon2 per account.
  const demoHash = await passwordHash(DEMO_PASSWORD);

  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("enterprises")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    if (Number(existing.n) > 0) throw new Error("seedDemo: the enterprises table is not empty");

    await insertDemoFirms(trx, firms);
    await seedDemoFigures(trx, firms, DEMO_SEED);
    // Users before applications: events and decisions name them.
    const uid = await insertDemoUsers(trx, firms, demoHash);
    const appIdOf = await insertDemoApplications(trx, built, uid, options.uploadsDir);
    await insertDemoAwards(trx, cases, appIdOf, uid);
    await seedDemoPool(trx, {
      reviewer: uid("reviewer")!,
      officers: { jintang: uid("officer-jintang")!, yancang: uid("officer-yancang")! },
    });
    await syncIdSequences(trx);
    await seedDemoNotifications(trx, DEMO_NOW);
    await seedDemoLifecycle(trx, DEMO_NOW, demoHash, Object.values(DEMO_ENTERPRISE_NAMES));
    await seedDemoNotices(trx, DEMO_NOW, Object.values(DEMO_ENTERPRISE_NAMES));
  });
  await seedDemoDiscovery(db, DEMO_NOW);
}

/** Loads reference data (always, idempotent) and the demo data when there are no firms yet. */
export async function seedIfEmpty(db: Kysely<DB>, options: SeedDemoOptions = {}): Promise<{ seeded: boolean }> {
  await seedReference(db);
  const row = await db
    .selectFrom("enterprises")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(row.n) > 0) return { seeded: false };
  await seedDemo(db, options);
  return { seeded: true };
}
