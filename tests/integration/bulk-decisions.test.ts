/**
 * Bulk decisions from the review queue: one transaction for the whole batch, each application
 * its own history row, one audit row listing the members, and a race with a single approval
 * that never gives an application two awards.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as bulk from "~/routes/applications.bulk";
import { approveApplication } from "~/models/application-approval.server";
import { createSubmitted } from "../support/evidence";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { caller, cookie } from "./import.helpers";

let reviewerCookie = "";
let officerCookie = "";
let firms: { id: number; name: string }[] = [];
let nextFirm = 0;

beforeAll(async () => {
  reviewerCookie = await cookie("reviewer");
  officerCookie = await cookie("officer-jintang");
  firms = await db().selectFrom("enterprises").select(["id", "name"]).where("archived_at", "is", null).orderBy("id").limit(300).execute();
});

/** n submitted applications of distinct firms, for a year nothing else uses. */
async function submitted(n: number, year: number, tier: "quality-factory" | "specialized-new" = "quality-factory") {
  const reviewer = await caller("reviewer");
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const firm = firms[nextFirm++ % firms.length]!;
    const r = await createSubmitted(db(), reviewer, firm.id, tier, { year, levelSought: tier === "quality-factory" ? "district" : "provincial", payload: { contactName: "测试" } });
    if (!r.ok) throw new Error(JSON.stringify(r));
    ids.push(r.id);
  }
  return ids;
}

function post(form: Record<string, string | string[]>, who = reviewerCookie) {
  return call(bulk.action, makeRequest("/applications/bulk", { cookie: who, form }));
}

const APPROVE = { decision: "approve", level: "district", recognizedOn: "2040-06-30", documentNo: "定经信〔2040〕8号" };

async function preview(ids: number[], fields: Record<string, string> = APPROVE) {
  const { result } = await post({ intent: "preview", ...fields, id: ids.map(String) });
  expect(statusOf(result)).toBe(200);
  return dataOf(result).preview as {
    items: string[];
    impact: { year: number; tier: string; target: number; achievedBefore: number; achievedAfter: number; pipelineBefore: number; pipelineAfter: number }[];
  };
}

async function statusesOf(ids: number[]) {
  return db().selectFrom("applications").select(["id", "status"]).where("id", "in", ids).execute();
}

async function awardsOf(ids: number[]) {
  return db().selectFrom("awards").select(["application_id"]).where("application_id", "in", ids).execute();
}

