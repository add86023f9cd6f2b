/**
 * Yearly figures: the table and its invariants on the suite's database (the firm's columns follow
 * its latest year), the /enterprises/:id/figures page by role and scope, the checks of the form
 * (hostile input included), and the audit rows of every change.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { eligibilityPayloadFromFigures, emptyFigures, type Figures } from "~/domain/figures";
import { evaluateEligibility } from "~/domain/eligibility";
import { eligibilityPayloadOf, figuresOfRow, reportingYear, saveFigures } from "~/models/figures.server";
import { updateEnterprise } from "~/models/enterprise.server";
import * as figuresRoute from "~/routes/enterprises.$id_.figures";
import * as profileRoute from "~/routes/enterprises.$id";
import * as applicationsIndex from "~/routes/applications._index";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

let firmA: number;
let firmB: number;
const year = reportingYear();

async function figuresRow(enterpriseId: number, y: number) {
  return db().selectFrom("enterprise_figures").selectAll().where("enterprise_id", "=", enterpriseId).where("year", "=", y).executeTakeFirst();
}
async function firmColumns(id: number) {
  return db().selectFrom("enterprises").select(["revenue_yuan", "rd_expense_yuan", "employees", "version"]).where("id", "=", id).executeTakeFirstOrThrow();
}
async function caller(username: string) {
  const u = await db().selectFrom("users").select(["id", "role", "enterprise_id", "town_code"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: u.id, role: u.role, enterpriseId: u.enterprise_id, townCode: u.town_code };
}

/** A complete, consistent form of figures (万元). */
function form(y: number, version: number, over: Record<string, string> = {}) {
  return {
    year: String(y),
    version: String(version),
    revenueWan: "7,200",
    mainBusinessRevenueWan: "6900.5",
    rdExpenseWan: "260",
    employees: "190人",
    rdStaff: "35",
    totalAssetsWan: "9800",
    totalLiabilitiesWan: "4100",
    netProfitWan: "-35.5",
    equityFinancingWan: "0",
    inventionPatents: "2",
    ipClass1: "3",
    ipClass2: "11",
    nicheYears: "6年",
    ...over,
  };
}

beforeAll(async () => {
  firmA = (await db().selectFrom("users").select("enterprise_id").where("username", "=", "ent-jintang").executeTakeFirstOrThrow()).enterprise_id!;
  firmB = (await db().selectFrom("users").select("enterprise_id").where("username", "=", "ent-yancang").executeTakeFirstOrThrow()).enterprise_id!;
});

