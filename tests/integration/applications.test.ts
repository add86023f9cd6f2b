/**
 * Every path of the application state machine, driven through the real routes with real
 * FormData against this file's own copy of the seeded database: each event row and each award
 * is checked as it is written.
 */
import { describe, expect, it } from "vitest";
import { buildPayload } from "~/schemas/application.server";
import { formDefaultsFromPayload } from "~/components/application-fields";
import { listChecklist } from "~/models/checklist.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import type { TierCode } from "~/domain/tiers";
import {
  YEAR,
  appRow,
  awardsOf,
  dataOf,
  eventsOf,
  firmIdOf,
  getDetail,
  getEdit,
  greenForm,
  listedForm,
  postDetail,
  postEdit,
  postNew,
  redirectedId,
  scaledUpForm,
  specializedForm,
  statusOf,
  userIdOf,
} from "./applications.helpers";

const today = todayInShanghai();

describe("draft → submit → return → resubmit → approve → revoke", () => {
  let id: number;

  it("saves a partial draft: one create event, version 1, money stored as integer yuan", async () => {
    const { result } = await postNew("ent-jintang", "specialized-new", {
      intent: "save",
      year: String(YEAR),
      contactName: "邬晓燕",
      revenueWan: "5,016.46",
      nicheYears: "",
    });
    id = redirectedId(result);
    expect((result as Response).headers.get("Location")).toBe(`/applications/${id}?done=save`);
    const row = await appRow(id);
    expect(row).toMatchObject({
      enterprise_id: await firmIdOf("ent-jintang"),
      tier_code: "specialized-new",
      year: YEAR,
      level_sought: null,
      status: "draft",
      version: 1,
      submitted_at: null,
      eligibility: null,
      created_by: await userIdOf("ent-jintang"),
    });
    expect(JSON.parse(row.payload)).toEqual({ contactName: "邬晓燕", revenueYuan: 50_164_600, declaration: false });
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "create", from_status: null, to_status: "draft", actor_id: await userIdOf("ent-jintang") });
  });

  it("refuses a second open application of the same tier and year with a link to the first, never a 500", async () => {
    const { result } = await postNew("ent-jintang", "specialized-new", specializedForm({ intent: "save" }));
    expect(statusOf(result)).toBe(409);
    const body = dataOf(result);
    expect(body.existingId).toBe(id);
    expect(body.result.error[""][0]).toContain("已有一份未办结的“专精特新中小企业”申报");
    const count = await db()
      .selectFrom("applications")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("enterprise_id", "=", await firmIdOf("ent-jintang"))
      .where("tier_code", "=", "specialized-new")
      .where("year", "=", YEAR)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("edits the draft: an edit event, status unchanged, version bumped", async () => {
    const { result } = await postEdit("ent-jintang", id, specializedForm({ intent: "save", version: "1", declaration: "" }));
    expect(redirectedId(result)).toBe(id);
    const row = await appRow(id);
    expect(row).toMatchObject({ status: "draft", version: 2, level_sought: "provincial" });
    expect(JSON.parse(row.payload)).toMatchObject({ rdExpenseYuan: 2_233_400, debtRatioPercent: 40.2, declaration: false });
    const events = await eventsOf(id);
    expect(events.map((e) => e.action)).toEqual(["create", "edit"]);
    expect(events[1]).toMatchObject({ from_status: "draft", to_status: "draft" });
  });

  it("will not submit an incomplete application, and names each missing field", async () => {
    const { result } = await postEdit("ent-jintang", id, specializedForm({ version: "2", mainProduct: "", rdStaff: "", levelSought: "", declaration: "" }));
    expect(statusOf(result)).toBe(400);
    const { error, initialValue } = dataOf(result).result;
    expect(error.mainProduct).toEqual(["请填写“主导产品”"]);
    expect(error.rdStaff).toEqual(["请填写“研发人员数（人）”"]);
    expect(error.levelSought).toEqual(["请选择申报级别"]);
    expect(error.declaration).toEqual(["提交前请勾选真实性承诺"]);
    expect(error[""][0]).toContain("还有 4 处需要修改后才能提交：4 项未填写");
    expect(error[""][0]).toContain("主导产品");
    // What was typed comes back, so nothing is lost.
    expect(initialValue.revenueWan).toBe("5016.46");
    expect((await appRow(id)).status).toBe("draft");
  });

  it("submits: snapshot of the pre-check and its rule version, submitted_at, one submit event", async () => {
    const { result } = await postEdit("ent-jintang", id, specializedForm({ version: "2" }));
    expect(redirectedId(result)).toBe(id);
    const row = await appRow(id);
    expect(row).toMatchObject({ status: "submitted", version: 3 });
    expect(row.submitted_at).not.toBeNull();
    const snapshot = JSON.parse(row.eligibility!);
    expect(snapshot.ruleVersion).toBe(row.rule_version);
    expect(typeof row.rule_version).toBe("string");
    expect(snapshot.criteria.length).toBeGreaterThan(0);
    expect(["met", "not-met", "incomplete"]).toContain(snapshot.summary);
    const events = await eventsOf(id);
    expect(events.map((e) => e.action)).toEqual(["create", "edit", "submit"]);
    expect(events[2]).toMatchObject({ from_status: "draft", to_status: "submitted" });
    // The reviewer sees the snapshot and its version on the detail page.
    const detail = dataOf((await getDetail("reviewer", id)).result);
    expect(detail.app.eligibility.ruleVersion).toBe(row.rule_version);
    expect(detail.liveEligibility).toBeNull();
    expect(detail.actions).toEqual(["withdraw", "approve", "reject", "return"]);
  });

  it("returns for revision with a reason code and what to fix", async () => {
    const missing = await postDetail("reviewer", id, { intent: "return", version: "3", reasonCode: "evidence-missing", comment: " " });
    expect(statusOf(missing.result)).toBe(400);
    expect(dataOf(missing.result).result.error.comment).toEqual(["请填写意见，说明企业需要补充或修改的内容"]);

    const { result } = await postDetail("reviewer", id, {
      intent: "return",
      version: "3",
      reasonCode: "evidence-missing",
      comment: "请补充近两年研发费用专项审计报告",
    });
    expect((result as Response).headers.get("Location")).toBe(`/applications/${id}?done=return`);
    const row = await appRow(id);
    expect(row).toMatchObject({
      status: "returned",
      version: 4,
      decision_reason: "evidence-missing",
      decision_comment: "请补充近两年研发费用专项审计报告",
      decided_by: await userIdOf("reviewer"),
    });
    const last = (await eventsOf(id)).at(-1)!;
    expect(last).toMatchObject({
      action: "return",
      from_status: "submitted",
      to_status: "returned",
      comment: "请补充近两年研发费用专项审计报告",
      actor_id: await userIdOf("reviewer"),
    });
    expect(JSON.parse(last.data!)).toEqual({ reason: "evidence-missing" });
  });

  it("reopens the returned application prefilled, with the reviewer's reason", async () => {
    const { result } = await getEdit("ent-jintang", id);
    expect(statusOf(result)).toBe(200);
    const d = dataOf(result);
    expect(d.status).toBe("returned");
    expect(d.decisionReason).toBe("evidence-missing");
    expect(d.decisionComment).toBe("请补充近两年研发费用专项审计报告");
    expect(d.version).toBe(4);
    expect(d.defaultValue).toMatchObject({ revenueWan: "5016.46", rdExpenseWan: "223.34", levelSought: "provincial", declaration: "on", year: String(YEAR) });
  });

  it("edits and resubmits the returned application", async () => {
    const edit = await postEdit("ent-jintang", id, specializedForm({ intent: "save", version: "4", rdExpensePrevWan: "215" }));
    expect(redirectedId(edit.result)).toBe(id);
    expect(await appRow(id)).toMatchObject({ status: "returned", version: 5 });

    const { result } = await postEdit("ent-jintang", id, specializedForm({ version: "5", rdExpensePrevWan: "215" }));
    expect(redirectedId(result)).toBe(id);
    const row = await appRow(id);
    expect(row).toMatchObject({ status: "submitted", version: 6, decided_at: null, decided_by: null });
    expect(JSON.parse(row.payload).rdExpensePrevYuan).toBe(2_150_000);
    const events = await eventsOf(id);
    expect(events.slice(-2).map((e) => [e.action, e.from_status, e.to_status])).toEqual([
      ["edit", "returned", "returned"],
      ["resubmit", "returned", "submitted"],
    ]);
  });

  it("records the town's opinion: an event and a version bump, status unchanged", async () => {
    const { result } = await postDetail("officer-jintang", id, {
      intent: "opinion",
      version: "6",
      opinion: "recommend",
      comment: "金塘镇初审：企业情况属实，同意推荐",
    });
    expect((result as Response).headers.get("Location")).toBe(`/applications/${id}?done=opinion`);
    expect(await appRow(id)).toMatchObject({
      status: "submitted",
      version: 7,
      town_opinion: "recommend",
      town_comment: "金塘镇初审：企业情况属实，同意推荐",
    });
    const last = (await eventsOf(id)).at(-1)!;
    expect(last).toMatchObject({ action: "opinion", from_status: "submitted", to_status: "submitted", actor_id: await userIdOf("officer-jintang") });
    expect(JSON.parse(last.data!)).toEqual({ opinion: "recommend" });
  });

  it("approves and writes the award in the same step (valid 3 years by default)", async () => {
    const { result } = await postDetail("reviewer", id, {
      intent: "approve",
      version: "7",
      level: "provincial",
      recognizedOn: "2026-12-15",
      validUntil: "",
      documentNo: "浙经信企业〔2026〕88号",
      comment: "省级认定结果已公布",
    });
    expect((result as Response).headers.get("Location")).toBe(`/applications/${id}?done=approve`);
    const row = await appRow(id);
    expect(row).toMatchObject({ status: "approved", version: 8, decided_by: await userIdOf("reviewer"), decision_reason: null });
    const awards = await awardsOf(id);
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({
      application_id: id,
      enterprise_id: await firmIdOf("ent-jintang"),
      tier_code: "specialized-new",
      level: "provincial",
      year: YEAR,
      recognized_on: "2026-12-15",
      valid_until: "2029-12-15",
      document_no: "浙经信企业〔2026〕88号",
      revoked_on: null,
      created_by: await userIdOf("reviewer"),
    });
    const last = (await eventsOf(id)).at(-1)!;
    expect(last).toMatchObject({ action: "approve", from_status: "submitted", to_status: "approved" });
    expect(JSON.parse(last.data!)).toMatchObject({ level: "provincial", recognizedOn: "2026-12-15", documentNo: "浙经信企业〔2026〕88号" });
  });

  it("revokes the approval: the award is marked revoked, with the reason", async () => {
    const { result } = await postDetail("admin", id, {
      intent: "revoke",
      version: "8",
      revokedOn: "2027-03-01",
      reason: "企业发生重大安全生产事故",
    });
    expect((result as Response).headers.get("Location")).toBe(`/applications/${id}?done=revoke`);
    expect(await appRow(id)).toMatchObject({ status: "revoked", version: 9 });
    const [award] = await awardsOf(id);
    expect(award).toMatchObject({ revoked_on: "2027-03-01", revoked_reason: "企业发生重大安全生产事故" });
    const events = await eventsOf(id);
    expect(events.map((e) => e.action)).toEqual(["create", "edit", "submit", "return", "edit", "resubmit", "opinion", "approve", "revoke"]);
    // One event per step, and the version counts them, as in the seeded history.
    expect((await appRow(id)).version).toBe(events.length);
    expect(events.at(-1)).toMatchObject({ from_status: "approved", to_status: "revoked", actor_id: await userIdOf("admin") });
  });

  it("shows the whole history on the detail page with names, and offers nothing more to the firm", async () => {
    const d = dataOf((await getDetail("ent-jintang", id)).result);
    expect(d.events.map((e: any) => e.action)).toHaveLength(9);
    expect(d.events[3]).toMatchObject({ actorName: "区经信局 审核员", actorRole: "reviewer", fromStatus: "submitted", toStatus: "returned" });
    expect(d.app.award).toMatchObject({ level: "provincial", revokedOn: "2027-03-01" });
    expect(d.actions).toEqual([]);
    // The loader sends no raw rows: no password hashes, no storage keys.
    expect(JSON.stringify(d)).not.toMatch(/password_hash|storage_key|\$argon2/);
  });
});

