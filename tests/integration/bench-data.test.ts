/**
 * The benchmark's synthetic data in PostgreSQL (seeds/synthetic-pg.ts) holds the same rows as
 * the SQLite data set of the same size (seeds/synthetic.ts): both are written from one generator,
 * by a writer per database. Checked at the smallest size, table by table (row count and a hash of
 * every row in key order), with every counter against a recount, and the bench's fixtures on
 * PostgreSQL. Needs PostgreSQL: part of `npm run test:pg`, skipped by `npm test`.
 */
import Database from "better-sqlite3";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../db/client";
import { verifyCounters } from "~/models/progress-check.server";
import { generateSynthetic, SYNTHETIC_SIZES } from "../../seeds/synthetic";
import { generateSyntheticPg } from "../../seeds/synthetic-pg";
import { prepareFixtures } from "../bench/fixtures";
import { createDatabase, testDatabaseUrl } from "../support/test-db";

const base = testDatabaseUrl();
const cheapHash = async () => "synthetic-test-hash";

/** Each table with the key its rows are read in, and the columns compared (all, when omitted). */
const TABLES: { table: string; key: string; columns?: string }[] = [
  { table: "towns", key: "code" },
  { table: "enterprises", key: "id" },
  { table: "applications", key: "id" },
  { table: "awards", key: "id" },
  { table: "application_events", key: "id" },
  { table: "users", key: "id", columns: "id, username, display_name, role, enterprise_id, town_code, password_hash, must_change_password, created_at" },
  { table: "progress_application_counts", key: "year, tier_code, town_code, status" },
  { table: "progress_award_counts", key: "year, tier_code, town_code, level" },
  { table: "progress_coverage_counts", key: "town_code" },
  { table: "application_status_totals", key: "year, tier_code, status, slot" },
  { table: "award_level_totals", key: "year, tier_code, level, slot" },
  { table: "pipeline_level_counts", key: "year, tier_code, town_code, level_sought" },
  { table: "pipeline_level_totals", key: "year, tier_code, level_sought, slot" },
];

type Digest = Record<string, { rows: number; sha256: string; first: unknown[] | null }>;

function digestOf(rows: Iterable<unknown[]>): { rows: number; sha256: string; first: unknown[] | null } {
  const h = crypto.createHash("sha256");
  let n = 0;
  let first: unknown[] | null = null;
  for (const row of rows) {
    first ??= row;
    h.update(JSON.stringify(row));
    n++;
  }
  return { rows: n, sha256: h.digest("hex"), first };
}

function sqliteDigest(file: string): Digest {
  const sqlite = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      TABLES.map(({ table, key, columns }) => [
        table,
        digestOf(
          sqlite
            .prepare(`SELECT ${columns ?? "*"} FROM ${table} ORDER BY ${key}`)
            .raw()
            .iterate() as Iterable<unknown[]>,
        ),
      ]),
    );
  } finally {
    sqlite.close();
  }
}

async function postgresDigest(url: string): Promise<Digest> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Digest = {};
    for (const { table, key, columns } of TABLES) {
      const { rows, fields } = await client.query({ text: `SELECT ${columns ?? "*"} FROM ${table} ORDER BY ${key}`, rowMode: "array" });
      // Whole numbers are BIGINT on PostgreSQL (int8, which a bare client reads as strings): numbers, as the app reads them.
      const int8 = fields.map((f) => f.dataTypeID === 20);
      out[table] = digestOf((rows as unknown[][]).map((r) => r.map((v, i) => (int8[i] && typeof v === "string" ? Number(v) : v))));
    }
    return out;
  } finally {
    await client.end();
  }
}

let dir: string;
let url: string;
let sqliteFile: string;