describe("enterprise_figures in the database", () => {
  it("holds three demo years per firm, the latest equal to the firm's own columns", async () => {
    const counts = await db()
      .selectFrom("enterprise_figures")
      .select(["year", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("year")
      .orderBy("year")
      .execute();
    const firms = Number(
      (
        await db()
          .selectFrom("enterprises")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(counts.map((c) => [c.year, Number(c.n)])).toEqual([
      [2023, firms],
      [2024, firms],
      [2025, firms],
    ]);
    const differing = await sql<{ n: number }>`
      SELECT count(*) AS n FROM enterprises e JOIN enterprise_figures f ON f.enterprise_id = e.id AND f.year = 2025
      WHERE e.revenue_yuan IS DISTINCT FROM f.revenue_yuan OR e.rd_expense_yuan IS DISTINCT FROM f.rd_expense_yuan OR e.employees IS DISTINCT FROM f.employees`.execute(db());
    expect(Number(differing.rows[0]!.n)).toBe(0);
  });

  it("spreads the demo firms against the 专精特新 thresholds: some meet them, more are near, most not", async () => {
    const rows = await db().selectFrom("enterprise_figures").selectAll().where("year", "in", [2024, 2025]).execute();
    const by = new Map<number, Record<number, Figures>>();
    for (const r of rows) by.set(r.enterprise_id, { ...by.get(r.enterprise_id), [r.year]: figuresOfRow(r) });
    const tally = { meets: 0, near: 0, not: 0 };
    for (const years of by.values()) {
      const result = evaluateEligibility("specialized-new", eligibilityPayloadFromFigures(years[2025]!, years[2024] ?? null), "2026-12-01", []);
      const short = result.criteria.filter((c) => c.outcome === "not-met" && !c.advisory).length;
      tally[short === 0 ? "meets" : short <= 2 ? "near" : "not"]++;
    }
    expect(tally).toEqual({ meets: 54, near: 76, not: 170 });
  });

  it("refuses a second row of a firm and year, negative amounts and counts, but takes a net loss", async () => {
    const base = { enterprise_id: firmB, source: "bureau" as const, updated_by: null, updated_at: new Date().toISOString() };
    await expect(
      db()
        .insertInto("enterprise_figures")
        .values({ ...base, year: 2025 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db()
        .insertInto("enterprise_figures")
        .values({ ...base, year: 2019, revenue_yuan: -1 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db()
        .insertInto("enterprise_figures")
        .values({ ...base, year: 2019, employees: -3 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db()
        .insertInto("enterprise_figures")
        .values({ ...base, year: 2019, source: "guess" as never })
        .execute(),
    ).rejects.toThrow();
    await db()
      .insertInto("enterprise_figures")
      .values({ ...base, year: 2019, net_profit_yuan: -1_500_000 })
      .execute();
    expect((await figuresRow(firmB, 2019))!.net_profit_yuan).toBe(-1_500_000);
  });

  it("copies the latest year onto the firm (and bumps its version), never an older year", async () => {
    const before = await firmColumns(firmB);
    await db().updateTable("enterprise_figures").set({ revenue_yuan: 12_345_600 }).where("enterprise_id", "=", firmB).where("year", "=", 2024).execute();
    expect(await firmColumns(firmB)).toEqual(before);
    await db()
      .insertInto("enterprise_figures")
      .values({
        enterprise_id: firmB,
        year: 2026,
        revenue_yuan: 88_000_000,
        rd_expense_yuan: 3_000_000,
        employees: 150,
        source: "bureau",
        updated_by: null,
        updated_at: new Date().toISOString(),
      })
      .execute();
    expect(await firmColumns(firmB)).toEqual({ revenue_yuan: 88_000_000, rd_expense_yuan: 3_000_000, employees: 150, version: before.version + 1 });
    await db().deleteFrom("enterprise_figures").where("enterprise_id", "=", firmB).where("year", "=", 2026).execute();
    const after = await firmColumns(firmB);
    const y2025 = (await figuresRow(firmB, 2025))!;
    expect([after.revenue_yuan, after.rd_expense_yuan, after.employees]).toEqual([y2025.revenue_yuan, y2025.rd_expense_yuan, y2025.employees]);
  });

  it("writes revenue typed on the firm's own edit form into its latest year", async () => {
    const ent = await caller("ent-yancang");
    const current = await db().selectFrom("enterprises").selectAll().where("id", "=", firmB).executeTakeFirstOrThrow();
    const result = await updateEnterprise(db(), ent, firmB, current.version, {
      address: current.address,
      legalRep: current.legal_rep,
      contactName: current.contact_name,
      contactPhone: current.contact_phone,
      employees: current.employees,
      revenueYuan: 47_000_000,
      rdExpenseYuan: current.rd_expense_yuan,
    });
    expect(result.ok).toBe(true);
    const latest = (await figuresRow(firmB, 2025))!;
    expect(latest.revenue_yuan).toBe(47_000_000);
    expect(latest.source).toBe("enterprise");
    const firm = await firmColumns(firmB);
    expect(firm.revenue_yuan).toBe(47_000_000);
    expect(result.ok && result.version).toBe(firm.version);
  });

  it("maps a firm's figures to the pre-check's payload, with the year before", async () => {
    const reviewer = await caller("reviewer");
    const mapped = await eligibilityPayloadOf(db(), reviewer, firmA, 2025);
    const y2025 = (await figuresRow(firmA, 2025))!;
    const y2024 = (await figuresRow(firmA, 2024))!;
    expect(mapped!.year).toBe(2025);
    expect(mapped!.payload.revenueYuan).toBe(y2025.revenue_yuan);
    expect(mapped!.payload.rdExpensePrevYuan).toBe(y2024.rd_expense_yuan);
    expect(mapped!.payload.ipClass1).toBe(0);
    // Out of scope: nothing.
    expect(await eligibilityPayloadOf(db(), await caller("ent-yancang"), firmA)).toBeNull();
  });
});

describe("/enterprises/:id/figures", () => {
  it("shows the firm its years with ratios and a form for last year only", async () => {
    const cookie = await sessionCookieFor("ent-jintang");
    const page = dataOf((await call(figuresRoute.loader, makeRequest(`/enterprises/${firmA}/figures?year=2023`, { cookie }), { id: String(firmA) })).result);
    expect(page.years.map((y: any) => y.year).slice(0, 3)).toEqual([2025, 2024, 2023]);
    expect(page.form.year).toBe(year);
    expect(page.canEdit).toBe("reporting-year");
    const y = page.years[0];
    expect(y.ratios.rdShareBp).toBe(Math.floor((y.figures.rdExpenseYuan * 10000) / y.figures.revenueYuan));
  });

  it("lets the firm update last year's figures, audited, and the profile follows", async () => {
    const cookie = await sessionCookieFor("ent-jintang");
    const row = await figuresRow(firmA, year);
    const { result } = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie, form: form(year, row?.version ?? 0) }), { id: String(firmA) });
    expect(statusOf(result)).toBe(303);
    const saved = (await figuresRow(firmA, year))!;
    expect(saved).toMatchObject({
      revenue_yuan: 72_000_000,
      main_business_revenue_yuan: 69_005_000,
      rd_expense_yuan: 2_600_000,
      employees: 190,
      net_profit_yuan: -355_000,
      niche_years: 6,
      source: "enterprise",
    });
    const audit = await db()
      .selectFrom("audit_log")
      .select(["actor_id", "data"])
      .where("action", "=", "figures.update")
      .where("subject", "=", `enterprise:${firmA}`)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const data = JSON.parse(audit.data!);
    expect(data.year).toBe(year);
    expect(data.changes.revenueYuan.to).toBe(72_000_000);
    expect(audit.actor_id).toBe((await caller("ent-jintang")).id);
    if (year === 2025) expect((await firmColumns(firmA)).revenue_yuan).toBe(72_000_000);
    // The profile shows the figures by year.
    const profile = dataOf((await call(profileRoute.loader, makeRequest(`/enterprises/${firmA}`, { cookie }), { id: String(firmA) })).result);
    expect(profile.figures.find((f: any) => f.year === year).figures.revenueYuan).toBe(72_000_000);
  });

  it("refuses another year from the firm, a stale version, and figures that contradict each other, naming the field and keeping the text", async () => {
    const cookie = await sessionCookieFor("ent-jintang");
    const other = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie, form: form(2023, 1) }), { id: String(firmA) });
    expect(statusOf(other.result)).toBe(400);
    expect(dataOf(other.result).result.error.year[0]).toContain(String(year));
    const stale = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie, form: form(year, 0) }), { id: String(firmA) });
    expect(statusOf(stale.result)).toBe(409);
    const row = (await figuresRow(firmA, year))!;
    const bad = await call(
      figuresRoute.action,
      makeRequest(`/enterprises/${firmA}/figures`, {
        cookie,
        form: form(year, row.version, { rdExpenseWan: "8000", mainBusinessRevenueWan: "9000", rdStaff: "500", revenueWan: "7200", totalAssetsWan: "-5" }),
      }),
      { id: String(firmA) },
    );
    expect(statusOf(bad.result)).toBe(400);
    const reply = dataOf(bad.result).result;
    expect(reply.error.totalAssetsWan[0]).toContain("负数");
    expect(reply.error.rdExpenseWan[0]).toContain("不能高于营业收入");
    expect(reply.error.mainBusinessRevenueWan[0]).toContain("主营业务收入");
    expect(reply.error.rdStaff[0]).toContain("研发人员");
    expect(reply.initialValue.rdExpenseWan).toBe("8000");
    expect((await figuresRow(firmA, year))!.version).toBe(row.version);
  });

  it("asks to confirm an amount typed in 元 into a 万元 field, then saves it", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const before = (await figuresRow(firmA, 2024))!;
    const prev = (await figuresRow(firmA, 2023))!;
    const typedYuan = String(Math.round(prev.revenue_yuan! * 1.1)); // 元 typed as 万元: ~11,000 times
    const f = form(2024, before.version, { revenueWan: typedYuan, mainBusinessRevenueWan: "", rdExpenseWan: "", rdStaff: "", employees: "" });
    const first = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie, form: f }), { id: String(firmA) });
    expect(statusOf(first.result)).toBe(400);
    const reply = dataOf(first.result).result;
    expect(reply.error.revenueWan[0]).toContain("是否误填为元");
    expect(reply.error.confirmFigures[0]).toContain("勾选");
    expect((await figuresRow(firmA, 2024))!.version).toBe(before.version);
    const second = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie, form: { ...f, confirmFigures: "on" } }), { id: String(firmA) });
    expect(statusOf(second.result)).toBe(303);
    const saved = (await figuresRow(firmA, 2024))!;
    expect(saved.source).toBe("bureau");
    const audit = await db().selectFrom("audit_log").select(["data"]).where("action", "=", "figures.update").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data!).confirmedWarnings).toContain("revenueYuan");
  });

  it("lets a town officer see its firm's figures but not change them; other scopes get 404", async () => {
    const officer = await sessionCookieFor("officer-jintang");
    const page = dataOf((await call(figuresRoute.loader, makeRequest(`/enterprises/${firmA}/figures`, { cookie: officer }), { id: String(firmA) })).result);
    expect(page.form).toBeNull();
    expect(page.canEdit).toBe("none");
    const post = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie: officer, form: form(year, 1) }), { id: String(firmA) });
    expect(statusOf(post.result)).toBe(403);
    const other = await call(figuresRoute.loader, makeRequest(`/enterprises/${firmA}/figures`, { cookie: await sessionCookieFor("officer-yancang") }), { id: String(firmA) });
    expect(statusOf(other.result)).toBe(404);
    const otherFirm = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie: await sessionCookieFor("ent-yancang"), form: form(year, 1) }), {
      id: String(firmA),
    });
    expect(statusOf(otherFirm.result)).toBe(404);
    // The model refuses the officer as well.
    const direct = await saveFigures(db(), await caller("officer-jintang"), firmA, year, emptyFigures(), { expectedVersion: 1, confirmed: false });
    expect(direct).toEqual({ ok: false, reason: "forbidden" });
  });

  it("the firm's home links to the form while last year's figures are missing", async () => {
    const cookie = await sessionCookieFor("ent-yancang");
    const withFigures = dataOf((await call(applicationsIndex.loader, makeRequest("/applications", { cookie }))).result);
    const has = await figuresRow(firmB, year);
    if (has) {
      expect(withFigures.figuresDue).toBeNull();
      await db().deleteFrom("enterprise_figures").where("id", "=", has.id).execute();
    }
    const without = dataOf((await call(applicationsIndex.loader, makeRequest("/applications", { cookie }))).result);
    expect(without.figuresDue).toEqual({ year, href: `/enterprises/${firmB}/figures` });
  });

  it("answers hostile input by the field or saves it, never a 500", async () => {
    const cookie = await sessionCookieFor("admin");
    const before = (await figuresRow(firmA, 2023))!;
    const names = ["revenueWan", "netProfitWan", "employees", "nicheYears", "ipClass1", "year", "version"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom("\u0000", "1\u0007", "<script>", "9".repeat(5000), "1e9", "NaN", "-0", "１２３", "12.345", "Infinity", "0x10", " ", "2023\n", "-1"),
        ),
        async (name, value) => {
          const f: Record<string, string> = { ...form(2023, before.version), [name]: value };
          const { result } = await call(figuresRoute.action, makeRequest(`/enterprises/${firmA}/figures`, { cookie, form: f }), { id: String(firmA) });
          const status = statusOf(result);
          expect([303, 400, 409]).toContain(status);
          if (status === 400) {
            const error = dataOf(result).result.error;
            expect(Object.keys(error).length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 60 },
    );
    const hugeId = await call(figuresRoute.loader, makeRequest("/enterprises/99999999999999999999/figures", { cookie }), { id: "99999999999999999999" });
    expect(statusOf(hugeId.result)).toBe(404);
  });
});

