import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * Discovery (主动发现) as a stored, background run: a run judges every firm of its scope for a
 * tier and an application year and keeps what it found, so the page, its export and
 * /api/candidates read a table instead of judging a province's firms in a request.
 *
 * - discovery_runs: one row per run, its scope ('district' or a town code), the rule version it
 *   applied, its status (queued → running → done | failed), its progress (firms done of total),
 *   the counts it found, and its lease (lease_holder, lease_expires_at): only the process holding
 *   an unexpired lease works on a run, and a run whose holder died is taken over (resuming after
 *   `cursor`, the last firm id whose results were committed) or, after three attempts, failed.
 * - discovery_results: one row per candidate of a run, with what the page filters and sorts on
 *   and the missing and to-confirm criteria as JSON text (checked on write by the database, and
 *   on read by app/domain/discovery.ts): each criterion as `[key, have, have in English]`, its
 *   label and need kept once in the run's `criteria` dictionary, since they are the same for
 *   every firm of a run; at province scale that keeps a run's results a quarter of the size.
 *
 * A finished run supersedes the older runs of its tier, year and scope: they and their results
 * are deleted in the transaction that marks it done.
 *
 * Written for SQLite and translated for PostgreSQL by ./ddl.ts, like every migration (STRICT
 * dropped, json_valid() as registry_json_valid() from 0001); `npm run test:pg` applies it and runs its tests
 * on PostgreSQL.
 */
const statements: Statement[] = [
  `CREATE TABLE discovery_runs (
    id INTEGER PRIMARY KEY,
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    scope TEXT NOT NULL CHECK (length(scope) BETWEEN 1 AND 40),
    rule_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
    total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
    meets INTEGER NOT NULL DEFAULT 0 CHECK (meets >= 0),
    near INTEGER NOT NULL DEFAULT 0 CHECK (near >= 0),
    cursor INTEGER NOT NULL DEFAULT 0,
    criteria TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(criteria)),
    attempts INTEGER NOT NULL DEFAULT 0,
    started_by INTEGER REFERENCES users(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    error TEXT CHECK (error IS NULL OR length(error) <= 500),
    lease_holder TEXT,
    lease_expires_at TEXT,
    CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
  ) STRICT`,
  `CREATE INDEX discovery_runs_latest ON discovery_runs(tier_code, year, scope, status, id)`,
  `CREATE INDEX discovery_runs_active ON discovery_runs(status, id) WHERE status IN ('queued', 'running')`,
  `CREATE TABLE discovery_results (
    run_id INTEGER NOT NULL REFERENCES discovery_runs(id) ON DELETE CASCADE,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    verdict TEXT NOT NULL CHECK (verdict IN ('meets', 'near')),
    missing_count INTEGER NOT NULL CHECK (missing_count >= 0),
    confirm_count INTEGER NOT NULL CHECK (confirm_count >= 0),
    missing TEXT NOT NULL CHECK (json_valid(missing)),
    to_confirm TEXT NOT NULL CHECK (json_valid(to_confirm)),
    town_code TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (run_id, enterprise_id)
  ) STRICT`,
  // The default order (verdict, fewest missing) and each filter and sort within one run.
  `CREATE INDEX discovery_results_rank ON discovery_results(run_id, verdict, missing_count, confirm_count, enterprise_id)`,
  `CREATE INDEX discovery_results_town ON discovery_results(run_id, town_code, verdict, missing_count)`,
  `CREATE INDEX discovery_results_industry ON discovery_results(run_id, industry_code, verdict, missing_count)`,
  `CREATE INDEX discovery_results_name ON discovery_results(run_id, name)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, statements);
}
