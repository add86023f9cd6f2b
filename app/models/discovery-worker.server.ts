/**
 * The discovery worker: claims a queued run (or one whose worker died) under a lease on the run's
 * own row, judges the firms in keyset batches (in a thread of its own for a large run), and
 * commits each batch's results with its progress and cursor, yielding to the event loop between
 * batches; after three claims a run that keeps losing its worker is failed. Starting runs and
 * reading them is `discovery.server.ts`.
 */
import crypto from "node:crypto";
import type { Worker } from "node:worker_threads";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { rawSqliteOf } from "../../db/dialect/sqlite";
import { transact } from "../../db/dialect/transact";
import { parseCriteriaDictionary, type CriterionText } from "~/domain/discovery";
import type { TierCode } from "~/domain/tiers";
import { todayInShanghai } from "~/utils/format";
import { FIGURE_SELECT, FIRM, firmTuple, judgeFirms, isJudged, type FirmTuple, type JudgeContext, type JudgedFirm } from "./discovery-judge.server";
import { startDiscoveryJudge, type DiscoveryJudge, type JudgedBatch } from "./discovery-judge-thread.server";
import { RUN_COLUMNS, type RunRow } from "./discovery.server";

/** Firms judged per batch: each batch is one read, one judging loop and one write transaction. */
export const DISCOVERY_BATCH = 2000;
/**
 * Runs over at least this many firms are judged in a thread of their own (starting it costs
 * one to two seconds before it answers, more than a demo's whole run); smaller ones in the
 * worker's thread.
 */
export const DISCOVERY_THREAD_FROM = 20_000;
/** How long a worker's claim on a run lasts without a batch renewing it. */
export const DISCOVERY_LEASE_MS = 30_000;
/** Claims of one run before a run that keeps losing its worker is failed. */
export const DISCOVERY_MAX_ATTEMPTS = 3;

/** Open applications (any year) leave a firm out, as on the start page. */
const OPEN = ["draft", "submitted", "returned", "publicized"] as const;

const PROCESS = `${process.pid}-${crypto.randomBytes(6).toString("hex")}`;
let holders = 0;

/** A lease holder name for this process: its pid, a random part and a number per worker. */
export function newDiscoveryHolder(): string {
  return `${PROCESS}-${++holders}`;
}

// ───────────────────────────── the worker ─────────────────────────────

/**
 * Claims the oldest run that is queued, or running under an expired lease, for `holder`; a run
 * claimed DISCOVERY_MAX_ATTEMPTS times already is failed instead. The claim is one conditional
 * UPDATE, so of two workers claiming the same run one gets it and the other nothing.
 */
export async function claimDiscoveryRun(db: Db, holder: string, now = new Date(), leaseMs = DISCOVERY_LEASE_MS): Promise<RunRow | null> {
  const nowText = now.toISOString();
  for (;;) {
    const next = (await db
      .selectFrom("discovery_runs")
      .select(RUN_COLUMNS)
      .where((eb) => eb.or([eb("status", "=", "queued"), eb.and([eb("status", "=", "running"), eb("lease_expires_at", "<", nowText)])]))
      .orderBy("id")
      .executeTakeFirst()) as RunRow | undefined;
    if (!next) return null;
    if (Number(next.attempts) >= DISCOVERY_MAX_ATTEMPTS) {
      await db
        .updateTable("discovery_runs")
        .set({ status: "failed", finished_at: nowText, error: "interrupted: the run lost its worker too often", lease_holder: null, lease_expires_at: null })
        .where("id", "=", next.id)
        .where("status", "=", next.status)
        .where("attempts", "=", next.attempts)
        .execute();
      continue;
    }
    const claimed = await db
      .updateTable("discovery_runs")
      .set({
        status: "running",
        lease_holder: holder,
        lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
        attempts: Number(next.attempts) + 1,
      })
      .where("id", "=", next.id)
      .where("status", "=", next.status)
      .where("attempts", "=", next.attempts)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return { ...next, status: "running", lease_holder: holder, attempts: Number(next.attempts) + 1 };
    // Another worker took it first: look again.
  }
}

export interface WorkOptions {
  batchSize?: number;
  leaseMs?: number;
  now?: () => Date;
  /** Called after each committed batch (benchmarks sample memory here). */
  onBatch?: (done: number, total: number) => void;
  /** Stops after this many batches, the lease left to expire (tests of a worker that dies). */
  stopAfterBatches?: number;
  /**
   * Where the batches are judged: "thread" in a judging thread beside the reads and writes,
   * "here" in this thread; by default the thread from DISCOVERY_THREAD_FROM firms on.
   */
  judgeIn?: "thread" | "here";
  /** Called with the judging thread when one is started (tests end it to see the run fail). */
  onJudgeThread?: (worker: Worker) => void;
}

