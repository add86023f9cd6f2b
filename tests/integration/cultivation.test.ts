/**
 * The cultivation pages and API through their real loaders and actions: the town split and its
 * shortfall warning, the funnel against the lists behind each of its numbers, /api/cultivation
 * (401, 400, scope), the add form's field errors, and the town officer's home.
 */
import { describe, expect, it } from "vitest";
import { funnel } from "~/domain/pool";
import { TIER_CODES } from "~/domain/tiers";
import * as api from "~/routes/api.cultivation";
import * as appsList from "~/routes/applications._index";
import * as newEntry from "~/routes/cultivation.new";
import * as poolList from "~/routes/cultivation._index";
import * as exportXlsx from "~/routes/cultivation.export[.]xlsx";
import * as entryPage from "~/routes/cultivation.$id";
import * as dashboard from "~/routes/dashboard._index";
import * as enterprises from "~/routes/enterprises._index";
import * as firms from "~/routes/progress.firms";
import * as targets from "~/routes/targets";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const YEAR = 2026;

async function get(handler: any, url: string, username: string | null, params: Record<string, string> = {}) {
  const cookie = username ? await sessionCookieFor(username) : undefined;
  return (await call(handler, makeRequest(url, { cookie }), params)).result;
}

async function post(handler: any, url: string, username: string, form: Record<string, string>, params: Record<string, string> = {}) {
  return (await call(handler, makeRequest(url, { cookie: await sessionCookieFor(username), form }), params)).result;
}

async function apiJson(url: string, username: string | null) {
  const res = (await get(api.loader, url, username)) as Response;
  return { status: res.status, body: await res.json() };
}

