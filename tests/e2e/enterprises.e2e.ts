import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCheckChar } from "~/domain/uscc";
import { baseUrl, expectNoHorizontalScroll, launchBrowser, newPage, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function totalOf(text: string | null): number {
  const match = /共 (\d+) 家/.exec(text ?? "");
  if (!match) throw new Error(`no total in ${text}`);
  return Number(match[1]);
}

describe("the enterprise registry in Chromium", () => {
  it("lets a town officer browse, filter, sort and page its own firms", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "officer-jintang");
    await page.goto(`${baseUrl()}/enterprises`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("企业名录");
    const all = totalOf(await page.locator(".ent-total").textContent());
    expect(all).toBeGreaterThan(0);
    // The officer's town is fixed, not a choice.
    expect(await page.getByLabel("镇（街道）", { exact: true }).count()).toBe(1);
    expect(await page.locator("select[name=town]").count()).toBe(0);
    await screenshot(page, "enterprises-officer-list");

    await page.getByLabel("在册培育称号").selectOption("clean-beauty-factory");
    await page.getByLabel("规上企业").selectOption("1");
    await page.getByRole("button", { name: "查询" }).click();
    await page.waitForURL(/tier=clean-beauty-factory/);
    expect(page.url()).toContain("aboveScale=1");
    await expect.poll(async () => totalOf(await page.locator(".ent-total").textContent())).toBeLessThan(all);
    const filtered = totalOf(await page.locator(".ent-total").textContent());
    expect(filtered).toBeGreaterThan(0);
    const rows = page.locator(".ent-list > .table-wrap tbody tr");
    expect(await rows.count()).toBe(Math.min(filtered, 50));
    for (const town of await rows.locator("td:nth-child(3)").allTextContents()) expect(town).toBe("金塘镇");
    for (const tiers of await rows.locator("td:nth-child(6)").allTextContents()) expect(tiers).toContain("洁美工厂");
    // The filters survive a reload: the view is the URL.
    await page.reload();
    expect(await page.getByLabel("在册培育称号").inputValue()).toBe("clean-beauty-factory");

    // Sorting by last update keeps the filters; the column toggles direction.
    await page.getByRole("link", { name: /^最近更新/ }).click();
    await page.waitForURL(/sort=updated/);
    expect(page.url()).toContain("tier=clean-beauty-factory");
    expect(page.url()).toContain("dir=asc");
    // Client-side navigation: the URL can change a moment before the rows re-render, so poll.
    const dates = () => rows.locator("td:nth-child(7)").allTextContents();
    const sortedAsc = (list: string[]) => list.join() === [...list].sort().join();
    await expect.poll(async () => sortedAsc(await dates())).toBe(true);
    await page.getByRole("link", { name: /^最近更新/ }).click();
    await page.waitForURL(/dir=desc/);
    await expect.poll(async () => sortedAsc([...(await dates())].reverse())).toBe(true);
    expect(new Set(await dates()).size).toBeGreaterThan(1);

    // Paging through the unfiltered list: next, then back, lands on the same rows.
    await page.getByRole("link", { name: "清除筛选" }).click();
    await page.waitForURL((url) => url.search === "");
    await expect.poll(async () => totalOf(await page.locator(".ent-total").textContent())).toBe(all);
    if (all > 50) {
      const firstPage = await rows.locator("td:first-child").allTextContents();
      await page.getByRole("link", { name: "下一页" }).click();
      await page.waitForURL(/cursor=/);
      await expect.poll(() => rows.locator("td:first-child").first().textContent()).not.toBe(firstPage[0]);
      await page.getByRole("link", { name: "上一页" }).click();
      await page.waitForURL(/before=/);
      await expect.poll(() => rows.locator("td:first-child").allTextContents()).toEqual(firstPage);
    }
    // A search that matches nothing says why and how to widen it.
    await page.getByLabel("企业名称或信用代码").fill("不存在的企业名称");
    await page.getByRole("button", { name: "查询" }).click();
    await expect.poll(() => page.locator(".ent-empty").textContent()).toContain("没有符合条件的企业");
    expect(await page.locator(".ent-empty").textContent()).toContain("“不存在的企业名称”");
    await screenshot(page, "enterprises-empty");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens a firm from its row and moves between sections without reloading the page", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/enterprises`);
    await waitForHydration(page);
    // A mark on the window survives client navigation, never a document load.
    await page.evaluate(() => ((window as unknown as { registryMark: number }).registryMark = 1));
    const mark = () => page.evaluate(() => (window as unknown as { registryMark?: number }).registryMark);
    const nav = page.getByRole("navigation", { name: "主导航" });
    expect(await nav.getByRole("link", { name: "企业名录" }).getAttribute("aria-current")).toBe("page");

    const link = page.locator(".ent-list > .table-wrap tbody tr").first().locator("td:first-child a");
    const name = (await link.textContent())!;
    const href = (await link.getAttribute("href"))!;
    // Resting on the row's link prefetches the firm's page data, as <Link prefetch="intent"> does.
    await link.hover();
    await expect.poll(() => page.locator(`link[rel="prefetch"][href^="${href}.data"]`).count()).toBeGreaterThan(0);
    await link.click();
    await page.waitForURL((url) => url.pathname === href);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain(name);
    expect(await mark()).toBe(1);

    // The header's plain links navigate on the client too, and mark the new section as current.
    await nav.getByRole("link", { name: "培育进度" }).click();
    await page.waitForURL(/\/dashboard/);
    await expect.poll(() => nav.getByRole("link", { name: "培育进度" }).getAttribute("aria-current")).toBe("page");
    expect(await nav.getByRole("link", { name: "企业名录" }).getAttribute("aria-current")).toBeNull();
    expect(await mark()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("lets a reviewer create a firm, correcting a mistyped credit code on the way", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/enterprises`);
    await page.getByRole("link", { name: "新增企业" }).click();
    await page.waitForURL(/\/enterprises\/new/);
    const first17 = "913309025E2E0001X";
    const good = first17 + computeCheckChar(first17);
    const wrongCheck = good.endsWith("0") ? "1" : "0";
    await page.getByLabel("统一社会信用代码").fill(first17.toLowerCase() + wrongCheck);
    await page.getByLabel("企业名称").fill("舟山浏览器测试制造有限公司");
    await page.getByLabel("所在镇（街道）").selectOption("baiquan");
    await page.getByLabel("所属产业").selectOption("machinery");
    await page.getByLabel("联系电话").fill("0580-2061835");
    await page.getByLabel("上年营业收入（万元）").fill("1234.5");
    await page.getByRole("button", { name: "登记企业" }).click();
    const uscc = page.getByLabel("统一社会信用代码");
    await expect.poll(() => uscc.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await uscc.getAttribute("aria-describedby"))!;
    const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain(`校验位应为 ${good[17]}`);
    // What was typed is kept.
    expect(await page.getByLabel("企业名称").inputValue()).toBe("舟山浏览器测试制造有限公司");
    expect(await page.getByLabel("上年营业收入（万元）").inputValue()).toBe("1234.5");
    expect(await page.getByLabel("所在镇（街道）").inputValue()).toBe("baiquan");
    await screenshot(page, "enterprises-new-error");

    await uscc.fill(good);
    await page.getByRole("button", { name: "登记企业" }).click();
    await page.waitForURL(/\/enterprises\/\d+\?created=1/);
    await expect.poll(() => page.getByRole("status").textContent()).toBe("企业已登记。");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain("舟山浏览器测试制造有限公司");
    expect(await page.locator(".facts").first().textContent()).toContain(good);
    expect(await page.locator(".facts").nth(1).textContent()).toContain("1,234.5");
    await screenshot(page, "enterprises-profile-created");
    await expectNoHorizontalScroll(page);
    // The one failed request is the 400 answer this test provoked.
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });

  it("shows a town officer the 404 page for another town's firm typed into the address bar", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "officer-jintang");
    // Firm 2 belongs to ent-yancang (盐仓街道) in the demo data.
    const response = await page.goto(`${baseUrl()}/enterprises/2`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("页面不存在");
    expect(await page.content()).not.toContain("浙江盐仓海洋装备有限公司");
    await screenshot(page, "enterprises-404");
    expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
    await context.close();
  });

  it("fits a phone screen: the table scrolls in its own box", async () => {
    const { page, context, problems } = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await signInAs(page, "officer-jintang");
    await page.goto(`${baseUrl()}/enterprises`);
    await expectNoHorizontalScroll(page);
    // The table is wider than the phone, and scrolls inside its own box.
    const box = page.locator(".table-wrap").first();
    const { scroll, client } = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroll).toBeGreaterThan(client);
    expect(await box.evaluate((el) => getComputedStyle(el).overflowX)).toBe("auto");
    await screenshot(page, "enterprises-phone");
    expect(problems).toEqual([]);
    await context.close();
  });
});