const RESULT_COLUMNS = [
  "run_id",
  "enterprise_id",
  "verdict",
  "missing_count",
  "confirm_count",
  "missing",
  "to_confirm",
  "town_code",
  "industry_code",
  "name",
] as const satisfies readonly (keyof JudgedFirm)[];

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Works a claimed run to its end: batch after batch, each batch's results committed with the
 * run's progress, cursor and a renewed lease, but only while `holder` still holds the lease
 * (a worker that lost it stops with "lost"). The last batch marks the run done and deletes the
 * older runs of its tier, year and scope, results and all.
 */
export async function workDiscoveryRun(db: Db, claimed: RunRow, holder: string, options: WorkOptions = {}): Promise<"done" | "lost" | "stopped" | "failed"> {
  const clock = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? DISCOVERY_BATCH;
  const leaseMs = options.leaseMs ?? DISCOVERY_LEASE_MS;
  const run = { ...claimed };
  let judge: DiscoveryJudge | null = null;
  try {
    const today = todayInShanghai(new Date(run.started_at));
    const tier = run.tier_code as TierCode;
    const year = Number(run.year);
    const town = run.scope === "district" ? null : run.scope;
    if (Number(run.cursor) === 0) {
      const counted = await db
        .selectFrom("enterprises")
        .select(db.fn.countAll<number>().as("n"))
        .where("archived_at", "is", null)
        .$if(town !== null, (q) => q.where("town_code", "=", town!))
        .executeTakeFirstOrThrow();
      run.total = Number(counted.n);
      const set = await db
        .updateTable("discovery_runs")
        .set({ total: run.total, done: 0, meets: 0, near: 0 })
        .where("id", "=", run.id)
        .where("lease_holder", "=", holder)
        .executeTakeFirst();
      if (Number(set.numUpdatedRows) !== 1) return "lost";
    }
    let dictionary: Record<string, CriterionText> = parseCriteriaDictionary(run.criteria) ?? {};
    let cursor = Number(run.cursor);
    let done = Number(run.done);
    let meets = Number(run.meets);
    let near = Number(run.near);
    let batches = 0;
    const context: JudgeContext = { runId: Number(run.id), tier, year, today };
    // Archived firms are skipped when judged rather than in WHERE: with it, SQLite reads the firms
    // through the index of live names and sorts a province's ids for every batch. Held and open
    // firms are told by one index seek each (the partial indexes of live awards and open
    // applications, by firm): a Set built up front read 1.3 million awards and 3 million
    // applications at province scale, 10 s before the first firm was judged.
    const batchQuery = (after: number) =>
      sql<Record<string, unknown>>`SELECT e.id, e.name, e.town_code, e.industry_code, e.above_scale, e.archived_at, f.id AS f_id, g.id AS g_id,
          EXISTS (SELECT 1 FROM applications a WHERE a.enterprise_id = e.id AND a.tier_code = ${tier} AND a.status IN (${sql.join([...OPEN])})) AS open_application,
          EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = e.id AND w.tier_code = ${tier} AND w.revoked_on IS NULL
            AND (w.valid_until IS NULL OR w.valid_until >= ${today})) AS held,
          ${sql.raw(FIGURE_SELECT)}
        FROM enterprises e
        LEFT JOIN enterprise_figures f ON f.enterprise_id = e.id AND f.year = ${year - 1}
        LEFT JOIN enterprise_figures g ON g.enterprise_id = e.id AND g.year = ${year - 2}
        WHERE e.id > ${after} ${town === null ? sql`` : sql`AND e.town_code = ${town}`}
        ORDER BY e.id LIMIT ${batchSize}`;
    // On SQLite the rows are read as arrays, in FIRM_COLUMNS' order: objects of 36 named
    // columns cost half of the read's CPU at province scale.
    const sqlite = rawSqliteOf(db);
    const statement = sqlite ? sqlite.prepare(batchQuery(0).compile(db).sql).raw(true) : null;
    // And the results are written row by row through one prepared statement, in the batch's
    // transaction (the same connection): building an INSERT of 500 rows cost Kysely as much again.
    const insertResult = sqlite?.prepare(`INSERT INTO discovery_results (${RESULT_COLUMNS.join(", ")}) VALUES (${RESULT_COLUMNS.map((c) => `@${c}`).join(", ")})`);
    const readBatch = async (after: number): Promise<FirmTuple[]> =>
      statement ? (statement.all(...batchQuery(after).compile(db).parameters) as FirmTuple[]) : (await batchQuery(after).execute(db)).rows.map(firmTuple);
    const remaining = Math.max(0, Number(run.total) - done);
    if (options.judgeIn === "thread" || (options.judgeIn === undefined && remaining >= DISCOVERY_THREAD_FROM)) {
      judge = startDiscoveryJudge();
      options.onJudgeThread?.(judge.worker);
    }
    const thread = judge;
    /**
     * Starts judging a batch and answers how to wait for it: in the thread, the batch is sent at
     * once and judged while this thread writes the batch before and reads the one after; here,
     * it is judged when waited for, so the dictionary grows batch by batch as the results commit.
     */
    const startJudging = (firms: FirmTuple[]): (() => Promise<JudgedBatch>) => {
      if (!thread) return async () => ({ results: judgeFirms(firms, context, dictionary), dictionary });
      const judged = thread.judge(firms.filter(isJudged), context, dictionary);
      judged.catch(() => undefined);
      return () => judged;
    };
    let firms = await readBatch(cursor);
    let judging = startJudging(firms);
    for (;;) {
      const last = firms.length < batchSize;
      // The next batch is read while this one is judged.
      const next = last ? null : await readBatch(Number(firms[firms.length - 1]![FIRM.id]));
      const judged = await judging();
      dictionary = judged.dictionary;
      if (next) judging = startJudging(next);
      const results = judged.results;
      for (const r of results) {
        if (r.verdict === "meets") meets++;
        else near++;
      }
      let live = 0;
      for (const f of firms) if (f[FIRM.archivedAt] === null) live++;
      done += live;
      if (firms.length) cursor = Number(firms[firms.length - 1]![FIRM.id]);
      const now = clock();
      const kept = await transact(db, async (trx) => {
        const progress = await trx
          .updateTable("discovery_runs")
          .set({
            done,
            total: last ? done : Math.max(done, run.total),
            meets,
            near,
            cursor,
            criteria: JSON.stringify(dictionary),
            lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
            ...(last ? { status: "done" as const, finished_at: now.toISOString(), lease_holder: null, lease_expires_at: null } : {}),
          })
          .where("id", "=", run.id)
          .where("status", "=", "running")
          .where("lease_holder", "=", holder)
          .executeTakeFirst();
        if (Number(progress.numUpdatedRows) !== 1) return false;
        if (insertResult) for (const r of results) insertResult.run(r);
        else
          for (let i = 0; i < results.length; i += 500)
            await trx
              .insertInto("discovery_results")
              .values(results.slice(i, i + 500))
              .execute();
        if (last) {
          const older = (
            await trx
              .selectFrom("discovery_runs")
              .select("id")
              .where("tier_code", "=", run.tier_code)
              .where("year", "=", run.year)
              .where("scope", "=", run.scope)
              .where("id", "<>", run.id)
              .where("status", "in", ["done", "failed"])
              .execute()
          ).map((r) => Number(r.id));
          if (older.length) {
            await trx.deleteFrom("discovery_results").where("run_id", "in", older).execute();
            await trx.deleteFrom("discovery_runs").where("id", "in", older).execute();
          }
        }
        return true;
      });
      if (!kept) return "lost";
      options.onBatch?.(done, Math.max(done, run.total));
      if (last) return "done";
      if (options.stopAfterBatches !== undefined && ++batches >= options.stopAfterBatches) return "stopped";
      // Let the pages waiting on this process answer before the next batch.
      await yieldToEventLoop();
      firms = next!;
    }
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await db
      .updateTable("discovery_runs")
      .set({ status: "failed", finished_at: clock().toISOString(), error: message, lease_holder: null, lease_expires_at: null })
      .where("id", "=", run.id)
      .where("lease_holder", "=", holder)
      .execute()
      .catch(() => undefined);
    return "failed";
  } finally {
    await judge?.close();
  }
}

