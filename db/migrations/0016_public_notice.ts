import { sql, type Kysely } from "kysely";
import { dialectOf } from "../dialect/index";
import { runStatements, type Statement } from "./ddl";

/**
 * Public notice (公示) of the district's own recognitions. A reviewer proposes (拟认定) submitted
 * applications into a notice batch; they stay in the status `publicized` (公示中) while the
 * batch's window of working days is open, anyone may object in writing, and once the window has
 * closed a scheduled job approves those without a pending or upheld objection.
 *
 * - tier_notice_settings: per tier, whether recognitions go through public notice and for how
 *   many working days (a tier without a row takes the defaults of app/domain/notice.ts);
 * - notice_batches, notice_items: the published list (one row per application in a batch);
 * - notice_objections: written objections, each with a public reference and its resolution.
 *
 * The new status widens the CHECKs of applications.status and application_events' statuses.
 * PostgreSQL changes the named constraints; SQLite keeps CHECKs in the table's SQL text, and
 * widening an IN list accepts every row already stored, which is the case SQLite documents as
 * safe to make by rewriting the schema text (lang_altertable.html, "other kinds of table schema
 * changes"): inside the migration's transaction, with the schema version bumped so that every
 * connection re-reads it.
 */
const OLD = "('draft','submitted','returned','approved','rejected','withdrawn','revoked')";
const NEW = "('draft','submitted','returned','approved','rejected','withdrawn','revoked','publicized')";

const statements: Statement[] = [
  // An application in public notice is still open: one open application per firm, tier and year.
  `DROP INDEX applications_one_open`,
  `CREATE UNIQUE INDEX applications_one_open ON applications(enterprise_id, tier_code, year)
   WHERE status IN ('draft','submitted','returned','publicized')`,
  // …and in the pipeline (0009's partial index of the applications in review).
  `DROP INDEX applications_in_review`,
  `CREATE INDEX applications_in_review ON applications(year, tier_code, level_sought, enterprise_id)
   WHERE status IN ('submitted', 'returned', 'publicized')`,
  `CREATE TABLE tier_notice_settings (
    tier_code TEXT PRIMARY KEY REFERENCES tiers(code),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    working_days INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 30),
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE notice_batches (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_on TEXT NOT NULL CHECK (length(starts_on) = 10),
    ends_on TEXT NOT NULL CHECK (length(ends_on) = 10 AND ends_on >= starts_on),
    working_days INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 30),
    office TEXT NOT NULL CHECK (length(office) BETWEEN 1 AND 200),
    phone TEXT NOT NULL CHECK (length(phone) BETWEEN 3 AND 40),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    closed_at TEXT
  ) STRICT`,
  `CREATE INDEX notice_batches_open ON notice_batches(ends_on) WHERE closed_at IS NULL`,
  `CREATE TABLE notice_items (
    batch_id INTEGER NOT NULL REFERENCES notice_batches(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (batch_id, application_id)
  ) STRICT`,
  `CREATE INDEX notice_items_application ON notice_items(application_id)`,
  `CREATE TABLE notice_objections (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 6 AND 40),
    batch_id INTEGER NOT NULL,
    application_id INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    phone TEXT NOT NULL CHECK (length(phone) BETWEEN 3 AND 40),
    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    address TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'dismissed')),
    resolution TEXT CHECK (resolution IS NULL OR length(resolution) <= 2000),
    resolved_by INTEGER REFERENCES users(id),
    resolved_at TEXT,
    created_at TEXT NOT NULL,
    CHECK ((status = 'pending') = (resolved_at IS NULL)),
    FOREIGN KEY (batch_id, application_id) REFERENCES notice_items(batch_id, application_id)
  ) STRICT`,
  `CREATE INDEX notice_objections_application ON notice_objections(application_id, status)`,
  `CREATE INDEX notice_objections_batch ON notice_objections(batch_id, status)`,
];

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

async function widenStatusChecks(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === "postgres") {
    for (const [table, column] of [
      ["applications", "status"],
      ["application_events", "from_status"],
      ["application_events", "to_status"],
    ] as const) {
      const nullable = table === "application_events" ? `${column} IS NULL OR ` : "";
      await sql.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_${column}_check`).execute(db);
      await sql.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${column}_check CHECK (${nullable}${column} IN ${NEW})`).execute(db);
    }
    return;
  }
  // better-sqlite3 opens connections in defensive mode, which refuses writes to the schema:
  // migrateToLatest (db/client.ts) lifts it while migrations run.
  const version = (await sql<{ schema_version: number }>`PRAGMA schema_version`.execute(db)).rows[0]!.schema_version;
  await sql.raw(`PRAGMA writable_schema = ON`).execute(db);
  try {
    const updated = await sql
      .raw(`UPDATE sqlite_schema SET sql = replace(sql, ${quoted(OLD)}, ${quoted(NEW)}) WHERE type = 'table' AND name IN ('applications', 'application_events')`)
      .execute(db);
    if (Number(updated.numAffectedRows ?? 2) !== 2) throw new Error("0016: the status CHECKs were not found");
    await sql.raw(`PRAGMA schema_version = ${Number(version) + 1}`).execute(db);
  } finally {
    await sql.raw(`PRAGMA writable_schema = OFF`).execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await widenStatusChecks(db);
  await runStatements(db, statements);
}
