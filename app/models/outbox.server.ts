/**
 * The e-mail outbox: a row per e-mail to send (unique by event_key, so a notification or a
 * digest is queued once however often its job runs), delivered by deliverDueEmails. Each row is
 * claimed by one compare-and-set UPDATE before it is handed to SMTP, so two processes never send
 * the same row; a failure is retried with exponential backoff; a row whose sender died while
 * sending is given up rather than sent a second time (at most once).
 */
import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { sql } from "kysely";
import type { Db } from "../../db/client";

export interface OutboxEmail {
  eventKey: string;
  notificationId: number | null;
  recipientId: number;
  to: string;
  subject: string;
  body: string;
  now: string;
}

/** Queues an e-mail (inside the caller's transaction); nothing when its event_key is queued already. */
export async function enqueueEmail(db: Db, email: OutboxEmail): Promise<void> {
  await db
    .insertInto("email_outbox")
    .values({
      event_key: email.eventKey,
      notification_id: email.notificationId,
      recipient_id: email.recipientId,
      to_address: email.to,
      subject: email.subject,
      body: email.body,
      status: "pending",
      next_attempt_at: email.now,
      created_at: email.now,
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      sent_at: null,
    })
    .onConflict((oc) => oc.column("event_key").doNothing())
    .execute();
}

/** What sends a message: nodemailer's transport, or anything with the same sendMail. */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; headers?: Record<string, string> }): Promise<unknown>;
  close?(): void;
}

/** The SMTP transport of `SMTP_URL` (smtp://host:port, smtps://user:pass@host), or null without one. */
export function smtpTransport(url: string | undefined = process.env.SMTP_URL): MailTransport | null {
  if (!url) return null;
  // A server that answers slowly or not at all fails the attempt rather than hold the job.
  return nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
}

export interface OutboxPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  claimMs: number;
  batch: number;
}

export const OUTBOX_POLICY: Readonly<OutboxPolicy> = {
  /** Attempts before a row is given up. */
  maxAttempts: 6,
  /** Wait before the second attempt; doubled for each further one (1, 2, 4, 8, 16 minutes). */
  baseDelayMs: 60_000,
  /** How long a claim lasts: past it, a row still "sending" belongs to a sender that died. */
  claimMs: 120_000,
  /** Rows per run. */
  batch: 50,
};

export interface DeliveryCounts {
  sent: number;
  retrying: number;
  failed: number;
  interrupted: number;
  skipped: number;
}

/** The wait before attempt `attempts + 1`: base × 2^(attempts − 1). */
export function backoffMs(attempts: number, baseDelayMs: number = OUTBOX_POLICY.baseDelayMs): number {
  return baseDelayMs * 2 ** Math.max(0, attempts - 1);
}

/**
 * Sends the e-mails that are due. Without a transport (no SMTP_URL) the outbox keeps them.
 * `clock` gives the time of each step (tests move it forward to pass a backoff).
 */
export async function deliverDueEmails(
  db: Db,
  transport: MailTransport | null,
  options: { clock?: () => Date; policy?: Partial<OutboxPolicy>; from?: string } = {},
): Promise<DeliveryCounts> {
  const clock = options.clock ?? (() => new Date());
  const policy = { ...OUTBOX_POLICY, ...options.policy };
  const from = options.from ?? process.env.SMTP_FROM ?? "定海区企业梯度培育登记系统 <registry@dinghai.invalid>";
  const counts: DeliveryCounts = { sent: 0, retrying: 0, failed: 0, interrupted: 0, skipped: 0 };
  const now = clock().toISOString();
  // A sender that died between its claim and its "sent" may or may not have handed the message
  // to SMTP: sending it again could send it twice, so it is given up and shown as such.
  const interrupted = await db
    .updateTable("email_outbox")
    .set({ status: "failed", claimed_by: null, claimed_until: null, last_error: "interrupted while sending; not sent again so as never to send twice" })
    .where("status", "=", "sending")
    .where("claimed_until", "<", now)
    .executeTakeFirst();
  counts.interrupted = Number(interrupted.numUpdatedRows);
  if (!transport) {
    const waiting = await db
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow();
    counts.skipped = Number(waiting.n);
    return counts;
  }
  const due = await db
    .selectFrom("email_outbox")
    .select(["id"])
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .orderBy("next_attempt_at")
    .orderBy("id")
    .limit(policy.batch)
    .execute();
  const holder = `${process.pid}-${crypto.randomBytes(6).toString("hex")}`;
  for (const { id } of due) {
    const at = clock();
    const claimed = await db
      .updateTable("email_outbox")
      .set({
        status: "sending",
        claimed_by: holder,
        claimed_until: new Date(at.getTime() + policy.claimMs).toISOString(),
        attempts: sql<number>`attempts + 1`,
      })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("next_attempt_at", "<=", at.toISOString())
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue; // another process took it
    const row = await db.selectFrom("email_outbox").select(["event_key", "to_address", "subject", "body", "attempts"]).where("id", "=", id).executeTakeFirstOrThrow();
    try {
      await transport.sendMail({ from, to: row.to_address, subject: row.subject, text: row.body, headers: { "X-Registry-Event": row.event_key } });
      await db
        .updateTable("email_outbox")
        .set({ status: "sent", sent_at: clock().toISOString(), claimed_by: null, claimed_until: null, last_error: null })
        .where("id", "=", id)
        .where("claimed_by", "=", holder)
        .execute();
      counts.sent++;
    } catch (error) {
      const giveUp = row.attempts >= policy.maxAttempts;
      // eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
      const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 500);
      await db
        .updateTable("email_outbox")
        .set({
          status: giveUp ? "failed" : "pending",
          next_attempt_at: new Date(clock().getTime() + backoffMs(row.attempts, policy.baseDelayMs)).toISOString(),
          claimed_by: null,
          claimed_until: null,
          last_error: message,
        })
        .where("id", "=", id)
        .where("claimed_by", "=", holder)
        .execute();
      if (giveUp) counts.failed++;
      else counts.retrying++;
    }
  }
  return counts;
}