/** Claims and works runs until none is left to claim; answers how each ended. */
export async function processDiscoveryRuns(db: Db, options: WorkOptions & { holder?: string } = {}): Promise<{ done: number; lost: number; failed: number; stopped: number }> {
  const counts = { done: 0, lost: 0, failed: 0, stopped: 0 };
  const holder = options.holder ?? newDiscoveryHolder();
  const clock = options.now ?? (() => new Date());
  for (;;) {
    const run = await claimDiscoveryRun(db, holder, clock(), options.leaseMs);
    if (!run) return counts;
    counts[await workDiscoveryRun(db, run, holder, options)]++;
    if (options.stopAfterBatches !== undefined) return counts;
  }
}

let working: Promise<void> | null = null;
let again = false;

/**
 * Starts this process's worker unless it is already working, and answers its promise (which
 * settles when no run is left to claim). A kick while it works makes it look once more.
 */
export function kickDiscoveryWorker(db: Db, log: (line: string) => void = console.error): Promise<void> {
  if (working) {
    again = true;
    return working;
  }
  working = (async () => {
    do {
      again = false;
      try {
        await processDiscoveryRuns(db);
      } catch (error) {
        log(`Discovery worker failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } while (again);
  })().finally(() => {
    working = null;
  });
  return working;
}
