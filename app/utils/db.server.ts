import type Database from "better-sqlite3";
import { createDb, dataPaths, openSqlite, type Db } from "../../db/client";

let instance: { sqlite: Database.Database; db: Db } | undefined;

/**
 * The one database handle of the process. The file is named by DATABASE_PATH (or DATA_DIR);
 * migrations run before the server starts (app/server/main.ts), never on a request.
 */
export function db(): Db {
  if (!instance) {
    const sqlite = openSqlite(dataPaths().databasePath);
    instance = { sqlite, db: createDb(sqlite) };
  }
  return instance.db;
}

/** The raw better-sqlite3 handle, for the health check and prepared hot paths. */
export function sqlite(): Database.Database {
  db();
  return instance!.sqlite;
}

export async function closeDb(): Promise<void> {
  if (!instance) return;
  const { db: current } = instance;
  instance = undefined;
  await current.destroy();
}
