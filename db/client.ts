import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, type SqliteDatabase } from "kysely";
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

/**
 * The database as Kysely sees it, with prepared statements kept by SQL text (least recently
 * used out first). Kysely prepares every query anew, and for the small indexed queries of a page
 * SQLite's prepare costs as much as the run: about 0.7 ms of a dashboard view's 12 queries. A
 * statement still busy in an iteration (a streamed export) is never handed out again: another
 * caller gets a fresh one.
 */
function withStatementCache(sqlite: Database.Database, capacity = 500): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached) {
        if (cached.busy) return sqlite.prepare(text);
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

export function createDb(sqlite: Database.Database): Db {
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
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
