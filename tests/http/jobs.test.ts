/**
 * The scheduled jobs as deployments run them (`npm run jobs -- --once`, here as child processes
 * on the test file's database: SQLite under `npm test`, PostgreSQL under `npm run test:pg`):
 * two processes at once produce the effect of one, and a run killed mid-way (SIGKILL) then run
 * again leaves no duplicate notification and sends no e-mail twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWorkingDay } from "~/domain/calendar";
import { loadCalendarExceptions } from "~/models/calendar.server";
import { enqueueEmail } from "~/models/outbox.server";
import { closeDb, db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { startSmtpReceiver, type SmtpReceiver } from "../support/smtp";

const root = path.resolve(import.meta.dirname, "../..");

function jobsProcess(args: string[], smtpUrl: string): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/run.ts", "--once", ...args], {
    cwd: root,
    env: { ...process.env, SMTP_URL: smtpUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on("exit", (code) => resolve({ code, out })));
  return { child, done };
}

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver({ delayMs: 150 });
  // Today must be a working day for the queue reminder: the calendar makes it one if it is not.
  const today = todayInShanghai();
  if (!isWorkingDay(today, await loadCalendarExceptions(db()))) {
    await db().deleteFrom("calendar_exceptions").where("date", "=", today).execute();
    await db()
      .insertInto("calendar_exceptions")
      .values({ date: today, kind: "workday", name_zh: "测试上班", name_en: "Test working day", updated_by: null, updated_at: new Date().toISOString() })
      .execute();
  }
  // The bureau asks for e-mail at once.
  const bureau = await db().selectFrom("users").select(["id", "username"]).where("role", "in", ["reviewer", "admin"]).execute();
  for (const u of bureau) {
    await db()
      .insertInto("notification_settings")
      .values({ user_id: u.id, email: `${u.username}@dinghai.example`, email_mode: "immediate", updated_at: new Date().toISOString() })
      .execute();
  }
});
afterAll(async () => {
  await smtp?.close();
});

function byEvent(messages: SmtpReceiver["messages"]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.headers["x-registry-event"]!, (counts.get(m.headers["x-registry-event"]!) ?? 0) + 1);
  return counts;
}

describe("npm run jobs -- --once", () => {
  it("run by two processes at once: one reminder per reviewer, each e-mail sent once, each daily job run once", async () => {
    await closeDb(); // SQLite: the children write the same file
    const a = jobsProcess([], smtp.url);
    const b = jobsProcess([], smtp.url);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.out).toBe(0);
    expect(rb.code, rb.out).toBe(0);
    const reports = [JSON.parse(ra.out), JSON.parse(rb.out)] as { job: string; ran: boolean; reason?: string }[][];
    const today = todayInShanghai();
    const reminders = await db().selectFrom("notifications").select(["recipient_id", "id"]).where("event_key", "=", `queue.overdue:${today}`).execute();
    const bureau = await db().selectFrom("users").select("id").where("role", "in", ["reviewer", "admin"]).where("disabled_at", "is", null).execute();
    expect(reminders.map((r) => r.recipient_id).sort()).toEqual(bureau.map((u) => u.id).sort());
    // Each reminder's e-mail was sent once, by whichever process delivered it.
    const sent = byEvent(smtp.messages);
    for (const r of reminders) expect(sent.get(`notification:${r.id}`)).toBe(1);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    const rows = await db()
      .selectFrom("email_outbox")
      .select(["status"])
      .where(
        "notification_id",
        "in",
        reminders.map((r) => r.id),
      )
      .execute();
    expect(rows.map((r) => r.status)).toEqual(reminders.map(() => "sent"));
    // The daily job ran in one process; the other was turned away or found it done.
    const ranQueue = reports.flat().filter((r) => r.job === "queue-age-alerts" && r.ran);
    expect(ranQueue).toHaveLength(1);
    const audits = await db().selectFrom("audit_log").select("data").where("action", "=", "job.run").where("subject", "=", "job:queue-age-alerts").execute();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]!.data!)).toMatchObject({ notified: bureau.length, workingDay: true });

    // Run again: nothing new.
    await closeDb();
    const again = jobsProcess([], smtp.url);
    expect((await again.done).code).toBe(0);
    expect(await db().selectFrom("notifications").select("id").where("event_key", "=", `queue.overdue:${today}`).execute()).toHaveLength(bureau.length);
    expect([...byEvent(smtp.messages).values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it("killed mid-way and run again: no e-mail sent twice, the rest delivered", async () => {
    const reviewer = await db().selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
    const keys = Array.from({ length: 24 }, (_, i) => `kill-test:${i}`);
    const now = new Date().toISOString();
    for (const key of keys) {
      await enqueueEmail(db(), { eventKey: key, notificationId: null, recipientId: reviewer.id, to: "reviewer@dinghai.example", subject: `测试 ${key}`, body: key, now });
    }
    await closeDb();
    const received = () => smtp.messages.filter((m) => keys.includes(m.headers["x-registry-event"]!));
    const first = jobsProcess(["--job", "email-delivery"], smtp.url);
    const deadline = Date.now() + 60_000;
    while (received().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received().length).toBeGreaterThanOrEqual(4);
    first.child.kill("SIGKILL");
    await first.done;
    const atKill = received().length;
    expect(atKill).toBeLessThan(keys.length);

    // The killed process's lease would block the job until it expires; expire it now.
    await sql`UPDATE job_leases SET expires_at = ${new Date(Date.now() - 1000).toISOString()} WHERE name = 'job:email-delivery'`.execute(db());
    await closeDb();
    const second = jobsProcess(["--job", "email-delivery"], smtp.url);
    const result = await second.done;
    expect(result.code, result.out).toBe(0);

    const counts = byEvent(received());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const rows = await db().selectFrom("email_outbox").select(["event_key", "status"]).where("event_key", "in", keys).execute();
    const sentRows = rows.filter((r) => r.status === "sent");
    // Every row marked sent was received once; at most the one in flight at the kill is left
    // "sending" (its claim expires and it is then given up, never resent).
    for (const r of sentRows) expect(counts.get(r.event_key)).toBe(1);
    expect(rows.filter((r) => r.status !== "sent").length).toBeLessThanOrEqual(1);
    expect(rows.filter((r) => r.status === "pending")).toEqual([]);
    expect(received().length).toBeGreaterThanOrEqual(keys.length - 1);
  }, 120_000);
});