describe.runIf(base !== null)("the bench's synthetic data in PostgreSQL", () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-bench-data-"));
    sqliteFile = path.join(dir, "XS.db");
    url = await createDatabase(base!, `${process.env.REGISTRY_TEST_PREFIX}_bench`);
    await generateSynthetic(sqliteFile, "XS", { passwordHash: cheapHash });
    await generateSyntheticPg(url, "XS", { passwordHash: cheapHash });
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("holds the same rows as the SQLite data set, table by table", async () => {
    const lite = sqliteDigest(sqliteFile);
    const post = await postgresDigest(url);
    expect(post.enterprises!.rows).toBe(SYNTHETIC_SIZES.XS.firms);
    expect(post.applications!.rows).toBe(SYNTHETIC_SIZES.XS.applications);
    expect(post.application_events!.rows).toBeGreaterThan(SYNTHETIC_SIZES.XS.applications);
    for (const { table } of TABLES) {
      expect({ table, ...post[table]! }).toEqual({ table, ...lite[table]! });
    }
  });

  it("keeps every counter equal to a recount, with the triggers back on and ids that go on", async () => {
    const { db } = openDatabase({ dialect: "postgres", url, poolSize: 2 });
    try {
      expect(await verifyCounters(db)).toEqual([]);
      // The load ran without triggers: they are on again, and an ordinary write is counted.
      const firm = await db.selectFrom("enterprises").select(["id"]).where("archived_at", "is", null).orderBy("id").executeTakeFirstOrThrow();
      const inserted = await db
        .insertInto("applications")
        .values({
          enterprise_id: firm.id,
          tier_code: "quality-factory",
          year: 2030,
          status: "draft",
          payload: "{}",
          version: 1,
          created_at: "2026-11-28T00:00:00.000Z",
          updated_at: "2026-11-28T00:00:00.000Z",
        } as never)
        .returning("id")
        .executeTakeFirstOrThrow();
      expect(Number(inserted.id)).toBe(SYNTHETIC_SIZES.XS.applications + 1);
      expect(await verifyCounters(db)).toEqual([]);
      const counted = await db.selectFrom("application_status_totals").select(["n"]).where("year", "=", 2030).executeTakeFirst();
      expect(Number(counted?.n)).toBe(1);
      await db.deleteFrom("applications").where("id", "=", Number(inserted.id)).execute();
    } finally {
      await db.destroy();
    }
  });

  it("the bench's fixtures replace those of the run before, and leave the counters right", async () => {
    const { db } = openDatabase({ dialect: "postgres", url, poolSize: 2 });
    try {
      const count = async (table: "applications" | "awards" | "application_events") =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const generated = { applications: await count("applications"), awards: await count("awards"), events: await count("application_events") };
      const first = await prepareFixtures(url, 30);
      expect(first.submitTargets).toHaveLength(30);
      expect(first.approveTargets).toHaveLength(30);
      // The same picks as on SQLite: the fixtures read the same rows.
      const onSqlite = await prepareFixtures(sqliteFile, 30);
      expect({ ...first, submitTargets: null, approveTargets: null }).toEqual({ ...onSqlite, submitTargets: null, approveTargets: null });
      await prepareFixtures(url, 30);
      expect(await count("applications")).toBe(generated.applications + 60);
      expect(await count("awards")).toBe(generated.awards);
      expect(await count("application_events")).toBe(generated.events + 30 * 3);
      expect(await verifyCounters(db)).toEqual([]);
      // The history's append-only guard is back in place.
      await expect(db.deleteFrom("application_events").where("id", "=", 1).execute()).rejects.toThrow(/append-only/);
    } finally {
      await db.destroy();
    }
  });

  it("leaves the schema as the migrations make it: every index of the big tables, and the JSON check", async () => {
    const schemaOf = async (databaseUrl: string) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const indexes = await client.query<{ def: string }>(
          `SELECT indexdef AS def FROM pg_indexes WHERE tablename IN ('enterprises', 'applications', 'awards', 'application_events') ORDER BY indexname`,
        );
        const json = await client.query<{ def: string; valid: boolean; invalid: boolean }>(
          `SELECT pg_get_functiondef('registry_json_valid(text)'::regprocedure) AS def, registry_json_valid('{"a":1}') AS valid, registry_json_valid('{"a":') AS invalid`,
        );
        return { indexes: indexes.rows.map((r) => r.def), json: json.rows[0] };
      } finally {
        await client.end();
      }
    };
    const fresh = await createDatabase(base!, `${process.env.REGISTRY_TEST_PREFIX}_bench_schema`);
    const { db } = openDatabase({ dialect: "postgres", url: fresh, poolSize: 1 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    const loaded = await schemaOf(url);
    expect(loaded.indexes.length).toBeGreaterThan(20);
    expect(loaded.json).toMatchObject({ valid: true, invalid: false });
    expect(loaded).toEqual(await schemaOf(fresh));
  });
});
