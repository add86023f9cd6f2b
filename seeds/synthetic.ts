/**
 * Deterministic synthetic data sets for the province-scale benchmark: the registry as
 * it would look serving a whole province. Sizes:
 *
 *   XS     300 firms       900 applications    13 towns   (tests)
 *   S    2,000 firms     6,000 applications    13 towns   (Dinghai today)
 *   M  100,000 firms   500,000 applications    60 towns
 *   L 1,000,000 firms 3,000,000 applications   100 towns (a province: ~90 county-level units)
 *
 * with awards (from approved and revoked applications, plus recognitions recorded without one),
 * each application's history events, and the demo accounts (one argon2 hash, reused).
 *
 * Same size → same rows on every machine (seeded PRNGs per size, one for each of the towns, firms
 * and applications streams; fixed timestamps). The rows come from seeds/synthetic-rows.ts; this
 * module writes them into SQLite (seeds/synthetic-pg.ts writes the same rows into PostgreSQL).
 * The file is built on demand under data/bench/ and
 * reused while its sidecar `<size>.json` names the same generator version. Bulk load: multi-row
 * prepared better-sqlite3 statements, one transaction per chunk, journal off, CHECK constraints
 * skipped, secondary indexes and triggers dropped during the load and recreated after. Two
 * threads: a worker thread writes the firms into a file of their own and indexes them while the
 * main thread writes everything else; the firms are then copied in, indexes and all. What the
 * dropped insert triggers would have counted is tallied while generating or rebuilt once at the
 * end, then ANALYZE.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { hash as argon2Hash } from "@node-rs/argon2";
import { createDb, migrateToLatest, openSqlite } from "../db/client";
import { REBUILD_COVERAGE_SQL } from "../db/migrations/0005_performance";
import { REBUILD_AWARD_SLOTS_SQL, REBUILD_STATUS_SLOTS_SQL } from "../db/migrations/0008_counter_slots";
import { REBUILD_PIPELINE_LEVELS_SQLITE_SQL } from "../db/migrations/0017_pipeline_level_counters";
import { REBUILD_AWARD_EXPIRY_SQL } from "../db/migrations/0021_award_expiry_counters";
import { REBUILD_AWARD_EXPIRY_MONTHS_SQL } from "../db/migrations/0022_award_expiry_months";
import { DEMO_PASSWORD } from "./demo";
import { seedReference } from "./reference";
import {
  APPLICATION_COLUMNS,
  AWARD_COLUMNS,
  EVENT_COLUMNS,
  FIRM_COLUMNS,
  SYNTHETIC_SIZES,
  SYNTHETIC_VERSION,
  TOWN_COLUMNS,
  USER_COLUMNS,
  createSyntheticRows,
  firmStream,
  planTowns,
  stream,
  syntheticUsers,
  type ProgressTally,
  type SyntheticMeta,
  type SyntheticSize,
} from "./synthetic-rows";

export { SYNTHETIC_NOW, SYNTHETIC_SIZES, SYNTHETIC_VERSION, isSyntheticSize, type SyntheticMeta, type SyntheticSize } from "./synthetic-rows";

// ───────────────────────────── bulk load helpers ─────────────────────────────

const BIG_TABLES = ["enterprises", "applications", "awards", "application_events"];

/** Drops the secondary indexes and triggers of the big tables; returns the SQL to recreate them. */
function dropForLoad(sqlite: Database.Database): { indexes: { table: string; sql: string }[]; triggers: string[] } {
  const list = (type: string) =>
    sqlite
      .prepare(`SELECT name, tbl_name AS "table", sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND tbl_name IN (${BIG_TABLES.map(() => "?").join(",")})`)
      .all(type, ...BIG_TABLES) as { name: string; table: string; sql: string }[];
  const indexes = list("index");
  const triggers = list("trigger");
  checkInsertTriggers(triggers);
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  for (const i of indexes) sqlite.exec(`DROP INDEX "${i.name}"`);
  return { indexes: indexes.map((i) => ({ table: i.table, sql: i.sql })), triggers: triggers.map((t) => t.sql) };
}

