import { beforeAll, describe, expect, it } from "vitest";
import { evaluateEligibility } from "~/domain/eligibility";
import { listChecklist } from "~/models/checklist.server";
import * as page from "~/routes/admin.checklists";
import { db } from "~/utils/db.server";
import { seedReference } from "../../seeds/reference";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const TIER = "clean-beauty-factory";
const URL_OF = (tier = TIER) => `/admin/checklists?tier=${tier}`;

async function audits(subjectPrefix: string) {
  return db()
    .selectFrom("audit_log")
    .select(["action", "subject", "data", "actor_id"])
    .where("action", "=", "checklist.update")
    .where("subject", "like", `${subjectPrefix}%`)
    .orderBy("id")
    .execute();
}

async function post(cookie: string, form: Record<string, string>, tier = TIER) {
  return call(page.action, makeRequest(URL_OF(tier), { cookie, form }));
}

async function itemId(code: string, tier = TIER) {
  const row = await db().selectFrom("tier_checklist_items").select("id").where("tier_code", "=", tier).where("code", "=", code).executeTakeFirstOrThrow();
  return String(row.id);
}

let admin: string;
let reviewer: string;

beforeAll(async () => {
  admin = await sessionCookieFor("admin");
  reviewer = await sessionCookieFor("reviewer");
});

describe("default checklists", () => {
  it("are seeded for the three district factory tiers, and only those", async () => {
    const clean = await listChecklist(db(), "clean-beauty-factory");
    expect(clean.map((i) => i.code)).toEqual(["site-tidy", "fixed-position", "safety-standard", "no-violations", "rain-sewage", "appearance"]);
    expect(clean[0]).toEqual({ code: "site-tidy", labelZh: "厂区环境整洁，道路硬化、绿化到位", labelEn: "Tidy site, with paved roads and greenery", required: true, sort: 1 });
    expect((await listChecklist(db(), "quality-factory")).length).toBeGreaterThanOrEqual(4);
    expect((await listChecklist(db(), "demonstration-factory")).some((i) => i.code === "smart-manufacturing")).toBe(true);
    expect(await listChecklist(db(), "specialized-new")).toEqual([]);
  });

  it("are written once: seeding again leaves the bureau's edits alone", async () => {
    const id = await itemId("appearance");
    await db().updateTable("tier_checklist_items").set({ label_zh: "厂容厂貌（局里改过）" }).where("id", "=", Number(id)).execute();
    await seedReference(db());
    const again = await listChecklist(db(), TIER);
    expect(again.find((i) => i.code === "appearance")?.labelZh).toBe("厂容厂貌（局里改过）");
    expect(again.length).toBe(6);
  });
});

describe("access", () => {
  for (const username of ["officer-jintang", "ent-jintang"]) {
    it(`refuses ${username} with 403, page and actions alike`, async () => {
      const cookie = await sessionCookieFor(username);
      const view = await call(page.loader, makeRequest(URL_OF(), { cookie }));
      expect(statusOf(view.result)).toBe(403);
      const change = await post(cookie, { intent: "add", code: "sneaky", labelZh: "偷加", labelEn: "Sneaky" });
      expect(statusOf(change.result)).toBe(403);
      expect(await listChecklist(db(), TIER).then((l) => l.some((i) => i.code === "sneaky"))).toBe(false);
    });
  }

  it("sends an anonymous visitor to sign in", async () => {
    const { result } = await call(page.loader, makeRequest(URL_OF()));
    expect((result as Response).headers.get("Location")).toContain("/login?redirectTo=");
  });

  it("shows reviewers and admins the chosen tier, falling back to the first for an unknown one", async () => {
    for (const cookie of [admin, reviewer]) {
      const { result } = await call(page.loader, makeRequest(URL_OF("quality-factory"), { cookie }));
      const d = dataOf(result);
      expect(d.tier).toBe("quality-factory");
      expect(d.items.map((i: { code: string }) => i.code)).toContain("quality-system");
      expect(d.tiers.map((x: { code: string }) => x.code)).toEqual(["demonstration-factory", "quality-factory", "clean-beauty-factory"]);
    }
    const { result } = await call(page.loader, makeRequest("/admin/checklists?tier=listed", { cookie: admin }));
    expect(dataOf(result).tier).toBe("demonstration-factory");
  });
});

