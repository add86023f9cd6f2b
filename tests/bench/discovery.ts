/**
 * How long does a discovery run take, and how much memory does it grow by? Makes a scratch
 * SQLite database (migrated, demo data), adds N synthetic firms with two years of figures, and
 * runs discovery for 专精特新 over the whole district as the bureau, sampling the process's RSS:
 *
 *   npx tsx tests/bench/discovery.ts 100000
 *
 * A stand-in for the province-scale bench (1,000,000 firms), which is not built yet.
 */
import { hash } from "@node-rs/argon2";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase } from "../../db/client";
import type { Caller } from "../../app/domain/scope";
import { scanCandidates } from "../../app/models/discovery.server";
import { seedIfEmpty } from "../../seeds/index";
import { mulberry32 } from "../../seeds/random";

const N = Number(process.argv[2] ?? 100_000);
const YEAR = 2031;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "discovery-bench-"));
  const { db } = openDatabase({ dialect: "sqlite", path: path.join(dir, "d.db") });
  await migrateToLatest(db);
  await seedIfEmpty(db, { passwordHash: (pw: string) => hash(pw, { memoryCost: 1024, timeCost: 1 }) });
  const towns = (await db.selectFrom("towns").select("code").execute()).map((t) => t.code);
  const industries = (await db.selectFrom("industries").select("code").execute()).map((i) => i.code);
  const rand = mulberry32(4242);
  const t0 = Date.now();
  const now = new Date().toISOString();
  for (let start = 0; start < N; start += 2000) {
    await db.transaction().execute(async (trx) => {
      const firms = [];
      for (let i = start; i < Math.min(N, start + 2000); i++) {
        firms.push({
          uscc: `91BENCH${String(i).padStart(11, "0")}`,
          name: `基准测试企业${i}`,
          town_code: towns[i % towns.length]!,
          industry_code: industries[i % industries.length]!,
          above_scale: i % 3 === 0 ? 1 : 0,
          created_at: now,
          updated_at: now,
        });
      }
      const ids = [];
      for (let j = 0; j < firms.length; j += 200) {
        const rows = await trx.insertInto("enterprises").values(firms.slice(j, j + 200)).returning("id").execute();
        ids.push(...rows.map((r) => r.id));
      }
      const figures = [];
      for (const id of ids) {
        for (const year of [YEAR - 2, YEAR - 1]) {
          const revenue = Math.floor(5_000_000 + rand() * 200_000_000);
          figures.push({
            enterprise_id: id,
            year,
            revenue_yuan: revenue,
            main_business_revenue_yuan: Math.floor(revenue * (0.7 + rand() * 0.3)),
            rd_expense_yuan: Math.floor(revenue * rand() * 0.06),
            employees: 20 + Math.floor(rand() * 500),
            rd_staff: Math.floor(rand() * 20),
            total_assets_yuan: revenue,
            total_liabilities_yuan: Math.floor(revenue * rand() * 0.9),
            net_profit_yuan: Math.floor(revenue * 0.05),
            equity_financing_yuan: 0,
            invention_patents: Math.floor(rand() * 3),
            ip_class1: Math.floor(rand() * 4),
            ip_class2: Math.floor(rand() * 10),
            niche_years: Math.floor(rand() * 12),
            source: "import" as const,
            updated_by: null,
            updated_at: now,
          });
        }
      }
      for (let j = 0; j < figures.length; j += 100) await trx.insertInto("enterprise_figures").values(figures.slice(j, j + 100)).execute();
    });
  }
  console.log(`generated ${N} firms with figures in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const reviewer = await db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  const caller: Caller = { id: reviewer.id, role: "reviewer", enterpriseId: null, townCode: null };

  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t1 = performance.now();
  let found = 0;
  const out = await scanCandidates(db, caller, { tier: "specialized-new", year: YEAR }, "2026-12-01", (batch) => {
    found += batch.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  });
  const seconds = (performance.now() - t1) / 1000;
  clearInterval(timer);
  const firms = out.scanned;
  console.log(
    JSON.stringify({ firms, candidates: found, seconds: Number(seconds.toFixed(2)), firmsPerSecond: Math.round(firms / seconds), rssGrowthMB: Number(((peak - rss0) / 2 ** 20).toFixed(1)) }),
  );
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
