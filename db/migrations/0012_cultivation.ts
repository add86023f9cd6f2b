import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

const POOL_STATUSES = "('cultivating','applied','recognized','exited')";
const ROUTES = "('nurture','introduce','upgrade','guide')";
const EXIT_REASONS = "('promoted','no-longer-eligible','firm-declined','moved-out','other')";
const TASK_STATUSES = "('open','in-progress','done')";

/**
 * Cultivation (培育): the pool of firms the bureau and the towns prepare for a tier, each entry's
 * plan (一企一策: tasks) and visit log (走访记录), and the district's yearly targets split among
 * the towns (目标分解). Written for SQLite and translated for PostgreSQL by ./ddl.ts.
 *
 * A firm has at most one active (not exited) entry per tier: the partial unique index
 * pool_entries_one_active, on both databases. An exited entry keeps its row and its reason; a firm
 * that comes back gets a new entry.
 */
const statements: Statement[] = [
  `CREATE TABLE pool_entries (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    target_year INTEGER NOT NULL CHECK (target_year BETWEEN 2000 AND 2100),
    route TEXT CHECK (route IS NULL OR route IN ${ROUTES}),
    officer_id INTEGER REFERENCES users(id),
    entered_on TEXT NOT NULL CHECK (length(entered_on) = 10),
    status TEXT NOT NULL CHECK (status IN ${POOL_STATUSES}),
    exit_reason TEXT CHECK (exit_reason IS NULL OR exit_reason IN ${EXIT_REASONS}),
    exit_note TEXT CHECK (exit_note IS NULL OR length(exit_note) <= 500),
    exited_on TEXT,
    notes TEXT CHECK (notes IS NULL OR length(notes) <= 2000),
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((status = 'exited') = (exit_reason IS NOT NULL)),
    CHECK (coalesce(exit_reason, '') <> 'other' OR coalesce(length(exit_note), 0) > 0),
    CHECK (route IS NULL OR tier_code = 'scaled-up'),
    CHECK (tier_code <> 'scaled-up' OR route IS NOT NULL)
  ) STRICT`,
  // One active entry per firm and tier, even when two people add the same firm at once.
  `CREATE UNIQUE INDEX pool_entries_one_active ON pool_entries(enterprise_id, tier_code) WHERE status <> 'exited'`,
  `CREATE INDEX pool_entries_tier_year ON pool_entries(tier_code, target_year, status)`,
  `CREATE INDEX pool_entries_officer ON pool_entries(officer_id)`,
  `CREATE TABLE pool_tasks (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES pool_entries(id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    owner TEXT CHECK (owner IS NULL OR length(owner) <= 100),
    due_on TEXT CHECK (due_on IS NULL OR length(due_on) = 10),
    status TEXT NOT NULL CHECK (status IN ${TASK_STATUSES}),
    notes TEXT CHECK (notes IS NULL OR length(notes) <= 2000),
    done_on TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX pool_tasks_entry ON pool_tasks(entry_id, id)`,
  // Overdue tasks: open ones by due date.
  `CREATE INDEX pool_tasks_open_due ON pool_tasks(due_on, entry_id) WHERE status <> 'done'`,
  `CREATE TABLE pool_visits (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES pool_entries(id),
    visited_on TEXT NOT NULL CHECK (length(visited_on) = 10),
    visitor TEXT NOT NULL CHECK (length(visitor) BETWEEN 1 AND 100),
    findings TEXT NOT NULL CHECK (length(findings) BETWEEN 1 AND 2000),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX pool_visits_entry ON pool_visits(entry_id, visited_on)`,
  `CREATE TABLE town_targets (
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    town_code TEXT NOT NULL REFERENCES towns(code),
    target_count INTEGER NOT NULL CHECK (target_count >= 0),
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (year, tier_code, town_code)
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