describe("adding items", () => {
  it("adds an item at the end of the list, with an audit row", async () => {
    const { result } = await post(admin, { intent: "add", code: "waste-sorting", labelZh: "固废分类收集", labelEn: "Solid waste sorted", required: "on" });
    expect(statusOf(result)).toBe(303);
    expect((result as Response).headers.get("Location")).toBe(`/admin/checklists?tier=${TIER}&done=add&label=${encodeURIComponent("固废分类收集")}`);
    const list = await listChecklist(db(), TIER);
    expect(list.at(-1)).toMatchObject({ code: "waste-sorting", labelZh: "固废分类收集", labelEn: "Solid waste sorted", required: true });
    const [row] = await audits(`${TIER}/waste-sorting`);
    expect(row.actor_id).toBe(1);
    expect(JSON.parse(row.data!)).toMatchObject({ op: "add", after: { code: "waste-sorting", required: true } });
  });

  it("adds an optional item when the box is unticked", async () => {
    await post(reviewer, { intent: "add", code: "canteen", labelZh: "职工食堂整洁", labelEn: "Clean canteen" });
    expect((await listChecklist(db(), TIER)).find((i) => i.code === "canteen")?.required).toBe(false);
  });

  it("names each problem by its field and keeps what was typed", async () => {
    const before = (await audits(TIER)).length;
    const { result } = await post(admin, { intent: "add", code: "Bad Code!", labelZh: " ", labelEn: "" });
    expect(statusOf(result)).toBe(400);
    const { result: reply, formId } = dataOf(result);
    expect(formId).toBe("add-item");
    expect(reply.error.code).toEqual(["编号只能包含小写英文字母、数字和连字符，以字母开头，2–40 个字符。"]);
    expect(reply.error.labelZh).toEqual(["请填写中文名称。"]);
    expect(reply.error.labelEn).toEqual(["请填写英文名称。"]);
    expect(reply.initialValue.code).toBe("Bad Code!");
    expect((await audits(TIER)).length).toBe(before);
  });

  it("answers in English when English was chosen", async () => {
    const { result } = await call(page.action, makeRequest(URL_OF(), { cookie: `${admin}; lang=en`, form: { intent: "add", code: "x", labelZh: "甲", labelEn: "A" } }));
    expect(dataOf(result).result.error.code[0]).toMatch(/^A code uses lower-case letters/);
  });

  it("refuses a code already used in the tier, archived items included", async () => {
    const { result } = await post(admin, { intent: "add", code: "site-tidy", labelZh: "重复", labelEn: "Duplicate" });
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).result.error.code[0]).toContain("“site-tidy”");
    // The same code in another tier is fine.
    const other = await post(admin, { intent: "add", code: "site-tidy", labelZh: "厂区整洁", labelEn: "Tidy site" }, "quality-factory");
    expect(statusOf(other.result)).toBe(303);
  });

  it("refuses labels that are too long", async () => {
    const { result } = await post(admin, { intent: "add", code: "long-one", labelZh: "长".repeat(101), labelEn: "L" });
    expect(dataOf(result).result.error.labelZh).toEqual(["不能超过 100 个字符。"]);
  });

  it("refuses a tier without a checklist", async () => {
    const { result } = await post(admin, { intent: "add", code: "nope", labelZh: "无", labelEn: "No" }, "specialized-new");
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).result.error[""]).toEqual(["请选择示范工厂、品质工厂或洁美工厂。"]);
    expect(await listChecklist(db(), "specialized-new")).toEqual([]);
  });

  it("refuses an unknown intent without a 500", async () => {
    const { result } = await post(admin, { intent: "delete", itemId: await itemId("site-tidy") });
    expect(statusOf(result)).toBe(400);
  });
});

