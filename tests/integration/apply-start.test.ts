/**
 * The application start page ("what can we apply for?"), the form's prefill from what the
 * registry knows, and the required evidence: a submission without it is refused naming each
 * missing kind, and nothing typed is lost.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateUscc } from "~/domain/uscc";
import { mulberry32 } from "../../seeds/random";
import * as checklistsRoute from "~/routes/admin.checklists";
import * as editRoute from "~/routes/applications.$id_.edit";
import * as newRoute from "~/routes/applications.new";
import { approveApplication } from "~/models/application-approval.server";
import { requiredEvidence } from "~/models/evidence.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { attachRequiredEvidence } from "../support/evidence";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";
import { appRow, callerOf, greenForm, postEdit, postEditRaw, postNewRaw, redirectedId, specializedForm, YEAR } from "./applications.helpers";
import { saveAttachment } from "~/models/attachment.server";

const THIS_YEAR = Number(todayInShanghai().slice(0, 4));
const USER = "ent-start-test";
let firmId = 0;
let cookie = "";

/** A firm of its own, so what it holds and has open is exactly what the tests give it. */
beforeAll(async () => {
  const now = new Date().toISOString();
  const firm = await db()
    .insertInto("enterprises")
    .values({
      uscc: generateUscc(mulberry32(424242)),
      name: "舟山测试起步机械有限公司",
      town_code: "jintang",
      industry_code: "machinery",
      platform: null,
      above_scale: 1,
      address: null,
      legal_rep: null,
      contact_name: "周起步",
      contact_phone: "13857201368",
      employees: 120,
      revenue_yuan: 40_000_000,
      rd_expense_yuan: 1_000_000,
      created_at: now,
      updated_at: now,
      archived_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  firmId = firm.id;
  // What the registry knows of it: last year's figures.
  await db()
    .insertInto("enterprise_figures")
    .values({ enterprise_id: firmId, year: THIS_YEAR - 1, revenue_yuan: 40_000_000, rd_expense_yuan: 1_000_000, employees: 120, source: "bureau", updated_at: now })
    .execute();
  await db()
    .insertInto("users")
    .values({
      username: USER,
      display_name: "起步测试",
      role: "enterprise",
      enterprise_id: firmId,
      town_code: null,
      password_hash: "x",
      must_change_password: 0,
      disabled_at: null,
      created_at: now,
    })
    .execute();
  cookie = await sessionCookieFor(USER);
  // A live green-factory award, and a listing application in progress.
  await db()
    .insertInto("awards")
    .values({
      enterprise_id: firmId,
      tier_code: "green-factory",
      level: "municipal",
      year: THIS_YEAR - 1,
      recognized_on: `${THIS_YEAR - 1}-09-30`,
      valid_until: null,
      document_no: "舟经信〔测试〕1号",
      application_id: null,
      revoked_on: null,
      revoked_reason: null,
      created_by: null,
      created_at: now,
    })
    .execute();
});

async function startPage(as = cookie, query = "") {
  return call(newRoute.loader, makeRequest(`/applications/new${query}`, { cookie: as }));
}

describe("the start page", () => {
  it("answers per tier: held, open, near with need and have, to confirm, not offered", async () => {
    const draft = await postNewRaw(USER, "listed", { intent: "save", year: String(YEAR), board: "regional", stage: "tutoring" });
    expect(statusOf(draft.result)).toBe(302);
    const listedId = Number(/\/applications\/(\d+)/.exec((draft.result as Response).headers.get("Location")!)![1]);

    const { result } = await startPage();
    expect(statusOf(result)).toBe(200);
    const d = dataOf(result);
    const byTier = Object.fromEntries(d.standings.map((s: any) => [s.tierCode, s]));
    expect(Object.keys(byTier)).toHaveLength(7);
    expect(byTier["green-factory"]).toMatchObject({
      verdict: "held",
      holding: { level: "municipal", year: THIS_YEAR - 1, recognizedOn: `${THIS_YEAR - 1}-09-30`, validUntil: null },
    });
    expect(byTier.listed).toMatchObject({ verdict: "open", application: { id: listedId, status: "draft" } });
    // Above scale already: 升规 is not offered.
    expect(byTier["scaled-up"]).toMatchObject({ verdict: "not-offered" });
    // ¥1,000,000 of R&D on ¥40,000,000 of revenue is 2.50%, under 3%: named with need and have.
    const sn = byTier["specialized-new"];
    expect(sn.verdict).toBe("near");
    expect(sn.missing).toEqual([expect.objectContaining({ key: "rd-ratio", haveZh: "2.50%", needZh: "≥ 3%", labelZh: `${THIS_YEAR - 1}年研发费用占营业收入比重` })]);
    // What the profile cannot say is to confirm, never met.
    expect(sn.toConfirm.map((c: any) => c.key)).toEqual(expect.arrayContaining(["niche-years", "evaluation-score"]));
    expect(byTier["clean-beauty-factory"].verdict).toBe("no-precheck");
  });

  it("changes with the firm's yearly figures: at exactly 3% the R&D line is met", async () => {
    const figures = db()
      .updateTable("enterprise_figures")
      .where("enterprise_id", "=", firmId)
      .where("year", "=", THIS_YEAR - 1);
    await figures.set({ rd_expense_yuan: 1_200_000 }).execute();
    const d = dataOf((await startPage()).result);
    const sn = d.standings.find((s: any) => s.tierCode === "specialized-new");
    expect(sn.missing).toEqual([]);
    expect(sn.verdict).toBe("to-confirm");
    await figures.set({ rd_expense_yuan: 1_000_000 }).execute();
  });

  it("keeps the bureau's chooser for reviewers and refuses town officers, as before", async () => {
    const reviewer = await sessionCookieFor("reviewer");
    const plain = dataOf((await startPage(reviewer)).result);
    expect(plain.standings).toBeNull();
    expect(plain.firm).toBeNull();
    const onBehalf = dataOf((await startPage(reviewer, `?enterprise=${firmId}`)).result);
    expect(onBehalf.standings).toBeNull();
    expect(onBehalf.firm.id).toBe(firmId);
    const officer = await sessionCookieFor("officer-jintang");
    expect(statusOf((await startPage(officer)).result)).toBe(403);
  });

  it("meets odd query strings with the start page, never a 500", async () => {
    for (const q of ["?tier=%00%1b", `?tier=${"x".repeat(5000)}`, "?tier[]=listed", `?enterprise=1&tier=specialized-new%0d%0a`]) {
      const { result } = await startPage(cookie, q);
      expect(statusOf(result)).toBe(200);
      expect(dataOf(result).tierCode).toBeNull();
      expect(dataOf(result).firm.id).toBe(firmId);
    }
  });
});

describe("the form", () => {
  it("is prefilled from what the registry knows, names actual years, and lists the required evidence", async () => {
    const d = dataOf((await startPage(cookie, "?tier=specialized-new")).result);
    expect(d.defaultValue).toMatchObject({ revenueWan: "4000", rdExpenseWan: "100", employees: "120", year: String(THIS_YEAR) });
    expect(d.prefilled.sort()).toEqual(["employees", "rdExpenseYuan", "revenueYuan"]);
    expect(d.initialEligibility.criteria.find((c: any) => c.key === "rd-ratio")).toMatchObject({ outcome: "not-met", valueText: "2.50%" });
    expect(d.requiredEvidence.map((r: any) => r.kind)).toEqual(["business-licence", "financial-statements", "rd-audit", "ip-certificates", "self-assessment"]);
    // A tier that asks none of those figures gets none.
    const listed = dataOf((await startPage(cookie, "?tier=green-factory")).result);
    expect(listed.prefilled).toEqual([]);
  });
});

describe("required evidence", () => {
  let id = 0;

  it("keeps a submission from the new form as a draft and sends the firm to attach its files", async () => {
    const { result } = await postNewRaw(USER, "specialized-new", specializedForm());
    expect(statusOf(result)).toBe(302);
    const location = (result as Response).headers.get("Location")!;
    const m = /^\/applications\/(\d+)\/edit\?missing=evidence$/.exec(location);
    expect(m).not.toBeNull();
    id = Number(m![1]);
    const row = await appRow(id);
    expect(row).toMatchObject({ status: "draft", submitted_at: null, enterprise_id: firmId });
    // Nothing typed is lost.
    expect(JSON.parse(row.payload)).toMatchObject({ revenueYuan: 50_164_600, rdExpenseYuan: 2_233_400, nicheYears: 8, declaration: true });
    const edit = dataOf((await call(editRoute.loader, makeRequest(location, { cookie }), { id: String(id) })).result);
    expect(edit.missingEvidence).toEqual(["business-licence", "financial-statements", "rd-audit", "ip-certificates", "self-assessment"]);
  });

  it("refuses the submission naming each missing kind, in Chinese and English, keeping what was typed", async () => {
    const zh = await postEditRaw(USER, id, specializedForm({ version: "1", rdExpensePrevWan: "211" }));
    expect(statusOf(zh.result)).toBe(400);
    const message = dataOf(zh.result).result.error[""][0];
    expect(message).toContain("营业执照、财务报表、研发费用专项审计、知识产权证书、自评表");
    expect(dataOf(zh.result).result.initialValue).toMatchObject({ rdExpensePrevWan: "211", revenueWan: "5016.46" });
    expect(await appRow(id)).toMatchObject({ status: "draft", version: 1 });

    // Two of the five attached: the refusal names the three left.
    const caller = await callerOf(USER);
    const { smallPdf } = await import("../../seeds/evidence");
    const fs = await import("node:fs");
    const path = await import("node:path");
    const crypto = await import("node:crypto");
    const { dataPaths } = await import("../../db/client");
    for (const kind of ["business-licence", "self-assessment"] as const) {
      const content = smallPdf(kind);
      const tempPath = path.join(dataPaths().uploadsDir, `.t-${kind}`);
      fs.mkdirSync(dataPaths().uploadsDir, { recursive: true });
      fs.writeFileSync(tempPath, content);
      const saved = await saveAttachment(db(), caller, id, kind, {
        tempPath,
        originalName: `${kind}.pdf`,
        mime: "application/pdf",
        size: content.length,
        sha256: crypto.createHash("sha256").update(content).digest("hex"),
      });
      expect(saved.ok).toBe(true);
    }
    const request = makeRequest(`/applications/${id}/edit`, { cookie: `${cookie}; lang=en`, form: specializedForm({ version: "1" }) });
    const en = await call(editRoute.action, request, { id: String(id) });
    expect(statusOf(en.result)).toBe(400);
    expect(dataOf(en.result).result.error[""][0]).toBe(
      "Not submitted: 3 required kinds of evidence are missing: Financial statements, R&D expense audit, IP certificates. Upload them under “Evidence files”, then submit; everything you typed is kept.",
    );
    expect(await appRow(id)).toMatchObject({ status: "draft", version: 1 });
  });

  it("submits once every required kind is attached", async () => {
    await attachRequiredEvidence(db(), await callerOf(USER), id, "specialized-new");
    const { result } = await postEditRaw(USER, id, specializedForm({ version: "1" }));
    expect((result as Response).headers.get("Location")).toBe(`/applications/${id}?done=submit`);
    const row = await appRow(id);
    expect(row).toMatchObject({ status: "submitted", version: 2 });
    // The snapshot names the actual years.
    expect(JSON.parse(row.eligibility!).criteria.map((c: any) => c.labelZh)).toContain(`${YEAR - 1}年研发费用总额`);
  });

  it("lets the bureau change a tier's required kinds (audited); submitted applications stay as they are", async () => {
    const reviewer = await sessionCookieFor("reviewer");
    const form = new FormData();
    form.set("intent", "evidence");
    form.append("req-specialized-new", "business-licence");
    form.append("req-specialized-new", "energy-audit");
    const { result } = await call(checklistsRoute.action, makeRequest("/admin/checklists?tier=quality-factory", { cookie: reviewer, form }));
    expect(statusOf(result)).toBe(303);
    expect(await requiredEvidence(db(), "specialized-new")).toEqual(["business-licence", "energy-audit"]);
    // Tiers not ticked at all require nothing now (every row of the form was posted).
    expect(await requiredEvidence(db(), "listed")).toEqual([]);
    const audit = await db().selectFrom("audit_log").select(["subject", "data"]).where("action", "=", "evidence.update").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data!)["specialized-new"]).toEqual({
      before: ["business-licence", "financial-statements", "rd-audit", "ip-certificates", "self-assessment"],
      after: ["business-licence", "energy-audit"],
    });
    // The submitted application lacks an energy audit, and is still submitted and decidable.
    expect(await appRow(id)).toMatchObject({ status: "submitted" });
    const approved = await approveApplication(db(), await callerOf("reviewer"), id, { version: 2, level: "provincial", recognizedOn: `${YEAR}-06-30`, documentNo: "测试〔2〕号" });
    expect(approved.ok).toBe(true);
  });

  it("refuses hostile values in the bureau's form by the row, changing nothing; others may not post it", async () => {
    const reviewer = await sessionCookieFor("reviewer");
    const before = await requiredEvidence(db(), "green-factory");
    for (const bad of ["../../etc/passwd", "energy-audit\u0000", "x".repeat(10_000), "\u202eother", ""]) {
      const form = new FormData();
      form.set("intent", "evidence");
      form.append("req-specialized-new", "business-licence");
      form.append("req-green-factory", bad);
      const { result } = await call(checklistsRoute.action, makeRequest("/admin/checklists", { cookie: reviewer, form }));
      expect(statusOf(result)).toBe(400);
      expect(dataOf(result).result.error[""][0]).toContain("绿色工厂");
    }
    expect(await requiredEvidence(db(), "green-factory")).toEqual(before);
    for (const who of ["ent-jintang", "officer-jintang"]) {
      const form = new FormData();
      form.set("intent", "evidence");
      const { result } = await call(checklistsRoute.action, makeRequest("/admin/checklists", { cookie: await sessionCookieFor(who), form }));
      expect(statusOf(result)).toBe(403);
    }
    expect(await requiredEvidence(db(), "green-factory")).toEqual(before);
  });

  it("refuses a submission without files at the model too (no route needed)", async () => {
    const { setEvidenceRequirements } = await import("~/models/evidence.server");
    await setEvidenceRequirements(db(), await callerOf("reviewer"), { "green-factory": ["self-assessment", "energy-audit", "business-licence", "discharge-permit"] });
    const { result } = await postNewRaw(USER, "green-factory", { intent: "save", year: String(YEAR), levelSought: "municipal" });
    if (!(result instanceof Response)) throw new Error(JSON.stringify(dataOf(result)));
    const gid = Number(/\/applications\/(\d+)/.exec(result.headers.get("Location")!)![1]);
    const { saveApplication } = await import("~/models/application.server");
    const r = await saveApplication(db(), await callerOf(USER), gid, { year: YEAR, levelSought: "municipal", payload: {}, version: 1, submit: true });
    expect(r).toEqual({ ok: false, reason: "evidence-missing", missing: ["business-licence", "discharge-permit", "energy-audit", "self-assessment"] });
    expect(await appRow(gid)).toMatchObject({ status: "draft", version: 1 });
    // The helper used by the other tests attaches them and submits.
    const ok = await postEdit(USER, gid, greenForm({ version: "1" }));
    expect(redirectedId(ok.result)).toBe(gid);
    expect(await appRow(gid)).toMatchObject({ status: "submitted", version: 2 });
  });
});
