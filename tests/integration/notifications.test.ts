/**
 * Notifications: written in the same transaction as the change that causes them, never naming a
 * firm outside the recipient's scope, read and marked read only by their recipient; the jobs
 * that write reminders write each once however often they run.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { exceptionMap } from "~/domain/calendar";
import { createNotification, NotificationScopeError } from "~/models/notification.server";
import { queueDailyDigests, remindFiguresDue, remindOverdueQueue } from "~/models/reminder.server";
import { loadCalendarExceptions } from "~/models/calendar.server";
import * as inbox from "~/routes/notifications";
import * as root from "~/root";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { cookieOf, firmIdOf, postDetail, postNew, redirectedId, scaledUpForm, userIdOf } from "./applications.helpers";

async function notificationsOf(username: string) {
  return db()
    .selectFrom("notifications")
    .select(["id", "kind", "event_key", "enterprise_id", "params", "link", "read_at"])
    .where("recipient_id", "=", await userIdOf(username))
    .orderBy("id")
    .execute();
}

async function countAll(table: "notifications" | "email_outbox") {
  const row = await db()
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("createNotification", () => {
  it("refuses a notification naming a firm outside the recipient's scope, and writes nothing", async () => {
    const firmA = await firmIdOf("ent-jintang");
    const before = await countAll("notifications");
    for (const username of ["ent-yancang", "officer-yancang"]) {
      await expect(
        createNotification(db(), {
          recipientId: await userIdOf(username),
          kind: "application.approved",
          eventKey: `scope-test:${username}`,
          enterpriseId: firmA,
          params: { tierCode: "listed", year: 2026 },
          link: null,
        }),
      ).rejects.toBeInstanceOf(NotificationScopeError);
    }
    expect(await countAll("notifications")).toBe(before);
    // Within scope: the firm itself, its town's officer, the bureau; the firm's name filled in here.
    for (const username of ["ent-jintang", "officer-jintang", "reviewer"]) {
      const id = await createNotification(db(), {
        recipientId: await userIdOf(username),
        kind: "application.approved",
        eventKey: `scope-test:${username}`,
        enterpriseId: firmA,
        params: { tierCode: "listed", year: 2026 },
        link: null,
      });
      expect(id).toBeTypeOf("number");
      const row = await db().selectFrom("notifications").select("params").where("id", "=", id!).executeTakeFirstOrThrow();
      const firm = await db().selectFrom("enterprises").select("name").where("id", "=", firmA).executeTakeFirstOrThrow();
      expect(JSON.parse(row.params).firm).toBe(firm.name);
    }
    // A caller cannot slip a firm's name in through the parameters.
    await expect(
      createNotification(db(), { recipientId: await userIdOf("ent-yancang"), kind: "figures.due", eventKey: "x", enterpriseId: null, params: { firm: "别家企业" }, link: null }),
    ).rejects.toThrow(/firm/);
  });

  it("writes one row per recipient and event key however often it is called", async () => {
    const input = {
      recipientId: await userIdOf("reviewer"),
      kind: "queue.overdue" as const,
      eventKey: "queue.overdue:2099-01-05",
      enterpriseId: null,
      params: { n: 3, oldest: "2098-12-01" },
      link: null,
    };
    const first = await createNotification(db(), input);
    expect(first).toBeTypeOf("number");
    expect(await createNotification(db(), input)).toBeNull();
    const rows = await db().selectFrom("notifications").select("id").where("event_key", "=", input.eventKey).execute();
    expect(rows).toHaveLength(1);
  });
});

describe("events of applications", () => {
  it("a submission tells the officers of the firm's town, and no one else", async () => {
    const before = { jt: (await notificationsOf("officer-jintang")).length, yc: (await notificationsOf("officer-yancang")).length };
    const id = redirectedId((await postNew("ent-yancang", "scaled-up", scaledUpForm())).result);
    const yc = await notificationsOf("officer-yancang");
    expect(yc.length).toBe(before.yc + 1);
    expect(yc.at(-1)).toMatchObject({ kind: "application.submitted", event_key: `application:${id}:v2`, link: `/applications/${id}`, read_at: null });
    expect((await notificationsOf("officer-jintang")).length).toBe(before.jt);

    // Returned, resubmitted, rejected: the firm hears of the decisions, the town of the resubmission.
    const firmBefore = (await notificationsOf("ent-yancang")).length;
    expect(statusOf((await postDetail("reviewer", id, { intent: "return", version: "2", reasonCode: "evidence-missing", comment: "请补充材料" })).result)).toBe(302);
    const afterReturn = await notificationsOf("ent-yancang");
    expect(afterReturn.length).toBe(firmBefore + 1);
    expect(afterReturn.at(-1)).toMatchObject({ kind: "application.returned", event_key: `application:${id}:v3` });

    // A decision that loses its race (a stale version) changes nothing and notifies no one.
    expect(statusOf((await postDetail("reviewer", id, { intent: "reject", version: "2", reasonCode: "threshold-not-met", comment: "过期的表单" })).result)).toBe(409);
    expect((await notificationsOf("ent-yancang")).length).toBe(firmBefore + 1);
  });

  it("an approval is notified to the firm's users in the transaction of the approval", async () => {
    const app = await db()
      .selectFrom("applications")
      .select(["id", "version", "year", "level_sought"])
      .where("enterprise_id", "=", await firmIdOf("ent-jintang"))
      .where("status", "=", "submitted")
      .where("level_sought", "is not", null)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const { result } = await postDetail("reviewer", app.id, {
      intent: "approve",
      version: String(app.version),
      level: app.level_sought!,
      recognizedOn: `${app.year}-06-30`,
      validUntil: "",
      documentNo: `通知测试〔${app.year}〕1号`,
      comment: "",
    });
    expect(statusOf(result)).toBe(302);
    const mine = await notificationsOf("ent-jintang");
    expect(mine.at(-1)).toMatchObject({ kind: "application.approved", event_key: `application:${app.id}:v${app.version + 1}`, enterprise_id: await firmIdOf("ent-jintang") });
    expect((await notificationsOf("ent-yancang")).some((n) => n.event_key === `application:${app.id}:v${app.version + 1}`)).toBe(false);
  });
});

describe("/notifications", () => {
  it("lists the caller's own notifications only, and the header counts the unread", async () => {
    const cookie = await cookieOf("ent-jintang");
    const page = dataOf((await call(inbox.loader, makeRequest("/notifications", { cookie }))).result);
    const mine = await notificationsOf("ent-jintang");
    expect(page.items.map((i: { id: number }) => i.id).sort()).toEqual(mine.map((n) => n.id).sort());
    const unread = mine.filter((n) => !n.read_at).length;
    expect(page.unread).toBe(unread);
    expect(unread).toBeGreaterThan(0);
    const header = dataOf((await call(root.loader, makeRequest("/applications", { cookie }))).result);
    expect(header.unread).toBe(unread);
    expect(dataOf((await call(root.loader, makeRequest("/login"))).result).unread).toBe(0);
  });

  it("marks one read (read_at in the database), refuses another user's, then marks all read", async () => {
    const cookie = await cookieOf("ent-jintang");
    const target = (await notificationsOf("ent-jintang")).find((n) => !n.read_at)!;
    const done = await call(inbox.action, makeRequest("/notifications", { cookie, form: { intent: "read", id: String(target.id) } }));
    expect((done.result as Response).headers.get("Location")).toBe("/notifications?done=read");
    const row = await db().selectFrom("notifications").select("read_at").where("id", "=", target.id).executeTakeFirstOrThrow();
    expect(row.read_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const theirs = (await notificationsOf("ent-yancang")).find((n) => !n.read_at)!;
    const refused = await call(inbox.action, makeRequest("/notifications", { cookie, form: { intent: "read", id: String(theirs.id) } }));
    expect(statusOf(refused.result)).toBe(404);
    expect((await db().selectFrom("notifications").select("read_at").where("id", "=", theirs.id).executeTakeFirstOrThrow()).read_at).toBeNull();

    const all = await call(inbox.action, makeRequest("/notifications", { cookie, form: { intent: "readAll" } }));
    expect((all.result as Response).headers.get("Location")).toMatch(/^\/notifications\?done=readAll&n=\d+$/);
    expect((await notificationsOf("ent-jintang")).every((n) => n.read_at)).toBe(true);
    expect((await notificationsOf("ent-yancang")).some((n) => !n.read_at)).toBe(true);
  });

  it("saves e-mail settings (audited) and refuses a bad address by its field, keeping what was typed", async () => {
    const cookie = await cookieOf("officer-yancang");
    const bad = await call(inbox.action, makeRequest("/notifications", { cookie, form: { intent: "settings", email: "not an address", mode: "digest" } }));
    expect(statusOf(bad.result)).toBe(400);
    const reply = dataOf(bad.result).result;
    expect(reply.error.email).toEqual(["邮箱地址格式不正确，例如 name@example.cn。"]);
    expect(reply.initialValue.email).toBe("not an address");
    const odd = await call(inbox.action, makeRequest("/notifications", { cookie, form: { intent: "settings", email: "a@b.cn", mode: "hourly" } }));
    expect(statusOf(odd.result)).toBe(400);
    expect(dataOf(odd.result).result.error.mode).toEqual(["请选择发送方式。"]);

    const ok = await call(inbox.action, makeRequest("/notifications", { cookie, form: { intent: "settings", email: " yancang@dinghai.example ", mode: "digest" } }));
    expect((ok.result as Response).headers.get("Location")).toBe("/notifications?done=settings");
    const userId = await userIdOf("officer-yancang");
    expect(await db().selectFrom("notification_settings").select(["email", "email_mode"]).where("user_id", "=", userId).executeTakeFirst()).toEqual({
      email: "yancang@dinghai.example",
      email_mode: "digest",
    });
    const audit = await db().selectFrom("audit_log").select(["actor_id", "subject"]).where("action", "=", "notification.settings").execute();
    expect(audit).toContainEqual({ actor_id: userId, subject: `user:${userId}` });
  });
});

describe("scheduled reminders", () => {
  it("tell the bureau once a working day of applications waiting over 10 working days", async () => {
    const exceptions = await loadCalendarExceptions(db());
    // Monday 7 December 2026, 09:00 in Shanghai.
    const now = new Date("2026-12-07T01:00:00Z");
    const first = await remindOverdueQueue(db(), now, exceptions);
    expect(first.workingDay).toBe(true);
    expect(first.overdue).toBeGreaterThan(0);
    const bureau = (await db().selectFrom("users").select("id").where("role", "in", ["reviewer", "admin"]).where("disabled_at", "is", null).execute()).length;
    expect(first.notified).toBe(bureau);
    const second = await remindOverdueQueue(db(), now, exceptions);
    expect(second.notified).toBe(0);
    const rows = await db().selectFrom("notifications").select(["params"]).where("event_key", "=", "queue.overdue:2026-12-07").execute();
    expect(rows).toHaveLength(bureau);
    expect(JSON.parse(rows[0]!.params).n).toBe(first.overdue);
    // The count is of applications submitted on or before the 11th working day back.
    const latest = await db().selectFrom("applications").select("submitted_at").where("status", "=", "submitted").where("submitted_at", "<", "2026-11-20T16:00:00.000Z").execute();
    expect(first.overdue).toBe(latest.length);
    // Not on a holiday: 国庆 Friday 2 October 2026.
    expect(await remindOverdueQueue(db(), new Date("2026-10-02T01:00:00Z"), exceptions)).toMatchObject({ workingDay: false, notified: 0 });
    // A make-up Saturday is a working day.
    expect((await remindOverdueQueue(db(), new Date("2026-10-10T01:00:00Z"), exceptionMap([{ date: "2026-10-10", kind: "workday" }]))).workingDay).toBe(true);
  });

  it("remind firms without last year's figures from January to March, once a month", async () => {
    const january = new Date("2027-01-11T01:00:00Z");
    const before = await sql<{ n: number }>`SELECT count(*) AS n FROM notifications WHERE kind = 'figures.due'`.execute(db());
    expect(await remindFiguresDue(db(), new Date("2027-04-01T01:00:00Z"))).toMatchObject({ skipped: "outside January–March" });
    expect(Number((await sql<{ n: number }>`SELECT count(*) AS n FROM notifications WHERE kind = 'figures.due'`.execute(db())).rows[0]!.n)).toBe(Number(before.rows[0]!.n));

    // The firm that reported 2026 is left alone, the other is reminded, with a link to the form.
    const reported = await firmIdOf("ent-yancang");
    await db()
      .insertInto("enterprise_figures")
      .values({ enterprise_id: reported, year: 2026, revenue_yuan: 12_000_000, source: "enterprise", updated_at: new Date().toISOString() })
      .execute();
    const run = await remindFiguresDue(db(), january);
    expect(run.notified).toBeGreaterThanOrEqual(1);
    const jintang = await firmIdOf("ent-jintang");
    const jt = (await notificationsOf("ent-jintang")).filter((n) => n.kind === "figures.due");
    expect(jt.map((n) => n.event_key)).toEqual([`figures.due:${jintang}:2026:2027-01`]);
    expect(jt[0]!.link).toBe(`/enterprises/${jintang}/figures?year=2026`);
    expect((await notificationsOf("ent-yancang")).filter((n) => n.kind === "figures.due")).toEqual([]);
    expect((await remindFiguresDue(db(), january)).notified).toBe(0);
  });

  it("queue one digest per reader and day, of the day before", async () => {
    const userId = await userIdOf("officer-jintang");
    await db()
      .insertInto("notification_settings")
      .values({ user_id: userId, email: "jintang@dinghai.example", email_mode: "digest", updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column("user_id").doUpdateSet({ email: "jintang@dinghai.example", email_mode: "digest" }))
      .execute();
    for (const [key, at] of [
      ["digest-a", "2027-02-01T02:00:00.000Z"],
      ["digest-b", "2027-02-01T15:59:00.000Z"],
      ["digest-c", "2027-02-01T16:00:00.000Z"],
    ] as const) {
      await createNotification(db(), {
        recipientId: userId,
        kind: "queue.overdue",
        eventKey: key,
        enterpriseId: null,
        params: { n: 1, oldest: "2027-01-01" },
        link: "/applications",
        now: at,
      });
    }
    // Shanghai's 2 February: the digest of 1 February (00:00–24:00 CST) holds the first two.
    const now = new Date("2027-02-02T01:00:00Z");
    expect((await queueDailyDigests(db(), now)).queued).toBeGreaterThanOrEqual(1);
    expect((await queueDailyDigests(db(), now)).queued).toBe(0);
    const mail = await db().selectFrom("email_outbox").select(["to_address", "subject", "body", "status"]).where("event_key", "=", `digest:${userId}:2027-02-01`).execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to_address: "jintang@dinghai.example", status: "pending" });
    expect(mail[0]!.subject).toContain("2 条");
  });
});
