/**
 * The notifications scheduled jobs write: the review queue's overdue applications (to the
 * bureau's reviewers), the firms' yearly figures (January to March), and the daily e-mail
 * digest. Each writes under a key of its period, so a job run twice (or by two processes, or
 * again after being killed) has the effect of one run.
 */
import type { Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import { addCalendarDays, isWorkingDay, workingDaysBetween, type CalendarExceptions } from "~/domain/calendar";
import { enqueueEmail } from "~/models/outbox.server";
import { createNotification, emailBody, firmUsers, reviewers } from "~/models/notification.server";
import { todayInShanghai } from "~/utils/format";
import { translate } from "~/utils/i18n";
import { notificationTitle, type NotificationParams } from "~/utils/notification-text";

/** Working days an application may wait in the queue before the reviewers are reminded. */
export const QUEUE_ALERT_WORKING_DAYS = 10;

/** The UTC instant of midnight in Shanghai at the start of `date`. */
export function shanghaiMidnight(date: string): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}

/**
 * The latest submission day that has waited more than `days` working days by `today`: the
 * working days after it up to today exceed `days`.
 */
export function lastOverdueDay(today: string, days: number, exceptions: CalendarExceptions): string {
  let date = addCalendarDays(today, -1);
  while (workingDaysBetween(date, today, exceptions) <= days) date = addCalendarDays(date, -1);
  return date;
}

/**
 * On a working day, tells each reviewer how many submitted applications have waited more than
 * 10 working days (one notification per reviewer and day).
 */
export async function remindOverdueQueue(db: Db, now: Date, exceptions: CalendarExceptions): Promise<{ overdue: number; notified: number; workingDay: boolean }> {
  const today = todayInShanghai(now);
  if (!isWorkingDay(today, exceptions)) return { overdue: 0, notified: 0, workingDay: false };
  const lastDay = lastOverdueDay(today, QUEUE_ALERT_WORKING_DAYS, exceptions);
  const row = await db
    .selectFrom("applications")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("submitted_at").as("oldest")])
    .where("status", "=", "submitted")
    .where("submitted_at", "<", shanghaiMidnight(addCalendarDays(lastDay, 1)))
    .executeTakeFirstOrThrow();
  const overdue = Number(row.n);
  if (overdue === 0) return { overdue, notified: 0, workingDay: true };
  const oldest = todayInShanghai(new Date(String(row.oldest)));
  let notified = 0;
  await transact(db, async (trx) => {
    for (const recipientId of await reviewers(trx)) {
      const id = await createNotification(trx, {
        recipientId,
        kind: "queue.overdue",
        eventKey: `queue.overdue:${today}`,
        enterpriseId: null,
        params: { n: overdue, oldest },
        link: "/applications?status=submitted",
        now: now.toISOString(),
      });
      if (id !== null) notified++;
    }
  });
  return { overdue, notified, workingDay: true };
}

/**
 * From January to March, reminds each firm's users to report last year's figures when the firm
 * has none in enterprise_figures (one notification per firm user and month).
 */
export async function remindFiguresDue(db: Db, now: Date): Promise<{ skipped?: string; firms: number; notified: number }> {
  const today = todayInShanghai(now);
  const month = Number(today.slice(5, 7));
  if (month > 3) return { skipped: "outside January–March", firms: 0, notified: 0 };
  const year = Number(today.slice(0, 4)) - 1;
  const firms = await db
    .selectFrom("enterprises as e")
    .select("e.id")
    .where("e.archived_at", "is", null)
    .where((eb) =>
      eb.exists(eb.selectFrom("users as u").select("u.id").whereRef("u.enterprise_id", "=", "e.id").where("u.role", "=", "enterprise").where("u.disabled_at", "is", null)),
    )
    .where((eb) => eb.not(eb.exists(eb.selectFrom("enterprise_figures as f").select("f.enterprise_id").whereRef("f.enterprise_id", "=", "e.id").where("f.year", "=", year))))
    .orderBy("e.id")
    .execute();
  let notified = 0;
  await transact(db, async (trx) => {
    for (const firm of firms) {
      for (const recipientId of await firmUsers(trx, firm.id)) {
        const id = await createNotification(trx, {
          recipientId,
          kind: "figures.due",
          eventKey: `figures.due:${firm.id}:${year}:${today.slice(0, 7)}`,
          enterpriseId: firm.id,
          params: { year },
          link: `/enterprises/${firm.id}/figures?year=${year}`,
          now: now.toISOString(),
        });
        if (id !== null) notified++;
      }
    }
  });
  return { firms: firms.length, notified };
}

/**
 * Queues each digest reader's e-mail of the notifications of the Shanghai day before `now`'s
 * (one e-mail per user and day, keyed "digest:<user>:<date>").
 */
export async function queueDailyDigests(db: Db, now: Date): Promise<{ readers: number; queued: number }> {
  const today = todayInShanghai(now);
  const yesterday = addCalendarDays(today, -1);
  const from = shanghaiMidnight(yesterday);
  const to = shanghaiMidnight(today);
  const readers = await db
    .selectFrom("notification_settings as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select(["s.user_id", "s.email"])
    .where("s.email_mode", "=", "digest")
    .where("s.email", "is not", null)
    .where("u.disabled_at", "is", null)
    .orderBy("s.user_id")
    .execute();
  let queued = 0;
  for (const reader of readers) {
    const items = await db
      .selectFrom("notifications")
      .select(["kind", "params", "link"])
      .where("recipient_id", "=", reader.user_id)
      .where("created_at", ">=", from)
      .where("created_at", "<", to)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    if (items.length === 0) continue;
    const texts = items.map((i) => {
      const params = JSON.parse(i.params) as NotificationParams;
      return { zh: notificationTitle("zh", i.kind, params), en: notificationTitle("en", i.kind, params), link: i.link };
    });
    const before = await db.selectFrom("email_outbox").select("id").where("event_key", "=", `digest:${reader.user_id}:${yesterday}`).executeTakeFirst();
    if (before) continue;
    await enqueueEmail(db, {
      eventKey: `digest:${reader.user_id}:${yesterday}`,
      notificationId: null,
      recipientId: reader.user_id,
      to: reader.email!,
      subject: `${translate("zh", "email.subjectPrefix")}${translate("zh", "email.digestSubject", { date: yesterday, n: items.length })}`,
      body: emailBody(texts),
      now: now.toISOString(),
    });
    queued++;
  }
  return { readers: readers.length, queued };
}
