import type { Kysely } from "kysely";
import { runStatements, type Statement } from "./ddl";

/**
 * The working-day calendar, the notification inbox, the e-mail outbox and the scheduler's record
 * of job runs. Idempotency lives in unique keys: a notification is one row per (recipient,
 * event_key), an e-mail one row per event_key ("notification:<id>", "digest:<user>:<date>"), so a
 * job run twice, or by two processes, writes each row once. Written for SQLite and translated
 * for PostgreSQL by ./ddl.ts.
 */
const statements: Statement[] = [
  // Exceptions to "Monday to Friday are working days": 法定节假日 (holiday) and 调休上班 (workday).
  `CREATE TABLE calendar_exceptions (
    date TEXT PRIMARY KEY CHECK (length(date) = 10 AND substr(date, 5, 1) = '-' AND substr(date, 8, 1) = '-'),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name_zh TEXT NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 40),
    name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
    event_key TEXT NOT NULL CHECK (length(event_key) BETWEEN 1 AND 200),
    enterprise_id INTEGER REFERENCES enterprises(id),
    params TEXT NOT NULL CHECK (json_valid(params)),
    link TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT
  ) STRICT`,
  `CREATE UNIQUE INDEX notifications_event ON notifications (recipient_id, event_key)`,
  `CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at, id)`,
  `CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL`,
  `CREATE TABLE notification_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    email TEXT CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
    email_mode TEXT NOT NULL CHECK (email_mode IN ('immediate', 'digest', 'off')),
    updated_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL UNIQUE,
    notification_id INTEGER REFERENCES notifications(id),
    recipient_id INTEGER NOT NULL REFERENCES users(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
  ) STRICT`,
  `CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at)`,
  `CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    last_started_at TEXT NOT NULL,
    last_finished_at TEXT,
    last_counts TEXT CHECK (last_counts IS NULL OR json_valid(last_counts))
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, statements);
}