describe("town targets (目标分解)", () => {
  it("the demo split meets the district target for every tier but 绿色工厂, which the page warns about", async () => {
    const page = dataOf(await get(targets.loader, `/targets?year=${YEAR}`, "reviewer"));
    const short = TIER_CODES.filter((c) => page.split.sums[c].shortfall > 0);
    expect(short).toEqual(["green-factory"]);
    expect(page.split.sums["green-factory"]).toEqual({ sum: 2, shortfall: 1 });
    expect(page.split.district["specialized-new"]).toBe(20);
    expect(page.split.sums["specialized-new"].sum).toBe(20);
  });

  it("the bureau splits a tier among towns: rows written, audited, and the shortfall follows", async () => {
    const form = { intent: "split", year: "2027", tier: "listed", "towns.jintang": "0", "towns.yancang": "0", "towns.lincheng": "" };
    const saved = await post(targets.action, "/targets?year=2027", "reviewer", form);
    expect(statusOf(saved)).toBe(302);
    const rows = await db()
      .selectFrom("town_targets")
      .select(["town_code", "target_count"])
      .where("year", "=", 2027)
      .where("tier_code", "=", "listed")
      .orderBy("town_code")
      .execute();
    expect(rows).toEqual([
      { town_code: "jintang", target_count: 0 },
      { town_code: "yancang", target_count: 0 },
    ]);
    const audit = await db().selectFrom("audit_log").select("subject").where("action", "=", "town-target.update").where("subject", "like", "2027/listed/%").execute();
    expect(audit).toHaveLength(2);
    // 2027 has no district targets yet: nothing to fall short of. Give it one: the split is short.
    await db().insertInto("targets").values({ year: 2027, tier_code: "listed", target_count: 2, updated_by: null, updated_at: new Date().toISOString() }).execute();
    const page = dataOf(await get(targets.loader, "/targets?year=2027&tier=listed", "reviewer"));
    expect(page.split.sums.listed).toEqual({ sum: 0, shortfall: 2 });
    await post(targets.action, "/targets?year=2027", "reviewer", { intent: "split", year: "2027", tier: "listed", "towns.jintang": "1", "towns.yancang": "1" });
    const after = dataOf(await get(targets.loader, "/targets?year=2027&tier=listed", "reviewer"));
    expect(after.split.sums.listed).toEqual({ sum: 2, shortfall: 0 });
  });

  it("a bad share is refused by its field, keeps what was typed, writes nothing; officers may not split", async () => {
    const before = await db()
      .selectFrom("town_targets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const bad = await post(targets.action, "/targets?year=2028", "reviewer", { intent: "split", year: "2028", tier: "listed", "towns.jintang": "-1", "towns.yancang": "x\u0000" });
    expect(statusOf(bad)).toBe(400);
    const reply = dataOf(bad).result;
    expect(reply.error["towns.jintang"][0]).toContain("0 到 100000");
    expect(reply.initialValue.towns.jintang).toBe("-1");
    const after = await db()
      .selectFrom("town_targets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const officer = await post(targets.action, "/targets?year=2028", "officer-jintang", { intent: "split", year: "2028", tier: "listed", "towns.jintang": "1" });
    expect(statusOf(officer)).toBe(403);
  });
});

describe("the funnel on the dashboard", () => {
  it("every number equals the list behind it", async () => {
    const dash = dataOf(await get(dashboard.loader, `/dashboard?year=${YEAR}`, "reviewer"));
    expect(dash.funnelPool).toHaveLength(7);
    const funnels = dash.report.tiers.map((t: any, i: number) => ({
      ...funnel({ target: t.target, achieved: t.achieved, pipeline: t.pipeline, pool: dash.funnelPool[i] }),
      tier: t.tier,
    }));
    expect(funnels.some((f: any) => !f.enough) || funnels.every((f: any) => f.enough)).toBe(true);
    let checkedPool = 0;
    for (const f of funnels) {
      const pool = dataOf(await get(poolList.loader, `/cultivation?tier=${f.tier}&year=${YEAR}&status=cultivating`, "reviewer"));
      expect(pool.rows.length).toBe(f.pool);
      checkedPool += f.pool;
      const achieved = dataOf(await get(firms.loader, `/progress/firms?year=${YEAR}&tier=${f.tier}`, "reviewer"));
      expect(achieved.counted).toBe(f.achieved);
      const apps = dataOf(await get(appsList.loader, `/applications?tier=${f.tier}&year=${YEAR}&status=pipeline`, "reviewer"));
      expect(apps.counts.submitted + apps.counts.returned + (apps.counts.publicized ?? 0)).toBe(f.pipeline);
      expect(f.gap).toBe(Math.max(f.target - f.achieved, 0));
      expect(f.enough).toBe(f.pool + f.pipeline >= f.gap);
    }
    expect(checkedPool).toBeGreaterThan(20);
  });
});

describe("GET /api/cultivation", () => {
  it("401 without a session, 400 for a bad year or tier, 404 for a firm's account", async () => {
    expect(await apiJson(`/api/cultivation?year=${YEAR}&tier=listed`, null)).toMatchObject({ status: 401, body: { error: "unauthorized" } });
    expect(await apiJson("/api/cultivation?year=20x6&tier=listed", "reviewer")).toMatchObject({ status: 400, body: { error: "bad-year" } });
    expect(await apiJson(`/api/cultivation?year=${YEAR}&tier=gold`, "reviewer")).toMatchObject({ status: 400, body: { error: "bad-tier" } });
    expect(await apiJson(`/api/cultivation?year=${YEAR}`, "reviewer")).toMatchObject({ status: 400, body: { error: "bad-tier" } });
    expect(await apiJson(`/api/cultivation?year=${YEAR}&tier=listed`, "ent-jintang")).toMatchObject({ status: 404 });
  });

  it("answers the contract's shape; the bureau gets the district, an officer its own town", async () => {
    const all = await apiJson(`/api/cultivation?year=${YEAR}&tier=specialized-new`, "reviewer");
    expect(all.status).toBe(200);
    expect(Object.keys(all.body).sort()).toEqual(["pool", "tier", "towns", "year"]);
    expect(Object.keys(all.body.pool).sort()).toEqual(["applied", "cultivating", "exited", "recognized"]);
    expect(all.body.towns).toHaveLength(13);
    expect(Object.keys(all.body.towns[0]).sort()).toEqual(["achieved", "applied", "pool", "target", "town"]);
    const counts = await db()
      .selectFrom("pool_entries")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("tier_code", "=", "specialized-new")
      .where("target_year", "=", YEAR)
      .groupBy("status")
      .execute();
    for (const c of counts) expect(all.body.pool[c.status]).toBe(Number(c.n));
    expect(all.body.towns.reduce((a: number, t: any) => a + t.pool, 0)).toBe(all.body.pool.cultivating);
    expect(all.body.towns.reduce((a: number, t: any) => a + t.target, 0)).toBe(20);

    const own = await apiJson(`/api/cultivation?year=${YEAR}&tier=specialized-new`, "officer-jintang");
    expect(own.body.towns.map((t: any) => t.town)).toEqual(["jintang"]);
    const jintang = await db()
      .selectFrom("pool_entries as p")
      .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
      .select(["p.status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("e.town_code", "=", "jintang")
      .where("p.tier_code", "=", "specialized-new")
      .where("p.target_year", "=", YEAR)
      .groupBy("p.status")
      .execute();
    const expected = { cultivating: 0, applied: 0, recognized: 0, exited: 0 } as Record<string, number>;
    for (const c of jintang) expected[c.status] = Number(c.n);
    expect(own.body.pool).toEqual(expected);
    expect(own.body.towns[0]).toEqual(all.body.towns.find((t: any) => t.town === "jintang"));
  });
});

describe("the pool pages", () => {
  it("an officer's list holds its own town only; filters and sorting apply; the export is an XLSX", async () => {
    const list = dataOf(await get(poolList.loader, "/cultivation?sort=name&dir=desc", "officer-yancang"));
    expect(list.rows.length).toBeGreaterThan(0);
    expect(new Set(list.rows.map((r: any) => r.townCode))).toEqual(new Set(["yancang"]));
    const names = list.rows.map((r: any) => r.enterpriseName);
    expect(names).toEqual([...names].sort().reverse());
    const scaled = dataOf(await get(poolList.loader, "/cultivation?tier=scaled-up&status=active", "reviewer"));
    expect(scaled.rows.every((r: any) => r.tierCode === "scaled-up" && r.status !== "exited" && r.route !== null)).toBe(true);
    expect(statusOf(await get(poolList.loader, "/cultivation?year=abcd", "reviewer"))).toBe(400);
    const file = (await get(exportXlsx.loader, "/cultivation/export.xlsx?tier=scaled-up", "reviewer")) as Response;
    expect(file.headers.get("Content-Type")).toContain("spreadsheetml");
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]);
  });

  it("the add form names the field at fault and keeps what was typed", async () => {
    const firm = await db().selectFrom("enterprises").select("id").where("town_code", "=", "yancang").where("archived_at", "is", null).orderBy("id").executeTakeFirstOrThrow();
    const noRoute = await post(newEntry.action, "/cultivation/new", "officer-yancang", {
      enterpriseId: String(firm.id),
      tier: "scaled-up",
      targetYear: "2027",
      route: "",
      enteredOn: "2026-11-27",
      notes: "待定",
    });
    expect(statusOf(noRoute)).toBe(400);
    expect(dataOf(noRoute).result.error.route[0]).toBe("升规须选择一条路径。");
    expect(dataOf(noRoute).result.initialValue.notes).toBe("待定");
    const badDate = await post(newEntry.action, "/cultivation/new", "officer-yancang", {
      enterpriseId: String(firm.id),
      tier: "listed",
      targetYear: "2027",
      enteredOn: "2026-02-30",
    });
    expect(dataOf(badDate).result.error.enteredOn[0]).toContain("有效日期");
    const control = await post(newEntry.action, "/cultivation/new", "officer-yancang", {
      enterpriseId: String(firm.id),
      tier: "listed",
      targetYear: "2027",
      enteredOn: "2026-11-27",
      notes: "a\u202Eb",
    });
    expect(dataOf(control).result.error.notes[0]).toContain("控制字符");
    const long = await post(newEntry.action, "/cultivation/new", "officer-yancang", {
      enterpriseId: String(firm.id),
      tier: "listed",
      targetYear: "2027",
      enteredOn: "2026-11-27",
      notes: "长".repeat(2001),
    });
    expect(dataOf(long).result.error.notes[0]).toContain("2000");
    // Another town's firm is not in an officer's scope.
    const other = await db().selectFrom("enterprises").select("id").where("town_code", "=", "jintang").orderBy("id").executeTakeFirstOrThrow();
    const outside = await post(newEntry.action, "/cultivation/new", "officer-yancang", {
      enterpriseId: String(other.id),
      tier: "listed",
      targetYear: "2027",
      enteredOn: "2026-11-27",
    });
    expect(dataOf(outside).result.error.enterpriseId[0]).toBe("请选择本辖区内的一家企业。");
    const n = await db()
      .selectFrom("pool_entries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("enterprise_id", "in", [firm.id, other.id])
      .where("target_year", "=", 2027)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });

  it("an exit with 'other' needs a note, named by its field", async () => {
    const entry = await db().selectFrom("pool_entries").select(["id", "version"]).where("status", "=", "cultivating").orderBy("id").executeTakeFirstOrThrow();
    const res = await post(
      entryPage.action,
      `/cultivation/${entry.id}`,
      "reviewer",
      { intent: "status", version: String(entry.version), to: "exited", exitReason: "other", exitNote: "" },
      { id: String(entry.id) },
    );
    expect(statusOf(res)).toBe(400);
    expect(dataOf(res).result.error.exitNote[0]).toBe("原因为“其他”时须说明。");
    const stale = await post(
      entryPage.action,
      `/cultivation/${entry.id}`,
      "reviewer",
      { intent: "status", version: String(entry.version + 5), to: "applied" },
      { id: String(entry.id) },
    );
    expect(statusOf(stale)).toBe(409);
  });

  it("a town officer's home shows its town against its targets and its overdue tasks", async () => {
    const home = dataOf(await get(enterprises.loader, "/enterprises", "officer-yancang"));
    expect(home.townHome.town.town).toBe("yancang");
    expect(home.townHome.town.rows).toHaveLength(7);
    const shares = await db().selectFrom("town_targets").select(["tier_code", "target_count"]).where("year", "=", home.townHome.year).where("town_code", "=", "yancang").execute();
    for (const s of shares) expect(home.townHome.town.rows.find((r: any) => r.tier === s.tier_code).target).toBe(s.target_count);
    expect(home.townHome.overdue.length).toBeGreaterThan(0);
    expect(home.townHome.overdue.every((k: any) => k.dueOn < new Date().toISOString().slice(0, 10))).toBe(true);
    const bureau = dataOf(await get(enterprises.loader, "/enterprises", "reviewer"));
    expect(bureau.townHome).toBeNull();
  });
});