describe("the other paths", () => {
  it("submit → reject: a reason, no award", async () => {
    const { result } = await postNew("ent-yancang", "scaled-up", scaledUpForm());
    const id = redirectedId(result);
    expect(await appRow(id)).toMatchObject({ status: "submitted", version: 2, level_sought: "district" });
    expect((await eventsOf(id)).map((e) => [e.action, e.from_status, e.to_status])).toEqual([
      ["create", null, "draft"],
      ["submit", "draft", "submitted"],
    ]);
    const r = await postDetail("reviewer", id, {
      intent: "reject",
      version: "2",
      reasonCode: "threshold-not-met",
      comment: "本年累计主营业务收入未达2000万元",
    });
    expect(statusOf(r.result)).toBe(302);
    expect(await appRow(id)).toMatchObject({ status: "rejected", version: 3, decision_reason: "threshold-not-met" });
    expect((await eventsOf(id)).at(-1)).toMatchObject({ action: "reject", from_status: "submitted", to_status: "rejected" });
    expect(await awardsOf(id)).toEqual([]);
  });

  it("submit → withdraw by the firm, and then a new application of the same tier and year is allowed", async () => {
    const first = redirectedId((await postNew("ent-jintang", "listed", listedForm())).result);
    const r = await postDetail("ent-jintang", first, { intent: "withdraw", version: "2", comment: "拟明年再报" });
    expect(statusOf(r.result)).toBe(302);
    expect(await appRow(first)).toMatchObject({ status: "withdrawn", version: 3 });
    expect((await eventsOf(first)).at(-1)).toMatchObject({ action: "withdraw", from_status: "submitted", to_status: "withdrawn", comment: "拟明年再报" });
    const second = redirectedId((await postNew("ent-jintang", "listed", listedForm({ intent: "save" }))).result);
    expect(second).not.toBe(first);
    expect((await appRow(second)).status).toBe("draft");
  });

  it("returned → withdraw", async () => {
    const id = redirectedId((await postNew("ent-jintang", "green-factory", greenForm())).result);
    expect(JSON.parse((await appRow(id)).payload)).toMatchObject({ energyIntensity: 0.412, certificates: ["iso9001", "iso14001"], dischargePermit: true });
    await postDetail("reviewer", id, { intent: "return", version: "2", reasonCode: "evidence-missing", comment: "请补充能源审计报告" });
    expect((await appRow(id)).status).toBe("returned");
    const r = await postDetail("ent-jintang", id, { intent: "withdraw", version: "3" });
    expect(statusOf(r.result)).toBe(302);
    expect((await eventsOf(id)).slice(-2).map((e) => [e.action, e.from_status, e.to_status])).toEqual([
      ["return", "submitted", "returned"],
      ["withdraw", "returned", "withdrawn"],
    ]);
  });

  it("a reviewer applies on a firm's behalf, with the enterprise param", async () => {
    const firm = await firmIdOf("ent-yancang");
    const { result } = await postNew(
      "reviewer",
      "clean-beauty-factory",
      {
        intent: "submit",
        year: String(YEAR),
        contactName: "虞丽",
        contactPhone: "0580-2061835",
        description: "据企业纸质申报材料代为录入。",
        declaration: "on",
        "checklist.tidy-site": "on",
      },
      `&enterprise=${firm}`,
    );
    const id = redirectedId(result);
    const row = await appRow(id);
    expect(row).toMatchObject({ enterprise_id: firm, status: "submitted", created_by: await userIdOf("reviewer") });
    const payload = JSON.parse(row.payload);
    const items = await listChecklist(db(), "clean-beauty-factory");
    expect(Object.keys(payload.checklist).sort()).toEqual(items.map((i) => i.code).sort());
    expect(JSON.parse(row.eligibility!).ruleVersion).toMatch(/^clean-beauty-factory\/checklist/);
  });

  it("keeps drafts, returned and submitted apart: an approved application cannot be edited", async () => {
    const id = redirectedId((await postNew("ent-yancang", "specialized-new", specializedForm({ contactName: "虞丽" }))).result);
    await postDetail("reviewer", id, { intent: "approve", version: "2", level: "municipal", recognizedOn: today, documentNo: "舟经信〔2026〕5号" });
    expect((await appRow(id)).status).toBe("approved");
    const edit = await getEdit("ent-yancang", id);
    expect((edit.result as Response).headers.get("Location")).toBe(`/applications/${id}`);
    const post = await postEdit("ent-yancang", id, specializedForm({ version: "3" }));
    expect(statusOf(post.result)).toBe(409);
    expect(dataOf(post.result).result.error[""]).toEqual(["此申报已被他人处理/修改，请刷新后查看最新状态"]);
  });
});

