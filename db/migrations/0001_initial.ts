import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

const LEVELS = "('national','provincial','municipal','district')";
const STATUSES = "('draft','submitted','returned','approved','rejected','withdrawn','revoked')";

/**
 * The whole data model. Raw SQL because Kysely's schema builder cannot express STRICT tables,
 * partial indexes or triggers; written for SQLite and translated for PostgreSQL (./ddl.ts).
 */
const statements: Statement[] = [
  // PostgreSQL has no json_valid(): the same check as a function (JSON columns stay TEXT on both).
  {
    sqlite: "SELECT 1",
    postgres: `CREATE FUNCTION registry_json_valid(value TEXT) RETURNS BOOLEAN LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN PERFORM value::jsonb; RETURN TRUE; EXCEPTION WHEN others THEN RETURN FALSE; END $fn$`,
  },
  `CREATE TABLE towns (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('street','town')),
    managed_by TEXT NOT NULL CHECK (managed_by IN ('district','xincheng')),
    sort INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE industries (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('core','leading','emerging','other')),
    manufacturing INTEGER NOT NULL DEFAULT 1 CHECK (manufacturing IN (0,1)),
    sort INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE tiers (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    counting_level TEXT NOT NULL CHECK (counting_level IN ${LEVELS}),
    sort INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    uscc TEXT NOT NULL UNIQUE CHECK (length(uscc) = 18),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    town_code TEXT NOT NULL REFERENCES towns(code),
    industry_code TEXT NOT NULL REFERENCES industries(code),
    platform TEXT,
    above_scale INTEGER NOT NULL DEFAULT 0 CHECK (above_scale IN (0,1)),
    address TEXT,
    legal_rep TEXT,
    contact_name TEXT,
    contact_phone TEXT,
    employees INTEGER CHECK (employees >= 0),
    revenue_yuan INTEGER CHECK (revenue_yuan >= 0),
    rd_expense_yuan INTEGER CHECK (rd_expense_yuan >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
  ) STRICT`,
  `CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('enterprise','town_officer','reviewer','admin')),
    enterprise_id INTEGER REFERENCES enterprises(id),
    town_code TEXT REFERENCES towns(code),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0,1)),
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    CHECK (role <> 'enterprise' OR enterprise_id IS NOT NULL),
    CHECK (role <> 'town_officer' OR town_code IS NOT NULL)
  ) STRICT`,
  `CREATE TABLE targets (
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    target_count INTEGER NOT NULL CHECK (target_count >= 0),
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (year, tier_code)
  ) STRICT`,
  `CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    level_sought TEXT CHECK (level_sought IS NULL OR level_sought IN ${LEVELS}),
    status TEXT NOT NULL CHECK (status IN ${STATUSES}),
    payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    eligibility TEXT CHECK (eligibility IS NULL OR json_valid(eligibility)),
    rule_version TEXT,
    town_opinion TEXT CHECK (town_opinion IS NULL OR town_opinion IN ('recommend','not-recommend')),
    town_comment TEXT,
    submitted_at TEXT,
    decided_at TEXT,
    decided_by INTEGER REFERENCES users(id),
    decision_reason TEXT,
    decision_comment TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE awards (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tier_code TEXT NOT NULL REFERENCES tiers(code),
    level TEXT NOT NULL CHECK (level IN ${LEVELS}),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    recognized_on TEXT,
    valid_until TEXT,
    document_no TEXT,
    application_id INTEGER UNIQUE REFERENCES applications(id),
    revoked_on TEXT,
    revoked_reason TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    from_status TEXT CHECK (from_status IS NULL OR from_status IN ${STATUSES}),
    to_status TEXT CHECK (to_status IS NULL OR to_status IN ${STATUSES}),
    comment TEXT,
    data TEXT CHECK (data IS NULL OR json_valid(data))
  ) STRICT`,
  `CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    original_name TEXT NOT NULL,
    mime TEXT NOT NULL CHECK (mime IN ('application/pdf','image/jpeg','image/png')),
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    deleted_at TEXT
  ) STRICT`,
  `CREATE TABLE sessions (
    id TEXT PRIMARY KEY CHECK (length(id) >= 32),
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    subject TEXT,
    data TEXT CHECK (data IS NULL OR json_valid(data))
  ) STRICT`,

  // History and audit are append-only: the database itself refuses to rewrite them.
  `CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
   BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END`,
  `CREATE TRIGGER application_events_no_delete BEFORE DELETE ON application_events
   BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END`,
  `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
   BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
  `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
   BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,

  // Indexes for the list pages' filters and sorts (keyset pagination ends every key with id).
  `CREATE INDEX enterprises_town_name ON enterprises(town_code, name, id)`,
  `CREATE INDEX enterprises_industry_name ON enterprises(industry_code, name, id)`,
  `CREATE INDEX enterprises_name ON enterprises(name, id)`,
  `CREATE INDEX enterprises_updated ON enterprises(updated_at, id)`,
  `CREATE INDEX awards_enterprise ON awards(enterprise_id, tier_code)`,
  `CREATE INDEX awards_tier_year ON awards(tier_code, year, level, enterprise_id)`,
  `CREATE INDEX applications_enterprise ON applications(enterprise_id, created_at, id)`,
  `CREATE INDEX applications_status_submitted ON applications(status, submitted_at, id)`,
  `CREATE INDEX applications_tier_year_status ON applications(tier_code, year, status)`,
  // One open application per firm, tier and year.
  `CREATE UNIQUE INDEX applications_one_open ON applications(enterprise_id, tier_code, year)
   WHERE status IN ('draft','submitted','returned')`,
  `CREATE INDEX application_events_application ON application_events(application_id, id)`,
  `CREATE INDEX attachments_application ON attachments(application_id)`,
  `CREATE INDEX users_enterprise ON users(enterprise_id)`,
  // Usernames are unique whatever their case (SQLite: the column's NOCASE collation).
  { sqlite: "SELECT 1", postgres: "CREATE UNIQUE INDEX users_username_lower ON users (lower(username))" },
  `CREATE INDEX sessions_user ON sessions(user_id)`,
  `CREATE INDEX audit_log_at ON audit_log(at, id)`,
  `CREATE INDEX audit_log_action ON audit_log(action, at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}

export async function down(): Promise<void> {
  throw new Error("The initial migration cannot be reversed; restore a backup instead.");
}
