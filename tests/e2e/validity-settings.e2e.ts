/**
 * The bureau's validity settings (/admin/validity) in Chromium with JavaScript on: a bad number
 * is refused on its field with what was typed kept and nothing stored; a good one is saved,
 * audited and in the database; then the demo's value is put back for the other browser tests.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, queryRegistry, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const stored = () =>
  queryRegistry<{ before: number; after: number }>(`SELECT renew_before_days AS before, renew_after_days AS after FROM tier_validity WHERE tier_code = 'green-factory'`)[0]!;
const audits = () => queryRegistry<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action LIKE '%validity%'`)[0]!.n;

describe("validity settings", () => {
  it("names a bad field and keeps it; saves a good value, audited, and the database follows", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/admin/validity`);
    await waitForHydration(page);
    const original = stored();
    const auditsBefore = audits();
    const row = page.getByRole("row", { name: /绿色工厂/ });
    const after = row.getByLabel("到期后可申请（天）");
    await after.fill("-3");
    await row.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => row.locator(".field-error").count()).toBe(1);
    expect(await row.locator(".field-error").textContent()).not.toBe("");
    expect(await after.getAttribute("aria-invalid")).toBe("true");
    expect(await after.inputValue()).toBe("-3");
    expect(stored()).toEqual(original);
    await screenshot(page, "validity-settings-error");

    await after.fill(String(original.after + 1));
    await row.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => page.locator("[role=status]").first().textContent()).toContain("绿色工厂");
    expect(stored()).toEqual({ before: original.before, after: original.after + 1 });
    expect(audits()).toBe(auditsBefore + 1);

    // Back to the demo's value, so that other browser tests see the demo data's settings.
    await page
      .getByRole("row", { name: /绿色工厂/ })
      .getByLabel("到期后可申请（天）")
      .fill(String(original.after));
    await page
      .getByRole("row", { name: /绿色工厂/ })
      .getByRole("button", { name: "保存" })
      .click();
    await expect.poll(() => stored()).toEqual(original);
    // The refused save answers 400, which the browser logs; nothing else may.
    expect(problems).toEqual(["console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    await context.close();
  });
});
