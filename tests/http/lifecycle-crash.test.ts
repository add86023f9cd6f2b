/**
 * The lifecycle jobs killed mid-run (SIGKILL) and run again, as deployments run them
 * (`npm run jobs -- --once --job …`, child processes on the test file's database: SQLite under
 * `npm test`, PostgreSQL under `npm run test:pg`): the notice-closing job over 120 applications
 * in a closed notice ends with exactly one award per application and one notification per
 * event; the expiry reminders over 120 awards notify once per award and threshold, with one
 * e-mail per notification.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "~/domain/scope";
import { addDays } from "~/domain/validity";
import { proposeBatch } from "~/models/notice.server";
import { closeDb, db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { createSubmitted } from "../support/evidence";

const root = path.resolve(import.meta.dirname, "../..");
const N = 120;

function jobsProcess(job: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> } {
  // One process (node with tsx's loader), so SIGKILL reaches the job itself, not a wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/run.ts", "--once", "--force", "--job", job], {
    cwd: root,
    env: { ...process.env, SMTP_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out })));
  return { child, done };
}

async function expireLease(job: string) {
  await sql`UPDATE job_leases SET expires_at = ${new Date(Date.now() - 1000).toISOString()} WHERE name = ${`job:${job}`}`.execute(db());
}

let firm = 0;
let firmUser = 0;
let reviewer: Caller;

beforeAll(async () => {
  const u = await db().selectFrom("users").select(["id", "enterprise_id"]).where("username", "=", "ent-jintang").executeTakeFirstOrThrow();
  firm = Number(u.enterprise_id);
  firmUser = Number(u.id);
  const r = await db().selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  reviewer = { id: Number(r.id), role: "reviewer", enterpriseId: null, townCode: null };
  // The firm asks for e-mail at once, so every notification queues one.
  await db()
    .insertInto("notification_settings")
    .values({ user_id: firmUser, email: "firm@dinghai.example", email_mode: "immediate", updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ email: "firm@dinghai.example", email_mode: "immediate" }))
    .execute();
});

describe("lifecycle jobs killed mid-run", () => {
  it("notice-closing: SIGKILLed halfway, run again — one award per application, one notification per event", async () => {
    const ids: { id: number; version: number }[] = [];
    for (let i = 0; ids.length < N; i++) {
      const tier = i % 2 === 0 ? "quality-factory" : "demonstration-factory";
      const created = await createSubmitted(db(), reviewer, firm, tier, {
        year: 2040 + Math.floor(i / 2),
        levelSought: "district",
        payload: { contactName: "测试", description: `closing crash #${i}`, declaration: true },
      });
      if (created.ok) ids.push({ id: created.id, version: 2 });
    }
    const proposed = await proposeBatch(db(), reviewer, { title: "崩溃测试公示", startsOn: "2026-01-05", office: "区经信局", phone: "0580-8888888", applications: ids });
    if (!proposed.ok) throw new Error(`not proposed: ${proposed.reason}`);
    const appIds = ids.map((a) => a.id);
    const approvedCount = async () =>
      Number(
        (
          await db()
            .selectFrom("applications")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("id", "in", appIds)
            .where("status", "=", "approved")
            .executeTakeFirstOrThrow()
        ).n,
      );

    const first = jobsProcess("notice-closing");
    const deadline = Date.now() + 60_000;
    let atKill = 0;
    while (Date.now() < deadline) {
      atKill = await approvedCount();
      if (atKill >= 5) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal, killed.out).toBe("SIGKILL");
    const afterKill = await approvedCount();
    // Killed mid-run: some approved, not all.
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(N);

    await expireLease("notice-closing");
    await closeDb();
    const second = jobsProcess("notice-closing");
    const done = await second.done;
    expect(done.code, done.out).toBe(0);

    expect(await approvedCount()).toBe(N);
    const awards = await db().selectFrom("awards").select(["application_id", "recognized_on"]).where("application_id", "in", appIds).execute();
    expect(awards).toHaveLength(N);
    expect(new Set(awards.map((a) => a.application_id)).size).toBe(N);
    expect(new Set(awards.map((a) => a.recognized_on))).toEqual(new Set([proposed.endsOn]));
    // The firm heard of each approval once; each notification queued one e-mail.
    const notes = await db()
      .selectFrom("notifications")
      .select(["id", "event_key"])
      .where("recipient_id", "=", firmUser)
      .where(
        "event_key",
        "in",
        appIds.map((id) => `application:${id}:v4`),
      )
      .execute();
    expect(notes).toHaveLength(N);
    const mails = await db()
      .selectFrom("email_outbox")
      .select(["event_key"])
      .where(
        "notification_id",
        "in",
        notes.map((n) => n.id),
      )
      .execute();
    expect(mails).toHaveLength(N);
    // The reviewers were told once that the window closed.
    const closed = await db().selectFrom("notifications").select("recipient_id").where("event_key", "=", `notice:${proposed.batchId}:closed`).execute();
    expect(closed.length).toBe(new Set(closed.map((c) => c.recipient_id)).size);
    expect(closed.length).toBeGreaterThan(0);
  }, 180_000);

  it("expiry-reminders: SIGKILLed mid-run, run again — one reminder per award and threshold, one e-mail each", async () => {
    const today = todayInShanghai();
    const awards: number[] = [];
    for (let i = 0; i < N; i++) {
      const row = await db()
        .insertInto("awards")
        .values({
          enterprise_id: firm,
          tier_code: i % 2 === 0 ? "specialized-new" : "green-factory",
          level: "provincial",
          year: 2030 + Math.floor(i / 2),
          recognized_on: addDays(today, -1000),
          valid_until: addDays(today, 20),
          created_at: new Date().toISOString(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      awards.push(Number(row.id));
    }
    const keys = awards.map((id) => `award.expiring:${id}:30`);
    const first = jobsProcess("expiry-reminders");
    // The reminders are one transaction: the kill lands before or during it, never half of it.
    await new Promise((r) => setTimeout(r, 1200));
    first.child.kill("SIGKILL");
    await first.done;
    const partial = await db().selectFrom("notifications").select("id").where("event_key", "in", keys).execute();
    expect([0, N]).toContain(partial.length);

    await expireLease("expiry-reminders");
    await closeDb();
    const second = jobsProcess("expiry-reminders");
    const done = await second.done;
    expect(done.code, done.out).toBe(0);
    const notes = await db().selectFrom("notifications").select(["id", "event_key", "recipient_id"]).where("event_key", "in", keys).execute();
    expect(notes.filter((n) => n.recipient_id === firmUser)).toHaveLength(N);
    expect(new Set(notes.map((n) => `${n.recipient_id}/${n.event_key}`)).size).toBe(notes.length);
    const mails = await db()
      .selectFrom("email_outbox")
      .select(["event_key"])
      .where(
        "notification_id",
        "in",
        notes.map((n) => n.id),
      )
      .execute();
    expect(mails).toHaveLength(notes.length);

    // A third run writes nothing more.
    await expireLease("expiry-reminders");
    await closeDb();
    expect((await jobsProcess("expiry-reminders").done).code).toBe(0);
    expect(await db().selectFrom("notifications").select("id").where("event_key", "in", keys).execute()).toHaveLength(notes.length);
  }, 180_000);
});
