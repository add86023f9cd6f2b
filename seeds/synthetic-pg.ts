/**
 * The benchmark's synthetic data sets in PostgreSQL: the rows of seeds/synthetic-rows.ts (the
 * same generator the SQLite writer uses, so both databases hold the same data), one database per
 * size on the server at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 * registry_bench_xs, registry_bench_s, … A database is reused while its comment names the current
 * generator version; the comment is written last, so a load cut short is redone next time.
 *
 * Bulk load: schema and reference data through the app's migrations and seed; the secondary
 * indexes of the big tables dropped (primary keys, unique constraints and the indexes whose keys
 * grow in the order rows are written stay); then the four big tables streamed in at once, each
 * through COPY FROM STDIN on a connection of its own with `session_replication_role = replica`
 * (no triggers, foreign-key checks included: the rows are valid by construction and the
 * tiny-size test checks them), the history with FREEZE, the JSON CHECKs' function answering true
 * meanwhile and each distinct JSON value checked after; the indexes rebuilt two at a time;
 * the counters the insert triggers keep rebuilt from the generator's tally and the rebuild SQL of
 * their migrations; the id sequences moved past the ids; VACUUM ANALYZE. Needs a superuser (as
 * the local server's `postgres` is) for the replica role.
 *
 * The tables stay logged: SET UNLOGGED is refused while logged tables reference a table (seven
 * reference enterprises), SET LOGGED afterwards would write every table into the WAL again, and
 * an unlogged data set would make the bench's writes cheaper than the registry's and be emptied
 * by a crash while its comment still named it.
 */
import { hash as argon2Hash } from "@node-rs/argon2";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Writable } from "node:stream";
import { migrateToLatest, openDatabase, redactUrl } from "../db/client";
import { syncIdSequences } from "../db/dialect/sql";
import { REBUILD_COVERAGE_SQL } from "../db/migrations/0005_performance";
import { REBUILD_AWARD_SLOTS_SQL, REBUILD_STATUS_SLOTS_SQL } from "../db/migrations/0008_counter_slots";
import { REBUILD_PIPELINE_LEVELS_SQL } from "../db/migrations/0017_pipeline_level_counters";
import { REBUILD_AWARD_EXPIRY_SQL } from "../db/migrations/0021_award_expiry_counters";
import { REBUILD_AWARD_EXPIRY_MONTHS_SQL } from "../db/migrations/0022_award_expiry_months";
import { DEMO_PASSWORD } from "./demo";
import { seedReference } from "./reference";
import { REBUILT_INSERT_TRIGGERS, type GenerateOptions } from "./synthetic";
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
  syntheticUsers,
  type SyntheticMeta,
  type SyntheticSize,
} from "./synthetic-rows";

/** The server the bench databases live on (any database of it: the bench makes its own). */
export function benchServerUrl(env: Record<string, string | undefined> = process.env): string {
  return env.BENCH_DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/postgres";
}

/** The database of a size on that server: registry_bench_<size>. */
export function benchDatabaseName(size: SyntheticSize): string {
  return `registry_bench_${size.toLowerCase()}`;
}

export function urlOfDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const BIG_TABLES = ["enterprises", "applications", "awards", "application_events"];

// ───────────────────────────── COPY text format ─────────────────────────────

/** A value as a field of COPY's text format: \N for NULL, backslash escapes for the rest. */
function field(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  const s = String(v);
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t")) : s;
}

/** Bytes of COPY text gathered into one block before it is handed to the connection. */
const BLOCK = 1 << 20;
/** COPY text handed over but not yet taken by a connection's socket before the generator waits. */
const AHEAD = 8 << 20;

/**
 * A COPY … FROM STDIN of one table on a connection of its own. Each row is formatted as one line
 * and encoded at once into a block of bytes (no array of lines, no joined chunk string: both
 * outlived the young generation and made most of the garbage collector's work); full blocks go
 * to the stream as they fill, and `flush` waits only while more than AHEAD bytes are still queued
 * for the socket, so the generator keeps running while the backend reads.
 */
