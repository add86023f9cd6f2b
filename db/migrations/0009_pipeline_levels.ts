import { sql, type Kysely } from "kysely";

/**
 * The pipeline counts only applications whose level sought can count for the tier (a 市级
 * application for 专精特新 cannot), and shows those without a level apart (级别未定). The status
 * counters have no level, so the few in review that cannot count are read from the rows and
 * taken off: this partial index holds only the applications in review (submitted, returned),
 * so that read never touches the decided history. A partial index both SQLite and PostgreSQL
 * take as written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`CREATE INDEX applications_in_review ON applications(year, tier_code, level_sought, enterprise_id) WHERE status IN ('submitted', 'returned')`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP INDEX IF EXISTS applications_in_review`).execute(db);
}