/**
 * The insert triggers on the big tables whose counters the generator puts right after the load
 * (the others only refuse updates and deletes, or fire on changes a load does not make).
 */
export const REBUILT_INSERT_TRIGGERS = new Set([
  "progress_applications_insert", // 0002: tallied while generating (ProgressTally)
  "progress_awards_insert", // 0002: tallied while generating (ProgressTally)
  "coverage_enterprises_insert", // 0005: REBUILD_COVERAGE_SQL
  "coverage_awards_insert", // 0005: REBUILD_COVERAGE_SQL
  "status_totals_insert", // 0008: REBUILD_STATUS_SLOTS_SQL
  "award_totals_insert", // 0008: REBUILD_AWARD_SLOTS_SQL
  "pipeline_levels_insert", // 0017: REBUILD_PIPELINE_LEVELS_SQLITE_SQL
  "award_expiry_insert", // 0021: REBUILD_AWARD_EXPIRY_SQL
  "award_expiry_month_insert", // 0022: REBUILD_AWARD_EXPIRY_MONTHS_SQL
]);

/**
 * A trigger that maintains something on insert and that the generator does not know would be
 * silently left out of the data set: refuse to generate instead.
 */
function checkInsertTriggers(triggers: { name: string; sql: string }[]) {
  for (const t of triggers) {
    if (/\b(?:BEFORE|AFTER|INSTEAD\s+OF)\s+INSERT\b/i.test(t.sql) && !REBUILT_INSERT_TRIGGERS.has(t.name)) {
      throw new Error(`seeds/synthetic.ts drops trigger ${t.name} for the bulk load but does not rebuild what it maintains`);
    }
  }
}

/** The counters kept by insert triggers, as the triggers would have kept them. */
function rebuildProgressCounters(sqlite: Database.Database, tally: ProgressTally) {
  sqlite.exec(`DELETE FROM progress_application_counts; DELETE FROM progress_award_counts;`);
  const insert = {
    progress_application_counts: sqlite.prepare(`INSERT INTO progress_application_counts (year, tier_code, town_code, status, n) VALUES (?, ?, ?, ?, ?)`),
    progress_award_counts: sqlite.prepare(`INSERT INTO progress_award_counts (year, tier_code, town_code, level, n) VALUES (?, ?, ?, ?, ?)`),
  };
  for (const { table, values } of tally.rows()) insert[table].run(...values);
  sqlite.exec(REBUILD_COVERAGE_SQL);
  sqlite.exec(REBUILD_STATUS_SLOTS_SQL);
  sqlite.exec(REBUILD_PIPELINE_LEVELS_SQLITE_SQL);
  sqlite.exec(REBUILD_AWARD_EXPIRY_SQL);
  sqlite.exec(REBUILD_AWARD_EXPIRY_MONTHS_SQL);
}

/**
 * Buffers rows and writes them `rows` at a time with one multi-row INSERT: a tenth of the calls
 * into SQLite, which is most of the load time at 10 million rows. The values are passed as the
 * call's arguments (`run(...buffer)`), not as one array: better-sqlite3 binds those faster (about
 * a tenth off the load).
 */
function batcher(sqlite: Database.Database, head: string, columns: number, rows = 64) {
  const one = `(${Array(columns).fill("?").join(",")})`;
  const sql = (count: number) => `${head} VALUES ${Array(count).fill(one).join(",")}`;
  const full = sqlite.prepare(sql(rows));
  const size = rows * columns;
  const buffer: unknown[] = new Array(size);
  let n = 0;
  const flush = () => {
    if (n === size) full.run(...buffer);
    else if (n > 0) sqlite.prepare(sql(n / columns)).run(...buffer.slice(0, n));
    n = 0;
  };
  return {
    add(...values: unknown[]) {
      for (let i = 0; i < values.length; i++) buffer[n++] = values[i];
      if (n === size) flush();
    },
    flush,
  };
}