async function copyInto(pool: pg.Pool, table: string, columns: readonly string[], { freeze = false } = {}) {
  const client = await pool.connect();
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SET synchronous_commit = off`);
  if (freeze) {
    // FREEZE needs the table emptied in the COPY's own transaction.
    await client.query(`BEGIN`);
    await client.query(`TRUNCATE ${table}`);
  }
  const stream: Writable = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN${freeze ? " (FREEZE)" : ""}`));
  let failure: Error | null = null;
  let queued = 0;
  let wake: (() => void) | null = null;
  stream.on("error", (e) => {
    failure = e;
    wake?.();
  });
  let block = Buffer.allocUnsafeSlow(BLOCK);
  let at = 0;
  let rows = 0;
  const handOver = (room: number) => {
    if (at > 0) {
      const bytes = at;
      queued += bytes;
      stream.write(block.subarray(0, bytes), () => {
        queued -= bytes;
        if (wake && queued <= AHEAD) wake();
      });
    }
    block = Buffer.allocUnsafeSlow(Math.max(BLOCK, room));
    at = 0;
  };
  return {
    sink: (...values: unknown[]) => {
      let line = field(values[0]);
      for (let i = 1; i < values.length; i++) line += "\t" + field(values[i]);
      line += "\n";
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      if (at + line.length * 3 > block.length) handOver(line.length * 3);
      at += block.write(line, at);
      rows++;
    },
    /** Waits while the stream holds more than AHEAD bytes the socket has not taken yet. */
    async flush() {
      while (!failure && queued > AHEAD) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (failure) throw failure;
    },
    async end(): Promise<number> {
      handOver(0);
      await new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        stream.once("finish", resolve);
        stream.once("error", reject);
        stream.end();
      });
      if (freeze) await client.query(`COMMIT`);
      await client.query(`RESET session_replication_role`);
      client.release();
      return rows;
    },
    abort() {
      client.release(true);
    },
  };
}

// ───────────────────────────── the load ─────────────────────────────

/** Firms per chunk handed to the COPY streams. */
const CHUNK = 5_000;

/**
 * Secondary indexes kept during the load: their keys grow in the order the rows are written
 * (firm id, then application id), so each row lands on the rightmost leaf, which costs the
 * backend little while it waits for the generator's next rows; the others are built after it.
 */
const KEPT_INDEXES = new Set([
  "application_events_application", // (application_id, id)
  "applications_enterprise", // (enterprise_id, created_at, id)
  "applications_one_open", // (enterprise_id, tier_code, year)
  "awards_enterprise", // (enterprise_id, tier_code)
  "awards_enterprise_year", // (enterprise_id, year, id)
  "awards_one_live", // (enterprise_id, tier_code, year)
  "awards_live_clean_beauty", // (enterprise_id)
]);

/**
 * The JSON columns' CHECKs call registry_json_valid() (0001: PL/pgSQL, a subtransaction per
 * call, about 9 µs a payload: 40 s of the backends' CPU at L). During the load it answers true
 * without looking; afterwards its definition is put back and the distinct JSON values written
 * (a few hundred payload templates, a few event data objects) are checked with it once.
 */
const JSON_CHECKED = [
  { table: "applications", column: "payload" },
  { table: "application_events", column: "data" },
];

