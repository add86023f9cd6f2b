import type { Db } from "../../db/client";

export type AuditAction =
  | "login.success"
  | "login.failure"
  | "login.throttled"
  | "password.change"
  | "password.reset"
  | "logout"
  | "authz.denied"
  | "export"
  | "target.update"
  | "user.create"
  | "user.update"
  | "enterprise.create"
  | "enterprise.update"
  | "enterprise.archive"
  | "enterprise.restore";

/** Appends one row to the append-only audit log. */
export async function recordAudit(
  db: Db,
  entry: { actorId: number | null; action: AuditAction; subject?: string | null; data?: unknown; address?: string | null },
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: new Date().toISOString(),
      actor_id: entry.actorId,
      action: entry.action,
      subject: entry.subject ?? null,
      data: entry.data === undefined ? null : JSON.stringify(entry.data),
      address: entry.address ?? null,
    })
    .execute();
}