/** `INSERT INTO table (columns…)`, the head of a batcher's statement. */
function insertHead(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(", ")})`;
}

/** Firms per transaction. */
const CHUNK = 5_000;

/** Settings of a connection that bulk-loads a file nobody else has open. */
function bulkLoadSettings(sqlite: Database.Database, log: (line: string) => void) {
  // better-sqlite3 runs SQLite in defensive mode, which silently refuses journal_mode=OFF.
  sqlite.unsafeMode(true);
  const mode = sqlite.pragma("journal_mode = OFF", { simple: true });
  if (mode !== "off") log(`  journal_mode stayed ${String(mode)}`);
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("foreign_keys = OFF");
  // The only connection to the file while it is built: no lock to take, no cache to revalidate
  // at each transaction.
  sqlite.pragma("locking_mode = EXCLUSIVE");
  // The generator's rows are valid by construction (tests/integration/synthetic.test.ts runs
  // integrity_check, which checks them): skip the CHECK constraints during the load, json_valid()
  // of every payload and event among them.
  sqlite.pragma("ignore_check_constraints = ON");
  // Rows go in in rowid order, so the load needs few pages at hand besides the credit-code index
  // (~30 MB at L); a larger cache only cost page faults.
  sqlite.pragma("cache_size = -65536");
}

/** Back to CHECK constraints, and a cache and threads for CREATE INDEX. */
function indexSettings(sqlite: Database.Database, threads: number) {
  sqlite.pragma("ignore_check_constraints = OFF");
  // SQLite's sorter sorts runs of cache_size each, in worker threads (PRAGMA threads), and merges
  // them: 16 MB runs took a third of the time of one run of 500 MB, which sorts in a single thread
  // and misses the CPU cache. Worker threads also need temp_store at its default (files): with
  // temp_store = MEMORY the sorter uses none.
  sqlite.pragma("cache_size = -16000");
  sqlite.pragma(`threads = ${threads}`);
}

// ───────────────────────────── firms ─────────────────────────────

/** What the firm worker is given: it writes the enterprises of `size` into `file`, then indexes them. */
interface FirmWorkerData {
  job: "synthetic-firms";
  file: string;
  size: SyntheticSize;
  /** CREATE TABLE enterprises, as the migrations wrote it. */
  table: string;
  /** The CREATE INDEX statements of its secondary indexes. */
  indexes: string[];
}
interface FirmWorkerResult {
  loadSeconds: number;
  indexSeconds: number;
}

/** The firm worker's job (in a worker thread; see generateSynthetic). */
function writeFirmFile(data: FirmWorkerData): FirmWorkerResult {
  const started = Date.now();
  const spec = SYNTHETIC_SIZES[data.size];
  const nextFirm = firmStream(data.size, planTowns(stream(data.size, "towns"), spec.towns).plans);
  for (const suffix of ["", "-journal"]) fs.rmSync(data.file + suffix, { force: true });
  const sqlite = new Database(data.file);
  bulkLoadSettings(sqlite, () => {});
  sqlite.exec(data.table);
  const firms = batcher(sqlite, insertHead("enterprises", FIRM_COLUMNS), FIRM_COLUMNS.length);
  for (let from = 1; from <= spec.firms; from += CHUNK) {
    const to = Math.min(spec.firms, from + CHUNK - 1);
    sqlite.transaction(() => {
      for (let id = from; id <= to; id++) nextFirm(id, firms.add);
      firms.flush();
    })();
  }
  const loaded = Date.now();
  // These indexes are built while the main thread still loads: no sorter threads to compete with it.
  indexSettings(sqlite, 0);
  for (const statement of data.indexes) sqlite.exec(statement);
  sqlite.close();
  return { loadSeconds: (loaded - started) / 1000, indexSeconds: (Date.now() - loaded) / 1000 };
}

/** Starts the firm worker: a worker thread running this module, which then runs writeFirmFile. */
function startFirmWorker(data: FirmWorkerData) {
  // Node 20 gives a worker none of the parent's module hooks, so the worker registers tsx itself
  // (resolved from here, whatever the working directory) to load this TypeScript module.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const self = JSON.stringify(import.meta.url);
  const worker = new Worker(`import(${tsx}).then(({ tsImport }) => tsImport(${self}, ${self}));`, { eval: true, workerData: data });
  const done = new Promise<FirmWorkerResult>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the firm worker exited (${code}) without a result`)));
  });
  // Awaited only after the main thread's own load: a failure meanwhile must not count as unhandled.
  done.catch(() => {});
  return { done, stop: () => worker.terminate() };
}

