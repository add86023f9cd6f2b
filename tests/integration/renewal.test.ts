/**
 * Validity and renewal (复核): valid_until from the bureau's settings on approval and import, the
 * expiring list and its API in every scope, and renewal approval — one new award linked to the
 * old one, the old one ended, never counted as a new recognition (counters equal a recount),
 * one award even when two reviewers approve at once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import * as api from "~/routes/api.awards.expiring";
import { approveApplication } from "~/models/application-approval.server";
import { previewAwardImport } from "~/models/award-import.server";
import { readSheet } from "~/models/import-file.server";
import { verifyCounters } from "~/models/progress-check.server";
import { listExpiringAwards, loadTierValidity, startRenewal, updateTierValidity, renewalSummary } from "~/models/validity.server";
import { addDays, addMonths } from "~/domain/validity";
import type { Caller } from "~/domain/scope";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { call, makeRequest, statusOf } from "../support/requests";
import { caller, cookie, csvOf, freshUscc, utf8 } from "./import.helpers";

const today = todayInShanghai();
const thisYear = Number(today.slice(0, 4));
let reviewer: Caller;
let entA: Caller;
let officerA: Caller;
let officerB: Caller;
let townA = "";
let townB = "";
let firmC = 0; // a fresh firm in town A
let firmD = 0; // a fresh firm in town B
let seq = 0;

async function newFirm(town: string): Promise<number> {
  seq++;
  const now = new Date().toISOString();
  const row = await db()
    .insertInto("enterprises")
    .values({
      uscc: freshUscc(81_500_000 + seq + Math.floor(Math.random() * 1000) * 100),
      name: `续期测试企业${seq}有限公司`,
      town_code: town,
      industry_code: (await db().selectFrom("industries").select("code").limit(1).executeTakeFirstOrThrow()).code,
      revenue_yuan: 31_000_000,
      rd_expense_yuan: 1_500_000,
      employees: 88,
      above_scale: 0,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // What the registry knows of it: last year's figures, as a renewal's prefill reads them.
  await db()
    .insertInto("enterprise_figures")
    .values({
      enterprise_id: row.id,
      year: Number(todayInShanghai().slice(0, 4)) - 1,
      revenue_yuan: 31_000_000,
      rd_expense_yuan: 1_500_000,
      employees: 88,
      source: "bureau",
      updated_at: now,
    })
    .execute();
  return Number(row.id);
}

async function newAward(firm: number, tier: string, validUntil: string, year = 2005, level = "district"): Promise<number> {
  const row = await db()
    .insertInto("awards")
    .values({
      enterprise_id: firm,
      tier_code: tier,
      level: level as never,
      year,
      recognized_on: addMonths(validUntil, -36),
      valid_until: validUntil,
      created_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Live NEW awards counted for a year and tier (the dashboard's "achieved" before levels). */
async function counted(year: number, tier: string): Promise<number> {
  const r = await sql<{ n: number | null }>`SELECT sum(n) AS n FROM award_level_totals WHERE year = ${year} AND tier_code = ${tier}`.execute(db());
  return Number(r.rows[0]?.n ?? 0);
}

async function submittedRenewal(award: number, as: Caller): Promise<{ id: number; version: number }> {
  const started = await startRenewal(db(), as, award);
  expect(started.ok).toBe(true);
  if (!started.ok) throw new Error("not started");
  await db().updateTable("applications").set({ status: "submitted", version: 2, submitted_at: new Date().toISOString() }).where("id", "=", started.applicationId).execute();
  return { id: started.applicationId, version: 2 };
}

beforeAll(async () => {
  reviewer = await caller("reviewer");
  entA = await caller("ent-jintang");
  officerA = await caller("officer-jintang");
  officerB = await caller("officer-yancang");
  townA = officerA.townCode!;
  townB = officerB.townCode!;
  firmC = await newFirm(townA);
  firmD = await newFirm(townB);
});

describe("validity settings", () => {
  it("seeds one row per tier with the defaults: 36 months for 专精特新, 12 for green factories, none for 升规", async () => {
    const v = await loadTierValidity(db());
    expect(v.get("specialized-new")).toMatchObject({ validityMonths: 36, renewBeforeDays: 180, renewAfterDays: 90 });
    expect(v.get("green-factory")?.validityMonths).toBe(12);
    expect(v.get("scaled-up")?.validityMonths).toBeNull();
    const rows = await db().selectFrom("tier_validity").select("tier_code").execute();
    expect(rows).toHaveLength(7);
  });

  it("saves a tier's settings with an audit row, and the database refuses impossible values", async () => {
    await updateTierValidity(db(), reviewer, { tierCode: "demonstration-factory", validityMonths: 24, renewBeforeDays: 120, renewAfterDays: 60 });
    expect((await loadTierValidity(db())).get("demonstration-factory")).toMatchObject({ validityMonths: 24, renewBeforeDays: 120 });
    const audit = await db().selectFrom("audit_log").select(["data"]).where("action", "=", "validity.update").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data!)).toMatchObject({ before: { validityMonths: 36 }, after: { validityMonths: 24 } });
    await expect(db().updateTable("tier_validity").set({ validity_months: 0 }).where("tier_code", "=", "listed").execute()).rejects.toThrow();
    await expect(updateTierValidity(db(), entA, { tierCode: "listed", validityMonths: 1, renewBeforeDays: 1, renewAfterDays: 1 })).rejects.toMatchObject({ kind: "not-found" });
    await updateTierValidity(db(), reviewer, { tierCode: "demonstration-factory", validityMonths: 36, renewBeforeDays: 180, renewAfterDays: 90 });
  });
});