describe("bad input is answered by the field, never with a 500", () => {
  it("names malformed values in a draft", async () => {
    const { result } = await postNew("ent-yancang", "specialized-new", {
      intent: "save",
      year: "abc",
      contactPhone: "12345",
      revenueWan: "12.345",
      debtRatioPercent: "140",
      nicheYears: "3.5",
      levelSought: "galactic",
      mainBusinessRevenueWan: "x",
    });
    expect(statusOf(result)).toBe(400);
    const { error } = dataOf(result).result;
    expect(error.year[0]).toMatch(/申报年度应为/);
    expect(error.contactPhone[0]).toMatch(/手机号码应为11位/);
    expect(error.revenueWan[0]).toMatch(/最多保留两位小数/);
    expect(error.debtRatioPercent[0]).toMatch(/应在 0 到 100 之间/);
    expect(error.nicheYears[0]).toMatch(/请填写整数/);
    expect(error.levelSought).toEqual(["请选择申报级别"]);
    expect(error.mainBusinessRevenueWan[0]).toMatch(/金额格式不正确/);
  });

  it("checks fields against each other and by tier", async () => {
    const sn = await postNew("ent-yancang", "specialized-new", specializedForm({ intent: "save", mainBusinessRevenueWan: "6000", rdStaff: "500" }));
    expect(dataOf(sn.result).result.error).toMatchObject({
      mainBusinessRevenueWan: ["主营业务收入不能大于营业收入"],
      rdStaff: ["研发人员数不能大于从业人员数"],
    });
    const listed = await postNew("ent-yancang", "listed", listedForm({ stage: "listed", board: "nasdaq" }));
    const e = dataOf(listed.result).result.error;
    expect(e.board[0]).toMatch(/选项无效/);
    expect(e.stockCode).toEqual(["进程为“已上市/挂牌”时，请填写证券代码和上市（挂牌）日期"]);
    const scaled = await postNew("ent-yancang", "scaled-up", scaledUpForm({ route: "individual-to-company", previousUscc: "91330902MA2A0JT58D" }));
    expect(dataOf(scaled.result).result.error.previousUscc[0]).toMatch(/校验位应为 C/);
    const green = await postNew("ent-yancang", "green-factory", greenForm({ certificates: ["iso9001", "iso27001"], energyIntensity: "0.4123" }));
    expect(dataOf(green.result).result.error).toMatchObject({
      certificates: [expect.stringMatching(/选项无效/)],
      energyIntensity: ["“单位工业增加值能耗（吨标准煤/万元）”最多保留3位小数"],
    });
  });

  it("answers in English when English was chosen", async () => {
    const { makeRequest, call } = await import("../support/requests");
    const route = await import("~/routes/applications.new");
    const { cookieOf } = await import("./applications.helpers");
    const request = makeRequest("/applications/new?tier=listed", {
      cookie: `${await cookieOf("ent-yancang")}; lang=en`,
      form: listedForm({ board: "" }),
    });
    const { result } = await call(route.action, request);
    expect(dataOf(result).result.error.board).toEqual(["Choose “Board”"]);
  });

  it("refuses a decision without its required fields, by field", async () => {
    const id = redirectedId((await postNew("ent-yancang", "listed", listedForm())).result);
    const approve = await postDetail("reviewer", id, { intent: "approve", version: "2", level: "provincial", recognizedOn: "2026-02-30", documentNo: "" });
    expect(statusOf(approve.result)).toBe(400);
    const e = dataOf(approve.result).result.error;
    expect(e.level).toEqual(["请选择申报级别"]);
    expect(e.recognizedOn[0]).toMatch(/年-月-日/);
    expect(e.documentNo).toEqual(["请填写认定文号"]);
    const bogus = await postDetail("reviewer", id, { intent: "explode", version: "2" });
    expect(statusOf(bogus.result)).toBe(400);
    const noVersion = await postDetail("reviewer", id, { intent: "reject", reasonCode: "other", comment: "x" });
    expect(dataOf(noVersion.result).result.error.version).toEqual(["页面数据已过期，请刷新后重试"]);
    expect((await appRow(id)).status).toBe("submitted");
  });
});

describe("the seeded applications fit the form", () => {
  it("every submitted payload reopens in the edit form and validates in submit mode unchanged", async () => {
    const rows = await db().selectFrom("applications").select(["id", "tier_code", "payload", "status", "level_sought", "renews_award_id"]).where("status", "!=", "draft").execute();
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      const tier = row.tier_code as TierCode;
      const payload = JSON.parse(row.payload);
      const checklist = await listChecklist(db(), tier);
      const raw = formDefaultsFromPayload(tier, payload);
      // A renewal (复核) reopens in its short form.
      const renewal = row.renews_award_id !== null;
      const built = buildPayload("zh", tier, { ...raw, levelSought: row.level_sought ?? undefined }, { mode: "submit", checklist, renewal });
      expect(built.issues, `app ${row.id}`).toEqual([]);
      expect(built.payload, `app ${row.id}`).toEqual(payload);
    }
  });
});
