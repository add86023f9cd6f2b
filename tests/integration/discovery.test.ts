/**
 * Discovery on a real database: stored runs (queued, claimed under a lease, worked in batches,
 * done; superseded by the next; a town officer's run holds its town only; two workers never work
 * one run; a run whose worker died is resumed, or failed after three tries), scope (a town
 * officer its town, the bureau the district, a firm's account 404), held and open firms left out,
 * the page's bulk add to the pool (with the pool's one-active-entry rule, audited),
 * /api/candidates (401, 400, 404, its shape), the export, hostile query strings, and that
 * reading discovery changes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "~/domain/scope";
import { discoveryRunsFor, readCandidates, startDiscoveryRun, type DiscoveryQuery } from "~/models/discovery.server";
import { claimDiscoveryRun, DISCOVERY_MAX_ATTEMPTS, processDiscoveryRuns, workDiscoveryRun } from "~/models/discovery-worker.server";
import * as apiRoute from "~/routes/api.candidates";
import * as pageRoute from "~/routes/cultivation.discovery";
import * as exportRoute from "~/routes/cultivation.discovery[.]xlsx";
import { db } from "~/utils/db.server";
import { databaseHash } from "../support/db-hash";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { callerOf, cookieOf, firmIdOf, postNew, specializedForm } from "./applications.helpers";

/** A year no seeded firm has figures for: only the firms below are judged. */
const YEAR = 2031;
const TIER = "specialized-new";

const GOOD = {
  revenue_yuan: 100_000_000,
  main_business_revenue_yuan: 95_000_000,
  rd_expense_yuan: 5_000_000,
  employees: 120,
  rd_staff: 20,
  total_assets_yuan: 100_000_000,
  total_liabilities_yuan: 30_000_000,
  net_profit_yuan: 5_000_000,
  equity_financing_yuan: 0,
  invention_patents: 2,
  ip_class1: 3,
  ip_class2: 5,
  niche_years: 6,
};

async function writeFigures(enterpriseId: number, year: number, over: Partial<typeof GOOD> = {}) {
  await db()
    .insertInto("enterprise_figures")
    .values({ enterprise_id: enterpriseId, year, ...GOOD, ...over, source: "bureau", updated_by: null, updated_at: new Date().toISOString(), version: 1 })
    .execute();
}

/** Firms of a town with no award, application or pool entry of the tier. */
async function cleanFirms(town: string, n: number): Promise<number[]> {
  const rows = await db()
    .selectFrom("enterprises as e")
    .select("e.id")
    .where("e.town_code", "=", town)
    .where("e.archived_at", "is", null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("awards as a").select("a.id").whereRef("a.enterprise_id", "=", "e.id").where("a.tier_code", "=", TIER))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("applications as p").select("p.id").whereRef("p.enterprise_id", "=", "e.id").where("p.tier_code", "=", TIER))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("pool_entries as p").select("p.id").whereRef("p.enterprise_id", "=", "e.id").where("p.tier_code", "=", TIER))))
    .orderBy("e.id")
    .limit(n)
    .execute();
  return rows.map((r) => r.id);
}

const ids = { meets: 0, near: 0, held: 0, open: 0, other: 0 };

beforeAll(async () => {
  const entFirm = await firmIdOf("ent-jintang");
  const jintang = (await cleanFirms("jintang", 4)).filter((id) => id !== entFirm);
  [ids.meets, ids.near, ids.held] = jintang as [number, number, number];
  [ids.other] = (await cleanFirms("yancang", 1)) as [number];
  ids.open = entFirm;
  for (const id of Object.values(ids)) {
    await writeFigures(id, YEAR - 1, id === ids.near ? { rd_expense_yuan: 2_100_000 } : {});
    await writeFigures(id, YEAR - 2);
  }
  await db()
    .insertInto("awards")
    .values({
      enterprise_id: ids.held,
      tier_code: TIER,
      level: "provincial",
      year: 2025,
      recognized_on: "2025-10-01",
      valid_until: null,
      document_no: null,
      application_id: null,
      revoked_on: null,
      revoked_reason: null,
      created_by: null,
      created_at: new Date().toISOString(),
    })
    .execute();
  // The firm's own open application (any year) leaves it out.
  const open = await db()
    .selectFrom("applications")
    .select("id")
    .where("enterprise_id", "=", ids.open)
    .where("tier_code", "=", TIER)
    .where("status", "in", ["draft", "submitted", "returned"])
    .executeTakeFirst();
  if (!open) await postNew("ent-jintang", TIER, specializedForm());
  const now = await db()
    .selectFrom("applications")
    .select("status")
    .where("enterprise_id", "=", ids.open)
    .where("tier_code", "=", TIER)
    .where("status", "in", ["draft", "submitted", "returned"])
    .executeTakeFirst();
  expect(now).toBeDefined();
  // The bureau's run over the district, worked in batches of 7 firms.
  await startDiscoveryRun(db(), await callerOf("reviewer"), { tier: TIER, year: YEAR });
  expect(await processDiscoveryRuns(db(), { batchSize: 7 })).toMatchObject({ done: 1, lost: 0, failed: 0 });
});

