/**
 * How long does a whole discovery run take at province scale, and how much memory does it grow
 * by? Takes a synthetic data set (S or L, data/bench/<size>.db, built by the generator if
 * missing), gives every firm figures of two years (once: the generator writes none), queues one
 * run for 专精特新 over the district as the bureau and works it as the server's worker does
 * (claim, batches, results committed with the progress), sampling the process's RSS:
 *
 *   npx tsx tests/bench/discovery.ts L [--batch 2000] [--batches N (stop after N batches)]
 *
 * Prints one JSON line: firms, candidates, seconds, firms per second, RSS growth (MB). Also
 * called by `npm run bench` (run.ts).
 */
import fs from "node:fs";
import type Database from "better-sqlite3";
import { migrateToLatest, openDatabase } from "../../db/client";
import type { Caller } from "../../app/domain/scope";
import { FIGURE_FIELDS } from "../../app/domain/figures";
import { startDiscoveryRun } from "../../app/models/discovery.server";
import { claimDiscoveryRun, newDiscoveryHolder, workDiscoveryRun } from "../../app/models/discovery-worker.server";
import { ensureSynthetic, isSyntheticSize } from "../../seeds/synthetic";
import { mulberry32 } from "../../seeds/random";

/** The application year judged: figures of YEAR − 1 and YEAR − 2, years no real data uses. */
export const DISCOVERY_BENCH_YEAR = 2041;

/**
 * Figures of two years for every firm, written straight through better-sqlite3. The triggers
 * that copy a firm's latest year onto its row are dropped meanwhile and restored after: the
 * bench needs the figures, not the copy, and with them a million firms take seconds, not minutes.
 */
function ensureFigures(sqlite: Database.Database, log: (line: string) => void): void {
  const firms = (sqlite.prepare(`SELECT count(*) AS n FROM enterprises`).get() as { n: number }).n;
  const have = (sqlite.prepare(`SELECT count(*) AS n FROM enterprise_figures WHERE year = ?`).get(DISCOVERY_BENCH_YEAR - 1) as { n: number }).n;
  if (have >= firms) return;
  const started = Date.now();
  const triggers = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'enterprise_figures'`).all() as { name: string; sql: string }[];
  const columns = FIGURE_FIELDS.map((f) => f.column);
  const insert = sqlite.prepare(
    `INSERT OR IGNORE INTO enterprise_figures (enterprise_id, year, ${columns.join(", ")}, source, updated_by, updated_at, version)
     VALUES (?, ?, ${columns.map(() => "?").join(", ")}, 'import', NULL, ?, 1)`,
  );
  const rand = mulberry32(4242);
  const now = new Date().toISOString();
  const ids = sqlite.prepare(`SELECT id FROM enterprises ORDER BY id`).pluck().all() as number[];
  sqlite.transaction(() => {
    for (const t of triggers) sqlite.exec(`DROP TRIGGER ${t.name}`);
    for (const id of ids) {
      for (const year of [DISCOVERY_BENCH_YEAR - 2, DISCOVERY_BENCH_YEAR - 1]) {
        const revenue = Math.floor(5_000_000 + rand() * 200_000_000);
        const values: Record<string, number> = {
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
        };
        insert.run(id, year, ...columns.map((c) => values[c] ?? null), now);
      }
    }
    for (const t of triggers) sqlite.exec(t.sql);
  })();
  sqlite.exec(`ANALYZE enterprise_figures`);
  log(`figures of ${DISCOVERY_BENCH_YEAR - 2} and ${DISCOVERY_BENCH_YEAR - 1} for ${ids.length} firms in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The calling thread's CPU seconds so far (user + system), from /proc on Linux; null elsewhere. */
function threadCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export interface DiscoveryBenchResult {
  size: string;
  firms: number;
  candidates: number;
  seconds: number;
  firmsPerSecond: number;
  rssGrowthMB: number;
  /** CPU time of this process over the run (user + system), all threads: the machine's load does not inflate it. */
  cpuSeconds: number;
  /** CPU time of the main thread alone (the one serving pages; Linux, else null). */
  mainThreadCpuSeconds: number | null;
  batch: number;
}

/** One whole run over the data set of `size`, timed from queueing to done. */
export async function benchDiscovery(size: string, options: { batch?: number; log?: (line: string) => void; stopAfterBatches?: number } = {}): Promise<DiscoveryBenchResult> {
  const log = options.log ?? console.log;
  if (!isSyntheticSize(size)) throw new Error(`unknown size ${size}`);
  const { file } = await ensureSynthetic(size, { log });
  const opened = openDatabase({ dialect: "sqlite", path: file });
  const { db } = opened;
  try {
    await migrateToLatest(db);
    ensureFigures(opened.sqlite!, log);
    // Earlier bench runs' rows: the run measured starts from an empty table, as a first run would.
    await db.deleteFrom("discovery_results").execute();
    await db.deleteFrom("discovery_runs").execute();
    const reviewer = await db.selectFrom("users").select("id").where("role", "in", ["reviewer", "admin"]).orderBy("id").executeTakeFirstOrThrow();
    const caller: Caller = { id: reviewer.id, role: "reviewer", enterpriseId: null, townCode: null };

    (globalThis as { gc?: () => void }).gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const cpu0 = process.cpuUsage();
    const main0 = threadCpuSeconds();
    const t0 = performance.now();
    await startDiscoveryRun(db, caller, { tier: "specialized-new", year: DISCOVERY_BENCH_YEAR });
    const holder = newDiscoveryHolder();
    const run = await claimDiscoveryRun(db, holder);
    if (!run) throw new Error("the queued run was not claimed");
    const outcome = await workDiscoveryRun(db, run, holder, {
      batchSize: options.batch,
      stopAfterBatches: options.stopAfterBatches,
      onBatch: () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const main1 = threadCpuSeconds();
    clearInterval(timer);
    if (outcome !== "done" && !(outcome === "stopped" && options.stopAfterBatches)) throw new Error(`the run ended ${outcome}`);
    const row = await db.selectFrom("discovery_runs").select(["done", "meets", "near"]).where("id", "=", run.id).executeTakeFirstOrThrow();
    const firms = Number(row.done);
    return {
      size,
      firms,
      candidates: Number(row.meets) + Number(row.near),
      seconds: Number(seconds.toFixed(2)),
      firmsPerSecond: Math.round(firms / seconds),
      rssGrowthMB: Number(((peak - rss0) / 2 ** 20).toFixed(1)),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      mainThreadCpuSeconds: main0 === null || main1 === null ? null : Number((main1 - main0).toFixed(2)),
      batch: options.batch ?? 2000,
    };
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = (process.argv[2] ?? "S").toUpperCase();
  const batchAt = process.argv.indexOf("--batch");
  const batch = batchAt > 0 ? Number(process.argv[batchAt + 1]) : undefined;
  const stopAt = process.argv.indexOf("--batches");
  const stopAfterBatches = stopAt > 0 ? Number(process.argv[stopAt + 1]) : undefined;
  benchDiscovery(size, { batch, stopAfterBatches })
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