/** Writes a fresh synthetic data set of `size` into the (empty, migrated or not) database at `url`. */
export async function generateSyntheticPg(url: string, size: SyntheticSize, options: GenerateOptions = {}): Promise<SyntheticMeta> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  let lapStart = started;
  const lap = (what: string) => {
    const now = Date.now();
    log(`  ${what}: ${((now - lapStart) / 1000).toFixed(1)} s`);
    lapStart = now;
  };
  const spec = SYNTHETIC_SIZES[size];
  const passwordHash = await (options.passwordHash ?? ((pw: string) => argon2Hash(pw)))(DEMO_PASSWORD);
  {
    const { db } = openDatabase({ dialect: "postgres", url, poolSize: 2 });
    try {
      await migrateToLatest(db);
      await seedReference(db);
    } finally {
      await db.destroy();
    }
  }
  lap("schema and reference data");

  const pool = new pg.Pool({ connectionString: url, max: 6 });
  /** registry_json_valid() as the migrations defined it, while the load runs without it. */
  let jsonValid: string | null = null;
  try {
    const main = await pool.connect();
    let indexes: { table: string; name: string; sql: string }[];
    try {
      // Secondary indexes of the big tables, not those behind a primary key or unique constraint.
      indexes = (
        await main.query<{ table: string; name: string; sql: string }>(
          `SELECT i.tablename AS table, i.indexname AS name, i.indexdef AS sql FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = i.schemaname))`,
          [BIG_TABLES],
        )
      ).rows;
      indexes = indexes.filter((i) => !KEPT_INDEXES.has(i.name));
      await checkInsertTriggers(main);
      for (const i of indexes) await main.query(`DROP INDEX "${i.name}"`);
      jsonValid = (await main.query<{ sql: string }>(`SELECT pg_get_functiondef('registry_json_valid(text)'::regprocedure) AS sql`)).rows[0]!.sql;
      await main.query(`CREATE OR REPLACE FUNCTION registry_json_valid(value TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS 'SELECT true'`);

      const rowsBefore = await main.query<{ n: number }>(`SELECT (SELECT count(*) FROM enterprises) + (SELECT count(*) FROM applications) + (SELECT count(*) FROM users) AS n`);
      if (Number(rowsBefore.rows[0]!.n) !== 0) throw new Error(`the database at ${redactUrl(url)} already has firms, applications or users`);
    } finally {
      main.release();
    }
    lap("indexes dropped");

    const firms = await copyInto(pool, "enterprises", FIRM_COLUMNS);
    const apps = await copyInto(pool, "applications", APPLICATION_COLUMNS);
    const awards = await copyInto(pool, "awards", AWARD_COLUMNS);
    // The history, the biggest table and referenced by none, is written frozen and all-visible:
    // VACUUM has nothing left to do there.
    const events = await copyInto(pool, "application_events", EVENT_COLUMNS, { freeze: true });
    const copies = [firms, apps, awards, events];
    const rows = createSyntheticRows(size, { firm: firms.sink, application: apps.sink, award: awards.sink, event: events.sink });
    const users = syntheticUsers(passwordHash);
    try {
      // The 13 real towns are in the reference data already.
      await insertRows(
        pool,
        "towns",
        TOWN_COLUMNS,
        rows.towns.map((t) => [t.code, t.name_zh, t.name_en, t.kind, t.managed_by, t.sort]),
        "ON CONFLICT (code) DO NOTHING",
      );
      await insertRows(pool, "users", USER_COLUMNS, users.before);
      for (let from = 1; from <= spec.firms; from += CHUNK) {
        const to = Math.min(spec.firms, from + CHUNK - 1);
        rows.firms(from, to);
        await Promise.all(copies.map((c) => c.flush()));
        if (to % 100_000 === 0)
          log(`  ${to.toLocaleString()} firms, ${rows.counts().applications.toLocaleString()} applications (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
      for (const c of copies) await c.end();
    } catch (error) {
      for (const c of copies) c.abort();
      throw error;
    }
    await insertRows(pool, "users", USER_COLUMNS, users.after);
    await pool.query(jsonValid!);
    jsonValid = null;
    for (const { table, column } of JSON_CHECKED) {
      const { rows: invalid } = await pool.query(
        // MATERIALIZED: the check runs once per distinct value, not pushed down to every row.
        `WITH d AS MATERIALIZED (SELECT DISTINCT ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL) SELECT v FROM d WHERE NOT registry_json_valid(v) LIMIT 1`,
      );
      if (invalid.length > 0) throw new Error(`${table}.${column} is not JSON: ${String(invalid[0]!.v).slice(0, 80)}`);
    }
    lap("rows copied in");

    // Two index builds at a time (two cores here); each may use parallel workers of its own.
    const queue = [...indexes];
    const buildIndexes = () =>
      Promise.all(
        [0, 1].map(async () => {
          const client = await pool.connect();
          try {
            await client.query(`SET maintenance_work_mem = '256MB'`);
            for (let i = queue.shift(); i; i = queue.shift()) await client.query(i.sql);
          } finally {
            client.release();
          }
        }),
      );
    // What the insert triggers would have counted, meanwhile on a third connection: the rebuilds
    // read whole tables, which CREATE INDEX lets them do.
    const rebuildCounters = async () => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(`DELETE FROM progress_application_counts`);
        await client.query(`DELETE FROM progress_award_counts`);
        const tallied = rows.tally.rows();
        for (const table of ["progress_application_counts", "progress_award_counts"] as const) {
          const values = tallied.filter((r) => r.table === table).map((r) => r.values);
          const last = table === "progress_application_counts" ? "status" : "level";
          for (let i = 0; i < values.length; i += 1000) {
            await insertRows(client, table, ["year", "tier_code", "town_code", last, "n"], values.slice(i, i + 1000));
          }
        }
        for (const rebuild of [
          REBUILD_COVERAGE_SQL,
          REBUILD_STATUS_SLOTS_SQL,
          REBUILD_AWARD_SLOTS_SQL,
          REBUILD_PIPELINE_LEVELS_SQL,
          REBUILD_AWARD_EXPIRY_SQL,
          REBUILD_AWARD_EXPIRY_MONTHS_SQL,
        ]) {
          for (const statement of rebuild.split(";").filter((s) => s.trim())) await client.query(statement);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    };
    await Promise.all([buildIndexes(), rebuildCounters()]);
    {
      const { db } = openDatabase({ dialect: "postgres", url, poolSize: 1 });
      try {
        await syncIdSequences(db);
      } finally {
        await db.destroy();
      }
    }
    lap("indexes, counters and id sequences");
    // Visibility map and statistics: index-only scans and the planner's estimates as on a
    // database that has been running for a while.
    await Promise.all(BIG_TABLES.map((t) => pool.query(`VACUUM (ANALYZE) ${t}`)));
    await pool.query(`ANALYZE`);
    lap("vacuum and analyze");

    const count = async (table: string) => Number((await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    return {
      version: SYNTHETIC_VERSION,
      size,
      counts: {
        towns: await count("towns"),
        enterprises: await count("enterprises"),
        applications: await count("applications"),
        awards: await count("awards"),
        events: await count("application_events"),
        users: await count("users"),
      },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    // A load cut short still leaves the function as the migrations made it.
    if (jsonValid) await pool.query(jsonValid).catch(() => {});
    await pool.end();
  }
}

/** One multi-row INSERT of `values` (a few thousand parameters at most). */
async function insertRows(db: pg.Pool | pg.PoolClient, table: string, columns: readonly string[], values: unknown[][], conflict = "") {
  if (values.length === 0) return;
  const params: unknown[] = [];
  const tuples = values.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(", ")})`);
  await db.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")} ${conflict}`, params);
}

/**
 * The load runs without triggers: one that maintains something on insert and that the generator
 * does not rebuild would be silently left out of the data set, so it refuses instead (as the
 * SQLite writer does).
 */
async function checkInsertTriggers(client: pg.PoolClient) {
  const { rows } = await client.query<{ name: string }>(
    `SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND c.relname = ANY($1) AND (t.tgtype & 4) <> 0`,
    [BIG_TABLES],
  );
  for (const { name } of rows) {
    if (!REBUILT_INSERT_TRIGGERS.has(name)) {
      throw new Error(`seeds/synthetic-pg.ts loads without trigger ${name} but does not rebuild what it maintains`);
    }
  }
}

/**
 * The data set of `size` in PostgreSQL, generated unless its database holds one of the current
 * generator version (its comment says so).
 */
export async function ensureSyntheticPg(size: SyntheticSize, options: GenerateOptions & { server?: string } = {}): Promise<{ url: string; meta: SyntheticMeta; reused: boolean }> {
  const server = options.server ?? benchServerUrl();
  const name = benchDatabaseName(size);
  const url = urlOfDatabase(server, name);
  const existing = await withClient(server, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [name]);
    return rows[0] ?? null;
  });
  if (existing?.comment) {
    try {
      const meta = JSON.parse(existing.comment) as SyntheticMeta;
      if (meta.version === SYNTHETIC_VERSION && meta.size === size) return { url, meta, reused: true };
    } catch {
      /* not ours: rebuilt below */
    }
  }
  await withClient(server, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const meta = await generateSyntheticPg(url, size, options);
  // Written last: a load cut short leaves no comment and is redone next time.
  await withClient(server, (client) => client.query(`COMMENT ON DATABASE ${name} IS '${JSON.stringify(meta).replace(/'/g, "''")}'`));
  return { url, meta, reused: false };
}
