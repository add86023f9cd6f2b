import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import fs from "node:fs";
import path from "node:path";
import { migrationProvider } from "./migrations/index";
import type { DB } from "./schema";

export type Db = Kysely<DB>;

/** Opens the SQLite file with the pragmas every connection needs. */
export function openSqlite(file: string, options: { readonly?: boolean } = {}): Database.Database {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file, { readonly: options.readonly ?? false });
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

export function createDb(sqlite: Database.Database): Db {
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Unordered: migrations written side by side may land in any order on a developer's database.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Where the database and uploads live: DATABASE_PATH and DATA_DIR override the defaults. */
export function dataPaths() {
  const dataDir = path.resolve(process.env.DATA_DIR ?? "data");
  const databasePath = path.resolve(process.env.DATABASE_PATH ?? path.join(dataDir, "registry.db"));
  const uploadsDir = path.resolve(process.env.UPLOADS_DIR ?? path.join(dataDir, "uploads"));
  return { dataDir, databasePath, uploadsDir };
}
