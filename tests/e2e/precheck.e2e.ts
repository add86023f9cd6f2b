/**
 * The live pre-check beside the application form, in Chromium with JavaScript on: it judges only
 * values the server would accept, and says "数据有误" for the rest.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, openRegistryDb, screenshot, signInAs, waitForHydration } from "./browser";

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
  return page.locator(".eligibility").getByRole("row").filter({ has: page.getByRole("rowheader", { name: criterion, exact: true }) }).locator("td").last();
}

describe("the live pre-check", () => {
  it("shows 数据有误, never ✓符合, for figures the server refuses", async () => {
    const before = applicationsOf("ent-yancang");
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-yancang");
    await page.goto(`${baseUrl()}/applications/new?tier=specialized-new`);
    await waitForHydration(page);
    await page.getByLabel(label("上年度营业收入（万元）")).fill("4620");
    // Main business larger than all revenue: 929,041% of it, which the server refuses.
    await page.getByLabel(label("上年度主营业务收入（万元）")).fill("42921700");
    const share = outcomeOf(page, "主营业务收入占营业收入比重");
    await expect.poll(() => share.textContent()).toContain("数据有误");
    expect(await share.textContent()).not.toContain("符合");
    await expect.poll(() => page.locator(".eligibility__summary").textContent()).toContain("数据有误");

    // A figure that does not parse is 数据有误 too, not 数据不足.
    await page.getByLabel(label("上年度主营业务收入（万元）")).fill("4300");
    await expect.poll(() => share.textContent()).toContain("符合");
    await page.getByLabel(label("上年度研发费用（万元）")).fill("二百万");
    await expect.poll(() => outcomeOf(page, "上年度研发费用总额").textContent()).toContain("数据有误");
    await screenshot(page, "precheck-invalid");

    // The server refuses the same data: nothing is stored.
    await page.getByRole("button", { name: "保存草稿" }).click();
    await expect.poll(() => page.getByLabel(label("上年度研发费用（万元）")).getAttribute("aria-invalid")).toBe("true");
    expect(applicationsOf("ent-yancang")).toBe(before);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});
