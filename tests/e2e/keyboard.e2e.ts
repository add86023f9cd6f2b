/**
 * The keyboard alone: a firm signs in, opens a new 洁美工厂 application, fills it, is told what it
 * forgot, fixes it and submits, using only Tab, Shift+Tab, Space, Enter and typing. And focus is
 * always visible on the control that has it.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, screenshot, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** What a screen reader would roughly call the focused element: its label, aria-label or text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "";
    const labelled = el.getAttribute("aria-label");
    if (labelled) return labelled;
    const labels = (el as HTMLInputElement).labels;
    if (labels && labels.length)
      return Array.from(labels, (l) => l.textContent ?? "")
        .join(" ")
        .trim();
    return (el.textContent ?? "").trim();
  });
}

/** Presses Tab (or Shift+Tab) until the focused element's name matches; fails after `limit` presses. */
async function tabTo(page: Page, name: RegExp, options: { backwards?: boolean; limit?: number } = {}) {
  const key = options.backwards ? "Shift+Tab" : "Tab";
  const seen: string[] = [];
  for (let i = 0; i < (options.limit ?? 80); i++) {
    await page.keyboard.press(key);
    const current = await focusedName(page);
    if (name.test(current)) return;
    seen.push(current);
  }
  throw new Error(`${key} never reached ${name}; passed: ${seen.slice(-12).join(" | ")}`);
}

/** The focused element shows a focus ring: a visible outline or a box-shadow. */
async function focusRing(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    return { tag: el.tagName, visible: outline || shadow, outline: `${style.outlineStyle} ${style.outlineWidth}`, shadow: style.boxShadow };
  });
}

describe("keyboard only", () => {
  it("shows where the focus is on inputs, buttons, links and checkboxes", async () => {
    const { page, problems, context } = await newPage(browser);
    // No wait for hydration: the keys go in while the page loads, as a quick user's would.
    await page.goto(`${baseUrl()}/login`, { waitUntil: "commit" });
    for (const name of [/^用户名/, /^密码/, /^登录$/, /English|英文/]) {
      await tabTo(page, name);
      const ring = await focusRing(page);
      expect(ring.visible, `${name} ${JSON.stringify(ring)}`).toBe(true);
    }
    // The same control unfocused has no ring: the ring is the focus, not decoration.
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    const idle = await page.getByRole("button", { name: "登录" }).evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(idle).toBe("none");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("takes Tab while the page is still loading, 30 times on a slow CPU, without a script error", async () => {
    // React 18 threw "Root did not complete" (#345) out of a key pressed before the loader data
    // was decoded; a 6x slower CPU widened that moment enough to hit it in most loads.
    const context = await browser.newContext({ locale: "zh-CN" });
    const failures: string[] = [];
    for (let run = 0; run < 30; run++) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      await page.goto(`${baseUrl()}/login`, { waitUntil: "commit" });
      for (let i = 0; i < 15; i++) await page.keyboard.press("Tab");
      await waitForHydration(page);
      // After hydration the keyboard still lands on the form's controls.
      if (run === 29) await tabTo(page, /^用户名/);
      if (errors.length) failures.push(`run ${run}: ${errors.join(" | ")}`);
      await page.close();
    }
    expect(failures).toEqual([]);
    await context.close();
  });

  it("a firm fills and submits an application without touching the mouse", async () => {
    const { page, problems, context } = await newPage(browser);
    await page.goto(`${baseUrl()}/login`);
    await waitForHydration(page);
    await tabTo(page, /^用户名/);
    await page.keyboard.type("ent-yancang");
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toMatch(/^密码/);
    await page.keyboard.type("demo-password");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/applications/);
    await waitForHydration(page);

    await tabTo(page, /^洁美工厂$/, { limit: 120 });
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/applications\/new\?tier=clean-beauty-factory/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("申报：洁美工厂");
    await waitForHydration(page);

    await tabTo(page, /^企业及申报情况简介/);
    await page.keyboard.type("厂区已完成硬化、绿化和雨污分流改造");
    const required = [/^厂区环境整洁/, /^车间物品定置管理/, /^安全生产标准化达标/, /^近三年无重大安全/, /^雨污分流/];
    for (const item of required) {
      await tabTo(page, item);
      await focusRing(page).then((ring) => expect(ring.visible, String(item)).toBe(true));
      await page.keyboard.press("Space");
    }
    // Back up with Shift+Tab to finish the sentence in the description.
    await tabTo(page, /^企业及申报情况简介/, { backwards: true });
    await page.keyboard.press("End");
    await page.keyboard.type("，各项台账齐全。");

    // Submitting without the declaration: the message is tied to the checkbox.
    await tabTo(page, /^提交申报$/);
    await page.keyboard.press("Enter");
    const declaration = page.getByLabel(/本企业承诺/);
    await expect.poll(() => declaration.getAttribute("aria-invalid")).toBe("true");
    const errorId = (await declaration.getAttribute("aria-describedby"))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain("真实性承诺");
    expect(await page.locator(`[id="${errorId}"]`).getAttribute("aria-live")).toBe("polite");
    await screenshot(page, "keyboard-declaration-missing");

    // Wherever the focus is now, the keyboard reaches the checkbox: from the top, or back from below.
    const here = await focusedName(page);
    if (!/^本企业承诺/.test(here)) {
      await page.keyboard.press("Shift+Tab");
      await tabTo(page, /^本企业承诺/, { limit: 120 });
    }
    await page.keyboard.press("Space");
    expect(await declaration.isChecked()).toBe(true);
    await tabTo(page, /^提交申报$/);
    await page.keyboard.press("Enter");
    // Kept as a draft until the required files are attached: the form says which.
    await page.waitForURL(/\/applications\/\d+\/edit\?missing=evidence$/);
    await expect.poll(() => page.getByRole("alert").first().textContent()).toContain("营业执照、自评表");
    const description = page.getByLabel(/^企业及申报情况简介/);
    expect(await description.inputValue()).toBe("厂区已完成硬化、绿化和雨污分流改造，各项台账齐全。");
    await screenshot(page, "keyboard-submitted");
    // The one 400 is the refused submission this test provoked.
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});
