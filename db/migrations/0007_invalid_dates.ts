import { sql, type Kysely } from "kysely";
import { parseIsoDate } from "../../app/domain/dates";

/**
 * Finds award dates that are not real calendar days within 1990–2100 (2026-02-30, 0001-01-01),
 * which bulk approval and the recognition-list import stored before every path used the one
 * date parser. They are reported, not changed: a reviewer decides the right date. The report is
 * a line on the console at start and an audit_log row (`data.invalid-dates`) that admins read at
 * /admin/audit, listing each award, column and stored value.
 *
 * Plain SQL that SQLite and PostgreSQL both run: the candidates are the rows outside the year
 * range or on a 29th–31st (a cheap superset), and the calendar check is domain code.
 */
const COLUMNS = ["recognized_on", "valid_until", "revoked_on"] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const found: { awardId: number; column: string; value: string }[] = [];
  for (const column of COLUMNS) {
    const col = sql.ref(column);
    const rows = await sql<{ id: number; value: string }>`
      SELECT id, ${col} AS value FROM awards
      WHERE ${col} IS NOT NULL
        AND (${col} < '1990-01-01' OR ${col} > '2100-12-31' OR length(${col}) <> 10 OR substr(${col}, 9, 2) > '28')
      ORDER BY id`.execute(db);
    for (const row of rows.rows) {
      if (parseIsoDate(row.value) === null) found.push({ awardId: Number(row.id), column, value: row.value });
    }
  }
  if (found.length === 0) return;
  console.warn(
    `Awards with impossible dates: ${found.length} (see data.invalid-dates in the audit log): ` +
      found
        .slice(0, 10)
        .map((f) => `#${f.awardId} ${f.column}=${f.value}`)
        .join(", "),
  );
  const data = JSON.stringify({ count: found.length, rows: found.slice(0, 1000) });
  await sql`INSERT INTO audit_log (at, actor_id, action, subject, data)
            VALUES (${new Date().toISOString()}, NULL, 'data.invalid-dates', 'awards', ${data})`.execute(db);
}
