/**
 * Two server processes on one database, as behind a load balancer: nothing that must be shared
 * lives in one process's memory. Sessions and the sign-in throttle are rows; decisions are
 * compare-and-set, so approvals and withdrawals of the same applications sent to both at once
 * leave one award each at most, and counters equal to a recount. On `npm run test:pg` the
 * database is PostgreSQL; on `npm test`, one SQLite file shared by both processes.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCounters } from "~/models/progress-check.server";
import { signInTo, startServer, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";

let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ dataDir: a.dataDir });
}, 180_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function signIn(server: RunningServer, username: string, password = "demo-password"): Promise<Response> {
  return fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url },
    body: new URLSearchParams({ username, password }),
  });
}

function post(server: RunningServer, path: string, cookie: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url, Cookie: cookie },
    body: new URLSearchParams(form),
  });
}

describe("two server processes on one database", () => {
  it("share sessions: signed in on one, recognised by the other; signed out on one, out on both", async () => {
    const res = await signIn(a, "officer-jintang");
    expect(res.status).toBe(302);
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    expect((await fetch(`${b.url}/enterprises`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
    expect((await post(b, "/logout", cookie, {})).status).toBe(302);
    const after = await fetch(`${a.url}/enterprises`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/login/);
  });

  it("count sign-in failures across both: the sixth for one username is refused on either", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(i % 2 ? a : b, "officer-yancang", "wrong-password")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await signIn(a, "officer-yancang")).status).toBe(429);
    expect((await signIn(b, "officer-yancang")).status).toBe(429);
  });

  it("approve and withdraw the same applications at once, split across both: one award each at most, counters exact", async () => {
    const database = await openServerDatabase(a.dataDir);
    try {
      const apps = (
        await sql<{ id: number; version: number; level_sought: string | null; year: number }>`
          SELECT id, version, level_sought, year FROM applications
          WHERE status = 'submitted' AND level_sought IS NOT NULL ORDER BY id LIMIT 16`.execute(database.db)
      ).rows;
      expect(apps.length).toBeGreaterThanOrEqual(10);
      const reviewer = await signInTo(a, "reviewer");
      const approve = (server: RunningServer, app: (typeof apps)[number], n: number) =>
        post(server, `/applications/${app.id}`, reviewer, {
          intent: "approve",
          version: String(app.version),
          level: app.level_sought!,
          recognizedOn: `${app.year}-06-30`,
          documentNo: `并发测试〔${app.year}〕${app.id}-${n}号`,
        });
      const withdraw = (server: RunningServer, app: (typeof apps)[number]) =>
        post(server, `/applications/${app.id}`, reviewer, { intent: "withdraw", version: String(app.version), comment: "并发撤回" });
      const answers = await Promise.all(apps.flatMap((app, i) => [approve(a, app, 1), approve(b, app, 2), ...(i % 3 === 0 ? [withdraw(i % 2 ? a : b, app)] : [])]));
      for (const res of answers) expect(res.status, await res.clone().text()).toBeLessThan(500);
      const ids = apps.map((x) => x.id);
      const awards = (
        await sql<{ application_id: number; n: number }>`SELECT application_id, count(*) AS n FROM awards
          WHERE application_id IN (${sql.join(ids)}) GROUP BY application_id`.execute(database.db)
      ).rows;
      const statuses = (await sql<{ id: number; status: string }>`SELECT id, status FROM applications WHERE id IN (${sql.join(ids)})`.execute(database.db)).rows;
      const awarded = new Map(awards.map((w) => [Number(w.application_id), Number(w.n)]));
      for (const { id, status } of statuses) {
        // Exactly one decision won: approved with one award, or withdrawn with none.
        expect(["approved", "withdrawn"], `application ${id}`).toContain(status);
        expect(awarded.get(Number(id)) ?? 0, `awards of ${id}`).toBe(status === "approved" ? 1 : 0);
      }
      expect(statuses.filter((s) => s.status === "approved").length).toBeGreaterThan(0);
      expect(await verifyCounters(database.db)).toEqual([]);
    } finally {
      await database.db.destroy();
    }
  }, 120_000);
});