describe("valid_until of new awards", () => {
  it("approval sets it from the tier's settings when the decision gives none", async () => {
    await updateTierValidity(db(), reviewer, { tierCode: "quality-factory", validityMonths: 30, renewBeforeDays: 180, renewAfterDays: 90 });
    const now = new Date().toISOString();
    const app = await db()
      .insertInto("applications")
      .values({
        enterprise_id: firmC,
        tier_code: "quality-factory",
        year: 2031,
        level_sought: "district",
        status: "submitted",
        payload: "{}",
        version: 2,
        created_at: now,
        updated_at: now,
        submitted_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const r = await approveApplication(db(), reviewer, Number(app.id), { version: 2, level: "district", recognizedOn: "2028-02-29", documentNo: "舟经信〔2028〕1号" });
    expect(r.ok).toBe(true);
    const award = await db().selectFrom("awards").selectAll().where("application_id", "=", Number(app.id)).executeTakeFirstOrThrow();
    expect(award.valid_until).toBe("2030-08-29");
    expect(award.renews_award_id).toBeNull();
    await updateTierValidity(db(), reviewer, { tierCode: "quality-factory", validityMonths: 36, renewBeforeDays: 180, renewAfterDays: 90 });
    expect(await verifyCounters(db())).toEqual([]);
  });

  it("the recognition-list import sets it from the tier's settings unless the list gives it", async () => {
    const firm = await db().selectFrom("enterprises").select(["name", "uscc"]).where("id", "=", firmC).executeTakeFirstOrThrow();
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["企业名称", "统一社会信用代码", "认定日期", "有效期至"],
          [firm.name, firm.uscc, "2024-02-29", ""],
          [firm.name, firm.uscc, "2024-03-01", "2025-12-31"],
        ]),
      ),
    );
    const preview = await previewAwardImport(db(), sheet, { tier: "green-factory", level: "municipal" }, "zh");
    const rows = preview.rows.filter((r) => r.firm?.id === firmC);
    expect(rows.map((r) => r.validUntil)).toEqual(["2025-02-28", "2025-12-31"]);
  });
});

