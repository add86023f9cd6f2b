import { sql } from "kysely";
import type { Db } from "../../db/client";
import { currentClientAddress } from "../utils/request-context.server";

export type AuditAction =
  | "login.success"
  | "login.failure"
  | "login.throttled"
  | "password.change"
  | "password.reset"
  | "logout"
  | "authz.denied"
  | "checklist.update"
  | "evidence.update"
  | "attachment.upload"
  | "attachment.remove"
  | "export"
  | "target.update"
  | "user.create"
  | "user.update"
  | "enterprise.create"
  | "enterprise.update"
  | "enterprise.archive"
  | "enterprise.restore"
  | "import.enterprises"
  | "import.awards"
  | "application.bulk"
  | "calendar.add"
  | "calendar.remove"
  | "job.run"
  | "notification.settings"
  | "pool.add"
  | "pool.update"
  | "pool.status"
  | "pool.task"
  | "pool.visit"
  | "town-target.update"
  | "figures.update"
  | "import.figures"
  | "notice.settings"
  | "notice.propose"
  | "notice.objection"
  | "notice.resolve"
  | "validity.update"
  | "renewal.start"
  | "discovery.run";

/** Appends one row to the append-only audit log. */
export async function recordAudit(db: Db, entry: { actorId: number | null; action: AuditAction; subject?: string | null; data?: unknown; address?: string | null }): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: new Date().toISOString(),
      actor_id: entry.actorId,
      action: entry.action,
      subject: entry.subject ?? null,
      data: entry.data === undefined ? null : JSON.stringify(entry.data),
      address: entry.address ?? currentClientAddress(),
    })
    .execute();
}

export interface AuditEntry {
  id: number;
  at: string;
  actorId: number | null;
  actorUsername: string | null;
  actorName: string | null;
  action: string;
  subject: string | null;
  /** The subject's name when it is a user or a firm ("user:12" → 张三（zhangsan）). */
  subjectName: string | null;
  address: string | null;
  data: string | null;
}

export interface AuditFilters {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
  /** Keyset cursor: entries older than this "at|id". */
  before?: { at: string; id: number };
}

export const AUDIT_PAGE_SIZE = 50;

/** The audit log, newest first, a page at a time (keyset on (at, id), never OFFSET). */
export async function listAudit(db: Db, filters: AuditFilters): Promise<{ entries: AuditEntry[]; next: string | null }> {
  let query = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select([
      "audit_log.id",
      "audit_log.at",
      "audit_log.actor_id",
      "users.username",
      "users.display_name",
      "audit_log.action",
      "audit_log.subject",
      "audit_log.address",
      "audit_log.data",
    ]);
  if (filters.action) query = query.where("audit_log.action", "=", filters.action);
  if (filters.actor) query = query.where("users.username", "=", filters.actor);
  if (filters.from) query = query.where("audit_log.at", ">=", filters.from);
  if (filters.to) query = query.where("audit_log.at", "<", filters.to);
  if (filters.before) {
    const { at, id } = filters.before;
    query = query.where(sql<boolean>`(audit_log.at, audit_log.id) < (${at}, ${id})`);
  }
  const rows = await query
    .orderBy("audit_log.at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1)
    .execute();
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page[page.length - 1];
  const names = await subjectNames(
    db,
    page.map((r) => r.subject),
  );
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorUsername: r.username,
      actorName: r.display_name,
      action: r.action,
      subject: r.subject,
      subjectName: (r.subject && names.get(r.subject)) ?? null,
      address: r.address,
      data: r.data,
    })),
    next: rows.length > AUDIT_PAGE_SIZE && last ? `${last.at}|${last.id}` : null,
  };
}

/** Names of the users and firms a page of entries is about, in two queries. */
async function subjectNames(db: Db, subjects: (string | null)[]): Promise<Map<string, string>> {
  const ids = (kind: string) => [...new Set(subjects.map((s) => new RegExp(`^${kind}:(\\d{1,12})$`).exec(s ?? "")?.[1]).filter((x): x is string => x !== undefined))].map(Number);
  const userIds = ids("user");
  const firmIds = ids("enterprise");
  const [users, firms] = await Promise.all([
    userIds.length ? db.selectFrom("users").select(["id", "username", "display_name"]).where("id", "in", userIds).execute() : [],
    firmIds.length ? db.selectFrom("enterprises").select(["id", "name"]).where("id", "in", firmIds).execute() : [],
  ]);
  const names = new Map<string, string>();
  for (const u of users) names.set(`user:${u.id}`, `${u.display_name}（${u.username}）`);
  for (const f of firms) names.set(`enterprise:${f.id}`, f.name);
  return names;
}

export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("audit_log").select("action").distinct().orderBy("action").execute();
  return rows.map((r) => r.action);
}
