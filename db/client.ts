import type Database from "better-sqlite3";
import { Migrator, sql, type Kysely } from "kysely";
import { dialectOf } from "./dialect/index";
import { createSqliteDb, rawSqliteOf } from "./dialect/sqlite";
import { migrationProvider } from "./migrations/index";
import type { DB } from "./schema";

export { dataPaths, databaseConfig, redactUrl, type DatabaseConfig } from "./dialect/config";
export { dialectOf, openDatabase, type Dialect, type OpenDatabase } from "./dialect/index";
export { openSqlite } from "./dialect/sqlite";

export type Db = Kysely<DB>;

/** A Kysely handle on a better-sqlite3 database (tests, seeds and tools open files directly). */
export function createDb(sqlite: Database.Database): Db {
  return createSqliteDb(sqlite);
}

/**
 * Brings the schema up to date; throws with the failing migration's name. Safe when several
 * processes start at once, and all or nothing when one is killed midway: on PostgreSQL Kysely
 * takes an advisory lock and runs the pending list in one transaction; on SQLite the list runs
 * inside one IMMEDIATE transaction, which also keeps a second process waiting (busy_timeout)
 * until the first is done.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  await refuseNewerSchema(db);
  // Unordered: migrations written side by side may land in any order on a developer's database.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const sqlite = dialectOf(db) === "sqlite";
  if (sqlite) await sql`BEGIN IMMEDIATE`.execute(db);
  // Defensive mode (better-sqlite3's default) forbids rewriting schema text, which a migration
  // may need (0016 widens CHECK constraints); it is lifted only while migrations run.
  const raw = sqlite ? rawSqliteOf(db) : undefined;
  raw?.unsafeMode(true);
  let outcome: Awaited<ReturnType<Migrator["migrateToLatest"]>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    if (sqlite) await sql`ROLLBACK`.execute(db);
    throw error;
  } finally {
    raw?.unsafeMode(false);
  }
  const { error, results } = outcome;
  const failed = results?.find((r) => r.status === "Error");
  if (sqlite) await sql.raw(error || failed ? "ROLLBACK" : "COMMIT").execute(db);
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/**
 * A database migrated by a newer version of the registry has migrations this code does not
 * know: running on it could misread its data, so the start stops with one line saying so.
 */
async function refuseNewerSchema(db: Kysely<any>): Promise<void> {
  let applied: string[];
  try {
    applied = (await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db)).rows.map((r) => r.name);
  } catch {
    return; // a fresh database: no migration table yet
  }
  const known = new Set(Object.keys(await migrationProvider.getMigrations()));
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length) {
    throw new Error(`The database has a newer schema than this version of the registry (unknown migrations: ${unknown.join(", ")}); run the newer version or restore a backup.`);
  }
}
