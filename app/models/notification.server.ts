/**
 * Notifications: one inbox per user, and the e-mail each may bring. Every notification is
 * written by createNotification, which checks that the recipient may see the firm it is about
 * (a notification never names a firm outside its recipient's scope) and writes the firm's name
 * itself. Rows are unique per (recipient, event_key), so the event that causes one (an
 * application's new version, a day's reminder) writes it once however often it is replayed.
 */
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import type { Caller } from "~/domain/scope";
import type { Action } from "~/domain/state-machine";
import type { TierCode } from "~/domain/tiers";
import { recordAudit } from "~/models/audit.server";
import { enqueueEmail } from "~/models/outbox.server";
import { translate } from "~/utils/i18n";
import { notificationTitle, type NotificationParams } from "~/utils/notification-text";

export type NotificationKind =
  | "application.returned"
  | "application.approved"
  | "application.rejected"
  | "application.submitted"
  | "application.resubmitted"
  | "queue.overdue"
  | "figures.due"
  | "notice.objection"
  | "notice.closed"
  | "award.expiring";

export type EmailMode = "immediate" | "digest" | "off";
export const EMAIL_MODES: readonly EmailMode[] = ["immediate", "digest", "off"];

/** Thrown when a notification would name a firm its recipient may not see. */
export class NotificationScopeError extends Error {
  constructor(recipientId: number, enterpriseId: number | null) {
    super(`notification refused: user ${recipientId} may not see enterprise ${enterpriseId}`);
    this.name = "NotificationScopeError";
  }
}

export interface NewNotification {
  recipientId: number;
  kind: NotificationKind;
  /** Unique per recipient: the event and its period, e.g. "application:12:v4", "queue.overdue:2026-11-27". */
  eventKey: string;
  /** The firm the notification is about; its name is filled in here, never by the caller. */
  enterpriseId: number | null;
  params: NotificationParams;
  link: string | null;
  now?: string;
}

