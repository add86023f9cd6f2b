import type Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import type pg from "pg";
import type { Db } from "../../db/client";
import type { DB } from "../../db/schema";

export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * A Kysely handle that records every statement the real model functions issue (SQL and bound
 * parameters), so the benchmark and the query-plan test look at exactly what the pages run. On a
 * better-sqlite3 handle or a `pg` pool.
 */
export function capturingDb(database: Database.Database | pg.Pool): { db: Db; take: () => CapturedQuery[] } {
  let queries: CapturedQuery[] = [];
  const db = new Kysely<DB>({
    dialect: "connect" in database ? new PostgresDialect({ pool: database }) : new SqliteDialect({ database }),
    log(event) {
      if (event.level === "query") queries.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  return {
    db,
    take() {
      const out = queries;
      queries = [];
      return out;
    },
  };
}

/** better-sqlite3 wants booleans as integers; Kysely passes them through. */
export function bindable(parameters: readonly unknown[]): unknown[] {
  return parameters.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
}
