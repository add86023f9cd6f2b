import Database from "better-sqlite3";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import fs from "node:fs";
import path from "node:path";
import type { DB } from "../schema";

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

const rawHandles = new WeakMap<Kysely<any>, Database.Database>();

export function createSqliteDb(sqlite: Database.Database): Kysely<DB> {
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  rawHandles.set(db, sqlite);
  return db;
}

/**
 * The better-sqlite3 handle behind a Kysely instance made by createSqliteDb: migrateToLatest
 * lifts its defensive mode while migrations run (0016 rewrites schema text, which it forbids).
 */
export function rawSqliteOf(db: Kysely<any>): Database.Database | undefined {
  return rawHandles.get(db);
}
