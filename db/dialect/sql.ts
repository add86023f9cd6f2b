import { sql, type Kysely, type RawBuilder, type SqlBool } from "kysely";
import { dialectOf } from "./index";

/**
 * The few query fragments that differ between SQLite and PostgreSQL, so that models stay the
 * same on both. Everything else (row values, partial indexes, upserts, RETURNING) is written
 * once in SQL both accept.
 */

/** `text` as a LIKE pattern matching it anywhere, with %, _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A search by part of a name: case-insensitive for Latin letters on both (SQLite's LIKE is,
 * PostgreSQL's is not, so there it is ILIKE). `pattern` comes from containsPattern.
 */
export function likeInsensitive(db: Kysely<any>, column: RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool> {
  return dialectOf(db) === "postgres" ? sql<SqlBool>`${column} ILIKE ${pattern} ESCAPE '\\'` : sql<SqlBool>`${column} LIKE ${pattern} ESCAPE '\\'`;
}

/** An equality of user names whatever their case (SQLite's column collation is NOCASE). */
export function sameUsername(db: Kysely<any>, column: RawBuilder<unknown>, username: string): RawBuilder<SqlBool> {
  return dialectOf(db) === "postgres" ? sql<SqlBool>`lower(${column}) = lower(${username})` : sql<SqlBool>`${column} = ${username}`;
}

/**
 * After rows were written with explicit ids (the demo data, a copy from SQLite), PostgreSQL's
 * identity sequences still stand at 1: each is moved past the largest id. Nothing on SQLite,
 * whose next rowid follows the largest.
 */
export async function syncIdSequences(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== "postgres") return;
  const columns = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'`.execute(db);
  for (const { table_name } of columns.rows) {
    await sql`SELECT setval(pg_get_serial_sequence(${table_name}, 'id'), coalesce(max(id), 0) + 1, false) FROM ${sql.table(table_name)}`.execute(db);
  }
}

/**
 * True when a write failed on a unique constraint (SQLite's SQLITE_CONSTRAINT_UNIQUE,
 * PostgreSQL's 23505); with `table`, only a constraint of that table.
 */
export function isUniqueViolation(error: unknown, table?: string): boolean {
  const e = error as { code?: string; message?: string; table?: string } | null;
  if (!e) return false;
  if (e.code === "SQLITE_CONSTRAINT_UNIQUE") return table === undefined || (e.message ?? "").includes(`${table}.`);
  if (e.code === "23505") return table === undefined || e.table === table;
  return false;
}

/**
 * Locks rows by id, in id order, for the rest of the transaction: on PostgreSQL a command that
 * changes several rows takes their locks before any counter row a trigger updates, so two
 * writers never hold one each of what the other waits for (a single approval racing a bulk one
 * deadlocked without it). SQLite needs nothing: one writer at a time holds the whole database.
 */
export async function lockRowsById(trx: Kysely<any>, table: string, ids: readonly number[]): Promise<void> {
  if (dialectOf(trx) !== "postgres" || ids.length === 0) return;
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  await sql`SELECT id FROM ${sql.table(table)} WHERE id IN (${sql.join(sorted)}) ORDER BY id FOR UPDATE`.execute(trx);
}
