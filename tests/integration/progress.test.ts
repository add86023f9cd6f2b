import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { countProgress } from "~/domain/counting";
import type { Caller } from "~/domain/scope";
import type { Status } from "~/domain/state-machine";
import { generateUscc } from "~/domain/uscc";
import { TIER_CODES, type Level, type TierCode } from "~/domain/tiers";
import { verifyCounters } from "~/models/progress-check.server";
import { listAwardedFirms, listUncoveredFirms } from "~/models/progress-firms.server";
import { defaultYear, loadCoverage, loadProgress, targetYears } from "~/models/progress.server";
import * as apiProgress from "~/routes/api.progress";
import * as dashboard from "~/routes/dashboard._index";
import * as appsList from "~/routes/applications._index";
import * as firmsRoute from "~/routes/progress.firms";
import * as coverageRoute from "~/routes/progress.coverage";
import * as reportCsv from "~/routes/dashboard.report[.]csv";
import * as reportXlsx from "~/routes/dashboard.report[.]xlsx";
import { db } from "~/utils/db.server";
import { chance, mulberry32, pick } from "../../seeds/random";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

async function callerOf(username: string): Promise<Caller> {
  const u = await db().selectFrom("users").select(["id", "role", "enterprise_id", "town_code"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: u.id, role: u.role, enterpriseId: u.enterprise_id, townCode: u.town_code };
}

/** The domain's row-based counting over everything in the database: the oracle for the counters. */
async function oracle(d: Db, year: number) {
  const [targets, awards, applications, enterprises] = await Promise.all([
    d.selectFrom("targets").select(["tier_code", "target_count"]).where("year", "=", year).execute(),
    d.selectFrom("awards").select(["enterprise_id", "tier_code", "level", "year", "revoked_on", "renews_award_id"]).execute(),
    d.selectFrom("applications").select(["tier_code", "year", "status", "level_sought", "renews_award_id"]).execute(),
    d.selectFrom("enterprises as e").innerJoin("industries as i", "i.code", "e.industry_code").select(["e.id", "e.above_scale", "i.manufacturing", "e.archived_at"]).execute(),
  ]);
  const awardRows = awards.map((a) => ({
    enterpriseId: a.enterprise_id,
    tierCode: a.tier_code as TierCode,
    level: a.level as Level,
    year: a.year,
    revoked: a.revoked_on !== null,
    renewal: a.renews_award_id !== null,
  }));
  return countProgress({
    year,
    targets: targets.map((t) => ({ tierCode: t.tier_code as TierCode, targetCount: t.target_count })),
    awards: awardRows,
    applications: applications.map((a) => ({
      tierCode: a.tier_code as TierCode,
      year: a.year,
      status: a.status as Status,
      levelSought: a.level_sought as Level | null,
      renewal: a.renews_award_id !== null,
    })),
    coverage: {
      enterprises: enterprises.map((e) => ({
        id: e.id,
        aboveScale: e.above_scale === 1,
        manufacturing: e.manufacturing === 1,
        archived: e.archived_at !== null,
      })),
      awards: awardRows,
    },
  });
}

async function expectMatchesOracle(d: Db, caller: Caller, year: number) {
  const [report, expected] = await Promise.all([loadProgress(d, caller, year), oracle(d, year)]);
  for (const e of expected.tiers) {
    const got = report.tiers.find((t) => t.tier === e.tier)!;
    expect({ tier: got.tier, target: got.target, achieved: got.achieved, pipeline: got.pipeline, gap: got.gap, percent: got.percent }).toEqual({
      tier: e.tier,
      target: e.target,
      achieved: e.achieved,
      pipeline: e.pipeline,
      gap: e.gap,
      percent: e.percent,
    });
  }
  expect(report.cleanBeautyCoverage).toEqual(expected.cleanBeautyCoverage);
  return report;
}

let usccSeed = 1;
async function newFirm(town = "jintang", options: { aboveScale?: boolean; industry?: string } = {}): Promise<number> {
  const rng = mulberry32(0xfeed + usccSeed++);
  const now = "2024-03-01T02:00:00.000Z";
  const row = await db()
    .insertInto("enterprises")
    .values({
      uscc: generateUscc(rng),
      name: `测试企业${usccSeed}号有限公司`,
      town_code: town,
      industry_code: options.industry ?? "machinery",
      above_scale: options.aboveScale ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addAward(enterpriseId: number, tier: TierCode, level: Level, year: number) {
  const row = await db()
    .insertInto("awards")
    .values({ enterprise_id: enterpriseId, tier_code: tier, level, year, created_at: `${year}-06-01T02:00:00.000Z` })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

function achievedOf(report: Awaited<ReturnType<typeof loadProgress>>, tier: TierCode) {
  return report.tiers.find((t) => t.tier === tier)!.achieved;
}

describe("progress counters", () => {
  it("equal a recomputation from the rows in the demo data", async () => {
    expect(await verifyCounters(db())).toEqual([]);
  });

  it("give the same figures as the domain's counting rules for every year of the demo data", async () => {
    const reviewer = await callerOf("reviewer");
    for (const year of [2022, 2023, 2024, 2025, 2026]) await expectMatchesOracle(db(), reviewer, year);
    const r2023 = await loadProgress(db(), reviewer, 2023);
    expect(r2023.tiers.map((t) => t.target)).toEqual([20, 12, 3, 1, 10, 10, 20]);
  });

  it("count provincial 专精特新 but not municipal, and municipal green factories", async () => {
    const reviewer = await callerOf("reviewer");
    const before = await loadProgress(db(), reviewer, 2024);
    const a = await newFirm();
    const b = await newFirm();
    const c = await newFirm();
    await addAward(a, "specialized-new", "municipal", 2024);
    let after = await loadProgress(db(), reviewer, 2024);
    expect(achievedOf(after, "specialized-new")).toBe(achievedOf(before, "specialized-new"));
    expect(after.tiers.find((t) => t.tier === "specialized-new")!.belowLevel).toBe(before.tiers.find((t) => t.tier === "specialized-new")!.belowLevel + 1);
    await addAward(b, "specialized-new", "provincial", 2024);
    await addAward(c, "green-factory", "municipal", 2024);
    after = await loadProgress(db(), reviewer, 2024);
    expect(achievedOf(after, "specialized-new")).toBe(achievedOf(before, "specialized-new") + 1);
    expect(achievedOf(after, "green-factory")).toBe(achievedOf(before, "green-factory") + 1);
    // The drill-down lists the same firms the figure counts, and names the municipal one only on request.
    const list = await listAwardedFirms(db(), reviewer, { year: 2024, tier: "specialized-new", town: null, includeBelow: false, cursor: null });
    expect(list.rows.map((r) => r.enterpriseId)).toContain(b);
    expect(list.rows.map((r) => r.enterpriseId)).not.toContain(a);
    expect(list.rows).toHaveLength(achievedOf(after, "specialized-new"));
    const all = await listAwardedFirms(db(), reviewer, { year: 2024, tier: "specialized-new", town: null, includeBelow: true, cursor: null });
    expect(all.rows.find((r) => r.enterpriseId === a)?.counted).toBe(false);
    await expectMatchesOracle(db(), reviewer, 2024);
  });

  it("exclude revoked awards, and count a firm once per tier and year", async () => {
    const reviewer = await callerOf("reviewer");
    const before = achievedOf(await loadProgress(db(), reviewer, 2025), "quality-factory");
    const firm = await newFirm("yancang");
    const first = await addAward(firm, "quality-factory", "district", 2025);
    expect(achievedOf(await loadProgress(db(), reviewer, 2025), "quality-factory")).toBe(before + 1);
    // A second live award of the same tier and year is refused by the database, counters untouched.
    await expect(addAward(firm, "quality-factory", "district", 2025)).rejects.toThrow(/UNIQUE|unique constraint/);
    expect(await verifyCounters(db())).toEqual([]);
    await db().updateTable("awards").set({ revoked_on: "2025-09-01", revoked_reason: "test" }).where("id", "=", first).execute();
    expect(achievedOf(await loadProgress(db(), reviewer, 2025), "quality-factory")).toBe(before);
    // After a revocation the firm may be recognised again, and counts once.
    await addAward(firm, "quality-factory", "district", 2025);
    expect(achievedOf(await loadProgress(db(), reviewer, 2025), "quality-factory")).toBe(before + 1);
    // The same firm in another year counts in that year.
    await addAward(firm, "quality-factory", "district", 2026);
    await expectMatchesOracle(db(), reviewer, 2025);
    await expectMatchesOracle(db(), reviewer, 2026);
  });

  it("never count a renewal (复核) in the pipeline, in any status, level or town, nor its award as achieved", async () => {
    const reviewer = await callerOf("reviewer");
    const figures = async () => {
      const r = await loadProgress(db(), reviewer, 2025);
      const t = r.tiers.find((x) => x.tier === "specialized-new")!;
      const town = r.towns.find((x) => x.code === "jintang")!.cells["specialized-new"];
      return { achieved: t.achieved, pipeline: t.pipeline, undecided: t.pipelineLevelUndecided, town };
    };
    const before = await figures();
    const firm = await newFirm("jintang");
    const old = await addAward(firm, "specialized-new", "provincial", 2022);
    const at = "2025-04-01T00:00:00Z";
    const renewal = await db()
      .insertInto("applications")
      .values({
        enterprise_id: firm,
        tier_code: "specialized-new",
        year: 2025,
        level_sought: "provincial",
        status: "submitted",
        payload: "{}",
        renews_award_id: old,
        submitted_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(await figures()).toEqual(before);
    for (const status of ["returned", "publicized"] as const) {
      await db().updateTable("applications").set({ status }).where("id", "=", renewal.id).execute();
      expect(await figures(), status).toEqual(before);
    }
    // Without a level, a renewal is not 级别未定 either.
    await db().updateTable("applications").set({ status: "submitted", level_sought: null }).where("id", "=", renewal.id).execute();
    expect(await figures()).toEqual(before);
    await db().updateTable("applications").set({ status: "approved", level_sought: "provincial", decided_at: at }).where("id", "=", renewal.id).execute();
    await db()
      .insertInto("awards")
      .values({ enterprise_id: firm, tier_code: "specialized-new", level: "provincial", year: 2025, application_id: renewal.id, renews_award_id: old, created_at: at })
      .execute();
    expect(await figures()).toEqual(before);
    // The list behind 在审 leaves it out; renewal=1 lists renewals.
    const list = async (query: string) =>
      dataOf<{ rows: { id: number }[] }>((await call(appsList.loader, makeRequest(`/applications?${query}`, { cookie: await sessionCookieFor("reviewer") }))).result).rows.map(
        (r) => r.id,
      );
    await db().updateTable("applications").set({ status: "submitted" }).where("id", "=", renewal.id).execute();
    expect(await list("tier=specialized-new&year=2025&status=pipeline")).not.toContain(renewal.id);
    expect(await list("tier=specialized-new&year=2025&status=pipeline&renewal=1")).toContain(renewal.id);
    expect(await verifyCounters(db())).toEqual([]);
    await expectMatchesOracle(db(), reviewer, 2025);
  });

  it("pick the year and the pace on the Asia/Shanghai calendar", async () => {
    const years = await targetYears(db());
    expect(years).toEqual(expect.arrayContaining([2023, 2024, 2025, 2026]));
    // 2023-12-31 23:59:59 in Shanghai is still 2023; one second later it is 2024.
    expect(defaultYear(years, new Date("2023-12-31T15:59:59Z"))).toBe(2023);
    expect(defaultYear(years, new Date("2023-12-31T16:00:00Z"))).toBe(2024);
    // A year without targets falls back to the latest year that has them.
    expect(defaultYear(years, new Date("2031-06-01T00:00:00Z"))).toBe(Math.max(...years));
    const reviewer = await callerOf("reviewer");
    const lastHour = await loadProgress(db(), reviewer, 2023, new Date("2023-12-31T15:30:00Z"));
    const nextYear = await loadProgress(db(), reviewer, 2023, new Date("2023-12-31T16:30:00Z"));
    const demo = lastHour.tiers.find((t) => t.tier === "demonstration-factory")!;
    expect(demo.gap).toBeGreaterThan(0);
    expect(demo.pace).toBe(demo.gap); // December is the one month left
    expect(nextYear.tiers.find((t) => t.tier === "demonstration-factory")!.pace).toBeNull();
    // An award's year is its own column, not the UTC year of its timestamps.
    const firm = await newFirm();
    await db()
      .insertInto("awards")
      .values({ enterprise_id: firm, tier_code: "listed", level: "district", year: 2024, recognized_on: "2024-01-01", created_at: "2023-12-31T16:30:00.000Z" })
      .execute();
    await expectMatchesOracle(db(), reviewer, 2023);
    await expectMatchesOracle(db(), reviewer, 2024);
  });

  it("move a firm's counts when it changes town, and keep them when it is archived", async () => {
    const reviewer = await callerOf("reviewer");
    const firm = await newFirm("jintang", { aboveScale: true });
    await addAward(firm, "clean-beauty-factory", "district", 2024);
    await db()
      .insertInto("applications")
      .values({
        enterprise_id: firm,
        tier_code: "quality-factory",
        year: 2024,
        level_sought: "district",
        status: "submitted",
        payload: "{}",
        created_at: "2024-04-01T00:00:00Z",
        updated_at: "2024-04-01T00:00:00Z",
      })
      .execute();
    const cell = async (town: string) => (await loadProgress(db(), reviewer, 2024)).towns.find((t) => t.code === town)!.cells;
    const jBefore = await cell("jintang");
    const bBefore = await cell("baiquan");
    await db().updateTable("enterprises").set({ town_code: "baiquan" }).where("id", "=", firm).execute();
    const jAfter = await cell("jintang");
    const bAfter = await cell("baiquan");
    expect(jAfter["clean-beauty-factory"].achieved).toBe(jBefore["clean-beauty-factory"].achieved - 1);
    expect(bAfter["clean-beauty-factory"].achieved).toBe(bBefore["clean-beauty-factory"].achieved + 1);
    expect(jAfter["quality-factory"].pipeline).toBe(jBefore["quality-factory"].pipeline - 1);
    expect(bAfter["quality-factory"].pipeline).toBe(bBefore["quality-factory"].pipeline + 1);
    expect(await verifyCounters(db())).toEqual([]);
    const district = achievedOf(await loadProgress(db(), reviewer, 2024), "clean-beauty-factory");
    await db().updateTable("enterprises").set({ archived_at: "2024-12-01T00:00:00Z" }).where("id", "=", firm).execute();
    expect(achievedOf(await loadProgress(db(), reviewer, 2024), "clean-beauty-factory")).toBe(district);
    expect(await verifyCounters(db())).toEqual([]);
  });

  it("report coverage with an empty denominator as no percentage, not a division by zero", async () => {
    const reviewer = await callerOf("reviewer");
    const sentinel = new Error("rollback");
    let inside: Awaited<ReturnType<typeof loadCoverage>> | undefined;
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable("industries").set({ manufacturing: 0 }).execute();
          inside = await loadCoverage(trx, reviewer);
          throw sentinel;
        }),
    ).rejects.toBe(sentinel);
    expect(inside!.district).toEqual({ covered: 0, total: 0, percent: null });
    expect(inside!.towns.every((t) => t.coverage.percent === null)).toBe(true);
    const normal = await loadCoverage(db(), reviewer);
    expect(normal.district.total).toBeGreaterThan(0);
  });

  it("cover above-scale manufacturers holding a live clean-beauty award of any year", async () => {
    const reviewer = await callerOf("reviewer");
    const before = (await loadCoverage(db(), reviewer)).district;
    const firm = await newFirm("xiaosha", { aboveScale: true });
    // Below scale: not in the denominator.
    await newFirm("xiaosha", { aboveScale: false });
    let now = (await loadCoverage(db(), reviewer)).district;
    expect(now.total).toBe(before.total + 1);
    expect(now.covered).toBe(before.covered);
    const uncovered = await listUncoveredFirms(db(), reviewer, { town: "xiaosha", cursor: null });
    expect(uncovered.rows.map((r) => r.id)).toContain(firm);
    const award = await addAward(firm, "clean-beauty-factory", "district", 2022);
    now = (await loadCoverage(db(), reviewer)).district;
    expect(now.covered).toBe(before.covered + 1);
    expect((await listUncoveredFirms(db(), reviewer, { town: "xiaosha", cursor: null })).rows.map((r) => r.id)).not.toContain(firm);
    await db().updateTable("awards").set({ revoked_on: "2024-01-01" }).where("id", "=", award).execute();
    expect((await loadCoverage(db(), reviewer)).district.covered).toBe(before.covered);
    await expectMatchesOracle(db(), reviewer, 2022);
  });
});

describe("counters under a randomised sequence of changes", () => {
  it("stay equal to a recomputation after 700 seeded transitions", async () => {
    const rng = mulberry32(0x5eed2023);
    const d = db();
    const reviewer = await callerOf("reviewer");
    const towns = (await d.selectFrom("towns").select("code").execute()).map((t) => t.code);
    const firms = (await d.selectFrom("enterprises").select("id").orderBy("id").limit(60).execute()).map((e) => e.id);
    const years = [2025, 2026];
    const stamp = "2026-05-01T00:00:00.000Z";
    const done: Record<string, number> = {};
    const note = (op: string) => (done[op] = (done[op] ?? 0) + 1);
    const appsIn = async (statuses: Status[]) =>
      d.selectFrom("applications").select(["id", "enterprise_id", "tier_code", "year", "status"]).where("enterprise_id", "in", firms).where("status", "in", statuses).execute();
    // Levels sought, none among them: the pipeline counts them apart (0017's counters).
    const seek = () => pick(rng, [null, "national", "provincial", "municipal", "district"] as const);
    const OPS = [
      "insert",
      "submit",
      "return",
      "resubmit",
      "propose",
      "withdraw",
      "approve",
      "reject",
      "revoke",
      "move",
      "level",
      "seek",
      "rekey",
      "award",
      "delete",
      "scale",
      "archive",
    ] as const;
    for (let step = 0; step < 700; step++) {
      const op = pick(rng, OPS);
      try {
        if (op === "insert") {
          await d
            .insertInto("applications")
            .values({
              enterprise_id: pick(rng, firms),
              tier_code: pick(rng, TIER_CODES),
              year: pick(rng, years),
              status: chance(rng, 0.5) ? "draft" : "submitted",
              level_sought: seek(),
              payload: "{}",
              created_at: stamp,
              updated_at: stamp,
            })
            .execute();
        } else if (op === "scale" || op === "archive") {
          // Coverage's denominator: firms entering or leaving above scale, archived or restored.
          const firm = pick(rng, firms);
          await d
            .updateTable("enterprises")
            .set(op === "scale" ? { above_scale: chance(rng, 0.5) ? 1 : 0 } : { archived_at: chance(rng, 0.7) ? null : stamp })
            .where("id", "=", firm)
            .execute();
        } else if (op === "move") {
          await d
            .updateTable("enterprises")
            .set({ town_code: pick(rng, towns) })
            .where("id", "=", pick(rng, firms))
            .execute();
        } else if (op === "level") {
          const live = await d.selectFrom("awards").select("id").where("enterprise_id", "in", firms).where("revoked_on", "is", null).execute();
          if (!live.length) continue;
          await d
            .updateTable("awards")
            .set({ level: pick(rng, ["national", "provincial", "municipal", "district"] as const) })
            .where("id", "=", pick(rng, live).id)
            .execute();
        } else if (op === "seek" || op === "rekey") {
          // The level sought changed on the form, or (by maintenance) the year, tier or firm.
          const apps = await appsIn(["draft", "submitted", "returned", "publicized", "approved"]);
          if (!apps.length) continue;
          const app = pick(rng, apps);
          await d
            .updateTable("applications")
            .set(op === "seek" ? { level_sought: seek() } : pick(rng, [{ year: pick(rng, years) }, { tier_code: pick(rng, TIER_CODES) }, { enterprise_id: pick(rng, firms) }]))
            .where("id", "=", app.id)
            .execute();
        } else if (op === "award") {
          await addAward(pick(rng, firms), pick(rng, TIER_CODES), pick(rng, ["provincial", "municipal", "district"] as const), pick(rng, years));
        } else if (op === "delete") {
          // Drafts this test created (seeded ones have history rows that keep them).
          const drafts = await d
            .selectFrom("applications")
            .select("id")
            .where("enterprise_id", "in", firms)
            .where("status", "=", "draft")
            .where("created_at", "=", stamp)
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom("application_events as ev").select("ev.id").whereRef("ev.application_id", "=", "applications.id"))))
            .execute();
          if (!drafts.length) continue;
          await d.deleteFrom("applications").where("id", "=", pick(rng, drafts).id).execute();
        } else {
          const from: Record<string, Status[]> = {
            submit: ["draft"],
            return: ["submitted"],
            resubmit: ["returned"],
            propose: ["submitted"],
            withdraw: ["submitted", "returned"],
            approve: ["submitted", "publicized"],
            reject: ["submitted", "publicized"],
            revoke: ["approved"],
          };
          const to: Record<string, Status> = {
            submit: "submitted",
            return: "returned",
            resubmit: "submitted",
            propose: "publicized",
            withdraw: "withdrawn",
            approve: "approved",
            reject: "rejected",
            revoke: "revoked",
          };
          const candidates = await appsIn(from[op]!);
          if (!candidates.length) continue;
          const app = pick(rng, candidates);
          await d.transaction().execute(async (trx) => {
            await trx.updateTable("applications").set({ status: to[op]!, updated_at: stamp }).where("id", "=", app.id).execute();
            if (op === "approve") {
              await trx
                .insertInto("awards")
                .values({
                  enterprise_id: app.enterprise_id,
                  tier_code: app.tier_code,
                  level: pick(rng, ["provincial", "municipal", "district"] as const),
                  year: app.year,
                  application_id: app.id,
                  created_at: stamp,
                })
                .execute();
            }
            if (op === "revoke") {
              await trx.updateTable("awards").set({ revoked_on: "2026-06-01" }).where("application_id", "=", app.id).execute();
            }
          });
        }
        note(op);
      } catch (error) {
        // The partial unique indexes refuse a second open application or live award: the whole
        // change is rolled back, the counters with it.
        if (!/UNIQUE|unique constraint/.test(String(error))) throw error;
        note(`${op}:refused`);
      }
      if (step % 50 === 49) expect(await verifyCounters(d), `after step ${step}`).toEqual([]);
    }
    expect(await verifyCounters(d)).toEqual([]);
    for (const year of years) await expectMatchesOracle(d, reviewer, year);
    // Every kind of change really happened.
    for (const op of OPS) {
      expect(done[op] ?? 0, op).toBeGreaterThan(0);
    }
  });
});

describe("/api/progress", () => {
  it("agrees with the dashboard for every tier and year of the demo data", async () => {
    const cookie = await sessionCookieFor("reviewer");
    for (const year of [2023, 2024, 2025, 2026]) {
      const api = await call(apiProgress.loader, makeRequest(`/api/progress?year=${year}`, { cookie }));
      const res = api.result as Response;
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
      const body = await res.json();
      expect(Object.keys(body).sort()).toEqual(["asOf", "cleanBeautyCoverage", "tiers", "year"]);
      expect(body.year).toBe(year);
      expect(Number.isNaN(Date.parse(body.asOf))).toBe(false);
      const page = dataOf((await call(dashboard.loader, makeRequest(`/dashboard?year=${year}`, { cookie }))).result);
      expect(body.tiers).toEqual(
        page.report.tiers.map((t: any) => ({
          tier: t.tier,
          target: t.target,
          achieved: t.achieved,
          pipeline: t.pipeline,
          pipelineLevelUndecided: t.pipelineLevelUndecided,
          gap: t.gap,
        })),
      );
      expect(body.cleanBeautyCoverage).toEqual(page.report.cleanBeautyCoverage);
      // The contract's fields, and 级别未定 (applications in review with no level yet) beside them.
      for (const t of body.tiers) expect(Object.keys(t).sort()).toEqual(["achieved", "gap", "pipeline", "pipelineLevelUndecided", "target", "tier"]);
    }
    const y2023 = (await (await call(apiProgress.loader, makeRequest("/api/progress?year=2023", { cookie }))).result) as Response;
    expect((await y2023.json()).tiers.map((t: any) => t.target)).toEqual([20, 12, 3, 1, 10, 10, 20]);
  });

  it("answers 401 JSON without a session, and 400 JSON for a bad year", async () => {
    const anon = (await call(apiProgress.loader, makeRequest("/api/progress?year=2023"))).result as Response;
    expect(anon.status).toBe(401);
    expect(anon.headers.get("Location")).toBeNull();
    expect((await anon.json()).error).toBe("unauthorized");
    const cookie = await sessionCookieFor("reviewer");
    for (const bad of ["abc", "1999", "2101", "2023.5", "20230"]) {
      const res = (await call(apiProgress.loader, makeRequest(`/api/progress?year=${bad}`, { cookie }))).result as Response;
      expect(res.status, bad).toBe(400);
      const body = await res.json();
      expect(body.error).toBe("bad-year");
      expect(body.message).toMatch(/2000 to 2100/);
    }
  });

  it("gives a town officer and an enterprise the same district figures", async () => {
    const figures = async (username: string) => {
      const res = (await call(apiProgress.loader, makeRequest("/api/progress?year=2025", { cookie: await sessionCookieFor(username) }))).result as Response;
      const body = await res.json();
      return { tiers: body.tiers, cleanBeautyCoverage: body.cleanBeautyCoverage };
    };
    const district = await figures("reviewer");
    expect(await figures("officer-jintang")).toEqual(district);
    expect(await figures("ent-yancang")).toEqual(district);
  });
});

describe("dashboard and drill-downs", () => {
  it("shows a town officer the district totals and only its own town", async () => {
    const cookie = await sessionCookieFor("officer-jintang");
    const page = dataOf((await call(dashboard.loader, makeRequest("/dashboard?year=2026", { cookie }))).result);
    expect(page.report.towns.map((t: any) => t.code)).toEqual(["jintang"]);
    expect(page.report.ownTown).toBe("jintang");
    const reviewerPage = dataOf((await call(dashboard.loader, makeRequest("/dashboard?year=2026", { cookie: await sessionCookieFor("reviewer") }))).result);
    expect(page.report.totals).toEqual(reviewerPage.report.totals);
    expect(reviewerPage.report.towns).toHaveLength(13);
    // The league's district row is the sum of the towns (cells as [achieved, pipeline] per tier in catalogue order).
    for (const [i] of TIER_CODES.entries()) {
      const sum = reviewerPage.report.towns.reduce((n: number, t: any) => n + t.cells[i][0], 0);
      expect(sum).toBe(reviewerPage.report.totals[i][0]);
    }
  });

  it("refuses enterprises (403), sends anonymous visitors to sign in, and rejects a bad year with 400", async () => {
    const ent = await call(dashboard.loader, makeRequest("/dashboard", { cookie: await sessionCookieFor("ent-jintang") }));
    expect(statusOf(ent.result)).toBe(403);
    const anon = await call(dashboard.loader, makeRequest("/dashboard"));
    expect((anon.result as Response).headers.get("Location")).toMatch(/^\/login/);
    const bad = await call(dashboard.loader, makeRequest("/dashboard?year=nope", { cookie: await sessionCookieFor("reviewer") }));
    expect(statusOf(bad.result)).toBe(400);
  });

  it("lists exactly the firms behind each achieved figure", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const page = dataOf((await call(dashboard.loader, makeRequest("/dashboard?year=2023", { cookie }))).result);
    for (const t of page.report.tiers) {
      const list = dataOf((await call(firmsRoute.loader, makeRequest(`/progress/firms?year=2023&tier=${t.tier}`, { cookie }))).result);
      expect(list.rows, t.tier).toHaveLength(t.achieved);
      expect(list.counted).toBe(t.achieved);
      expect(new Set(list.rows.map((r: any) => r.enterpriseId)).size).toBe(t.achieved);
    }
  });

  it("scopes the drill-downs: an officer opens its own town, 404 for another", async () => {
    const cookie = await sessionCookieFor("officer-jintang");
    const own = await call(firmsRoute.loader, makeRequest("/progress/firms?year=2024&tier=clean-beauty-factory&town=jintang", { cookie }));
    expect(statusOf(own.result)).toBe(200);
    const rows = dataOf(own.result).rows;
    expect(rows.every((r: any) => r.townCode === "jintang")).toBe(true);
    const other = await call(firmsRoute.loader, makeRequest("/progress/firms?year=2024&tier=clean-beauty-factory&town=yancang", { cookie }));
    expect(statusOf(other.result)).toBe(404);
    const unknown = await call(firmsRoute.loader, makeRequest("/progress/firms?year=2024&tier=clean-beauty-factory&town=nowhere", { cookie }));
    expect(statusOf(unknown.result)).toBe(404);
    // Without a town, an officer still sees only its own town's firms.
    const bare = dataOf((await call(firmsRoute.loader, makeRequest("/progress/firms?year=2024&tier=specialized-new", { cookie }))).result);
    expect(bare.town).toBe("jintang");
    expect(bare.rows.every((r: any) => r.townCode === "jintang")).toBe(true);
    const cov = dataOf((await call(coverageRoute.loader, makeRequest("/progress/coverage", { cookie }))).result);
    expect(cov.rows.length).toBe(cov.coverage.total - cov.coverage.covered);
    expect(cov.rows.every((r: any) => r.townCode === "jintang")).toBe(true);
    const covOther = await call(coverageRoute.loader, makeRequest("/progress/coverage?town=yancang", { cookie }));
    expect(statusOf(covOther.result)).toBe(404);
    const ent = await call(firmsRoute.loader, makeRequest("/progress/firms?year=2024&tier=specialized-new", { cookie: await sessionCookieFor("ent-jintang") }));
    expect(statusOf(ent.result)).toBe(403);
    const badTier = await call(firmsRoute.loader, makeRequest("/progress/firms?year=2024&tier=nope", { cookie }));
    expect(statusOf(badTier.result)).toBe(400);
  });

  it("lists every uncovered firm of the district for a reviewer", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const cov = dataOf((await call(coverageRoute.loader, makeRequest("/progress/coverage", { cookie }))).result);
    let n = cov.rows.length;
    let next = cov.next;
    while (next) {
      const more = dataOf((await call(coverageRoute.loader, makeRequest(`/progress/coverage?cursor=${next}`, { cookie }))).result);
      n += more.rows.length;
      next = more.next;
    }
    expect(n).toBe(cov.coverage.total - cov.coverage.covered);
  });
});

