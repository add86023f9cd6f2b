import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Sign-in throttling counts recent failures per username and per client address; both need the
 * address as a column and indexes that seek by (action, key, time).
 */
const statements: Statement[] = [
  `ALTER TABLE audit_log ADD COLUMN address TEXT`,
  `CREATE INDEX audit_log_subject ON audit_log(action, subject, at)`,
  `CREATE INDEX audit_log_address ON audit_log(action, address, at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
