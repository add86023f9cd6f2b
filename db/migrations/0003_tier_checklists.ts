import { sql, type Kysely } from "kysely";
import { runStatements, toPostgres, type Statement } from "./ddl";

/**
 * The bureau-kept checklists of the district factory tiers (示范 / 品质 / 洁美): no public criteria
 * exist, so the items are data the bureau edits, not code. Items are archived, never deleted:
 * submitted applications keep the codes they ticked. The default items are written by
 * seeds/reference.ts.
 */
const table = (codePattern: string) => `CREATE TABLE tier_checklist_items (
    id INTEGER PRIMARY KEY,
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    code TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 40 AND ${codePattern}),
    label_zh TEXT NOT NULL CHECK (length(trim(label_zh)) > 0),
    label_en TEXT NOT NULL CHECK (length(trim(label_en)) > 0),
    required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
    sort INTEGER NOT NULL,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    UNIQUE (tier_code, code)
  ) STRICT`;

const statements: Statement[] = [
  // A code is a lower-case letter, then lower-case letters, digits and hyphens: GLOB on SQLite,
  // a regular expression on PostgreSQL.
  {
    sqlite: table("code NOT GLOB '*[^a-z0-9-]*' AND code GLOB '[a-z]*'"),
    postgres: toPostgres(table("code ~ '^[a-z][a-z0-9-]*$'")),
  },
  `CREATE INDEX tier_checklist_items_tier ON tier_checklist_items(tier_code, sort, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE tier_checklist_items`.execute(db);
}