// ───────────────────────────── the generator ─────────────────────────────

export interface GenerateOptions {
  /** Password hasher for the demo accounts (tests pass a cheap one). */
  passwordHash?: (password: string) => Promise<string>;
  log?: (line: string) => void;
}

/** Writes a fresh synthetic database of `size` into `file` (replacing it). */
export async function generateSynthetic(file: string, size: SyntheticSize, options: GenerateOptions = {}): Promise<SyntheticMeta> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  /** Logs the time since the previous lap, for each phase. */
  let lapStart = started;
  const lap = (what: string) => {
    const now = Date.now();
    log(`  ${what}: ${((now - lapStart) / 1000).toFixed(1)} s`);
    lapStart = now;
  };
  const spec = SYNTHETIC_SIZES[size];
  for (const suffix of ["", "-wal", "-shm", "-journal", "-firms"]) fs.rmSync(file + suffix, { force: true });

  // Schema and reference data through the app's own migrations and seed.
  {
    const sqlite = openSqlite(file);
    const db = createDb(sqlite);
    await migrateToLatest(db);
    await seedReference(db);
    await db.destroy();
  }
  const passwordHash = await (options.passwordHash ?? ((pw: string) => argon2Hash(pw)))(DEMO_PASSWORD);
  lap("schema and reference data");

  const sqlite = new Database(file);
  bulkLoadSettings(sqlite, log);
  const saved = dropForLoad(sqlite);

  // Two threads: a worker thread writes the enterprises into a file of their own and indexes
  // them while this one writes everything else; the worker's table and indexes are then copied
  // in as they are (see below). The firm stream has its own PRNG, so this thread replays it
  // without writing, for what each firm's applications need (its town and creation date).
  const firmFile = `${file}-firms`;
  const firmIndexes = saved.indexes.filter((i) => i.table === "enterprises").map((i) => i.sql);
  const firmWorker = startFirmWorker({
    job: "synthetic-firms",
    file: firmFile,
    size,
    table: (sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'enterprises'`).get() as { sql: string }).sql,
    indexes: firmIndexes,
  });
  // The firms themselves are the worker's: this thread only needs what their applications need.
  const apps = batcher(sqlite, insertHead("applications", APPLICATION_COLUMNS), APPLICATION_COLUMNS.length);
  const awards = batcher(sqlite, insertHead("awards", AWARD_COLUMNS), AWARD_COLUMNS.length);
  const events = batcher(sqlite, insertHead("application_events", EVENT_COLUMNS), EVENT_COLUMNS.length);
  const rows = createSyntheticRows(size, { application: apps.add, award: awards.add, event: events.add });
  try {
    // The 13 real towns are in the reference data already.
    const insertTown = sqlite.prepare(`INSERT OR IGNORE INTO towns (${TOWN_COLUMNS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?)`);
    const insertUser = sqlite.prepare(`${insertHead("users", USER_COLUMNS)} VALUES (${USER_COLUMNS.map(() => "?").join(", ")})`);
    const users = syntheticUsers(passwordHash);
    sqlite.transaction(() => {
      for (const t of rows.towns) insertTown.run(t.code, t.name_zh, t.name_en, t.kind, t.managed_by, t.sort);
      // Users first: applications name their creator and decider.
      for (const u of users.before) insertUser.run(...u);
    })();

    for (let from = 1; from <= spec.firms; from += CHUNK) {
      const to = Math.min(spec.firms, from + CHUNK - 1);
      sqlite.transaction(() => {
        rows.firms(from, to);
        apps.flush();
        awards.flush();
        events.flush();
      })();
      if (to % 100_000 === 0) log(`  ${to.toLocaleString()} firms, ${rows.counts().applications.toLocaleString()} applications (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    sqlite.transaction(() => {
      for (const u of users.after) insertUser.run(...u);
    })();

    lap("applications, awards and events loaded");
    // The firm worker has usually finished by now (at L it takes half as long as this load), so
    // the sorter gets two threads.
    indexSettings(sqlite, 2);
    // 0006's district totals before the indexes: without them the planner reads awards in one pass,
    // with them it walks awards_tier_year and fetches every row (4 s instead of 1.5 at L).
    sqlite.exec(REBUILD_AWARD_SLOTS_SQL);
    lap("award totals");
    for (const { table, sql } of saved.indexes) if (table !== "enterprises") sqlite.exec(sql);
    lap("indexes");
    const firmJob = await firmWorker.done;
    lap(`waiting for the firm worker (it loaded in ${firmJob.loadSeconds.toFixed(1)} s, indexed in ${firmJob.indexSeconds.toFixed(1)} s)`);
    // SQLite's transfer optimization: with the same table definition and the same indexes on both
    // sides, foreign keys off and no triggers, `INSERT INTO t SELECT * FROM other.t` into an empty
    // table copies the records of the table and of each index as they are, in order, rather than
    // inserting row by row; the indexes are created first, on the empty table, to be copied into.
    for (const statement of firmIndexes) sqlite.exec(statement);
    sqlite.prepare(`ATTACH DATABASE ? AS firms`).run(firmFile);
    sqlite.exec(`INSERT INTO main.enterprises SELECT * FROM firms.enterprises`);
    sqlite.exec(`DETACH DATABASE firms`);
    lap("firms copied in");
  } finally {
    await firmWorker.stop();
    for (const suffix of ["", "-journal"]) fs.rmSync(firmFile + suffix, { force: true });
  }
  for (const statement of saved.triggers) sqlite.exec(statement);
  lap("triggers");
  rebuildProgressCounters(sqlite, rows.tally);
  lap("counters");
  // A bounded ANALYZE: exact enough for the planner, seconds instead of minutes at L.
  sqlite.pragma("analysis_limit = 2000");
  sqlite.exec("ANALYZE");
  lap("analyze");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("locking_mode = NORMAL");
  sqlite.pragma("journal_mode = WAL");
  sqlite.unsafeMode(false);

  const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const meta: SyntheticMeta = {
    version: SYNTHETIC_VERSION,
    size,
    counts: {
      towns: count("towns"),
      enterprises: count("enterprises"),
      applications: count("applications"),
      awards: count("awards"),
      events: count("application_events"),
      users: count("users"),
    },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  sqlite.close();
  return meta;
}

/** Where a size's database lives (DATA_DIR/bench/<size>.db, default data/bench/). */
export function syntheticPath(size: SyntheticSize, dir = path.resolve(process.env.DATA_DIR ?? "data", "bench")): string {
  return path.join(dir, `${size}.db`);
}

/** The data set of `size`, generated unless a file of the current generator version exists. */
export async function ensureSynthetic(size: SyntheticSize, options: GenerateOptions & { dir?: string } = {}): Promise<{ file: string; meta: SyntheticMeta; reused: boolean }> {
  const file = syntheticPath(size, options.dir);
  const metaFile = file.replace(/\.db$/, ".json");
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as SyntheticMeta;
    if (meta.version === SYNTHETIC_VERSION && meta.size === size) return { file, meta, reused: true };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(metaFile, { force: true });
  const meta = await generateSynthetic(file, size, options);
  // Written last: a generation cut short leaves no sidecar and is redone next time.
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  return { file, meta, reused: false };
}

// The firm worker (startFirmWorker) runs this module: last, once every constant above exists.
if (!isMainThread && (workerData as FirmWorkerData | undefined)?.job === "synthetic-firms") {
  parentPort!.postMessage(writeFirmFile(workerData as FirmWorkerData));
}
