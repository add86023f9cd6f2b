import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Leases of scheduled jobs: a job runs only in the process that holds its row, so that several
 * app processes on one database (or `npm start` beside a cron-run command) never run the same
 * job at once. A lease expires, so a process that died holding one does not block the job for
 * ever. Written for SQLite and translated for PostgreSQL by ./ddl.ts.
 */
const statements: Statement[] = [
  `CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