describe("changing items", () => {
  it("relabels and marks optional, auditing before and after", async () => {
    const id = await itemId("rain-sewage");
    const { result } = await post(reviewer, { intent: "update", itemId: id, labelZh: "雨污分流到位", labelEn: "Storm water and sewage separated" });
    expect(statusOf(result)).toBe(303);
    const item = (await listChecklist(db(), TIER)).find((i) => i.code === "rain-sewage")!;
    expect(item).toMatchObject({ labelZh: "雨污分流到位", required: false });
    const last = (await audits(`${TIER}/rain-sewage`)).at(-1)!;
    expect(JSON.parse(last.data!)).toMatchObject({
      op: "update",
      before: { labelZh: "雨污分流，污染物规范收集处置", required: true },
      after: { labelZh: "雨污分流到位", required: false },
    });
    expect(last.actor_id).toBe(2);
  });

  it("keeps the edit form's input and errors on a bad relabel", async () => {
    const { result } = await post(admin, { intent: "update", itemId: await itemId("rain-sewage"), labelZh: "", labelEn: "X" });
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).formId).toBe("edit-item");
    expect(dataOf(result).result.error.labelZh).toEqual(["请填写中文名称。"]);
  });

  it("refuses an item of another tier, or one that does not exist, with 409", async () => {
    const foreign = await itemId("quality-system", "quality-factory");
    for (const id of [foreign, "999999"]) {
      const { result } = await post(admin, { intent: "update", itemId: id, labelZh: "改", labelEn: "Changed" });
      expect(statusOf(result)).toBe(409);
      expect(dataOf(result).result.error[""]).toEqual(["该清单项目不存在，可能已被他人修改，请刷新页面。"]);
    }
    expect((await listChecklist(db(), "quality-factory")).find((i) => i.code === "quality-system")?.labelZh).toBe("通过 ISO 9001 质量管理体系认证");
  });

  it("moves items up and down, renumbering the order", async () => {
    const codes = async () => (await listChecklist(db(), TIER)).map((i) => i.code);
    const start = await codes();
    await post(admin, { intent: "move", itemId: await itemId(start[1]), direction: "up" });
    expect((await codes()).slice(0, 2)).toEqual([start[1], start[0]]);
    await post(admin, { intent: "move", itemId: await itemId(start[1]), direction: "down" });
    expect(await codes()).toEqual(start);
    // The first cannot go higher; nothing changes.
    await post(admin, { intent: "move", itemId: await itemId(start[0]), direction: "up" });
    expect(await codes()).toEqual(start);
    expect((await listChecklist(db(), TIER)).map((i) => i.sort)).toEqual(start.map((_, i) => i + 1));
  });

  it("archives instead of deleting, and restores at the end", async () => {
    const id = await itemId("fixed-position");
    const { result } = await post(admin, { intent: "archive", itemId: id });
    expect(statusOf(result)).toBe(303);
    expect((await listChecklist(db(), TIER)).some((i) => i.code === "fixed-position")).toBe(false);
    const row = await db().selectFrom("tier_checklist_items").select(["archived_at"]).where("id", "=", Number(id)).executeTakeFirstOrThrow();
    expect(row.archived_at).not.toBeNull();
    const view = dataOf((await call(page.loader, makeRequest(URL_OF(), { cookie: admin }))).result);
    expect(view.items.find((i: { code: string }) => i.code === "fixed-position").archivedAt).not.toBeNull();
    // An archived item cannot be moved, but it can be restored.
    expect(statusOf((await post(admin, { intent: "move", itemId: id, direction: "up" })).result)).toBe(409);
    await post(admin, { intent: "restore", itemId: id });
    expect((await listChecklist(db(), TIER)).at(-1)?.code).toBe("fixed-position");
    expect((await audits(`${TIER}/fixed-position`)).map((a) => JSON.parse(a.data!).op).slice(-2)).toEqual(["archive", "restore"]);
  });

  it("feeds the pre-check: an archived required item no longer counts", async () => {
    const ticks = Object.fromEntries((await listChecklist(db(), TIER)).filter((i) => i.code !== "safety-standard").map((i) => [i.code, true]));
    const before = evaluateEligibility(TIER, { checklist: ticks }, "2026-05-01", await listChecklist(db(), TIER));
    expect(before.summary).toBe("not-met");
    await post(admin, { intent: "archive", itemId: await itemId("safety-standard") });
    const after = evaluateEligibility(TIER, { checklist: ticks }, "2026-05-01", await listChecklist(db(), TIER));
    expect(after.summary).toBe("met");
    expect(after.ruleVersion).not.toBe(before.ruleVersion);
  });
});