/** The public address of the registry, for links in e-mail. */
export function publicUrl(): string {
  return (process.env.PUBLIC_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
}

/**
 * Writes one notification (inside the caller's transaction when given one) and, for a recipient
 * who asked for e-mail at once, queues its e-mail in the same transaction. Answers the new id,
 * or null when this event was already notified to this recipient or the account is disabled.
 */
export async function createNotification(db: Db, input: NewNotification): Promise<number | null> {
  if ("firm" in input.params) throw new Error("createNotification: the firm's name comes from enterpriseId, not params");
  const recipient = await db
    .selectFrom("users")
    .leftJoin("notification_settings as s", "s.user_id", "users.id")
    .select(["users.id", "users.role", "users.enterprise_id", "users.town_code", "users.disabled_at", "s.email", "s.email_mode"])
    .where("users.id", "=", input.recipientId)
    .executeTakeFirst();
  if (!recipient) throw new NotificationScopeError(input.recipientId, input.enterpriseId);
  const params: NotificationParams = { ...input.params };
  if (input.enterpriseId !== null) {
    const firm = await db.selectFrom("enterprises").select(["id", "name", "town_code"]).where("id", "=", input.enterpriseId).executeTakeFirst();
    const sees =
      firm !== undefined &&
      (recipient.role === "reviewer" ||
        recipient.role === "admin" ||
        (recipient.role === "enterprise" && recipient.enterprise_id === firm.id) ||
        (recipient.role === "town_officer" && recipient.town_code === firm.town_code));
    if (!sees) throw new NotificationScopeError(input.recipientId, input.enterpriseId);
    params.firm = firm.name;
  }
  if (recipient.disabled_at) return null;
  const now = input.now ?? new Date().toISOString();
  const row = await db
    .insertInto("notifications")
    .values({
      recipient_id: recipient.id,
      kind: input.kind,
      event_key: input.eventKey,
      enterprise_id: input.enterpriseId,
      params: JSON.stringify(params),
      link: input.link,
      created_at: now,
      read_at: null,
    })
    .onConflict((oc) => oc.columns(["recipient_id", "event_key"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return null;
  if (recipient.email && recipient.email_mode === "immediate") {
    const zh = notificationTitle("zh", input.kind, params);
    const en = notificationTitle("en", input.kind, params);
    await enqueueEmail(db, {
      eventKey: `notification:${row.id}`,
      notificationId: row.id,
      recipientId: recipient.id,
      to: recipient.email,
      subject: `${translate("zh", "email.subjectPrefix")}${zh}`,
      body: emailBody([{ zh, en, link: input.link }]),
      now,
    });
  }
  return row.id;
}

/** The text of an e-mail: each message in Chinese, then English, with its link. */
export function emailBody(items: { zh: string; en: string; link: string | null }[]): string {
  const lines: string[] = [];
  for (const item of items) {
    lines.push(item.zh, item.en);
    if (item.link) lines.push(`${translate("zh", "email.open")} / ${translate("en", "email.open")}: ${publicUrl()}${item.link}`);
    lines.push("");
  }
  lines.push("—", translate("zh", "email.settingsNote"), translate("en", "email.settingsNote"), `${publicUrl()}/notifications`);
  return lines.join("\n");
}

// ───────────────────────────── recipients ─────────────────────────────

async function activeUsers(db: Db, where: { role: Caller["role"]; enterpriseId?: number; townCode?: string }): Promise<number[]> {
  let query = db.selectFrom("users").select("id").where("role", "=", where.role).where("disabled_at", "is", null);
  if (where.enterpriseId !== undefined) query = query.where("enterprise_id", "=", where.enterpriseId);
  if (where.townCode !== undefined) query = query.where("town_code", "=", where.townCode);
  return (await query.orderBy("id").execute()).map((r) => r.id);
}

export const firmUsers = (db: Db, enterpriseId: number) => activeUsers(db, { role: "enterprise", enterpriseId });
export const townOfficers = (db: Db, townCode: string) => activeUsers(db, { role: "town_officer", townCode });
/** The bureau's reviewers and admins: both decide applications. */
export const reviewers = async (db: Db) => [...(await activeUsers(db, { role: "reviewer" })), ...(await activeUsers(db, { role: "admin" }))].sort((a, b) => a - b);

const DECIDED: Partial<Record<Action, NotificationKind>> = {
  return: "application.returned",
  approve: "application.approved",
  reject: "application.rejected",
};
const SUBMITTED: Partial<Record<Action, NotificationKind>> = {
  submit: "application.submitted",
  resubmit: "application.resubmitted",
};

/**
 * The notifications an application's transition causes, written in its transaction: the firm's
 * users hear of a return, approval or rejection; the officers of the firm's town of a
 * submission. Keyed by the application's new version, so each transition notifies once.
 */
export async function notifyApplicationTransition(
  trx: Db,
  app: { id: number; enterpriseId: number; tierCode: TierCode; year: number },
  action: Action | "submit",
  version: number,
  now: string,
): Promise<void> {
  const decided = DECIDED[action as Action];
  const submitted = SUBMITTED[action as Action];
  if (!decided && !submitted) return;
  let recipients: number[];
  if (decided) recipients = await firmUsers(trx, app.enterpriseId);
  else {
    const firm = await trx.selectFrom("enterprises").select("town_code").where("id", "=", app.enterpriseId).executeTakeFirstOrThrow();
    recipients = await townOfficers(trx, firm.town_code);
  }
  for (const recipientId of recipients) {
    await createNotification(trx, {
      recipientId,
      kind: (decided ?? submitted)!,
      eventKey: `application:${app.id}:v${version}`,
      enterpriseId: app.enterpriseId,
      params: { tierCode: app.tierCode, year: app.year, applicationId: app.id },
      link: `/applications/${app.id}`,
      now,
    });
  }
}

// ───────────────────────────── the inbox ─────────────────────────────

export interface NotificationView {
  id: number;
  kind: string;
  params: NotificationParams;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export const INBOX_PAGE_SIZE = 50;

/** The caller's own notifications, newest first, a page at a time (keyset on (created_at, id)). */
export async function listNotifications(db: Db, caller: Caller, before?: { at: string; id: number }): Promise<{ items: NotificationView[]; next: string | null }> {
  let query = db.selectFrom("notifications").select(["id", "kind", "params", "link", "created_at", "read_at"]).where("recipient_id", "=", caller.id);
  if (before) query = query.where(sql<boolean>`(created_at, id) < (${before.at}, ${before.id})`);
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(INBOX_PAGE_SIZE + 1)
    .execute();
  const page = rows.slice(0, INBOX_PAGE_SIZE);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ id: r.id, kind: r.kind, params: JSON.parse(r.params) as NotificationParams, link: r.link, createdAt: r.created_at, readAt: r.read_at })),
    next: rows.length > INBOX_PAGE_SIZE && last ? `${last.created_at}|${last.id}` : null,
  };
}

export async function countUnread(db: Db, caller: { id: number }): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("recipient_id", "=", caller.id)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of the caller's notifications read; false when the caller has no such notification. */
export async function markNotificationRead(db: Db, caller: Caller, id: number): Promise<boolean> {
  const mine = await db.selectFrom("notifications").select(["id", "read_at"]).where("id", "=", id).where("recipient_id", "=", caller.id).executeTakeFirst();
  if (!mine) return false;
  if (!mine.read_at) {
    await db.updateTable("notifications").set({ read_at: new Date().toISOString() }).where("id", "=", id).where("read_at", "is", null).execute();
  }
  return true;
}

/** Marks every unread notification of the caller read; answers how many. */
export async function markAllNotificationsRead(db: Db, caller: Caller): Promise<number> {
  const result = await db
    .updateTable("notifications")
    .set({ read_at: new Date().toISOString() })
    .where("recipient_id", "=", caller.id)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ───────────────────────────── e-mail settings ─────────────────────────────

export interface EmailSettings {
  email: string | null;
  mode: EmailMode;
}

export async function getEmailSettings(db: Db, caller: Caller): Promise<EmailSettings> {
  const row = await db.selectFrom("notification_settings").select(["email", "email_mode"]).where("user_id", "=", caller.id).executeTakeFirst();
  return { email: row?.email ?? null, mode: row?.email_mode ?? "immediate" };
}

export async function saveEmailSettings(db: Db, caller: Caller, settings: EmailSettings): Promise<void> {
  const now = new Date().toISOString();
  await transact(db, async (trx) => {
    await trx
      .insertInto("notification_settings")
      .values({ user_id: caller.id, email: settings.email, email_mode: settings.mode, updated_at: now })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ email: settings.email, email_mode: settings.mode, updated_at: now }))
      .execute();
    await recordAudit(trx, { actorId: caller.id, action: "notification.settings", subject: `user:${caller.id}`, data: { mode: settings.mode, email: settings.email !== null } });
  });
}