describe("bulk approval", () => {
  it("approves 200 in one go: preview with before/after, one event each, one audit row", { timeout: 60_000 }, async () => {
    const ids = await submitted(200, 2040);
    const p = await preview(ids);
    expect(p.items).toHaveLength(200);
    expect(p.impact).toEqual([{ year: 2040, tier: "quality-factory", target: 0, achievedBefore: 0, achievedAfter: 200, pipelineBefore: 200, pipelineAfter: 0 }]);
    const started = performance.now();
    const { result } = await post({ intent: "confirm", ...APPROVE, id: ids.map(String), items: p.items });
    console.log(`bulk approve of 200: ${Math.round(performance.now() - started)} ms`);
    expect(statusOf(result)).toBe(303);
    expect((result as Response).headers.get("Location")).toBe("/applications/bulk?done=approve&n=200");
    expect((await statusesOf(ids)).every((a) => a.status === "approved")).toBe(true);
    expect(await awardsOf(ids)).toHaveLength(200);
    const events = await db().selectFrom("application_events").select(["application_id"]).where("application_id", "in", ids).where("action", "=", "approve").execute();
    expect(events).toHaveLength(200);
    const audit = await db().selectFrom("audit_log").select(["data"]).where("action", "=", "application.bulk").execute();
    expect(audit).toHaveLength(1);
    expect(
      JSON.parse(audit[0]!.data!)
        .members.map((m: { id: number }) => m.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it("is all or nothing: one application whose firm already holds the award stops the whole batch", async () => {
    const ids = await submitted(5, 2041);
    const p = await preview(ids, { ...APPROVE, recognizedOn: "2041-06-30" });
    const victim = await db().selectFrom("applications").select(["enterprise_id"]).where("id", "=", ids[3]!).executeTakeFirstOrThrow();
    await db()
      .insertInto("awards")
      .values({ enterprise_id: victim.enterprise_id, tier_code: "quality-factory", level: "district", year: 2041, created_at: new Date().toISOString() })
      .execute();
    const { result } = await post({ intent: "confirm", ...APPROVE, recognizedOn: "2041-06-30", id: ids.map(String), items: p.items });
    expect(statusOf(result)).toBe(409);
    expect(dataOf(result).result.error[""][0]).toMatch(/本年度已有此类别的有效认定记录，本批均未执行/);
    expect((await statusesOf(ids)).every((a) => a.status === "submitted")).toBe(true);
    expect(await awardsOf(ids)).toHaveLength(0);
    expect(await db().selectFrom("application_events").select("id").where("application_id", "in", ids).where("action", "=", "approve").execute()).toHaveLength(0);
  });

  it("names the applications changed since the preview and applies none", async () => {
    const ids = await submitted(4, 2042);
    const p = await preview(ids, { ...APPROVE, recognizedOn: "2042-06-30" });
    const reviewer = await caller("admin");
    expect((await approveApplication(db(), reviewer, ids[1]!, { version: 2, level: "district", recognizedOn: "2042-05-01", documentNo: "单独" })).ok).toBe(true);
    const name = (
      await db().selectFrom("applications as a").innerJoin("enterprises as e", "e.id", "a.enterprise_id").select("e.name").where("a.id", "=", ids[1]!).executeTakeFirstOrThrow()
    ).name;
    const { result } = await post({ intent: "confirm", ...APPROVE, recognizedOn: "2042-06-30", id: ids.map(String), items: p.items });
    expect(statusOf(result)).toBe(409);
    expect(dataOf(result).result.error[""]).toEqual([`以下申报在您预览后已被他人处理或修改：${name}。本批均未执行，请重新预览后再确认。`]);
    expect((await statusesOf(ids)).filter((a) => a.status === "approved").map((a) => a.id)).toEqual([ids[1]]);
    expect(await awardsOf(ids)).toHaveLength(1);
  });

  it("racing a single approval leaves exactly one award per application", async () => {
    for (let round = 0; round < 4; round++) {
      const year = 2050 + round;
      const ids = await submitted(20, year);
      const p = await preview(ids, { ...APPROVE, recognizedOn: `${year}-06-30` });
      const single = await caller("admin");
      const target = ids[round * 5]!;
      const [bulkResult, singleResult] = await Promise.all([
        post({ intent: "confirm", ...APPROVE, recognizedOn: `${year}-06-30`, id: ids.map(String), items: p.items }),
        approveApplication(db(), single, target, { version: 2, level: "district", recognizedOn: `${year}-05-01`, documentNo: "单独" }),
      ]);
      const awards = await awardsOf(ids);
      const perApp = new Map<number, number>();
      for (const a of awards) perApp.set(a.application_id!, (perApp.get(a.application_id!) ?? 0) + 1);
      expect([...perApp.values()].every((n) => n === 1)).toBe(true);
      if (singleResult.ok) {
        expect(statusOf(bulkResult.result)).toBe(409);
        expect(awards).toHaveLength(1);
      } else {
        expect(singleResult).toEqual({ ok: false, reason: "conflict" });
        expect(statusOf(bulkResult.result)).toBe(303);
        expect(awards).toHaveLength(20);
      }
    }
  });
});

describe("bulk return and the edges", () => {
  it("returns several with a common reason, each with its own history row", async () => {
    const ids = await submitted(3, 2043, "specialized-new");
    const fields = { decision: "return", reasonCode: "evidence-missing", comment: "请补充审计报告" };
    const p = await preview(ids, fields);
    expect(p.impact[0]).toMatchObject({ achievedBefore: p.impact[0]!.achievedAfter, pipelineBefore: p.impact[0]!.pipelineAfter });
    const { result } = await post({ intent: "confirm", ...fields, id: ids.map(String), items: p.items });
    expect(statusOf(result)).toBe(303);
    expect((await statusesOf(ids)).every((a) => a.status === "returned")).toBe(true);
    const events = await db().selectFrom("application_events").select(["comment"]).where("application_id", "in", ids).where("action", "=", "return").execute();
    expect(events.map((e) => e.comment)).toEqual(["请补充审计报告", "请补充审计报告", "请补充审计报告"]);
  });

  it("answers a selection of nothing clearly, and refuses a level a tier cannot have", async () => {
    const none = await post({ intent: "preview", ...APPROVE });
    expect(statusOf(none.result)).toBe(400);
    expect(dataOf(none.result).result.error.id).toEqual(["没有选择任何申报：请先在审核队列中勾选要处理的申报。"]);
    const page = await call(bulk.loader, makeRequest("/applications/bulk?decision=approve", { cookie: reviewerCookie }));
    expect(dataOf(page.result).candidates).toEqual([]);
    const ids = await submitted(1, 2044);
    const wrong = await post({ intent: "preview", ...APPROVE, level: "provincial", id: ids.map(String) });
    expect(statusOf(wrong.result)).toBe(400);
    expect(dataOf(wrong.result).result.error.level[0]).toMatch(/「品质工厂」只能认定为 区级/);
  });

  it("is for the bureau only", async () => {
    const page = await call(bulk.loader, makeRequest("/applications/bulk?id=1", { cookie: officerCookie }));
    expect(statusOf(page.result)).toBe(403);
    const act = await post({ intent: "preview", ...APPROVE, id: ["1"] }, officerCookie);
    expect(statusOf(act.result)).toBe(403);
  });
});
