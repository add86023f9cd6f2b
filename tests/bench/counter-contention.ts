/**
 * Do the counter rows serialize unrelated writers? Approves applications of different firms in
 * different towns, all of one year and tier (so they share the district-wide counter rows of
 * 0005/0006), first one at a time and then 8 at once, and compares the throughput. Run against
 * a scratch database:
 *
 *   npx tsx tests/bench/counter-contention.ts postgres://postgres@127.0.0.1:5432/postgres
 *   npx tsx tests/bench/counter-contention.ts            # SQLite, in a temporary file
 *
 * It makes a database of its own (migrated, demo data) and drops it afterwards.
 */
import { hash } from "@node-rs/argon2";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase, type OpenDatabase } from "../../db/client";
import { approveApplication } from "../../app/models/application-approval.server";
import { createSubmitted } from "../support/evidence";
import type { Caller } from "../../app/domain/scope";
import { seedIfEmpty } from "../../seeds/index";
import { createDatabase, dropDatabasesWithPrefix } from "../support/test-db";

const base = process.argv[2];
const PER_ROUND = 240;

async function open(): Promise<OpenDatabase> {
  if (base) return openDatabase({ dialect: "postgres", url: await createDatabase(base, "registry_contention"), poolSize: 8 });
  return openDatabase({ dialect: "sqlite", path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "contention-")), "c.db") });
}

async function main() {
  const database = await open();
  const { db } = database;
  await migrateToLatest(db);
  await seedIfEmpty(db, { passwordHash: (pw: string) => hash(pw, { memoryCost: 1024, timeCost: 1 }) });
  const reviewer = await db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  const caller: Caller = { id: reviewer.id, role: "reviewer", enterpriseId: null, townCode: null };
  const firms = (await db.selectFrom("enterprises").select(["id", "town_code"]).where("archived_at", "is", null).orderBy("town_code").orderBy("id").execute()).map((f) => f.id);
  const results: Record<string, number> = {};
  let year = 2030;
  // "shared": every approval of one year and tier (the same district counter rows); "apart":
  // each of the 8 writers on a year of its own, so no two share a counter row. If the shared
  // rows serialized writers, "shared" at c=8 would stay near c=1 while "apart" scaled.
  for (const [mode, concurrency] of [
    ["shared", 1],
    ["shared", 8],
    ["apart", 8],
    ["shared", 1],
    ["shared", 8],
    ["apart", 8],
  ] as const) {
    year += 10;
    const queues: { id: number; year: number }[][] = Array.from({ length: concurrency }, () => []);
    for (let i = 0; i < PER_ROUND; i++) {
      const y = mode === "apart" ? year + (i % concurrency) : year;
      const r = await createSubmitted(db, caller, firms[(i * 7) % firms.length]!, "quality-factory", { year: y, levelSought: "district", payload: { contactName: "测试" } });
      if (r.ok) queues[i % concurrency]!.push({ id: r.id, year: y });
    }
    const total = queues.reduce((n, q) => n + q.length, 0);
    const started = performance.now();
    await Promise.all(
      queues.map(async (queue) => {
        for (const { id, year: y } of queue) {
          const r = await approveApplication(db, caller, id, { version: 2, level: "district", recognizedOn: `${y}-06-30`, documentNo: `测试〔${y}〕${id}号` });
          if (!r.ok) throw new Error(JSON.stringify(r));
        }
      }),
    );
    const perSecond = total / ((performance.now() - started) / 1000);
    const key = `${mode} c=${concurrency}`;
    results[key] = Math.max(results[key] ?? 0, Math.round(perSecond));
  }
  console.log(JSON.stringify({ dialect: database.dialect, approvalsPerSecond: results }));
  await db.destroy();
  if (base) await dropDatabasesWithPrefix(base, "registry_contention");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
