import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { openDatabase, type OpenDatabase } from "../../db/client";

/**
 * The tests' databases. `npm test` copies a migrated, seeded SQLite file per test file;
 * `npm run test:pg` (TEST_DATABASE_URL) makes a PostgreSQL database per test file from a
 * migrated, seeded template database, and one per server an HTTP test starts. All of a run's
 * databases share a prefix and are dropped when the run ends.
 */
export function testDatabaseUrl(): string | null {
  return process.env.REGISTRY_TEST_DIALECT === "postgres" ? (process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres") : null;
}

/** The URL of another database on the same server. */
export function urlOfDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(base: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database (or a copy of `template`); its URL. */
export async function createDatabase(base: string, prefix: string, template?: string): Promise<string> {
  const name = `${prefix}_${crypto.randomBytes(5).toString("hex")}`;
  await withAdmin(base, async (client) => {
    // Two copies of one template at the same moment are refused ("being accessed"): retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
        return;
      } catch (error) {
        if (attempt >= 40 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return urlOfDatabase(base, name);
}

export async function dropDatabasesWithPrefix(base: string, prefix: string): Promise<void> {
  await withAdmin(base, async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${prefix}%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}

/**
 * The database a server started by an HTTP test uses: PostgreSQL when the run is on it (its URL
 * kept in the data folder, so that a restarted server finds the same one), else the SQLite file.
 */
export async function serverDatabaseEnv(dataDir: string): Promise<Record<string, string>> {
  const base = testDatabaseUrl();
  if (!base) return { DATABASE_URL: "" };
  const file = path.join(dataDir, "database-url");
  if (!fs.existsSync(file)) fs.writeFileSync(file, await createDatabase(base, `${process.env.REGISTRY_TEST_PREFIX ?? "registry_test"}_srv`));
  return { DATABASE_URL: fs.readFileSync(file, "utf8") };
}

/** Opens the database of a server's data folder, to look at what the server wrote. */
export async function openServerDatabase(dataDir: string): Promise<OpenDatabase> {
  const { DATABASE_URL } = await serverDatabaseEnv(dataDir);
  return DATABASE_URL ? openDatabase({ dialect: "postgres", url: DATABASE_URL, poolSize: 2 }) : openDatabase({ dialect: "sqlite", path: path.join(dataDir, "registry.db") });
}
