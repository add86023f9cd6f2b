/**
 * The live pre-check beside the application form, in Chromium with JavaScript on: it judges only
 * values the server would accept, and says "数据有误" for the rest.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, openRegistryDb, screenshot, signInAs, waitForHydration } from "./browser";

/** The form's labels name the actual years before the application's (this year, in Shanghai). */
const Y1 = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())) - 1;
const Y2 = Y1 - 1;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function label(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);
}

function applicationsOf(username: string): number {
  const db = openRegistryDb();
  try {
    return (db.prepare(`SELECT count(*) AS n FROM applications a JOIN users u ON u.enterprise_id = a.enterprise_id WHERE u.username = ?`).get(username) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The outcome cell of a pre-check row, by the criterion's name. */
function outcomeOf(page: Page, criterion: string) {
  return page
    .locator(".eligibility")
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: criterion, exact: true }) })
    .locator("td")
    .last();
}

describe("the live pre-check", () => {
  it("shows 数据有误, never ✓符合, for figures the server refuses", async () => {
    const before = applicationsOf("ent-yancang");
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-yancang");
    await page.goto(`${baseUrl()}/applications/new?tier=specialized-new`);
    await waitForHydration(page);
    await page.getByLabel(label(`${Y1}年营业收入（万元）`)).fill("4620");
    // Main business larger than all revenue: 929,041% of it, which the server refuses.
    await page.getByLabel(label(`${Y1}年主营业务收入（万元）`)).fill("42921700");
    const share = outcomeOf(page, "主营业务收入占营业收入比重");
    await expect.poll(() => share.textContent()).toContain("数据有误");
    expect(await share.textContent()).not.toContain("符合");
    await expect.poll(() => page.locator(".eligibility__summary").textContent()).toContain("数据有误");

    // A figure that does not parse is 数据有误 too, not 数据不足.
    await page.getByLabel(label(`${Y1}年主营业务收入（万元）`)).fill("4300");
    await expect.poll(() => share.textContent()).toContain("符合");
    await page.getByLabel(label(`${Y1}年研发费用（万元）`)).fill("二百万");
    await expect.poll(() => outcomeOf(page, `${Y1}年研发费用总额`).textContent()).toContain("数据有误");
    await screenshot(page, "precheck-invalid");

    // The server refuses the same data: nothing is stored.
    await page.getByRole("button", { name: "保存草稿" }).click();
    await expect.poll(() => page.getByLabel(label(`${Y1}年研发费用（万元）`)).getAttribute("aria-invalid")).toBe("true");
    expect(applicationsOf("ent-yancang")).toBe(before);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});

describe("amounts against what the registry knows of the firm", () => {
  it("asks 是否误填为元？ for 元 typed into a 万元 field, refuses to submit it unconfirmed, and stores the corrected amount", async () => {
    const db = openRegistryDb();
    const firm = db.prepare(`SELECT e.id, e.revenue_yuan AS revenueYuan FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE u.username = 'ent-yancang'`).get() as {
      id: number;
      revenueYuan: number;
    };
    db.close();
    const openOf = () => {
      const d = openRegistryDb();
      try {
        return d
          .prepare(`SELECT status, payload FROM applications WHERE enterprise_id = ? AND tier_code = 'specialized-new' AND status != 'draft' AND year >= 2026`)
          .all(firm.id) as { status: string; payload: string }[];
      } finally {
        d.close();
      }
    };
    expect(openOf()).toEqual([]);
    const wan = String(firm.revenueYuan / 10_000);
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-yancang");
    await page.goto(`${baseUrl()}/applications/new?tier=specialized-new`);
    await waitForHydration(page);
    await page.getByLabel(label("申报级别")).selectOption({ label: "省级" });
    const fill = async (name: string, value: string) => page.getByLabel(label(name)).fill(value);
    await fill("企业及申报情况简介", "企业专注海洋装备关键部件的研发与制造。");
    await fill("从事细分市场年限（年）", "9");
    await fill("主导产品", "船用甲板机械");
    // The profile's revenue typed in 元 into the 万元 field: 10,000 times too much.
    await fill(`${Y1}年营业收入（万元）`, String(firm.revenueYuan));
    await fill(`${Y1}年主营业务收入（万元）`, "4300");
    await fill(`${Y1}年研发费用（万元）`, "223.34");
    await fill(`${Y2}年研发费用（万元）`, "210");
    await fill("研发人员数（人）", "18");
    await fill("从业人员数（人）", "180");
    await fill(`${Y1}年末资产负债率（%）`, "40.2");
    await fill("Ⅰ类知识产权数（如发明专利）", "2");
    await fill("Ⅱ类知识产权数（如实用新型、软件著作权）", "34");
    await page.getByLabel(/本企业承诺/).check();

    const doubts = page.getByRole("group", { name: "请核对以下金额" });
    await expect.poll(async () => (await doubts.count()) && (await doubts.textContent())).toContain("是否误填为元");
    expect(await doubts.textContent()).toContain(`${Number(wan).toLocaleString("en")} 万元`);
    const revenueRow = outcomeOf(page, `${Y1}年营业收入或近2年股权融资`);
    expect(await revenueRow.textContent()).toContain("请核对");
    await screenshot(page, "precheck-doubtful-amount");

    // Unconfirmed, the submission is refused; nothing is stored.
    await page.getByRole("button", { name: "提交申报" }).click();
    const confirm = page.getByLabel("我已核对上述金额：单位为万元，数值无误");
    await expect.poll(() => confirm.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel(label(`${Y1}年营业收入（万元）`)).getAttribute("aria-invalid")).toBe("true");
    expect(openOf()).toEqual([]);

    // Corrected to 万元, the warning goes and the application is kept with the right amount (as a
    // draft, until its required evidence is attached).
    await fill(`${Y1}年营业收入（万元）`, wan);
    await expect.poll(() => doubts.locator(".doubts__list li").count()).toBe(0);
    await page.getByRole("button", { name: "提交申报" }).click();
    await page.waitForURL(/\/applications\/\d+\/edit\?missing=evidence/);
    expect(openOf()).toEqual([]);
    const check = openRegistryDb();
    const stored = [
      check.prepare(`SELECT status, payload FROM applications WHERE id = ?`).get(Number(/\/applications\/(\d+)\//.exec(page.url())![1])) as { status: string; payload: string },
    ];
    check.close();
    expect(stored[0]!.status).toBe("draft");
    expect(JSON.parse(stored[0]!.payload).revenueYuan).toBe(firm.revenueYuan);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});
