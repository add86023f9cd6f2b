import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DB } from "../schema";
import { redactUrl } from "./config";

/**
 * PostgreSQL through Kysely's own dialect and a `pg` pool. The registry stores what SQLite
 * stores: whole numbers as BIGINT, which `pg` would hand back as strings (so would count(*) and
 * sum(), int8 and numeric), are parsed to JavaScript numbers here, once for the process. Money
 * is integer yuan, far below 2^53. Timestamps and dates are ISO-8601 TEXT on both databases.
 */
pg.types.setTypeParser(20, (v) => Number(v)); // int8: ids, counts, money
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric: sum() and avg() of integers

export function createPostgresPool(url: string, poolSize: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection (a server restart) must not end the process.
  pool.on("error", (error) => console.error(`[registry] PostgreSQL connection lost (${redactUrl(url)}): ${error.message}`));
  return pool;
}

export function createPostgresDb(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Connects once and says in one line what is wrong: an unreachable host, refused credentials,
 * a missing database. Never prints the password.
 */
export async function checkPostgres(pool: pg.Pool, url: string): Promise<void> {
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    const e = error as Error & { code?: string };
    const where = redactUrl(url);
    const why =
      e.code === "ECONNREFUSED" || e.code === "ENOTFOUND" || e.code === "EHOSTUNREACH" || e.code === "ETIMEDOUT" || /timeout/i.test(e.message)
        ? "the server cannot be reached"
        : e.code === "28P01" || e.code === "28000"
          ? "the user name or password was refused"
          : e.code === "3D000"
            ? "the database does not exist"
            : e.message;
    throw new Error(`Cannot use the PostgreSQL database at ${where}: ${why}.`);
  }
}