async function listCandidates(caller: Caller, query: DiscoveryQuery) {
  return readCandidates(db(), caller, query);
}

function idsOf(candidates: { enterpriseId: number }[]): number[] {
  return candidates.map((c) => c.enterpriseId).sort((a, b) => a - b);
}

describe("the candidates", () => {
  it("a town officer sees its town's meets and near firms; held and open firms are left out", async () => {
    const result = await listCandidates(await callerOf("officer-jintang"), { tier: TIER, year: YEAR });
    expect(idsOf(result.candidates)).toEqual([ids.meets, ids.near].sort((a, b) => a - b));
    const meets = result.candidates.find((c) => c.enterpriseId === ids.meets)!;
    expect(meets.verdict).toBe("meets");
    expect(meets.missing).toEqual([]);
    expect(meets.toConfirm.map((m) => m.key)).toContain("evaluation-score");
    const near = result.candidates.find((c) => c.enterpriseId === ids.near)!;
    expect(near.verdict).toBe("near");
    expect(near.missing.map((m) => [m.key, m.haveZh, m.needZh])).toEqual([["rd-ratio", "2.10%", "≥ 3%"]]);
  });

  it("the bureau sees the district; filters narrow it", async () => {
    const reviewer = await callerOf("reviewer");
    const all = await listCandidates(reviewer, { tier: TIER, year: YEAR });
    expect(idsOf(all.candidates)).toEqual([ids.meets, ids.near, ids.other].sort((a, b) => a - b));
    expect(idsOf((await listCandidates(reviewer, { tier: TIER, year: YEAR, town: "yancang" })).candidates)).toEqual([ids.other]);
    expect(idsOf((await listCandidates(reviewer, { tier: TIER, year: YEAR, verdict: "near" })).candidates)).toEqual([ids.near]);
    // An officer filtering another town gets nothing of it.
    expect((await listCandidates(await callerOf("officer-jintang"), { tier: TIER, year: YEAR, town: "yancang" })).candidates).toEqual([]);
  });

  it("sorts by name, both ways, and by verdict by default", async () => {
    const reviewer = await callerOf("reviewer");
    const asc = (await listCandidates(reviewer, { tier: TIER, year: YEAR, sort: "name" })).candidates.map((c) => c.name);
    const desc = (await listCandidates(reviewer, { tier: TIER, year: YEAR, sort: "name", dir: "desc" })).candidates.map((c) => c.name);
    expect(asc).toEqual([...asc].sort());
    expect(desc).toEqual([...asc].reverse());
    const byVerdict = (await listCandidates(reviewer, { tier: TIER, year: YEAR })).candidates.map((c) => c.verdict);
    expect(byVerdict).toEqual(["meets", "meets", "near"]);
  });

  it("the run read every firm once, in batches, and counted what it found", async () => {
    const { done } = await discoveryRunsFor(db(), await callerOf("reviewer"), { tier: TIER, year: YEAR });
    const firms = await db().selectFrom("enterprises").select(db().fn.countAll<number>().as("n")).where("archived_at", "is", null).executeTakeFirstOrThrow();
    expect(done).toMatchObject({
      status: "done",
      scope: "district",
      done: Number(firms.n),
      total: Number(firms.n),
      meets: 2,
      near: 1,
      ruleVersion: expect.stringMatching(/^specialized-new\//),
    });
    expect(done!.finishedAt).toEqual(expect.any(String));
    const rows = await db().selectFrom("discovery_results").select("enterprise_id").where("run_id", "=", done!.id).execute();
    expect(rows.map((r) => Number(r.enterprise_id)).sort((a, b) => a - b)).toEqual([ids.meets, ids.near, ids.other].sort((a, b) => a - b));
  });
});

describe("runs", () => {
  const runsOf = (tier: string, year: number) =>
    db()
      .selectFrom("discovery_runs")
      .select(["id", "status", "scope", "attempts", "done", "total", "error"])
      .where("tier_code", "=", tier)
      .where("year", "=", year)
      .orderBy("id")
      .execute();

  it("starting answers at once with a queued run, audited; a second start answers the same run", async () => {
    const reviewer = await callerOf("reviewer");
    const first = await startDiscoveryRun(db(), reviewer, { tier: "green-factory", year: YEAR });
    expect(first).toMatchObject({ created: true, run: { status: "queued", scope: "district", done: 0 } });
    const second = await startDiscoveryRun(db(), reviewer, { tier: "green-factory", year: YEAR });
    expect(second).toMatchObject({ created: false, run: { id: first.run.id } });
    const audit = await db()
      .selectFrom("audit_log")
      .select(["actor_id", "data"])
      .where("action", "=", "discovery.run")
      .where("subject", "=", `discovery_run:${first.run.id}`)
      .execute();
    expect(audit).toHaveLength(1);
    expect(Number(audit[0]!.actor_id)).toBe(reviewer.id);
    expect((await discoveryRunsFor(db(), reviewer, { tier: "green-factory", year: YEAR })).active).toMatchObject({ id: first.run.id, stalled: true });
    await processDiscoveryRuns(db());
    expect((await runsOf("green-factory", YEAR)).map((r) => r.status)).toEqual(["done"]);
  });

  it("a finished run supersedes the older runs of its tier, year and scope, results and all", async () => {
    const reviewer = await callerOf("reviewer");
    const before = (await discoveryRunsFor(db(), reviewer, { tier: TIER, year: YEAR })).done!;
    await startDiscoveryRun(db(), reviewer, { tier: TIER, year: YEAR });
    // While the new run waits, the old results stay readable.
    expect((await listCandidates(reviewer, { tier: TIER, year: YEAR })).run?.id).toBe(before.id);
    await processDiscoveryRuns(db());
    const after = (await discoveryRunsFor(db(), reviewer, { tier: TIER, year: YEAR })).done!;
    expect(after.id).toBeGreaterThan(before.id);
    expect((await runsOf(TIER, YEAR)).filter((r) => r.scope === "district").map((r) => Number(r.id))).toEqual([after.id]);
    expect(await db().selectFrom("discovery_results").select("enterprise_id").where("run_id", "=", before.id).execute()).toEqual([]);
    expect(idsOf((await listCandidates(reviewer, { tier: TIER, year: YEAR })).candidates)).toEqual([ids.meets, ids.near, ids.other].sort((a, b) => a - b));
  });

  it("a town officer's run judges its town only and is read by that officer, not by the bureau", async () => {
    const officer = await callerOf("officer-yancang");
    const { run } = await startDiscoveryRun(db(), officer, { tier: TIER, year: YEAR });
    expect(run.scope).toBe("yancang");
    await processDiscoveryRuns(db());
    const stored = await db().selectFrom("discovery_results").select("town_code").where("run_id", "=", run.id).execute();
    expect(new Set(stored.map((r) => r.town_code))).toEqual(new Set(["yancang"]));
    const firms = await db()
      .selectFrom("enterprises")
      .select(db().fn.countAll<number>().as("n"))
      .where("archived_at", "is", null)
      .where("town_code", "=", "yancang")
      .executeTakeFirstOrThrow();
    expect((await runsOf(TIER, YEAR)).find((r) => Number(r.id) === run.id)).toMatchObject({ status: "done", done: Number(firms.n), total: Number(firms.n) });
    // The officer reads its own, newer run; the bureau still reads the district's.
    expect((await listCandidates(officer, { tier: TIER, year: YEAR })).run?.id).toBe(run.id);
    expect((await listCandidates(await callerOf("reviewer"), { tier: TIER, year: YEAR })).run?.scope).toBe("district");
    // Another town's officer reads the district run, narrowed to its town.
    const jintang = await listCandidates(await callerOf("officer-jintang"), { tier: TIER, year: YEAR });
    expect(jintang.run?.scope).toBe("district");
    expect(new Set(jintang.candidates.map((c) => c.townCode))).toEqual(new Set(["jintang"]));
  });

  it("two workers never work one run; a run whose worker died is resumed after its lease, without a row twice", async () => {
    const reviewer = await callerOf("reviewer");
    const { run } = await startDiscoveryRun(db(), reviewer, { tier: "scaled-up", year: YEAR });
    const claims = await Promise.all([claimDiscoveryRun(db(), "worker-a"), claimDiscoveryRun(db(), "worker-b")]);
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const [holder, other] = claims[0] ? ["worker-a", "worker-b"] : ["worker-b", "worker-a"];
    const claimed = (claims[0] ?? claims[1])!;
    expect(Number(claimed.id)).toBe(run.id);
    // The holder does one batch and dies, its lease left to run out.
    expect(await workDiscoveryRun(db(), claimed, holder, { batchSize: 5, stopAfterBatches: 1 })).toBe("stopped");
    expect(await claimDiscoveryRun(db(), other)).toBeNull();
    const later = new Date(Date.now() + 60_000);
    const taken = await claimDiscoveryRun(db(), other, later);
    expect(taken).toMatchObject({ status: "running", attempts: 2, cursor: expect.anything() });
    expect(Number(taken!.cursor)).toBeGreaterThan(0);
    // The first worker coming back finds its lease gone and stops.
    expect(await workDiscoveryRun(db(), claimed, holder, { batchSize: 5 })).toBe("lost");
    expect(await workDiscoveryRun(db(), taken!, other, { batchSize: 5, now: () => later })).toBe("done");
    const resumed = await db().selectFrom("discovery_results").select("enterprise_id").where("run_id", "=", run.id).execute();
    // The same firms as a run worked in one go.
    const { run: fresh } = await startDiscoveryRun(db(), await callerOf("officer-jintang"), { tier: "scaled-up", year: YEAR });
    await processDiscoveryRuns(db());
    const firms = await db().selectFrom("enterprises").select(db().fn.countAll<number>().as("n")).where("archived_at", "is", null).executeTakeFirstOrThrow();
    expect((await runsOf("scaled-up", YEAR)).find((r) => Number(r.id) === run.id)).toMatchObject({ status: "done", done: Number(firms.n) });
    const ids = resumed.map((r) => Number(r.enterprise_id));
    expect(new Set(ids).size).toBe(ids.length);
    const town = await db().selectFrom("discovery_results").select("enterprise_id").where("run_id", "=", fresh.id).execute();
    const jintangFirms = new Set((await db().selectFrom("enterprises").select("id").where("town_code", "=", "jintang").execute()).map((r) => Number(r.id)));
    expect(town.map((r) => Number(r.enterprise_id)).sort()).toEqual(ids.filter((id) => jintangFirms.has(id)).sort());
  });

  it("a run that keeps losing its worker is failed, never left running", async () => {
    const reviewer = await callerOf("reviewer");
    const { run } = await startDiscoveryRun(db(), reviewer, { tier: "green-factory", year: YEAR + 1 });
    let at = Date.now();
    for (let i = 1; i <= DISCOVERY_MAX_ATTEMPTS; i++) {
      at += 60_000;
      const claimed = await claimDiscoveryRun(db(), `dying-${i}`, new Date(at));
      expect(claimed).toMatchObject({ attempts: i });
    }
    at += 60_000;
    expect(await claimDiscoveryRun(db(), "last", new Date(at))).toBeNull();
    const [row] = (await runsOf("green-factory", YEAR + 1)).filter((r) => Number(r.id) === run.id);
    expect(row).toMatchObject({ status: "failed", error: expect.stringContaining("interrupted") });
    expect((await discoveryRunsFor(db(), reviewer, { tier: "green-factory", year: YEAR + 1 })).failed).toMatchObject({ id: run.id });
  });
});

describe("the page", () => {
  it("lists in scope and changes nothing; an enterprise gets 404", async () => {
    const before = await databaseHash();
    const res = await call(pageRoute.loader, makeRequest(`/cultivation/discovery?tier=${TIER}&year=${YEAR}`, { cookie: await cookieOf("officer-jintang") }));
    expect(statusOf(res.result)).toBe(200);
    expect(idsOf(dataOf(res.result).rows)).toEqual([ids.meets, ids.near].sort((a, b) => a - b));
    expect(await databaseHash()).toBe(before);
    const ent = await call(pageRoute.loader, makeRequest(`/cultivation/discovery`, { cookie: await cookieOf("ent-jintang") }));
    expect(statusOf(ent.result)).toBe(404);
  });

  it("adds the selected firms to the pool in one go, audited; a second add skips them", async () => {
    const cookie = await cookieOf("officer-jintang");
    const form = { tier: TIER, year: String(YEAR), enterpriseId: [String(ids.meets), String(ids.near), String(ids.other)] };
    const res = await call(pageRoute.action, makeRequest("/cultivation/discovery", { cookie, form }));
    expect(statusOf(res.result)).toBe(200);
    const body = dataOf(res.result);
    expect(body.ok).toBe(true);
    expect(body.added.map((a: { enterpriseId: number }) => a.enterpriseId).sort()).toEqual([ids.meets, ids.near].sort());
    // The yancang firm is out of the officer's scope: skipped, not added.
    expect(body.skipped).toBe(1);
    const entries = await db()
      .selectFrom("pool_entries")
      .select(["enterprise_id", "status", "target_year"])
      .where("tier_code", "=", TIER)
      .where("enterprise_id", "in", [ids.meets, ids.near, ids.other])
      .execute();
    expect(entries.map((e) => [e.enterprise_id, e.status, e.target_year]).sort()).toEqual(
      [
        [ids.meets, "cultivating", YEAR],
        [ids.near, "cultivating", YEAR],
      ].sort(),
    );
    const audit = await db().selectFrom("audit_log").select(["action", "data"]).where("action", "=", "pool.add").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(audit.data).toContain(String(ids.near));

    const again = await call(pageRoute.action, makeRequest("/cultivation/discovery", { cookie, form: { tier: TIER, year: String(YEAR), single: String(ids.near) } }));
    expect(dataOf(again.result)).toMatchObject({ ok: true, added: [], skipped: 1 });
    const count = await db().selectFrom("pool_entries").select("id").where("enterprise_id", "=", ids.near).where("tier_code", "=", TIER).execute();
    expect(count).toHaveLength(1);
  });

  it("refuses a bad add with the field named, never a 500", async () => {
    const cookie = await cookieOf("reviewer");
    for (const [form, field] of [
      [{ tier: TIER, year: String(YEAR) }, "enterpriseId"],
      [{ tier: TIER, year: String(YEAR), enterpriseId: "1; DROP TABLE" }, "enterpriseId"],
      [{ tier: "listed\u0000", year: String(YEAR), enterpriseId: "1" }, "tier"],
      [{ tier: TIER, year: "99999", enterpriseId: "1" }, "year"],
      [{ tier: "scaled-up", year: String(YEAR), enterpriseId: String(ids.other) }, "route"],
    ] as const) {
      const res = await call(pageRoute.action, makeRequest("/cultivation/discovery", { cookie, form: form as Record<string, string> }));
      expect(statusOf(res.result), JSON.stringify(form)).toBe(400);
      expect(dataOf(res.result)).toMatchObject({ ok: false, field });
    }
  });
});

describe("starting a run from the page", () => {
  it("refuses a hostile start with the field named and queues nothing; a good one redirects with the filters kept", async () => {
    const cookie = await cookieOf("officer-jintang");
    const count = async () => Number((await db().selectFrom("discovery_runs").select(db().fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    for (const [form, field] of [
      [{ intent: "start", tier: "listed\u0000", year: String(YEAR) }, "tier"],
      [{ intent: "start", tier: TIER, year: "2026\u202e" }, "year"],
      [{ intent: "start", tier: TIER, year: String(YEAR), town: "x".repeat(100_000) }, "town"],
      [{ intent: "start", tier: TIER, year: String(YEAR), verdict: "<script>" }, "verdict"],
    ] as const) {
      const res = await call(pageRoute.action, makeRequest("/cultivation/discovery", { cookie, form: form as Record<string, string> }));
      expect(statusOf(res.result), JSON.stringify(form).slice(0, 80)).toBe(400);
      expect(dataOf(res.result)).toMatchObject({ ok: false, field });
    }
    expect(await count()).toBe(before);
    const res = await call(
      pageRoute.action,
      makeRequest("/cultivation/discovery", { cookie, form: { intent: "start", tier: "green-factory", year: String(YEAR + 2), verdict: "near" } }),
    );
    expect(statusOf(res.result)).toBe(302);
    expect((res.result as Response).headers.get("Location")).toBe(`/cultivation/discovery?tier=green-factory&year=${YEAR + 2}&verdict=near`);
    const runs = await db()
      .selectFrom("discovery_runs")
      .select(["scope", "status", "started_by"])
      .where("tier_code", "=", "green-factory")
      .where("year", "=", YEAR + 2)
      .execute();
    expect(runs).toMatchObject([{ scope: "jintang" }]);
    // The enterprise account cannot start one.
    const ent = await call(
      pageRoute.action,
      makeRequest("/cultivation/discovery", { cookie: await cookieOf("ent-jintang"), form: { intent: "start", tier: TIER, year: String(YEAR) } }),
    );
    expect(statusOf(ent.result)).toBe(404);
  });
});

describe("/api/candidates", () => {
  const get = async (query: string, username?: string) => {
    const cookie = username ? await cookieOf(username) : undefined;
    const res = await call(apiRoute.loader, makeRequest(`/api/candidates${query}`, { cookie }));
    const response = res.result as Response;
    return { status: response.status, body: await response.json() };
  };

  it("answers the contract's shape in the caller's scope", async () => {
    const { status, body } = await get(`?tier=${TIER}&year=${YEAR}`, "reviewer");
    expect(status).toBe(200);
    expect(body).toMatchObject({ tier: TIER, year: YEAR, ruleVersion: expect.stringMatching(/^specialized-new\//) });
    expect(typeof body.asOf).toBe("string");
    const near = body.candidates.find((c: { enterpriseId: number }) => c.enterpriseId === ids.near);
    expect(near).toMatchObject({ verdict: "near", town: "jintang", missing: [{ criterion: expect.stringContaining("研发费用占营业收入比重"), need: "≥ 3%", have: "2.10%" }] });
    expect(typeof near.uscc).toBe("string");
    expect(typeof near.name).toBe("string");
    const officer = await get(`?tier=${TIER}&year=${YEAR}`, "officer-yancang");
    expect(officer.body.candidates.map((c: { enterpriseId: number }) => c.enterpriseId)).toEqual([ids.other]);
  });

  it("401 without a session, 404 for a firm's account, 400 naming the field", async () => {
    expect((await get(`?tier=${TIER}`)).status).toBe(401);
    expect((await get(`?tier=${TIER}`, "ent-jintang")).status).toBe(404);
    for (const [query, field] of [
      ["", "tier"],
      ["?tier=nope", "tier"],
      ["?tier=quality-factory", "tier"],
      [`?tier=${TIER}&year=20x6`, "year"],
      [`?tier=${TIER}&year=1999`, "year"],
      [`?tier=${TIER}&verdict=held`, "verdict"],
      [`?tier=${TIER}&town=${encodeURIComponent("jin\u202etang")}`, "town"],
      [`?tier=${TIER}&industry=${"x".repeat(5000)}`, "industry"],
      [`?tier=${encodeURIComponent("specialized-new\u0007")}`, "tier"],
    ] as const) {
      const { status, body } = await get(query, "reviewer");
      expect(status, query).toBe(400);
      expect(body.field, query).toBe(field);
      expect(body.message.length).toBeGreaterThan(0);
    }
  });
});

describe("hostile query strings on the page and the export", () => {
  it("answer 400, never 500", async () => {
    const cookie = await cookieOf("reviewer");
    for (const query of [
      "?tier=%00",
      "?tier=specialized-new&year=%E2%80%AE2026",
      `?tier=specialized-new&town=${"a".repeat(100_000)}`,
      "?tier=specialized-new&verdict=<script>",
      "?tier=specialized-new&year=-1",
      "?tier=specialized-new&industry=%0d%0aSet-Cookie:x",
    ]) {
      for (const [route, path] of [
        [pageRoute, "/cultivation/discovery"],
        [exportRoute, "/cultivation/discovery.xlsx"],
      ] as const) {
        const res = await call(route.loader, makeRequest(path + query, { cookie }));
        expect(statusOf(res.result), path + query).toBe(400);
      }
    }
  });

  it("the export holds the candidates, and a sort or filter it does not know is ignored", async () => {
    const res = await call(exportRoute.loader, makeRequest(`/cultivation/discovery.xlsx?tier=${TIER}&year=${YEAR}&sort=evil&dir=sideways`, { cookie: await cookieOf("reviewer") }));
    const response = res.result as Response;
    expect(response.status).toBe(200);
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await response.arrayBuffer());
    const sheet = wb.getWorksheet("候选企业")!;
    const names = new Set<string>();
    sheet.eachRow((row, n) => {
      if (n > 1) names.add(String(row.getCell(2).value));
    });
    const usccs = await db().selectFrom("enterprises").select("uscc").where("id", "in", [ids.meets, ids.near, ids.other]).execute();
    expect(names).toEqual(new Set(usccs.map((u) => u.uscc)));
    const nearRow = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => String(r.getCell(6).value).includes("2.10%"));
    expect(String(nearRow?.getCell(6).value)).toContain("需 ≥ 3%");
  });
});
