import { sql } from "kysely";
import crypto from "node:crypto";
import { dialectOf } from "../../db/client";
import { db } from "~/utils/db.server";

/**
 * A hash of everything the registry's users change. The audit log and sessions are left out:
 * any request may append to the one and touch the other.
 */
export async function databaseHash(): Promise<string> {
  const tables =
    dialectOf(db()) === "postgres"
      ? await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            AND table_name NOT IN ('audit_log', 'sessions') AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(db())
      : await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'
          AND name NOT IN ('audit_log', 'sessions') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name`.execute(db());
  const hash = crypto.createHash("sha256");
  for (const { name } of tables.rows) {
    hash.update(name);
    // Counter tables have no id: sort the rows' text instead of relying on an order.
    const rows = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)}`.execute(db())).rows.map((r) => JSON.stringify(Object.values(r))).sort();
    for (const row of rows) hash.update(row);
  }
  return hash.digest("hex");
}
