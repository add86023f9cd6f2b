/**
 * The writer the crash test kills: submits and approves applications through the real model
 * functions, printing "ack <kind> <id>" only after each transaction has committed.
 */
import { openDatabase } from "../../db/client";
import { approveApplication } from "../../app/models/application-approval.server";
import { createSubmitted } from "../support/evidence";
import { TIER_CODES, getTier } from "../../app/domain/tiers";
import type { Caller } from "../../app/domain/scope";

// SQLite at DATABASE_PATH, or PostgreSQL at DATABASE_URL (npm run test:pg).
const { db } = openDatabase();
const seed = Number(process.env.CRASH_SEED ?? 1);

async function main() {
  const reviewer = await db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  const caller: Caller = { id: reviewer.id, role: "reviewer", enterpriseId: null, townCode: null };
  const firms = (await db.selectFrom("enterprises").select("id").where("archived_at", "is", null).execute()).map((f) => f.id);
  for (let i = 0; ; i++) {
    // better-sqlite3 answers synchronously: without a turn of the event loop, the acks written
    // to the pipe would never be flushed.
    await new Promise((resolve) => setImmediate(resolve));
    const n = seed * 100_003 + i;
    const tier = TIER_CODES[n % TIER_CODES.length];
    const firm = firms[(n * 7) % firms.length];
    // Years far from the demo data's, so the unique open-application index rarely says no.
    const year = 2040 + (n % 50);
    const created = await createSubmitted(db, caller, firm, tier, {
      year,
      levelSought: getTier(tier).levels[0],
      payload: { contactName: "测试", description: `crash round ${seed} #${i}`, declaration: true },
    });
    if (!created.ok) {
      if (process.env.CRASH_DEBUG) console.error(created);
      continue;
    }
    process.stdout.write(`ack create ${created.id}\n`);
    if (i % 2 === 0) {
      const approved = await approveApplication(db, caller, created.id, {
        version: 2,
        level: getTier(tier).levels[0],
        recognizedOn: `${year}-06-30`,
        documentNo: `测试〔${year}〕${i}号`,
      });
      if (approved.ok) process.stdout.write(`ack approve ${created.id}\n`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