describe("drill-down paging", () => {
  it("walks every page with a keyset cursor, no row twice, none missed", async () => {
    const reviewer = await callerOf("reviewer");
    const all = await listAwardedFirms(db(), reviewer, { year: 2023, tier: "clean-beauty-factory", town: null, includeBelow: false, cursor: null });
    expect(all.next).toBeNull();
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listAwardedFirms>> = await listAwardedFirms(db(), reviewer, {
        year: 2023,
        tier: "clean-beauty-factory",
        town: null,
        includeBelow: false,
        cursor,
        pageSize: 4,
      });
      expect(page.rows.length).toBeLessThanOrEqual(4);
      seen.push(...page.rows.map((r) => r.awardId));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all.rows.map((r) => r.awardId));
    expect(seen.length).toBeGreaterThan(8);
    const dates = all.rows.map((r) => r.recognizedOn ?? "");
    expect(dates).toEqual([...dates].sort());

    const fullList = await listUncoveredFirms(db(), reviewer, { town: null, cursor: null });
    const names: number[] = [];
    cursor = null;
    do {
      const page: Awaited<ReturnType<typeof listUncoveredFirms>> = await listUncoveredFirms(db(), reviewer, { town: null, cursor, pageSize: 7 });
      names.push(...page.rows.map((r) => r.id));
      cursor = page.next;
    } while (cursor);
    expect(names).toEqual(fullList.rows.map((r) => r.id));
    expect(names.length).toBeGreaterThan(14);
  });
});

