/**
 * The yearly figures in Chromium with JavaScript on: a firm updates last year's figures (an
 * amount typed in 元 is caught and corrected, what was typed stays), a reviewer corrects an
 * earlier year, and the database holds what each saved, in whose name.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectAccessible, launchBrowser, newPage, queryRegistry, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

type Row = {
  main_business_revenue_yuan: number | null;
  ip_class1: number | null;
  net_profit_yuan: number | null;
  rd_staff: number | null;
  source: string;
  updated_by: number | null;
  revenue_yuan: number | null;
};

function figuresOf(firm: number, year: number): Row {
  return queryRegistry<Row>(
    "SELECT main_business_revenue_yuan, ip_class1, net_profit_yuan, rd_staff, source, updated_by, revenue_yuan FROM enterprise_figures WHERE enterprise_id = ? AND year = ?",
    firm,
    year,
  )[0]!;
}
const userId = (name: string) => queryRegistry<{ id: number }>("SELECT id FROM users WHERE username = ?", name)[0]!.id;

describe("yearly figures", () => {
  it("the firm updates last year's figures and a reviewer corrects an earlier year", async () => {
    const firm = queryRegistry<{ enterprise_id: number }>("SELECT enterprise_id FROM users WHERE username = 'ent-jintang'")[0]!.enterprise_id;
    const lastYear = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())) - 1;
    const before = figuresOf(firm, lastYear);

    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-jintang");
    await page.goto(`${baseUrl()}/enterprises/${firm}`);
    await page.getByRole("link", { name: "查看与更新年度经营数据" }).click();
    await page.waitForURL(/\/figures/);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole("heading", { name: `${lastYear} 年度经营数据` }).count()).toBe(1);
    const main = page.getByLabel("主营业务收入（万元）", { exact: true });
    const revenue = page.getByLabel("营业收入（万元）", { exact: true });
    const revenueWan = await revenue.inputValue();
    // The statement copied in 元: 6,835 and 6,500 万元 typed as 68350000 and 65000000.
    await revenue.fill(String(before.revenue_yuan));
    await main.fill("65000000");
    await page.getByLabel("Ⅰ类知识产权", { exact: true }).fill("2项");
    await page.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => main.getAttribute("aria-invalid")).toBe("true");
    const message = await page.locator(".field__errors").allTextContents();
    expect(message.join(" ")).toContain("是否误填为元");
    expect(message.join(" ")).toContain("应填 6,500 万元");
    expect(await main.inputValue()).toBe("65000000");
    expect(figuresOf(firm, lastYear)).toEqual(before);
    await screenshot(page, "figures-doubt-zh");

    await revenue.fill(revenueWan);
    await main.fill("6,500");
    await page.getByRole("button", { name: "保存" }).click();
    await page.waitForURL(/saved=1/);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain(`${lastYear} 年度经营数据已保存`);
    await expect.poll(() => page.locator(".field__errors").count()).toBe(0);
    const saved = figuresOf(firm, lastYear);
    expect(saved).toMatchObject({
      main_business_revenue_yuan: 65_000_000,
      ip_class1: 2,
      source: "enterprise",
      updated_by: userId("ent-jintang"),
      revenue_yuan: before.revenue_yuan,
    });
    // The table shows the ratio of the saved year.
    await expect.poll(() => page.getByRole("region", { name: /年度经营数据（金额单位/ }).textContent()).toContain("主营业务收入占比");
    await expectAccessible(page, "figures page");
    // The refused attempt answered 400, as it should; nothing else went wrong.
    expect(problems.filter((p) => !p.includes("status of 400"))).toEqual([]);
    await context.close();

    const reviewer = await newPage(browser);
    await signInAs(reviewer.page, "reviewer");
    await reviewer.page.goto(`${baseUrl()}/enterprises/${firm}/figures`);
    await waitForHydration(reviewer.page);
    await reviewer.page.getByLabel("选择年度").fill("2023");
    await reviewer.page.getByRole("button", { name: "打开" }).click();
    await reviewer.page.waitForURL(/year=2023/);
    await waitForHydration(reviewer.page);
    await expect.poll(() => reviewer.page.getByRole("heading", { name: "2023 年度经营数据" }).count()).toBe(1);
    await reviewer.page.getByLabel("净利润（万元）", { exact: true }).fill("-12.5");
    await reviewer.page.getByLabel("研发人员", { exact: true }).fill("30");
    await reviewer.page.getByRole("button", { name: "保存" }).click();
    await reviewer.page.waitForURL(/year=2023&saved=1/);
    expect(figuresOf(firm, 2023)).toMatchObject({ net_profit_yuan: -125_000, rd_staff: 30, source: "bureau", updated_by: userId("reviewer") });
    const audit = queryRegistry<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'figures.update' AND subject = ?", `enterprise:${firm}`)[0]!;
    expect(audit.n).toBeGreaterThanOrEqual(2);
    await screenshot(reviewer.page, "figures-reviewer-zh");
    expect(reviewer.problems).toEqual([]);
    await reviewer.context.close();
  }, 120_000);
});
