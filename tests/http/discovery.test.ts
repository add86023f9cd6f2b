import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, signInTo, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";

/**
 * Discovery runs through the real server: starting one answers at once (a redirect) and the run
 * finishes in the server's own worker; a run in progress shows its progress bar with the previous
 * results still listed; a run left "running" by a process that died is taken up when the page is
 * read; hostile query strings answer 400 and the server lives on.
 */
let server: RunningServer;
let database: Awaited<ReturnType<typeof openServerDatabase>>;
let cookie: string;
const YEAR = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
const PAGE = `/cultivation/discovery?tier=specialized-new&year=${YEAR}`;

beforeAll(async () => {
  server = await startServer();
  database = await openServerDatabase(server.dataDir);
  // Without the demo's finished runs (seeds/demo-discovery.ts): these tests start from none.
  await database.db.deleteFrom("discovery_results").execute();
  await database.db.deleteFrom("discovery_runs").execute();
  cookie = await signInTo(server, "reviewer");
});
afterAll(async () => {
  await database?.db.destroy();
  await server?.stop();
});

const get = (path: string) => fetch(`${server.url}${path}`, { headers: { cookie }, redirect: "manual" });

async function runsOf(year: number) {
  return database.db.selectFrom("discovery_runs").select(["id", "status", "done", "total", "finished_at"]).where("year", "=", year).orderBy("id").execute();
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("discovery runs over HTTP", () => {
  it("no run yet: a clear message and the start button; starting redirects and the run finishes", async () => {
    const before = await (await get(PAGE)).text();
    expect(before).toContain("还没有预审结果");
    expect(before).toContain("开始预审");
    const res = await fetch(`${server.url}/cultivation/discovery`, {
      method: "POST",
      headers: { cookie, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "start", tier: "specialized-new", year: String(YEAR) }).toString(),
      redirect: "manual",
    });
    expect([302, 303]).toContain(res.status);
    expect(res.headers.get("location")).toContain(`tier=specialized-new&year=${YEAR}`);
    const runs = await until(
      () => runsOf(YEAR),
      (r) => r.length === 1 && r[0]!.status === "done",
    );
    expect(runs).toMatchObject([{ status: "done" }]);
    expect(Number(runs[0]!.done)).toBe(Number(runs[0]!.total));
    const after = await (await get(PAGE)).text();
    expect(after).toContain("预审结果截至");
    const api = await (await get(`/api/candidates?tier=specialized-new&year=${YEAR}`)).json();
    expect(api.asOf).toBe(runs[0]!.finished_at);
    expect(api.candidates.length).toBeGreaterThan(0);
  });

  it("a run in progress shows percent and firms done, and the previous results stay listed", async () => {
    const done = (await runsOf(YEAR))[0]!;
    const reviewer = await database.db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
    // Held by a worker elsewhere whose lease is live: this server leaves it alone.
    await database.db
      .insertInto("discovery_runs")
      .values({
        tier_code: "specialized-new",
        year: YEAR,
        scope: "district",
        rule_version: "specialized-new/2026",
        status: "running",
        done: 400,
        total: 1000,
        started_by: reviewer.id,
        started_at: new Date().toISOString(),
        finished_at: null,
        error: null,
        lease_holder: "another-process",
        lease_expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      })
      .execute();
    const html = await (await get(PAGE)).text();
    expect(html).toContain("正在预审：40%（已预审 400 / 1000 家）");
    expect(html).toMatch(/<progress[^>]*max="100"[^>]*value="40"/);
    expect(html).toContain('http-equiv="refresh"');
    expect(html).toContain("预审期间仍显示上次的结果");
    expect(html).toContain("预审结果截至");
    const api = await (await get(`/api/candidates?tier=specialized-new&year=${YEAR}`)).json();
    expect(api.asOf).toBe(done.finished_at);
  });

  it("a run whose worker died is taken up when the page is read, and finishes", async () => {
    await database.db
      .updateTable("discovery_runs")
      .set({ lease_expires_at: new Date(Date.now() - 1000).toISOString(), done: 0, total: 0 })
      .where("lease_holder", "=", "another-process")
      .execute();
    expect((await get(PAGE)).status).toBe(200);
    const runs = await until(
      () => runsOf(YEAR),
      (r) => r.length === 1 && r[0]!.status === "done",
    );
    // The run taken over finished and superseded the one before it.
    expect(runs.map((r) => r.status)).toEqual(["done"]);
  });

  it("hostile query strings answer 400 with a message, never a 500, and the server lives on", async () => {
    for (const query of [
      "?tier=%00",
      "?tier=specialized-new&year=%E2%80%AE2026",
      `?tier=specialized-new&town=${"a".repeat(6000)}`,
      "?tier=specialized-new&verdict=<script>alert(1)</script>",
      "?tier=specialized-new&industry=%0d%0aSet-Cookie:x",
      "?tier=specialized-new&year=1e3",
    ]) {
      for (const path of ["/cultivation/discovery", "/cultivation/discovery.xlsx", "/api/candidates"]) {
        const res = await get(path + query);
        expect(res.status, path + query).toBe(400);
        expect((await res.text()).length).toBeGreaterThan(0);
      }
    }
    // An odd page number falls back to the first page.
    for (const page of ["-1", "abc", "99999999999", "%00"]) expect((await get(`${PAGE}&page=${page}`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
