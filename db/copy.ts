/**
 * `npm run db:copy -- --to postgres://…`: copies the SQLite registry (the file at
 * DATABASE_PATH, or --from FILE) into an empty PostgreSQL database, then checks it: the row
 * count of every table on both sides, and every counter against a recount. Prints a report as
 * JSON and exits non-zero when anything differs. Uploaded files stay where they are: point
 * UPLOADS_DIR (or DATA_DIR) of the PostgreSQL deployment at the same folder.
 *
 * The schema is made by the migrations; rows are copied table by table in key order, 500 at a
 * time, in one transaction, with the tables' own triggers off for the copy (the counters come
 * over as they are, and are then verified), and the id sequences moved past the copied ids.
 */
import { sql, type Kysely } from "kysely";
import { pathToFileURL } from "node:url";
import { verifyCounters } from "../app/models/progress-check.server";
import { dataPaths, migrateToLatest, openDatabase, redactUrl } from "./client";
import { syncIdSequences } from "./dialect/sql";
import type { DB } from "./schema";

/** Every table, parents before children. */
export const COPY_ORDER = [
  "towns",
  "industries",
  "tiers",
  "enterprises",
  "users",
  "enterprise_figures",
  "targets",
  "tier_checklist_items",
  "tier_evidence_kinds",
  "tier_validity",
  "applications",
  "awards",
  "application_events",
  "attachments",
  "sessions",
  "audit_log",
  "progress_application_counts",
  "progress_award_counts",
  "progress_coverage_counts",
  "application_status_totals",
  "award_level_totals",
  "pipeline_level_counts",
  "pipeline_level_totals",
  "award_expiry_counts",
  "award_expiry_months",
  "job_leases",
  "calendar_exceptions",
  "notifications",
  "notification_settings",
  "email_outbox",
  "job_runs",
  "pool_entries",
  "pool_tasks",
  "pool_visits",
  "town_targets",
  "tier_notice_settings",
  "notice_batches",
  "notice_items",
  "notice_objections",
  "discovery_runs",
  "discovery_results",
] as const;

/**
 * Columns that point forward in COPY_ORDER (a renewal application names the award it renews,
 * and awards name their applications): copied as NULL with their table, set once every table
 * is in, while the triggers are still off.
 */
const FORWARD_COLUMNS: Partial<Record<(typeof COPY_ORDER)[number], string[]>> = { applications: ["renews_award_id"] };

export interface CopyReport {
  from: string;
  to: string;
  tables: { table: string; source: number; copied: number }[];
  counterDifferences: number;
  ok: boolean;
}

async function countOf(db: Kysely<any>, table: string): Promise<number> {
  return Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n);
}

export async function copyRegistry(options: { from: string; to: string; batch?: number }): Promise<CopyReport> {
  const source = openDatabase({ dialect: "sqlite", path: options.from });
  const target = openDatabase({ dialect: "postgres", url: options.to, poolSize: 2 });
  const batch = options.batch ?? 500;
  try {
    await target.check();
    await migrateToLatest(source.db);
    await migrateToLatest(target.db);
    for (const table of COPY_ORDER) {
      if ((await countOf(target.db, table)) > 0 && !["towns", "industries", "tiers", "tier_validity"].includes(table)) {
        throw new Error(`The PostgreSQL database is not empty (${table} has rows): copy into an empty database.`);
      }
    }
    // Every table of the registry is copied: a table added by a migration must be listed above.
    const known = new Set<string>(COPY_ORDER);
    const missing = (
      await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`.execute(source.db)
    ).rows
      .map((r) => r.name)
      .filter((name) => !known.has(name));
    if (missing.length) throw new Error(`db:copy does not know the tables ${missing.join(", ")}: add them to COPY_ORDER.`);
    const later: { table: string; id: unknown; column: string; value: unknown }[] = [];
    await target.db.transaction().execute(async (trx) => {
      // Reference rows a migration may have written are replaced by the registry's own.
      for (const table of [...COPY_ORDER].reverse()) await sql`ALTER TABLE ${sql.table(table)} DISABLE TRIGGER USER`.execute(trx);
      for (const table of [...COPY_ORDER].reverse()) await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
      for (const table of COPY_ORDER) {
        const columns = (await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(source.db)).rows.map((c) => c.name);
        // Tables with an id are read in id order by keyset; the small counter tables by offset.
        const keyed = columns.includes("id");
        let after: unknown = null;
        let offset = 0;
        for (;;) {
          const page = keyed
            ? sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE ${after === null ? sql`1 = 1` : sql`id > ${after}`} ORDER BY id LIMIT ${batch}`
            : sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} LIMIT ${batch} OFFSET ${offset}`;
          const rows = (await page.execute(source.db)).rows;
          if (rows.length === 0) break;
          const forward = FORWARD_COLUMNS[table] ?? [];
          for (const row of rows) {
            for (const column of forward) {
              if (row[column] === null || row[column] === undefined) continue;
              later.push({ table, id: row.id, column, value: row[column] });
              row[column] = null;
            }
          }
          await (trx as Kysely<DB>)
            .insertInto(table as keyof DB)
            .values(rows as never)
            .execute();
          after = rows[rows.length - 1]!.id;
          offset += rows.length;
        }
      }
      for (const f of later) {
        await sql`UPDATE ${sql.table(f.table)} SET ${sql.ref(f.column)} = ${f.value} WHERE id = ${f.id}`.execute(trx);
      }
      for (const table of COPY_ORDER) await sql`ALTER TABLE ${sql.table(table)} ENABLE TRIGGER USER`.execute(trx);
      await syncIdSequences(trx);
    });
    const tables = [];
    for (const table of COPY_ORDER) tables.push({ table, source: await countOf(source.db, table), copied: await countOf(target.db, table) });
    const differences = await verifyCounters(target.db);
    return {
      from: options.from,
      to: redactUrl(options.to),
      tables,
      counterDifferences: differences.length,
      ok: differences.length === 0 && tables.every((t) => t.source === t.copied),
    };
  } finally {
    await source.db.destroy();
    await target.db.destroy();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const to = flag("to");
  if (!to || !/^postgres(ql)?:\/\//.test(to)) {
    console.error("usage: npm run db:copy -- --to postgres://USER@HOST:PORT/DATABASE [--from registry.db]");
    process.exit(2);
  }
  const from = flag("from") ?? dataPaths().databasePath;
  const report = await copyRegistry({ from, to });
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.ok ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