describe("the year the firm's figure fields are labelled with", () => {
  it("is the latest year of its figures, on the edit form and the profile; last year for a firm without any", async () => {
    const { figuresYearOfForm } = await import("~/models/figures.server");
    const edit = await import("~/routes/enterprises.$id_.edit");
    const latest = await db()
      .selectFrom("enterprise_figures")
      .select((eb) => eb.fn.max("year").as("y"))
      .where("enterprise_id", "=", firmA)
      .executeTakeFirstOrThrow();
    expect(await figuresYearOfForm(db(), firmA)).toBe(Number(latest.y));
    expect(await figuresYearOfForm(db(), -1, "2031-05-01")).toBe(2030);
    const cookie = await sessionCookieFor("reviewer");
    const page = dataOf((await call(edit.loader as never, makeRequest(`/enterprises/${firmA}/edit`, { cookie }), { id: String(firmA) })).result) as { figuresYear: number };
    expect(page.figuresYear).toBe(Number(latest.y));
    const profile = dataOf((await call(profileRoute.loader as never, makeRequest(`/enterprises/${firmA}`, { cookie }), { id: String(firmA) })).result) as {
      figures: { year: number }[];
    };
    // The profile labels its figure facts with the first (latest) year of its table.
    expect(profile.figures[0]!.year).toBe(Number(latest.y));
  });
});
