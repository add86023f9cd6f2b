/**
 * Public notice in Chromium with JavaScript on. A reader on a phone files an objection with a
 * PDF attached; the reviewer upholds it on the application page and returns the application;
 * the reviewer proposes two applications into a notice through the form, the window closes (the
 * closing job run with a later clock), and the dashboard's achieved count rises by exactly two.
 * Each journey reads its end state back from the database.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../db/client";
import { getTier, type TierCode } from "~/domain/tiers";
import { closeDueNotices, proposeBatch } from "~/models/notice.server";
import { todayInShanghai } from "~/utils/format";
import { baseUrl, expectNoHorizontalScroll, JOURNEY_FIRMS, launchBrowser, newPage, queryRegistry, screenshot, signInAs, waitForHydration } from "./browser";

const DISTRICT_TIERS = ["demonstration-factory", "quality-factory", "clean-beauty-factory"];

interface Candidate {
  id: number;
  version: number;
  name: string;
  tierCode: TierCode;
  year: number;
}

/** Submitted applications of the tiers with public notice whose firm holds no award of the tier for the year. */
function candidates(): Candidate[] {
  return queryRegistry<Candidate>(
    `SELECT a.id, a.version, e.name, a.tier_code AS tierCode, a.year
       FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
      WHERE a.status = 'submitted' AND a.tier_code IN (${DISTRICT_TIERS.map(() => "?").join(",")})
        AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = a.enterprise_id AND w.tier_code = a.tier_code
                           AND w.year = a.year AND w.revoked_on IS NULL)
      ORDER BY a.id`,
    ...DISTRICT_TIERS,
  ).filter((c) => !JOURNEY_FIRMS.includes(c.name));
}

/** The registry's own model over the e2e server's database (setting up a batch, running the job). */
function registryDb() {
  return openDatabase({ dialect: "sqlite", path: inject("databasePath") });
}

let browser: Browser;
let objected: Candidate;
let reference = "";
beforeAll(async () => {
  browser = await launchBrowser();
  // An open notice for the reader, proposed by the reviewer through the model.
  objected = candidates()[0]!;
  const open = registryDb();
  try {
    const reviewer = await open.db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
    const r = await proposeBatch(
      open.db,
      { id: reviewer.id, role: "reviewer", enterpriseId: null, townCode: null },
      {
        title: "区级工厂拟认定公示（浏览器测试）",
        startsOn: todayInShanghai(),
        office: "定海区经信局企业科",
        phone: "0580-2022000",
        applications: [{ id: objected.id, version: objected.version }],
      },
    );
    if (!r.ok) throw new Error(`propose failed: ${r.reason}`);
  } finally {
    await open.db.destroy();
  }
});
afterAll(async () => {
  await browser?.close();
});

async function achievedOn(page: Page, year: number, tierCode: TierCode): Promise<number> {
  await page.goto(`${baseUrl()}/dashboard?year=${year}`);
  const card = page.locator("article.pcard", { has: page.getByRole("heading", { level: 3, name: getTier(tierCode).nameZh, exact: true }) });
  return Number((await card.locator(".pcard__achieved").textContent())!.replace(/\D+/g, ""));
}