describe("the expiring list and its API", () => {
  let soonC = 0;
  let expiredC = 0;
  let lapsedC = 0;
  let farC = 0;
  let soonD = 0;
  beforeAll(async () => {
    soonC = await newAward(firmC, "specialized-new", addDays(today, 20), 2005, "provincial");
    expiredC = await newAward(firmC, "clean-beauty-factory", addDays(today, -10), 2005);
    lapsedC = await newAward(firmC, "demonstration-factory", addDays(today, -91), 2005);
    farC = await newAward(firmC, "quality-factory", addDays(today, 400), 2005);
    soonD = await newAward(firmD, "specialized-new", addDays(today, 100), 2005, "provincial");
  });

  it("the bureau sees every town; expired awards only while still renewable; within bounds the list", async () => {
    const all = await listExpiringAwards(db(), reviewer, { within: 180 });
    const ids = all.awards.map((a) => a.awardId);
    expect(ids).toEqual(expect.arrayContaining([soonC, expiredC, soonD]));
    expect(ids).not.toContain(lapsedC);
    expect(ids).not.toContain(farC);
    expect(all.awards.find((a) => a.awardId === expiredC)?.daysLeft).toBe(-10);
    expect(all.awards.find((a) => a.awardId === soonC)?.daysLeft).toBe(20);
    const near = await listExpiringAwards(db(), reviewer, { within: 30 });
    expect(near.awards.map((a) => a.awardId)).not.toContain(soonD);
    const sorted = all.awards.map((a) => a.validUntil);
    expect(sorted).toEqual([...sorted].sort());
    const tier = await listExpiringAwards(db(), reviewer, { within: 180, tier: "clean-beauty-factory" });
    expect(tier.awards.every((a) => a.tier === "clean-beauty-factory")).toBe(true);
  });

  it("a town officer sees its town only; an enterprise its own firm only", async () => {
    const a = await listExpiringAwards(db(), officerA, { within: 180 });
    expect(a.awards.map((x) => x.awardId)).toContain(soonC);
    expect(a.awards.every((x) => x.townCode === townA)).toBe(true);
    const b = await listExpiringAwards(db(), officerB, { within: 180 });
    expect(b.awards.map((x) => x.awardId)).toContain(soonD);
    expect(b.awards.map((x) => x.awardId)).not.toContain(soonC);
    const e = await listExpiringAwards(db(), entA, { within: 730 });
    expect(e.awards.every((x) => x.enterpriseId === entA.enterpriseId)).toBe(true);
    expect(e.awards.map((x) => x.awardId)).not.toContain(soonC);
  });

  it("GET /api/awards/expiring: 401 without a session, 400 naming a bad parameter, scoped JSON otherwise", async () => {
    const anon = await call(api.loader as never, makeRequest("/api/awards/expiring?within=180"));
    expect(statusOf(anon.result)).toBe(401);
    for (const bad of ["abc", "0", "-5", "731", "1e3", "18\u0000", "9".repeat(5000)]) {
      const r = await call(api.loader as never, makeRequest(`/api/awards/expiring?within=${encodeURIComponent(bad)}`, { cookie: await cookie("officer-jintang") }));
      expect(statusOf(r.result)).toBe(400);
      const body = await (r.result as Response).json();
      expect(body).toMatchObject({ error: "bad-within", field: "within" });
      expect(body.messageZh).toContain("到期天数");
    }
    const badTier = await call(api.loader as never, makeRequest("/api/awards/expiring?tier=%3Cscript%3E", { cookie: await cookie("reviewer") }));
    expect(statusOf(badTier.result)).toBe(400);
    const ok = await call(api.loader as never, makeRequest("/api/awards/expiring?within=180", { cookie: await cookie("officer-yancang") }));
    expect(statusOf(ok.result)).toBe(200);
    const body = await (ok.result as Response).json();
    expect(body).toMatchObject({ asOf: today, within: 180 });
    const d = body.awards.find((a: { awardId: number }) => a.awardId === soonD);
    expect(d).toEqual({
      awardId: soonD,
      enterpriseId: firmD,
      name: expect.any(String),
      tier: "specialized-new",
      level: "provincial",
      validUntil: addDays(today, 100),
      daysLeft: 100,
    });
    expect(body.awards.some((a: { awardId: number }) => a.awardId === soonC)).toBe(false);
  });

  it("renewal approval issues exactly one linked award, ends the old one and never counts as new", async () => {
    const before = await counted(thisYear, "specialized-new");
    const beforeTown = await sql<{ n: number | null }>`SELECT sum(n) AS n FROM progress_award_counts WHERE year = ${thisYear} AND tier_code = 'specialized-new'`.execute(db());
    const firmCaller: Caller = { id: entA.id, role: "enterprise", enterpriseId: firmC, townCode: null };
    const { id, version } = await submittedRenewal(soonC, firmCaller);
    const app = await db().selectFrom("applications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(app).toMatchObject({ renews_award_id: soonC, tier_code: "specialized-new", year: thisYear, level_sought: "provincial" });
    expect(JSON.parse(app.payload)).toMatchObject({ revenueYuan: 31_000_000, rdExpenseYuan: 1_500_000, employees: 88 });
    // Starting again finds the open renewal instead of a second one.
    expect(await startRenewal(db(), firmCaller, soonC)).toEqual({ ok: true, applicationId: id, created: false });
    const r = await approveApplication(db(), reviewer, id, { version, level: "provincial", recognizedOn: today, documentNo: "浙经信〔复核〕1号" });
    expect(r.ok).toBe(true);
    const linked = await db().selectFrom("awards").selectAll().where("renews_award_id", "=", soonC).execute();
    expect(linked).toHaveLength(1);
    expect(linked[0]).toMatchObject({ enterprise_id: firmC, year: thisYear, valid_until: addMonths(today, 36), application_id: id, revoked_on: null });
    const old = await db().selectFrom("awards").select(["ended_on", "revoked_on"]).where("id", "=", soonC).executeTakeFirstOrThrow();
    expect(old).toEqual({ ended_on: today, revoked_on: null });
    expect(await counted(thisYear, "specialized-new")).toBe(before);
    const afterTown = await sql<{ n: number | null }>`SELECT sum(n) AS n FROM progress_award_counts WHERE year = ${thisYear} AND tier_code = 'specialized-new'`.execute(db());
    expect(Number(afterTown.rows[0]?.n ?? 0)).toBe(Number(beforeTown.rows[0]?.n ?? 0));
    expect(await verifyCounters(db())).toEqual([]);
    // The superseded award leaves the expiring list; the summary counts it as renewed when due this year.
    expect((await listExpiringAwards(db(), reviewer, { within: 180 })).awards.map((a) => a.awardId)).not.toContain(soonC);
    const summary = await renewalSummary(db(), Number(addDays(today, 20).slice(0, 4)));
    expect(summary.find((s) => s.tier === "specialized-new")!.done).toBeGreaterThanOrEqual(1);
    // Moving the firm to another town moves its counts, still without the renewal.
    await db().updateTable("enterprises").set({ town_code: townB }).where("id", "=", firmC).execute();
    expect(await verifyCounters(db())).toEqual([]);
    await db().updateTable("enterprises").set({ town_code: townA }).where("id", "=", firmC).execute();
    // Revoking the renewal award changes no counter either.
    await db().updateTable("awards").set({ revoked_on: today }).where("id", "=", linked[0]!.id).execute();
    expect(await verifyCounters(db())).toEqual([]);
    expect(await counted(thisYear, "specialized-new")).toBe(before);
  });

  it("two reviewers approving the same renewal at once give one award", async () => {
    const firmCaller: Caller = { id: entA.id, role: "enterprise", enterpriseId: firmD, townCode: null };
    const { id, version } = await submittedRenewal(soonD, firmCaller);
    const admin = await caller("admin");
    const results = await Promise.all([
      approveApplication(db(), reviewer, id, { version, level: "provincial", recognizedOn: today, documentNo: "A" }),
      approveApplication(db(), admin, id, { version, level: "provincial", recognizedOn: today, documentNo: "B" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db().selectFrom("awards").select("id").where("renews_award_id", "=", soonD).execute()).toHaveLength(1);
    expect(await verifyCounters(db())).toEqual([]);
    // The database itself refuses a second renewal of the same award.
    await expect(
      db()
        .insertInto("awards")
        .values({ enterprise_id: firmD, tier_code: "specialized-new", level: "provincial", year: 2099, renews_award_id: soonD, created_at: today })
        .execute(),
    ).rejects.toThrow();
  });

  it("refuses renewals outside the window, of revoked awards, and out of scope (404)", async () => {
    const firmCaller: Caller = { id: entA.id, role: "enterprise", enterpriseId: firmC, townCode: null };
    expect(await startRenewal(db(), firmCaller, farC)).toEqual({ ok: false, reason: "outside-window" });
    expect(await startRenewal(db(), firmCaller, lapsedC)).toEqual({ ok: false, reason: "outside-window" });
    const revoked = await newAward(firmC, "green-factory", addDays(today, 5), 2006, "municipal");
    await db().updateTable("awards").set({ revoked_on: today }).where("id", "=", revoked).execute();
    expect(await startRenewal(db(), firmCaller, revoked)).toEqual({ ok: false, reason: "not-renewable" });
    await expect(startRenewal(db(), entA, expiredC)).rejects.toMatchObject({ kind: "not-found" });
    await expect(startRenewal(db(), officerB, expiredC)).rejects.toMatchObject({ kind: "not-found" });
    await expect(startRenewal(db(), firmCaller, -1)).rejects.toMatchObject({ kind: "not-found" });
    expect(await startRenewal(db(), officerA, expiredC)).toEqual({ ok: false, reason: "not-renewable" });
  });
});

describe("the renewal's short form", () => {
  it("asks only the common part and the figures, prefilled and marked; keeps the rest; names bad fields", async () => {
    const edit = await import("~/routes/applications.$id_.edit");
    const firm = await newFirm(townA);
    const user = await db()
      .insertInto("users")
      .values({
        username: `renewal-form-${firm}`,
        display_name: "复核测试",
        password_hash: "x",
        role: "enterprise",
        enterprise_id: firm,
        created_at: new Date().toISOString(),
      } as never)
      .returning("id")
      .executeTakeFirstOrThrow();
    const as: Caller = { id: Number(user.id), role: "enterprise", enterpriseId: firm, townCode: null };
    const award = await newAward(firm, "green-factory", addDays(today, 60), 2006, "provincial");
    const started = await startRenewal(db(), as, award);
    if (!started.ok) throw new Error("not started");
    const id = started.applicationId;
    // What the original application held beyond the short form stays.
    const stored = await db().selectFrom("applications").select(["payload"]).where("id", "=", id).executeTakeFirstOrThrow();
    await db()
      .updateTable("applications")
      .set({ payload: JSON.stringify({ ...JSON.parse(stored.payload), dischargePermit: true, evaluatingBody: "原评价机构" }) })
      .where("id", "=", id)
      .execute();
    const { sessionCookieFor } = await import("../support/requests");
    const c = await sessionCookieFor(`renewal-form-${firm}`);
    const page = (await call(edit.loader as never, makeRequest(`/applications/${id}/edit`, { cookie: c }), { id: String(id) })).result as any;
    expect(page.renewal).toEqual({ figuresYear: thisYear - 1, prefilled: [] });
    const version = page.version as number;
    const base = {
      year: String(thisYear),
      levelSought: "provincial",
      contactName: "张三",
      contactPhone: "13800000000",
      description: "企业说明：保持绿色工厂各项指标。",
      declaration: "on",
      version: String(version),
    };
    // Hostile input: control characters and oversize text are named by the field, nothing saved.
    const bad = await call(
      edit.action as never,
      makeRequest(`/applications/${id}/edit`, { cookie: c, form: { ...base, intent: "submit", energyIntensity: "\u0000\u001b", description: "长".repeat(5000) } }),
      { id: String(id) },
    );
    expect(statusOf(bad.result)).toBe(400);
    const errors = JSON.stringify((bad.result as any).data.result.error);
    expect(errors).toContain("energyIntensity");
    expect(errors).toContain("description");
    expect(errors).not.toContain("dischargePermit");
    // Submitted without the files: the evidence is what is missing, not the long form's fields.
    const noFiles = await call(edit.action as never, makeRequest(`/applications/${id}/edit`, { cookie: c, form: { ...base, intent: "submit", energyIntensity: "0.35" } }), {
      id: String(id),
    });
    expect(statusOf(noFiles.result)).toBe(400);
    const { attachRequiredEvidence } = await import("../support/evidence");
    await attachRequiredEvidence(db(), as, id, "green-factory");
    const fresh = await db().selectFrom("applications").select("version").where("id", "=", id).executeTakeFirstOrThrow();
    const ok = await call(
      edit.action as never,
      makeRequest(`/applications/${id}/edit`, { cookie: c, form: { ...base, version: String(fresh.version), intent: "submit", energyIntensity: "0.35" } }),
      { id: String(id) },
    );
    expect(statusOf(ok.result)).toBe(302);
    const row = await db().selectFrom("applications").select(["status", "payload", "renews_award_id", "year", "level_sought"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "submitted", renews_award_id: award, year: thisYear, level_sought: "provincial" });
    expect(JSON.parse(row.payload)).toMatchObject({
      dischargePermit: true,
      evaluatingBody: "原评价机构",
      energyIntensity: 0.35,
      description: "企业说明：保持绿色工厂各项指标。",
      declaration: true,
    });
  });
});

describe("validity in the registry's rows", () => {
  it("the list gives each held title its end of validity and days left, from the one tiers query", async () => {
    const list = await import("~/routes/enterprises._index");
    const firm = await newFirm(townA);
    const until = addDays(today, 45);
    await newAward(firm, "quality-factory", until, 2006);
    const name = (await db().selectFrom("enterprises").select("name").where("id", "=", firm).executeTakeFirstOrThrow()).name;
    const d = (await call(list.loader as never, makeRequest(`/enterprises?q=${encodeURIComponent(name)}`, { cookie: await cookie("reviewer") }))).result as any;
    const row = d.page.rows.find((r: { id: number }) => r.id === firm);
    expect(row.tiers).toEqual([expect.objectContaining({ tierCode: "quality-factory", validUntil: until, daysLeft: 45 })]);
  });
});

describe("renewals on the dashboard", () => {
  it("per tier: due, renewed and lapsed of the year, each equal to the list its link opens", async () => {
    const dashboard = await import("~/routes/dashboard._index");
    const page = await import("~/routes/awards.expiring");
    const firm = await newFirm(townA);
    const year = thisYear;
    // Validity ending this year, at least 100 days ago: past the 90-day window, so lapsed.
    const ended = `${year}-01-01` < addDays(today, -100) ? addDays(today, -100) : null;
    const before = (await renewalSummary(db(), year)).find((s) => s.tier === "quality-factory")!;
    await newAward(firm, "quality-factory", `${year}-12-31`, 2006);
    if (ended) await newAward(firm, "demonstration-factory", ended, 2006);
    const after = (await renewalSummary(db(), year)).find((s) => s.tier === "quality-factory")!;
    expect(after.due).toBe(before.due + 1);
    const d = (await call(dashboard.loader as never, makeRequest(`/dashboard?year=${year}`, { cookie: await cookie("reviewer") }))).result as any;
    expect(d.renewals.map((s: { tier: string }) => s.tier)).toEqual(["specialized-new", "green-factory", "demonstration-factory", "quality-factory", "clean-beauty-factory"]);
    for (const s of d.renewals) {
      for (const [n, state] of [
        [s.due, ""],
        [s.done, "&state=renewed"],
        [s.lapsed, "&state=lapsed"],
      ] as const) {
        const r = await call(page.loader as never, makeRequest(`/awards/expiring?year=${year}&tier=${s.tier}${state}`, { cookie: await cookie("reviewer") }));
        expect((r.result as any).awards.length, `${s.tier}${state}`).toBe(n);
      }
    }
    // A bad year or a state without a year is a 400 naming the field, never a 500.
    for (const q of ["year=%00", "year=99999", "state=lapsed", `year=${year}&state=x`]) {
      expect(statusOf((await call(page.loader as never, makeRequest(`/awards/expiring?${q}`, { cookie: await cookie("reviewer") }))).result), q).toBe(400);
    }
  });
});

describe("the pages: expiring list, its export, the settings form, hostile input", () => {
  it("the list page answers 400 for a bad filter and the export carries the scoped rows", async () => {
    const page = await import("~/routes/awards.expiring");
    const xlsx = await import("~/routes/awards.expiring[.]xlsx");
    const bad = await call(page.loader as never, makeRequest("/awards/expiring?within=%00%01", { cookie: await cookie("reviewer") }));
    expect(statusOf(bad.result)).toBe(400);
    const firmB = await newFirm(townB);
    const award = await newAward(firmB, "quality-factory", addDays(today, 7), 2007);
    const name = (await db().selectFrom("enterprises").select("name").where("id", "=", firmB).executeTakeFirstOrThrow()).name;
    const ExcelJS = (await import("exceljs")).default;
    const read = async (username: string) => {
      const r = await call(xlsx.loader as never, makeRequest("/awards/expiring.xlsx?within=30&tier=quality-factory", { cookie: await cookie(username) }));
      expect(statusOf(r.result)).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await (r.result as Response).arrayBuffer());
      const names: string[] = [];
      wb.getWorksheet("即将到期")!.eachRow((row, n) => {
        if (n > 1) names.push(String(row.getCell(1).value));
      });
      return names;
    };
    expect(await read("officer-yancang")).toContain(name);
    expect(await read("officer-jintang")).not.toContain(name);
    expect(await read("reviewer")).toContain(name);
    expect(award).toBeGreaterThan(0);
  });

  it("the renew action refuses odd award values with 400 and starts a renewal of an own award", async () => {
    const page = await import("~/routes/awards.expiring");
    const cookieA = await cookie("ent-jintang");
    for (const bad of ["", "abc", "-1", "1.5", "\u0000\u001b", "9".repeat(100_000)]) {
      const r = await call(page.action as never, makeRequest("/awards/expiring", { cookie: cookieA, form: { intent: "renew", award: bad } }));
      expect(statusOf(r.result)).toBe(400);
    }
    const wrongIntent = await call(page.action as never, makeRequest("/awards/expiring", { cookie: cookieA, form: { intent: "<script>", award: "1" } }));
    expect(statusOf(wrongIntent.result)).toBe(400);
    // Another firm's award: 404, never a renewal.
    const other = await newAward(firmD, "quality-factory", addDays(today, 9), 2008);
    const foreign = await call(page.action as never, makeRequest("/awards/expiring", { cookie: cookieA, form: { intent: "renew", award: String(other) } }));
    expect(statusOf(foreign.result)).toBe(404);
    const own = await newAward(entA.enterpriseId!, "quality-factory", addDays(today, 11), 2009);
    const r = await call(page.action as never, makeRequest("/awards/expiring", { cookie: cookieA, form: { intent: "renew", award: String(own) } }));
    const existing = await db().selectFrom("applications").select(["id", "renews_award_id"]).where("renews_award_id", "=", own).execute();
    if (statusOf(r.result) === 302) {
      expect(existing).toHaveLength(1);
      expect((r.result as Response).headers.get("Location")).toBe(`/applications/${existing[0]!.id}/edit`);
    } else {
      // The demo firm may already have an open application of the tier this year.
      expect(statusOf(r.result)).toBe(409);
      expect(existing).toHaveLength(0);
    }
  });

  it("the settings form names the bad field, keeps what was typed and changes nothing", async () => {
    const settings = await import("~/routes/admin.validity");
    const cookieR = await cookie("reviewer");
    const before = await db().selectFrom("tier_validity").selectAll().orderBy("tier_code").execute();
    const cases: Record<string, string>[] = [
      { tier: "specialized-new", months: "0", before: "180", after: "90" },
      { tier: "specialized-new", months: "121", before: "180", after: "90" },
      { tier: "specialized-new", months: "36", before: "-1", after: "90" },
      { tier: "specialized-new", months: "36", before: "180", after: "x\u0000" },
      { tier: "specialized-new", months: "3".repeat(10_000), before: "180", after: "90" },
      { tier: "nope\u202e", months: "36", before: "180", after: "90" },
    ];
    for (const form of cases) {
      const r = await call(settings.action as never, makeRequest("/admin/validity", { cookie: cookieR, form }));
      expect(statusOf(r.result)).toBe(400);
      const body = (r.result as { data: { fieldErrors: Record<string, string>; values: Record<string, string> } }).data;
      expect(Object.keys(body.fieldErrors).length).toBeGreaterThan(0);
      expect(body.values.before).toBe(form.before!.slice(0, 200));
    }
    expect(await db().selectFrom("tier_validity").selectAll().orderBy("tier_code").execute()).toEqual(before);
    const ok = await call(settings.action as never, makeRequest("/admin/validity", { cookie: cookieR, form: { tier: "listed", months: "", before: "30", after: "10" } }));
    expect(statusOf(ok.result)).toBe(200);
    expect(
      await db()
        .selectFrom("tier_validity")
        .select(["validity_months", "renew_before_days", "renew_after_days", "updated_by"])
        .where("tier_code", "=", "listed")
        .executeTakeFirstOrThrow(),
    ).toEqual({
      validity_months: null,
      renew_before_days: 30,
      renew_after_days: 10,
      updated_by: reviewer.id,
    });
  });
});

describe("expiry reminders", () => {
  it("notify the firm's users once per award and threshold, linking to the renewal, and not once a renewal is open", async () => {
    const { remindAwardsExpiring } = await import("~/models/validity.server");
    const { notificationTitle } = await import("~/utils/notification-text");
    const entB = await caller("ent-yancang");
    const near = await newAward(entB.enterpriseId!, "demonstration-factory", addDays(today, 25), 2010);
    const mid = await newAward(entB.enterpriseId!, "quality-factory", addDays(today, 100), 2010);
    const far = await newAward(entB.enterpriseId!, "clean-beauty-factory", addDays(today, 181), 2010);
    const keysOf = async () =>
      (await db().selectFrom("notifications").select(["event_key", "params", "link", "recipient_id"]).where("event_key", "like", "award.expiring:%").execute()).filter((n) =>
        [near, mid, far].some((id) => n.event_key.startsWith(`award.expiring:${id}:`)),
      );
    await remindAwardsExpiring(db(), new Date());
    const first = await keysOf();
    expect(first.map((n) => n.event_key).sort()).toEqual([`award.expiring:${mid}:180`, `award.expiring:${near}:30`].sort());
    expect(first.every((n) => n.recipient_id === entB.id && n.link === "/awards/expiring?within=180")).toBe(true);
    const params = JSON.parse(first.find((n) => n.event_key.startsWith(`award.expiring:${near}:`))!.params);
    expect(params).toMatchObject({ tierCode: "demonstration-factory", date: addDays(today, 25), days: 25 });
    expect(notificationTitle("zh", "award.expiring", params)).toContain("示范工厂");
    expect(notificationTitle("en", "award.expiring", params)).toContain("25 days left");
    // Idempotent: a second run writes nothing more.
    await remindAwardsExpiring(db(), new Date());
    expect(await keysOf()).toHaveLength(2);
    // A later threshold is a new reminder; an open renewal silences the award.
    await remindAwardsExpiring(db(), new Date(Date.now() + 75 * 86_400_000));
    expect((await keysOf()).map((n) => n.event_key)).toContain(`award.expiring:${mid}:30`);
    expect((await keysOf()).map((n) => n.event_key)).toContain(`award.expiring:${far}:180`);
    const started = await startRenewal(db(), entB, far, addDays(today, 10));
    if (started.ok) {
      await remindAwardsExpiring(db(), new Date(Date.now() + 100 * 86_400_000));
      expect((await keysOf()).map((n) => n.event_key)).not.toContain(`award.expiring:${far}:90`);
    }
  });
});

describe("the renewal table's counters (award_expiry_counts, award_expiry_months)", () => {
  /** The table as the awards' rows say it on `today`, without the counters. */
  async function fromRows(year: number, today = todayInShanghai()): Promise<Map<string, { due: number; done: number; lapsed: number }>> {
    const validity = await loadTierValidity(db());
    const out = new Map<string, { due: number; done: number; lapsed: number }>();
    const of = (tier: string) => out.get(tier) ?? out.set(tier, { due: 0, done: 0, lapsed: 0 }).get(tier)!;
    const current = await sql<{ tier: string; until: string }>`SELECT tier_code AS tier, valid_until AS until FROM awards
      WHERE revoked_on IS NULL AND ended_on IS NULL AND valid_until BETWEEN ${`${year}-01-01`} AND ${`${year}-12-31`}`.execute(db());
    for (const r of current.rows) {
      const v = validity.get(r.tier as never);
      if (!v || v.validityMonths === null) continue;
      of(r.tier).due++;
      if (today > addDays(r.until, v.renewAfterDays)) of(r.tier).lapsed++;
    }
    const renewed = await sql<{ tier: string }>`SELECT w.tier_code AS tier FROM awards r JOIN awards w ON w.id = r.renews_award_id
      WHERE w.revoked_on IS NULL AND w.valid_until BETWEEN ${`${year}-01-01`} AND ${`${year}-12-31`}`.execute(db());
    for (const r of renewed.rows) {
      const v = validity.get(r.tier as never);
      if (!v || v.validityMonths === null) continue;
      of(r.tier).due++;
      of(r.tier).done++;
    }
    return out;
  }
  async function expectCountersTrue(on = today) {
    expect(await verifyCounters(db())).toEqual([]);
    for (const year of [thisYear - 1, thisYear, thisYear + 1]) {
      const rows = await fromRows(year, on);
      for (const s of await renewalSummary(db(), year, on)) {
        expect({ tier: s.tier, due: s.due, done: s.done, lapsed: s.lapsed }, `${year}`).toEqual({ tier: s.tier, ...(rows.get(s.tier) ?? { due: 0, done: 0, lapsed: 0 }) });
      }
    }
  }

  it("follow every insert, renewal, end, revocation and change of validity, tier or firm", async () => {
    const firm = await newFirm(townA);
    const other = await newFirm(townB);
    const lapsedDay = `${thisYear}-01-01` < addDays(today, -120) ? addDays(today, -120) : `${thisYear}-01-01`;
    const a = await newAward(firm, "quality-factory", lapsedDay, 2007);
    const b = await newAward(firm, "specialized-new", `${thisYear}-11-30`, 2007, "provincial");
    const c = await newAward(other, "quality-factory", `${thisYear + 1}-03-01`, 2007);
    await expectCountersTrue();
    // A renewal of a, as approval writes it: the new award naming a, then a ended.
    const renewal = (of: number, until: string, year: number) =>
      db()
        .insertInto("awards")
        .values({
          enterprise_id: firm,
          tier_code: "quality-factory",
          level: "district" as never,
          year,
          recognized_on: today,
          valid_until: until,
          renews_award_id: of,
          created_at: new Date().toISOString(),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.id));
    const r = await renewal(a, `${thisYear + 3}-06-30`, 2008);
    await db().updateTable("awards").set({ ended_on: today }).where("id", "=", a).execute();
    await expectCountersTrue();
    // Revoking the renewed award takes it out of "renewed"; restoring puts it back.
    await db().updateTable("awards").set({ revoked_on: today }).where("id", "=", a).execute();
    await expectCountersTrue();
    await db().updateTable("awards").set({ revoked_on: null }).where("id", "=", a).execute();
    await expectCountersTrue();
    // Validity moved into next year, tier changed, firm changed (another slot).
    await db()
      .updateTable("awards")
      .set({ valid_until: `${thisYear + 1}-01-15` })
      .where("id", "=", b)
      .execute();
    await db().updateTable("awards").set({ tier_code: "green-factory" }).where("id", "=", c).execute();
    await db().updateTable("awards").set({ enterprise_id: other }).where("id", "=", b).execute();
    await expectCountersTrue();
    // The renewal itself revoked: a stays renewed (its renewal exists); then b renewed and revoked.
    await db().updateTable("awards").set({ revoked_on: today }).where("id", "=", r).execute();
    await expectCountersTrue();
    const r2 = await renewal(b, `${thisYear + 4}-01-01`, 2009);
    await db().updateTable("awards").set({ ended_on: today }).where("id", "=", b).execute();
    await db().updateTable("awards").set({ revoked_on: today }).where("id", "=", b).execute();
    await expectCountersTrue();
    // Awards are never deleted by the registry; if the database allows it, the counters follow.
    for (const id of [r2, r, a, b, c]) {
      const deleted = await db()
        .deleteFrom("awards")
        .where("id", "=", id)
        .execute()
        .then(
          () => true,
          () => false,
        );
      if (!deleted) break;
      await expectCountersTrue();
    }
  });

  it("split the month in which the renewal window closes by day, in the year and across its start", async () => {
    const after = (await loadTierValidity(db())).get("quality-factory")!.renewAfterDays;
    // Two days to look from: mid-year (the cut-off inside the year) and early January (the
    // cut-off in the year before, so that this year has nothing lapsed by then).
    for (const [i, on] of [`${thisYear}-07-20`, `${thisYear}-01-10`].entries()) {
      const cutoff = addDays(on, -after);
      const firm = await newFirm(townA);
      const days = [addDays(cutoff, -1), cutoff, addDays(cutoff, 1), `${cutoff.slice(0, 7)}-01`, addDays(`${cutoff.slice(0, 7)}-01`, -1)];
      for (const [j, day] of days.entries()) await newAward(firm, "quality-factory", day, 2080 + i * 10 + j);
      await expectCountersTrue(on);
      // The day before the cut-off has lapsed, the cut-off itself not yet.
      const year = Number(cutoff.slice(0, 4));
      const before = (await renewalSummary(db(), year, addDays(on, -1))).find((r) => r.tier === "quality-factory")!;
      const now = (await renewalSummary(db(), year, on)).find((r) => r.tier === "quality-factory")!;
      expect(now.due, on).toBe(before.due);
      expect(now.lapsed - before.lapsed, on).toBe(1);
      await expectCountersTrue(addDays(on, 1));
    }
  });
});
