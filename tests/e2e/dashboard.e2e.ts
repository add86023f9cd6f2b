import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectNoHorizontalScroll, launchBrowser, newPage, screenshot, signInAs } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const TIERS_2023 = [
  ["专精特新中小企业", 20],
  ["升规企业", 12],
  ["绿色工厂", 3],
  ["上市(挂牌)企业", 1],
  ["示范工厂", 10],
  ["品质工厂", 10],
  ["洁美工厂", 20],
] as const;

describe("progress dashboard", () => {
  it("shows a reviewer the seven 2023 targets, and a figure opens the firms behind it", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await page.getByLabel("年度", { exact: true }).selectOption("2023");
    await page.getByRole("button", { name: "查看" }).click();
    await page.waitForURL(/year=2023/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("2023");
    const cards = page.locator("article.pcard");
    expect(await cards.count()).toBe(7);
    for (const [i, [name, target]] of TIERS_2023.entries()) {
      const card = cards.nth(i);
      expect(await card.getByRole("heading", { level: 3 }).textContent()).toBe(name);
      expect(await card.locator(".pcard__target").textContent()).toContain(`目标 ${target} 家`);
      expect(await card.textContent()).toContain("口径：");
      expect(await card.textContent()).toContain("数据截至");
    }
    // The bars are pictures; the numbers are text beside them.
    expect(await page.locator("svg.overview__bar[aria-hidden=true]").count()).toBe(7);
    await screenshot(page, "dashboard-2023");

    const green = cards.nth(2);
    const achieved = Number((await green.locator(".pcard__achieved").textContent())!.replace(/\D+/g, ""));
    expect(achieved).toBeGreaterThan(0);
    await green.locator("a.pcard__achieved").click();
    await page.waitForURL(/\/progress\/firms\?year=2023&tier=green-factory/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("2023 年绿色工厂已完成企业");
    expect(await page.locator("table tbody tr").count()).toBe(achieved);
    await screenshot(page, "progress-firms");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("marks the tier furthest behind its pace with a worded badge, on the card with the largest share still missing", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    // 2023 is over: its pace is the whole target, so the card furthest behind misses the largest share.
    await page.goto(`${baseUrl()}/dashboard?year=2023`);
    const cards = page.locator("article.pcard");
    await cards.first().waitFor();
    const figures = await cards.evaluateAll((els) =>
      els.map((el) => {
        const m = /(\d+)\D+?(\d+)/.exec(el.querySelector(".pcard__big")?.textContent ?? "");
        return { title: el.querySelector("h3")?.textContent ?? "", achieved: Number(m?.[1]), target: Number(m?.[2]), marked: /进度最落后/.test(el.textContent ?? "") };
      }),
    );
    const marked = figures.filter((f) => f.marked);
    expect(marked).toHaveLength(1);
    const missing = (f: { achieved: number; target: number }) => (f.target > 0 ? (f.target - f.achieved) / f.target : -1);
    expect(missing(marked[0]!)).toBe(Math.max(...figures.map(missing)));
    expect(missing(marked[0]!)).toBeGreaterThan(0);
    expect(await page.locator("article.pcard--behind").textContent()).toMatch(/尚差 \d+ 家/);
    await screenshot(page, "dashboard-behind-pace");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("prints as an A4 report with the title, the date and the figures", async () => {
    const { page, context, problems } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/dashboard?year=2023`);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".print-title").isVisible()).toBe(true);
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印报表" }).isVisible()).toBe(false);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("fits a 390-px phone without horizontal page scroll, and shows an officer its own town", async () => {
    const { page, problems, context } = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await signInAs(page, "officer-jintang");
    await page.goto(`${baseUrl()}/dashboard?year=2026`);
    expect(await page.locator("article.pcard").count()).toBe(7);
    await expectNoHorizontalScroll(page);
    const league = page.getByRole("region", { name: /2026 年各镇（街道）/ });
    expect(await league.locator("tbody tr").count()).toBe(2);
    expect(await league.locator("tbody tr").first().textContent()).toContain("金塘镇");
    await screenshot(page, "dashboard-phone-officer");
    expect(problems).toEqual([]);
    await context.close();
  });
});