describe("public notice", () => {
  it("a reader on a phone opens the open notice and files an objection with a PDF; it is acknowledged with a reference", async () => {
    const { page, problems, context } = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await page.goto(`${baseUrl()}/notices`);
    await waitForHydration(page);
    await page.getByRole("link", { name: "区级工厂拟认定公示（浏览器测试）" }).click();
    await page.waitForURL(/\/notices\/\d+$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("区级工厂拟认定公示");
    expect(await page.textContent("main")).toContain(objected.name);
    await expectNoHorizontalScroll(page);
    await page.getByRole("link", { name: "提出异议" }).click();
    await page.waitForURL(/\/objection$/);
    await waitForHydration(page);
    await page.getByLabel("异议涉及的企业").selectOption(String(objected.id));
    await page.getByLabel("姓名").fill("钱七");
    await page.getByLabel("联系电话").fill("138 0580 1234");
    await page.getByLabel("异议理由").fill("该企业去年有环保处罚记录，见附件。");
    await page.getByLabel("附件（可选）").setInputFiles({
      name: "处罚决定书.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"),
    });
    await expectNoHorizontalScroll(page);
    await page.getByRole("button", { name: "提交异议" }).click();
    const done = page.locator("[data-reference]");
    await done.waitFor();
    reference = (await done.getAttribute("data-reference"))!;
    expect(reference).toMatch(/^GS\d+-[0-9A-F]{8}$/);
    expect(await done.textContent()).toContain(reference);
    await screenshot(page, "objection-filed-phone");

    const [row] = queryRegistry<{ application_id: number; name: string; status: string; file_name: string; file_mime: string; file_key: string; file_size: number }>(
      `SELECT application_id, name, status, file_name, file_mime, file_key, file_size FROM notice_objections WHERE reference = ?`,
      reference,
    );
    expect(row).toMatchObject({ application_id: objected.id, name: "钱七", status: "pending", file_name: "处罚决定书.pdf", file_mime: "application/pdf" });
    const stored = path.join(path.dirname(inject("databasePath")), "uploads", row!.file_key);
    expect(fs.readFileSync(stored).subarray(0, 5).toString()).toBe("%PDF-");
    expect(fs.statSync(stored).size).toBe(row!.file_size);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the reviewer sees the objection on the application page, upholds it and returns the application with a reason", async () => {
    expect(reference).not.toBe("");
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications/${objected.id}`);
    await waitForHydration(page);
    const panel = page.locator("#objections");
    expect(await panel.textContent()).toContain("区级工厂拟认定公示（浏览器测试）");
    const item = panel.locator(`[data-objection="${reference}"]`);
    expect(await item.textContent()).toContain("钱七");
    expect(await item.textContent()).toContain("待处理");
    // The file downloads for the bureau.
    const href = await item.getByRole("link", { name: /处罚决定书\.pdf/ }).getAttribute("href");
    const file = await page.request.get(`${baseUrl()}${href}`);
    expect(file.status()).toBe(200);
    expect(file.headers()["content-type"]).toBe("application/pdf");

    const form = item.locator("form");
    await form.getByLabel("异议成立", { exact: true }).check();
    await form.getByLabel("异议成立时对申报").selectOption("return");
    await form.getByLabel("退回/不予认定原因").selectOption("data-inconsistent");
    await form.getByLabel("处理意见").fill("经核实，异议属实，请企业补充整改材料后重新提交。");
    await screenshot(page, "objection-resolve");
    await form.getByRole("button", { name: "提交处理结果" }).click();
    await page.waitForURL(/done=resolve-objection/);
    await expect.poll(() => page.locator("#objections").textContent()).toContain("异议成立");

    const [objection] = queryRegistry<{ status: string; resolution: string }>(`SELECT status, resolution FROM notice_objections WHERE reference = ?`, reference);
    expect(objection).toEqual({ status: "upheld", resolution: "经核实，异议属实，请企业补充整改材料后重新提交。" });
    const [app] = queryRegistry<{ status: string; decision_reason: string; decision_comment: string }>(
      `SELECT status, decision_reason, decision_comment FROM applications WHERE id = ?`,
      objected.id,
    );
    expect(app).toEqual({ status: "returned", decision_reason: "data-inconsistent", decision_comment: "经核实，异议属实，请企业补充整改材料后重新提交。" });
    const [event] = queryRegistry<{ action: string; from_status: string; to_status: string }>(
      `SELECT action, from_status, to_status FROM application_events WHERE application_id = ? ORDER BY id DESC LIMIT 1`,
      objected.id,
    );
    expect(event).toEqual({ action: "return", from_status: "publicized", to_status: "returned" });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the reviewer proposes two applications through the form; when the window closes the dashboard counts exactly two more", async () => {
    // Two of one tier and year, from firms not yet holding it, whose names are distinct.
    const pool = candidates();
    const groups = new Map<string, Candidate[]>();
    for (const c of pool) groups.set(`${c.tierCode}:${c.year}`, [...(groups.get(`${c.tierCode}:${c.year}`) ?? []), c]);
    const two = [...groups.values()]
      .map((g) => g.filter((c, i) => g.findIndex((x) => x.name === c.name) === i))
      .find((g) => g.length >= 2)!
      .slice(0, 2);
    expect(two).toHaveLength(2);
    const { tierCode, year } = two[0]!;

    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    const before = await achievedOn(page, year, tierCode);

    await page.goto(`${baseUrl()}/applications`);
    await page.getByRole("link", { name: "拟认定公示" }).first().click();
    await page.waitForURL(/\/notices\/new$/);
    await waitForHydration(page);
    for (const c of two) await page.locator(`#pick-${c.id}`).check();
    await page.getByLabel("公示标题").fill("第二批区级工厂拟认定公示");
    await page.getByLabel("异议受理单位").fill("定海区经信局企业科");
    await page.getByLabel("异议受理电话").fill("0580-2022000");
    await page.getByRole("button", { name: "预览公示期" }).click();
    const preview = page.locator("[data-ends-on]");
    await preview.waitFor();
    const endsOn = (await preview.getAttribute("data-ends-on"))!;
    expect(await preview.textContent()).toContain(`至 ${endsOn}（5 个工作日），共 2 家企业`);
    await screenshot(page, "notice-propose-preview");
    await page.getByRole("button", { name: "确认发布公示" }).click();
    await page.waitForURL(/published=\d+/);
    const batchId = Number(new URL(page.url()).searchParams.get("published"));
    await expect.poll(() => page.locator("[role=status]").first().textContent()).toContain("第二批区级工厂拟认定公示");

    const items = queryRegistry<{ application_id: number; status: string }>(
      `SELECT i.application_id, a.status FROM notice_items i JOIN applications a ON a.id = i.application_id WHERE i.batch_id = ? ORDER BY i.position`,
      batchId,
    );
    const byId = (x: { application_id: number }, y: { application_id: number }) => x.application_id - y.application_id;
    expect([...items].sort(byId)).toEqual(two.map((c) => ({ application_id: c.id, status: "publicized" })).sort(byId));
    const [batch] = queryRegistry<{ ends_on: string; title: string }>(`SELECT ends_on, title FROM notice_batches WHERE id = ?`, batchId);
    expect(batch).toEqual({ ends_on: endsOn, title: "第二批区级工厂拟认定公示" });

    // The window closes: the closing job runs with a clock the day after the last day.
    const open = registryDb();
    try {
      // The demo's open notice (seeds/demo-notices.ts) started today too: it stays open past this
      // clock, so that only this batch closes.
      await open.db.updateTable("notice_batches").set({ ends_on: "2099-12-31" }).where("id", "<>", batchId).where("closed_at", "is", null).execute();
      const counts = await closeDueNotices(open.db, new Date(new Date(`${endsOn}T12:00:00+08:00`).getTime() + 24 * 3600_000));
      expect(counts.approved).toBe(2);
    } finally {
      await open.db.destroy();
    }
    const after = await achievedOn(page, year, tierCode);
    expect(after).toBe(before + 2);
    await screenshot(page, "notice-closed-dashboard");
    const awards = queryRegistry<{ application_id: number; recognized_on: string; tier_code: string; year: number }>(
      `SELECT application_id, recognized_on, tier_code, year FROM awards WHERE application_id IN (?, ?) ORDER BY application_id`,
      two[0]!.id,
      two[1]!.id,
    );
    expect(awards).toEqual(two.map((c) => ({ application_id: c.id, recognized_on: endsOn, tier_code: tierCode, year })).sort((a, b) => a.application_id - b.application_id));
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the administrator sets a tier's public notice on the settings page; a bad number is refused by its field", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "admin");
    await page.goto(`${baseUrl()}/admin/notices`);
    await waitForHydration(page);
    const days = page.getByLabel("绿色工厂 公示工作日数");
    await page.getByLabel("绿色工厂 认定前公示").check();
    await days.fill("31");
    await page.getByRole("button", { name: "保存 绿色工厂" }).click();
    await expect.poll(() => page.locator(".field-error").first().textContent()).toBe("请填写 1–30 之间的整数。");
    expect(await days.inputValue()).toBe("31");
    expect(queryRegistry(`SELECT enabled FROM tier_notice_settings WHERE tier_code = 'green-factory'`)).toEqual([]);
    await days.fill("7");
    await page.getByRole("button", { name: "保存 绿色工厂" }).click();
    await expect.poll(() => page.locator("[role=status]").first().textContent()).toContain("绿色工厂");
    expect(queryRegistry(`SELECT enabled, working_days FROM tier_notice_settings WHERE tier_code = 'green-factory'`)).toEqual([{ enabled: 1, working_days: 7 }]);
    // Back to the default (off), so that other browser tests see the demo data's settings.
    await page.getByLabel("绿色工厂 认定前公示").uncheck();
    await page.getByLabel("绿色工厂 公示工作日数").fill("5");
    await page.getByRole("button", { name: "保存 绿色工厂" }).click();
    await expect.poll(() => queryRegistry(`SELECT enabled, working_days FROM tier_notice_settings WHERE tier_code = 'green-factory'`)).toEqual([{ enabled: 0, working_days: 5 }]);
    expect(queryRegistry<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'notice.settings'`)[0]!.n).toBe(2);
    // The refused save answers 400, which the browser logs; nothing else may.
    expect(problems).toEqual(["console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    await context.close();
  });
});
