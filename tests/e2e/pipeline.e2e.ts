/**
 * The dashboard's 在审 in Chromium: it counts only applications whose level sought can count for
 * the tier (专精特新 from 省级), shows those without a level apart as 级别未定, and opens into
 * exactly those applications. The figures are checked against the e2e server's database.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, openRegistryDb, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const YEAR = 2026;

function inReview(): { counting: number; municipal: number; undecided: number } {
  const db = openRegistryDb();
  try {
    const count = (where: string) =>
      (
        db
          .prepare(
            `SELECT count(*) AS n FROM applications WHERE tier_code = 'specialized-new' AND year = ? AND status IN ('submitted', 'returned') AND renews_award_id IS NULL AND ${where}`,
          )
          .get(YEAR) as { n: number }
      ).n;
    return {
      counting: count(`level_sought IN ('national', 'provincial')`),
      municipal: count(`level_sought = 'municipal'`),
      undecided: count(`level_sought IS NULL`),
    };
  } finally {
    db.close();
  }
}

describe("the pipeline on the dashboard", () => {
  it("counts 专精特新 applications in review only at 省级 and above, and lists exactly those", async () => {
    const expected = inReview();
    // The demo data holds 市级 applications in review: the case the rule is about.
    expect(expected.municipal).toBeGreaterThan(0);
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/dashboard?year=${YEAR}`);
    await waitForHydration(page);
    const card = page.getByRole("article", { name: "专精特新中小企业", exact: true });
    const figure = (term: string) =>
      card
        .locator("dl.pcard__facts > div")
        .filter({ has: page.locator("dt", { hasText: term }) })
        .locator("dd");
    expect(Number(await figure("在审").textContent())).toBe(expected.counting);
    if (expected.undecided > 0) expect(Number(await figure("级别未定").textContent())).toBe(expected.undecided);
    else expect(await figure("级别未定").count()).toBe(0);
    await screenshot(page, "pipeline-dashboard");

    await figure("在审").getByRole("link").click();
    await page.waitForURL(/\/applications\?tier=specialized-new/);
    await waitForHydration(page);
    const rows = page.locator("table tbody tr");
    await expect.poll(() => rows.count()).toBe(expected.counting);
    expect(await page.locator("table tbody").textContent()).not.toContain("市级");
    expect(problems).toEqual([]);
    await context.close();
  });
});
