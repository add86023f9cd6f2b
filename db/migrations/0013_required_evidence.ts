import { sql, type Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Which evidence kinds (app/domain/attachments.ts) each tier requires before an application can
 * be submitted: one row per tier and kind, `required` 0 or 1, so the bureau's choice is kept
 * even when it is "not required" (the defaults written by seeds/reference.ts never overwrite it).
 * Applications submitted before a kind became required stay as they are: the rule is checked
 * when a firm submits, not afterwards.
 */
const KINDS = ["business-licence", "financial-statements", "rd-audit", "ip-certificates", "iso-certificates", "discharge-permit", "energy-audit", "self-assessment", "other"];

const statements: Statement[] = [
  `CREATE TABLE tier_evidence_kinds (
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    kind TEXT NOT NULL CHECK (kind IN (${KINDS.map((k) => `'${k}'`).join(", ")})),
    required INTEGER NOT NULL CHECK (required IN (0, 1)),
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    PRIMARY KEY (tier_code, kind)
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE tier_evidence_kinds`.execute(db);
}
