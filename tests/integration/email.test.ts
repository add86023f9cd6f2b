/**
 * E-mail as a second channel: a notification of a user who asked for e-mail is queued in the
 * transaction of its event, delivered through real SMTP (a receiver started here) once, and a
 * failed delivery is retried with exponential backoff and never sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, deliverDueEmails, enqueueEmail, smtpTransport } from "~/models/outbox.server";
import { db } from "~/utils/db.server";
import { startSmtpReceiver, type SmtpReceiver } from "../support/smtp";
import { firmIdOf, postDetail, userIdOf } from "./applications.helpers";
import { statusOf } from "../support/requests";

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp?.close();
});

function outboxRow(eventKey: string) {
  return db()
    .selectFrom("email_outbox")
    .select(["status", "attempts", "next_attempt_at", "last_error", "sent_at", "to_address"])
    .where("event_key", "=", eventKey)
    .executeTakeFirstOrThrow();
}

describe("e-mail", () => {
  it("delivers a decision to the firm's address at once, through SMTP, once", async () => {
    const userId = await userIdOf("ent-jintang");
    await db()
      .insertInto("notification_settings")
      .values({ user_id: userId, email: "jintang-firm@dinghai.example", email_mode: "immediate", updated_at: new Date().toISOString() })
      .execute();
    const app = await db()
      .selectFrom("applications")
      .select(["id", "version"])
      .where("enterprise_id", "=", await firmIdOf("ent-jintang"))
      .where("status", "=", "submitted")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const { result } = await postDetail("reviewer", app.id, {
      intent: "return",
      version: String(app.version),
      reasonCode: "evidence-missing",
      comment: "请补充研发费用专项审计报告",
    });
    expect(statusOf(result)).toBe(302);
    const notification = await db()
      .selectFrom("notifications")
      .select("id")
      .where("recipient_id", "=", userId)
      .where("event_key", "=", `application:${app.id}:v${app.version + 1}`)
      .executeTakeFirstOrThrow();
    const key = `notification:${notification.id}`;
    expect(await outboxRow(key)).toMatchObject({ status: "pending", attempts: 0, to_address: "jintang-firm@dinghai.example" });

    // Without SMTP_URL the outbox keeps it.
    expect(await deliverDueEmails(db(), null)).toMatchObject({ sent: 0 });
    expect((await outboxRow(key)).status).toBe("pending");

    const transport = smtpTransport(smtp.url)!;
    const counts = await deliverDueEmails(db(), transport);
    expect(counts.sent).toBeGreaterThanOrEqual(1);
    const mail = smtp.messages.filter((m) => m.headers["x-registry-event"] === key);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual(["jintang-firm@dinghai.example"]);
    expect(mail[0]!.subject).toMatch(/^【定海区梯度培育】.*申报已退回修改$/);
    const firm = await db()
      .selectFrom("enterprises")
      .select("name")
      .where("id", "=", await firmIdOf("ent-jintang"))
      .executeTakeFirstOrThrow();
    expect(mail[0]!.body).toContain(firm.name);
    expect(mail[0]!.body).toContain("was returned for revision");
    expect(mail[0]!.body).toContain(`/applications/${app.id}`);
    expect(await outboxRow(key)).toMatchObject({ status: "sent", attempts: 1, last_error: null });

    // Delivered once: later runs send nothing more.
    await deliverDueEmails(db(), transport);
    await deliverDueEmails(db(), transport);
    expect(smtp.messages.filter((m) => m.headers["x-registry-event"] === key)).toHaveLength(1);
    transport.close?.();
  });

  it("retries a failed delivery with exponential backoff, and never sends it twice", async () => {
    const recipientId = await userIdOf("reviewer");
    const t0 = new Date("2030-01-01T00:00:00.000Z");
    await enqueueEmail(db(), {
      eventKey: "retry-test",
      notificationId: null,
      recipientId,
      to: "reviewer@dinghai.example",
      subject: "重试测试",
      body: "正文 body",
      now: t0.toISOString(),
    });
    const transport = smtpTransport(smtp.url)!;
    let now = t0;
    const clock = () => now;
    const only = () => smtp.messages.filter((m) => m.headers["x-registry-event"] === "retry-test");

    smtp.refuseNext(2);
    expect(await deliverDueEmails(db(), transport, { clock })).toMatchObject({ sent: 0, retrying: 1 });
    let row = await outboxRow("retry-test");
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.last_error).toMatch(/451|try again/);
    expect(row.next_attempt_at).toBe(new Date(t0.getTime() + backoffMs(1)).toISOString());

    // Not due yet: nothing is attempted.
    now = new Date(t0.getTime() + backoffMs(1) - 1000);
    expect(await deliverDueEmails(db(), transport, { clock })).toMatchObject({ sent: 0, retrying: 0 });
    expect((await outboxRow("retry-test")).attempts).toBe(1);

    // Second attempt fails too: the wait doubles.
    now = new Date(t0.getTime() + backoffMs(1));
    expect(await deliverDueEmails(db(), transport, { clock })).toMatchObject({ retrying: 1 });
    row = await outboxRow("retry-test");
    expect(row.attempts).toBe(2);
    expect(new Date(row.next_attempt_at).getTime() - now.getTime()).toBe(2 * backoffMs(1));
    expect(only()).toHaveLength(0);

    // Third attempt succeeds, while a second sender runs at the same moment: one message.
    now = new Date(row.next_attempt_at);
    const [a, b] = await Promise.all([deliverDueEmails(db(), transport, { clock }), deliverDueEmails(db(), smtpTransport(smtp.url)!, { clock })]);
    expect(a.sent + b.sent).toBeGreaterThanOrEqual(1);
    expect(only()).toHaveLength(1);
    expect(only()[0]!.body).toContain("正文 body");
    expect(await outboxRow("retry-test")).toMatchObject({ status: "sent", attempts: 3, last_error: null });
    now = new Date(now.getTime() + 3600_000);
    await deliverDueEmails(db(), transport, { clock });
    expect(only()).toHaveLength(1);
    transport.close?.();
  });

  it("gives up after the last attempt, and never resends a row whose sender died while sending", async () => {
    const recipientId = await userIdOf("reviewer");
    const t0 = new Date("2031-01-01T00:00:00.000Z");
    await enqueueEmail(db(), { eventKey: "give-up", notificationId: null, recipientId, to: "reviewer@dinghai.example", subject: "放弃", body: "x", now: t0.toISOString() });
    const transport = smtpTransport(smtp.url)!;
    smtp.refuseNext(2);
    const policy = { maxAttempts: 2, baseDelayMs: 1000 };
    expect(await deliverDueEmails(db(), transport, { clock: () => t0, policy })).toMatchObject({ retrying: 1 });
    expect(await deliverDueEmails(db(), transport, { clock: () => new Date(t0.getTime() + 1000), policy })).toMatchObject({ failed: 1 });
    expect(await outboxRow("give-up")).toMatchObject({ status: "failed", attempts: 2 });

    // A claim whose holder vanished (killed between claim and "sent"): given up, not sent again.
    await enqueueEmail(db(), { eventKey: "orphan", notificationId: null, recipientId, to: "reviewer@dinghai.example", subject: "孤儿", body: "x", now: t0.toISOString() });
    await db()
      .updateTable("email_outbox")
      .set({ status: "sending", attempts: 1, claimed_by: "a-dead-process", claimed_until: t0.toISOString() })
      .where("event_key", "=", "orphan")
      .execute();
    const counts = await deliverDueEmails(db(), transport, { clock: () => new Date(t0.getTime() + 1) });
    expect(counts.interrupted).toBe(1);
    expect(await outboxRow("orphan")).toMatchObject({ status: "failed", attempts: 1 });
    expect(smtp.messages.filter((m) => m.headers["x-registry-event"] === "orphan")).toHaveLength(0);
    transport.close?.();
  });
});
