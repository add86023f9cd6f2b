/**
 * Small frictions users met, in Chromium with JavaScript on: a failed sign-in must not send a
 * request on every keystroke; a refused duplicate application says so once; the level sought
 * reads the same in the queue, on the application and on the firm's profile; English counts say
 * "1 application", not "1 applications".
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTier, LEVEL_NAMES, type TierCode } from "~/domain/tiers";
import { todayInShanghai } from "~/utils/format";
import { baseUrl, launchBrowser, newPage, queryRegistry, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const query = queryRegistry;

describe("small frictions with JavaScript on", () => {
  it("after a failed sign-in, typing sends nothing until the form is submitted again", async () => {
    const { page, context } = await newPage(browser, { lang: "zh" });
    await page.goto(`${baseUrl()}/login`);
    await waitForHydration(page);
    await page.getByLabel(/用户名/).fill("reviewer");
    await page.getByLabel(/密码/).fill("wrong-password");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("alert").first().waitFor();
    const posts: string[] = [];
    page.on("request", (req) => {
      if (req.method() === "POST") posts.push(req.url());
    });
    await page.getByLabel(/密码/).pressSequentially("demo-pass", { delay: 20 });
    await page.getByLabel(/用户名/).press("End");
    await page.getByLabel(/用户名/).pressSequentially("x", { delay: 20 });
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
    await context.close();
  });

  it("a refused duplicate application is announced once, with one link to the open one", async () => {
    const year = Number(todayInShanghai().slice(0, 4));
    const [open] = query<{ enterpriseId: number; tierCode: TierCode }>(
      `SELECT a.enterprise_id AS enterpriseId, a.tier_code AS tierCode FROM applications a
        WHERE a.year = ? AND a.status IN ('draft', 'submitted', 'returned') ORDER BY a.id LIMIT 1`,
      year,
    );
    if (!open) throw new Error("the demo data has no open application this year");
    const before = query<{ n: number }>(`SELECT count(*) AS n FROM applications`)[0]!.n;
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications/new?tier=${open.tierCode}&enterprise=${open.enterpriseId}`);
    await waitForHydration(page);
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByRole("alert").first().waitFor();
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main.match(/已有一份未办结/g)).toHaveLength(1);
    expect(await page.getByRole("link", { name: /打开已有申报/ }).count()).toBe(1);
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM applications`)[0]!.n).toBe(before);
    expect(problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
    await context.close();
  });

  it("the level sought reads the same in the queue, on the application and on the profile", async () => {
    const rows = query<{ id: number; enterpriseId: number; tierCode: TierCode; level: string | null; name: string }>(
      `SELECT a.id, a.enterprise_id AS enterpriseId, a.tier_code AS tierCode, a.level_sought AS level, e.name
         FROM applications a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.status = 'submitted' ORDER BY a.id`,
    );
    const single = rows.find((r) => getTier(r.tierCode).levels.length === 1 && r.level !== null);
    if (!single) throw new Error("the demo data has no submitted application of a single-level tier");
    const expected = LEVEL_NAMES[single.level as keyof typeof LEVEL_NAMES].zh;
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");

    await page.goto(`${baseUrl()}/applications/${single.id}`);
    const detail = page.locator("dl.facts div", { has: page.locator("dt", { hasText: /^申报级别$/ }) }).locator("dd");
    expect((await detail.textContent())?.trim()).toBe(expected);

    await page.goto(`${baseUrl()}/applications?tier=${single.tierCode}&q=${encodeURIComponent(single.name)}`);
    const row = page.locator("tbody tr", { has: page.getByRole("link", { name: single.name, exact: true }) }).first();
    await expect.poll(() => row.textContent()).toContain(expected);

    await page.goto(`${baseUrl()}/enterprises/${single.enterpriseId}`);
    expect(await page.locator("main").textContent()).toContain(expected);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("says “1 application selected” in English, and “2 applications” for more", async () => {
    const ids = query<{ id: number }>(`SELECT id FROM applications WHERE status = 'submitted' ORDER BY id LIMIT 2`).map((r) => r.id);
    const { page, problems, context } = await newPage(browser, { lang: "en" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications/bulk?decision=return&id=${ids[0]}`);
    expect(await page.locator("main h2").first().textContent()).toBe("1 application selected");
    await page.goto(`${baseUrl()}/applications/bulk?decision=return&id=${ids[0]}&id=${ids[1]}`);
    expect(await page.locator("main h2").first().textContent()).toBe("2 applications selected");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("tier selects are wide enough for the longest tier name, in English too", async () => {
    const { page, problems, context } = await newPage(browser, { lang: "en" });
    await signInAs(page, "reviewer");
    for (const [path, label] of [
      ["/applications", "Tier"],
      ["/enterprises", "Tier held"],
      ["/enterprises", "Tier not held"],
    ] as const) {
      await page.goto(`${baseUrl()}${path}`);
      const select = page.getByLabel(label, { exact: true });
      const { needed, width } = await select.evaluate((el) => {
        const s = el as HTMLSelectElement;
        const style = getComputedStyle(s);
        const ctx = document.createElement("canvas").getContext("2d")!;
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const longest = Math.max(...Array.from(s.options).map((o) => ctx.measureText(o.text).width));
        // Text, side padding, the arrow.
        return { needed: longest + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 16, width: s.getBoundingClientRect().width };
      });
      expect(width, `${path} ${label}`).toBeGreaterThanOrEqual(needed);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
