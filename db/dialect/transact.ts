import type { Kysely, Transaction } from "kysely";

/**
 * Answers that mean "nothing was done, try again": on PostgreSQL a deadlock or a serialization
 * failure; on SQLite a transaction that read and then could not write because another process
 * wrote meanwhile (busy_timeout does not wait for these: the reader's snapshot is stale).
 */
const RETRYABLE = new Set(["40P01", "40001", "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT"]);
const ATTEMPTS = 5;

/**
 * Runs `fn` in a transaction. On PostgreSQL, two transactions that lock rows in different orders
 * (a command over many rows beside a command over one, each touching counter rows through its
 * triggers) can deadlock; the database then aborts one of them, which has done nothing. That one
 * is run again, up to three times, a few milliseconds apart: every command reads what it changes
 * inside its transaction and writes compare-and-set, so a second run sees the other's result and
 * answers from it (a conflict, a record that exists). SQLite runs one writer at a time; only
 * when two processes share a file (`npm run jobs` beside the server) can a transaction that read
 * first find, at its first write, that the other process has written since: it is run again too.
 */
export async function transact<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
