import type Database from "better-sqlite3";
import { openDatabase, type Db, type OpenDatabase } from "../../db/client";

let instance: OpenDatabase | undefined;

/**
 * The one database handle of the process: PostgreSQL when DATABASE_URL is set, else the SQLite
 * file named by DATABASE_PATH (or DATA_DIR). Migrations run before the server starts
 * (app/server/main.ts), never on a request.
 */
export function db(): Db {
  instance ??= openDatabase();
  return instance.db;
}

/** Resolves when the database answers (the health check). */
export function pingDb(): Promise<void> {
  db();
  return instance!.check();
}

/** The raw better-sqlite3 handle, for tools that only SQLite has; null on PostgreSQL. */
export function sqlite(): Database.Database | null {
  db();
  return instance!.sqlite;
}

export async function closeDb(): Promise<void> {
  if (!instance) return;
  const { db: current } = instance;
  instance = undefined;
  await current.destroy();
}
