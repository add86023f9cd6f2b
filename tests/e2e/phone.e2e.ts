/**
 * The lists on a 390-px phone: the column a person opens each list for (下一步 on a firm's own
 * applications, 有效/已过期 on the profile's awards, 待审核 in the review queue) is on screen
 * without scrolling sideways.
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

const PHONE = { width: 390, height: 844 };

/** The header cell named `header` of the first table whose header row holds it lies within the viewport. */
async function expectColumnOnScreen(page: Page, header: RegExp) {
  const th = page.locator("th", { hasText: header }).first();
  await th.waitFor();
  const box = await th.boundingBox();
  expect(box, String(header)).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + Math.min(box!.width, 40)).toBeLessThanOrEqual(PHONE.width);
}

describe("lists on a phone", () => {
  it("a firm's applications show 下一步 without scrolling sideways", async () => {
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await signInAs(page, "ent-jintang");
    await page.goto(`${baseUrl()}/applications`);
    await expectColumnOnScreen(page, /^下一步$/);
    await screenshot(page, "phone-ent-applications");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the review queue shows 下一步 (待审核) without scrolling sideways", async () => {
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications`);
    await expectColumnOnScreen(page, /^下一步$/);
    await screenshot(page, "phone-queue");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a firm's profile shows whether each award is live without scrolling sideways", async () => {
    const db = openRegistryDb();
    const firm = db.prepare(`SELECT enterprise_id AS id FROM awards GROUP BY enterprise_id ORDER BY count(*) DESC LIMIT 1`).get() as { id: number };
    db.close();
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/enterprises/${firm.id}`);
    await expectColumnOnScreen(page, /^状态$/);
    await screenshot(page, "phone-profile");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the registry's filter panel starts folded on a phone, names the filters in force, and opens on a tap", async () => {
    const { page, problems, context } = await newPage(browser, { viewport: PHONE });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/enterprises?aboveScale=1&notTier=clean-beauty-factory`);
    await waitForHydration(page);
    const search = page.getByRole("search");
    await expect.poll(() => search.isVisible()).toBe(false);
    const summary = page.locator("summary", { hasText: "筛选" });
    expect(await summary.textContent()).toContain("尚未获得的称号：洁美工厂");
    // The first firm's row is on the first screen.
    const firstRow = await page.locator("tbody tr").first().boundingBox();
    expect(firstRow!.y).toBeLessThan(PHONE.height);
    await screenshot(page, "phone-registry-folded");
    await summary.click();
    await expect.poll(() => search.isVisible()).toBe(true);
    expect(await page.getByLabel("尚未获得的称号").inputValue()).toBe("clean-beauty-factory");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("never wraps a badge one character a line, in the lists a phone shows", async () => {
    const db = openRegistryDb();
    const firm = db.prepare(`SELECT enterprise_id AS id FROM awards GROUP BY enterprise_id ORDER BY count(*) DESC LIMIT 1`).get() as { id: number };
    db.close();
    const pages: [string, string][] = [
      ["ent-jintang", "/applications"],
      ["reviewer", "/applications"],
      ["reviewer", `/enterprises/${firm.id}`],
      ["reviewer", "/enterprises"],
      ["officer-jintang", "/enterprises"],
    ];
    for (const [user, path] of pages) {
      const { page, problems, context } = await newPage(browser, { viewport: PHONE });
      await signInAs(page, user);
      await page.goto(`${baseUrl()}${path}`);
      // A badge is one line: no taller than its line height and padding allow.
      const wrapped = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>(".badge"))
          .filter((el) => el.offsetParent !== null && (el.textContent ?? "").trim().length > 1)
          .filter((el) => {
            const cs = getComputedStyle(el);
            const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.3;
            const box = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom) + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
            return el.getBoundingClientRect().height > line * 1.5 + box;
          })
          .map((el) => el.textContent),
      );
      expect(wrapped, `${user} ${path}`).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it("keeps the registry's filters open on a wide screen", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/enterprises`);
    await waitForHydration(page);
    expect(await page.getByRole("search").isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
