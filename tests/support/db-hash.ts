import crypto from "node:crypto";
import { sqlite } from "~/utils/db.server";

/**
 * A hash of everything the registry's users change. The audit log and sessions are left out:
 * any request may append to the one and touch the other.
 */
export function databaseHash(): string {
  const tables = (
    sqlite()
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', 'sessions') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
  const hash = crypto.createHash("sha256");
  for (const table of tables) {
    hash.update(table);
    // Some counter tables are WITHOUT ROWID: sort the rows' text instead of relying on rowid.
    const rows = (sqlite().prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    for (const row of rows) hash.update(row);
  }
  return hash.digest("hex");
}
