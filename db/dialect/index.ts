import type BetterSqlite from "better-sqlite3";
import { PostgresAdapter, type Kysely } from "kysely";
import type pg from "pg";
import type { DB } from "../schema";
import { databaseConfig, type DatabaseConfig } from "./config";
import { checkPostgres, createPostgresDb, createPostgresPool } from "./postgres";
import { createSqliteDb, openSqlite } from "./sqlite";

export type Dialect = "sqlite" | "postgres";

/** An open database: the Kysely handle, and the driver's own handle for the few places that need it. */
export interface OpenDatabase {
  db: Kysely<DB>;
  dialect: Dialect;
  /** better-sqlite3's handle (online backup, pragmas), or null on PostgreSQL. */
  sqlite: BetterSqlite.Database | null;
  pool: pg.Pool | null;
  /** Resolves when the database answers; on PostgreSQL, rejects with one clear line when not. */
  check(): Promise<void>;
}

export function openDatabase(config: DatabaseConfig = databaseConfig()): OpenDatabase {
  if (config.dialect === "sqlite") {
    const sqlite = openSqlite(config.path);
    return { db: createSqliteDb(sqlite), dialect: "sqlite", sqlite, pool: null, check: async () => void sqlite.prepare("SELECT 1").get() };
  }
  const pool = createPostgresPool(config.url, config.poolSize);
  return { db: createPostgresDb(pool), dialect: "postgres", sqlite: null, pool, check: () => checkPostgres(pool, config.url) };
}

/** Which database a Kysely handle (or a transaction of one) talks to. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}
