/**
 * The benchmark's synthetic data sets in PostgreSQL: the rows of seeds/synthetic-rows.ts (the
 * same generator the SQLite writer uses, so both databases hold the same data), one database per
 * size on the server at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 * registry_bench_xs, registry_bench_s, … A database is reused while its comment names the current
 * generator version; the comment is written last, so a load cut short is redone next time.
 *
 * Bulk load: schema and reference data through the app's migrations and seed; the secondary
 * indexes of the big tables dropped (primary keys and unique constraints stay); then the four big
 * tables streamed in at once, each through COPY FROM STDIN on a connection of its own with
 * `session_replication_role = replica` (no triggers, foreign-key checks included: the rows are
 * valid by construction and the tiny-size test checks them); the indexes rebuilt two at a time;
 * the counters the insert triggers keep rebuilt from the generator's tally and the rebuild SQL of
 * their migrations; the id sequences moved past the ids; VACUUM ANALYZE. Needs a superuser (as
 * the local server's `postgres` is) for the replica role.
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

/** A COPY … FROM STDIN of one table on a connection of its own, fed a chunk at a time. */
async function copyInto(pool: pg.Pool, table: string, columns: readonly string[]) {
  const client = await pool.connect();
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SET synchronous_commit = off`);
  const stream: Writable = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
  let failure: Error | null = null;
  stream.on("error", (e) => (failure = e));
  let lines: string[] = [];
  let rows = 0;
  return {
    sink: (...values: unknown[]) => {
      let line = field(values[0]);
      for (let i = 1; i < values.length; i++) line += "\t" + field(values[i]);
      lines.push(line);
      rows++;
    },
    /** Hands the rows gathered so far to the stream; waits while the stream's buffer is full. */
    async flush() {
      if (failure) throw failure;
      if (lines.length === 0) return;
      const text = lines.join("\n") + "\n";
      lines = [];
      if (!stream.write(text)) {
        await new Promise<void>((resolve, reject) => {
          const done = (error?: Error) => {
            stream.off("drain", done);
            stream.off("error", done);
            if (error) reject(error);
            else resolve();
          };
          stream.on("drain", done);
          stream.on("error", done);
        });
      }
    },
    async end(): Promise<number> {
      await this.flush();
      await new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        stream.once("finish", resolve);
        stream.once("error", reject);
        stream.end();
      });
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
      await checkInsertTriggers(main);
      for (const i of indexes) await main.query(`DROP INDEX "${i.name}"`);

      const rowsBefore = await main.query<{ n: number }>(`SELECT (SELECT count(*) FROM enterprises) + (SELECT count(*) FROM applications) + (SELECT count(*) FROM users) AS n`);
      if (Number(rowsBefore.rows[0]!.n) !== 0) throw new Error(`the database at ${redactUrl(url)} already has firms, applications or users`);
    } finally {
      main.release();
    }
    lap("indexes dropped");

    const firms = await copyInto(pool, "enterprises", FIRM_COLUMNS);
    const apps = await copyInto(pool, "applications", APPLICATION_COLUMNS);
    const awards = await copyInto(pool, "awards", AWARD_COLUMNS);
    const events = await copyInto(pool, "application_events", EVENT_COLUMNS);
    const copies = [firms, apps, awards, events];
    const rows = createSyntheticRows(size, { firm: firms.sink, application: apps.sink, award: awards.sink, event: events.sink });
    const users = syntheticUsers(passwordHash);
    try {
      // The 13 real towns are in the reference data already.
      await insertRows(pool, "towns", TOWN_COLUMNS, rows.towns.map((t) => [t.code, t.name_zh, t.name_en, t.kind, t.managed_by, t.sort]), "ON CONFLICT (code) DO NOTHING");
      await insertRows(pool, "users", USER_COLUMNS, users.before);
      for (let from = 1; from <= spec.firms; from += CHUNK) {
        const to = Math.min(spec.firms, from + CHUNK - 1);
        rows.firms(from, to);
        await Promise.all(copies.map((c) => c.flush()));
        if (to % 100_000 === 0) log(`  ${to.toLocaleString()} firms, ${rows.counts().applications.toLocaleString()} applications (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
      for (const c of copies) await c.end();
    } catch (error) {
      for (const c of copies) c.abort();
      throw error;
    }
    await insertRows(pool, "users", USER_COLUMNS, users.after);
    lap("rows copied in");

    // Two index builds at a time (two cores here); each may use parallel workers of its own.
    const queue = [...indexes];
    await Promise.all(
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
    lap("indexes");

    // What the insert triggers would have counted.
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
      for (const rebuild of [REBUILD_COVERAGE_SQL, REBUILD_STATUS_SLOTS_SQL, REBUILD_AWARD_SLOTS_SQL, REBUILD_PIPELINE_LEVELS_SQL, REBUILD_AWARD_EXPIRY_SQL]) {
        for (const statement of rebuild.split(";").filter((s) => s.trim())) await client.query(statement);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
    {
      const { db } = openDatabase({ dialect: "postgres", url, poolSize: 1 });
      try {
        await syncIdSequences(db);
      } finally {
        await db.destroy();
      }
    }
    lap("counters and id sequences");
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
export async function ensureSyntheticPg(
  size: SyntheticSize,
  options: GenerateOptions & { server?: string } = {},
): Promise<{ url: string; meta: SyntheticMeta; reused: boolean }> {
  const server = options.server ?? benchServerUrl();
  const name = benchDatabaseName(size);
  const url = urlOfDatabase(server, name);
  const existing = await withClient(server, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
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
