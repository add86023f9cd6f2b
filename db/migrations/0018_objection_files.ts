import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * An optional file attached to a written objection (PDF, JPEG or PNG, told by its first bytes,
 * at most 10 MB): stored under the uploads folder by a random key like evidence files, with its
 * cleaned display name, type, size and SHA-256 here. Only the bureau downloads it. All five
 * columns are set together or not at all.
 *
 * Written for SQLite and translated for PostgreSQL by ./ddl.ts, like every migration (STRICT
 * dropped, json_valid() as registry_json_valid() from 0001); `npm run test:pg` applies it and runs its tests
 * on PostgreSQL.
 */
const statements: Statement[] = [
  `ALTER TABLE notice_objections ADD COLUMN file_name TEXT CHECK (file_name IS NULL OR length(file_name) <= 200)`,
  `ALTER TABLE notice_objections ADD COLUMN file_mime TEXT CHECK (file_mime IS NULL OR file_mime IN ('application/pdf', 'image/jpeg', 'image/png'))`,
  `ALTER TABLE notice_objections ADD COLUMN file_size INTEGER CHECK (file_size IS NULL OR file_size > 0)`,
  `ALTER TABLE notice_objections ADD COLUMN file_sha256 TEXT CHECK (file_sha256 IS NULL OR length(file_sha256) = 64)`,
  `ALTER TABLE notice_objections ADD COLUMN file_key TEXT CHECK (file_key IS NULL OR length(file_key) = 32)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, statements);
}