describe("report export", () => {
  async function exportCount() {
    const row = await db()
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("action", "=", "export")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it("exports CSV with a BOM, Chinese headers, year, as-of, by tier and by town, and audits it", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const before = await exportCount();
    const res = (await call(reportCsv.loader, makeRequest("/dashboard/report.csv?year=2023", { cookie }))).result as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect(res.headers.get("Content-Disposition")).toMatch(/filename\*=UTF-8''/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("定海区企业梯度培育进度报表");
    expect(lines).toContain("年度,2023");
    expect(text).toMatch(/数据截至,\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
    expect(lines).toContain("类别,计数口径,目标,已完成,完成率(%),差距,在审(已提交+退回修改),每月需完成,年末预计,往年通过率(%)");
    const page = dataOf((await call(dashboard.loader, makeRequest("/dashboard?year=2023", { cookie }))).result);
    const sn = page.report.tiers[0];
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^专精特新中小企业,省级及以上新认定,20,${sn.achieved},`)));
    expect(lines.some((l) => l.startsWith("金塘镇,"))).toBe(true);
    expect(lines.some((l) => l.startsWith("全区合计,"))).toBe(true);
    expect(await exportCount()).toBe(before + 1);
  });

  it("exports XLSX with the same figures, and an officer's report holds only its own town", async () => {
    const cookie = await sessionCookieFor("officer-yancang");
    const res = (await call(reportXlsx.loader, makeRequest("/dashboard/report.xlsx?year=2025", { cookie }))).result as Response;
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const byTier = wb.getWorksheet("按类别")!;
    expect(byTier.getCell("A1").value).toBe("定海区企业梯度培育进度报表");
    const values = (ws: ExcelJS.Worksheet) => {
      const out: unknown[][] = [];
      ws.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const tierRows = values(byTier);
    expect(tierRows).toContainEqual(["年度", "2025"]);
    const report = await loadProgress(db(), await callerOf("officer-yancang"), 2025);
    const green = tierRows.find((r) => r[0] === "绿色工厂")!;
    expect(green[2]).toBe(report.tiers.find((t) => t.tier === "green-factory")!.target);
    expect(green[3]).toBe(report.tiers.find((t) => t.tier === "green-factory")!.achieved);
    const townRows = values(wb.getWorksheet("按镇（街道）")!);
    const names = townRows.map((r) => r[0]);
    expect(names).toContain("盐仓街道");
    expect(names).toContain("全区合计");
    expect(names).not.toContain("金塘镇");
  });

  it("refuses enterprises and anonymous visitors", async () => {
    const ent = await call(reportCsv.loader, makeRequest("/dashboard/report.csv", { cookie: await sessionCookieFor("ent-jintang") }));
    expect(statusOf(ent.result)).toBe(403);
    const anon = await call(reportXlsx.loader, makeRequest("/dashboard/report.xlsx"));
    expect((anon.result as Response).status).toBe(302);
  });
});

describe("the town league at province scale", () => {
  it("pages the towns in catalogue order, 15 at a time, each page with the same district figures", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const reviewer = await callerOf("reviewer");
    // 30 more county-level units, sorted between and after the real towns; one holds a firm
    // with a counted award and an application in review.
    const extra = Array.from({ length: 30 }, (_, i) => ({
      code: `unit-${String(i).padStart(2, "0")}`,
      name_zh: `合成单位${i}`,
      name_en: `Unit ${i}`,
      kind: "town" as const,
      managed_by: "district" as const,
      sort: i % 2 === 0 ? 100 + i : 5,
    }));
    await db().insertInto("towns").values(extra).execute();
    const firm = await newFirm("unit-21");
    await addAward(firm, "quality-factory", "district", 2026);
    await db()
      .insertInto("applications")
      .values({
        enterprise_id: firm,
        tier_code: "scaled-up",
        year: 2026,
        level_sought: "district",
        status: "submitted",
        payload: "{}",
        created_by: reviewer.id,
        created_at: "2026-03-01T02:00:00.000Z",
        updated_at: "2026-03-01T02:00:00.000Z",
      })
      .execute();
    try {
      const all = await loadProgress(db(), reviewer, 2026);
      expect(all.towns).toHaveLength(43);
      expect(all.townPage).toEqual({ from: 1, total: 43, next: null });
      const pages: any[] = [];
      let after: string | null = null;
      do {
        const url: string = `/dashboard?year=2026${after ? `&townsAfter=${after}` : ""}`;
        const page: any = dataOf((await call(dashboard.loader, makeRequest(url, { cookie }))).result);
        pages.push(page);
        after = page.report.townPage.next;
      } while (after && pages.length < 10);
      expect(pages.map((p) => p.report.towns.length)).toEqual([15, 15, 13]);
      expect(pages.map((p) => p.report.townPage.from)).toEqual([1, 16, 31]);
      expect(pages.every((p) => p.report.townPage.total === 43)).toBe(true);
      // Every town once, in the catalogue's order, with the figures of the unpaged report.
      const paged = pages.flatMap((p) => p.report.towns);
      expect(paged.map((t: any) => t.code)).toEqual(all.towns.map((t) => t.code));
      const packed = (cells: Record<string, { achieved: number; pipeline: number }>) => TIER_CODES.map((t) => [cells[t]!.achieved, cells[t]!.pipeline]);
      expect(paged).toEqual(all.towns.map((t) => ({ ...t, cells: packed(t.cells) })));
      const unit = all.towns.find((t: any) => t.code === "unit-21")!;
      expect(unit.cells["quality-factory"]).toEqual({ achieved: 1, pipeline: 0, pipelineLevelUndecided: 0 });
      expect(unit.cells["scaled-up"]).toEqual({ achieved: 0, pipeline: 1, pipelineLevelUndecided: 0 });
      for (const p of pages) {
        expect(p.report.tiers).toEqual(pages[0].report.tiers);
        expect(p.report.totals).toEqual(packed(all.totals));
      }
      // A stale or edited cursor starts from the first page; a town officer sees its own town.
      const stale = dataOf((await call(dashboard.loader, makeRequest("/dashboard?year=2026&townsAfter=nowhere", { cookie }))).result);
      expect(stale.report.towns.map((t: any) => t.code)).toEqual(pages[0].report.towns.map((t: any) => t.code));
      const officer = dataOf((await call(dashboard.loader, makeRequest("/dashboard?year=2026&townsAfter=jintang", { cookie: await sessionCookieFor("officer-jintang") }))).result);
      expect(officer.report.towns.map((t: any) => t.code)).toEqual(["jintang"]);
      expect(officer.report.townPage).toEqual({ from: 1, total: 1, next: null });
    } finally {
      await db().deleteFrom("applications").where("enterprise_id", "=", firm).execute();
      await db().deleteFrom("awards").where("enterprise_id", "=", firm).execute();
      await db().deleteFrom("enterprises").where("id", "=", firm).execute();
      await db().deleteFrom("towns").where("code", "like", "unit-%").execute();
    }
    expect(await verifyCounters(db())).toEqual([]);
  });

  it("keeps district totals by level equal to the per-town counters", async () => {
    const [totals, perTown] = await Promise.all([
      db()
        .selectFrom("award_level_totals")
        .select(["year", "tier_code", "level", (eb) => eb.fn.sum<number>("n").as("n")])
        .groupBy(["year", "tier_code", "level"])
        .having((eb) => eb.fn.sum("n"), ">", 0)
        .orderBy(["year", "tier_code", "level"])
        .execute(),
      db()
        .selectFrom("progress_award_counts")
        .select(["year", "tier_code", "level", (eb) => eb.fn.sum<number>("n").as("n")])
        .groupBy(["year", "tier_code", "level"])
        .having((eb) => eb.fn.sum("n"), ">", 0)
        .orderBy(["year", "tier_code", "level"])
        .execute(),
    ]);
    expect(totals.length).toBeGreaterThan(20);
    expect(totals.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(perTown.map((r) => ({ ...r, n: Number(r.n) })));
  });
});
