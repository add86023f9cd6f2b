/**
 * Every main page, as the role that uses it, in both languages: axe-core finds no serious or
 * critical violation, nothing fails in the console or the network, the English page carries no
 * leftover Chinese in its labels, headings and buttons, the phone-sized pages do not scroll
 * sideways, and a screenshot of each is written to tests/e2e/screenshots/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectAccessible, expectNoHorizontalScroll, launchBrowser, newPage, screenshot, signInAs } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface PageSpec {
  name: string;
  path: string;
  /** Also checked at 390 × 844. */
  phone?: boolean;
}

// Demo data: firm 1 is ent-jintang's (金塘镇), application 297 its submitted 示范工厂 application,
// 325 its draft 绿色工厂 one; the other suites leave these three as they are.
const PAGES: Record<string, PageSpec[]> = {
  reviewer: [
    { name: "dashboard", path: "/dashboard", phone: true },
    { name: "registry", path: "/enterprises", phone: true },
    { name: "profile", path: "/enterprises/1", phone: true },
    { name: "enterprise-edit", path: "/enterprises/1/edit" },
    { name: "figures-reviewer", path: "/enterprises/1/figures?year=2024", phone: true },
    { name: "queue", path: "/applications", phone: true },
    { name: "detail-reviewer", path: "/applications/297", phone: true },
    { name: "targets", path: "/targets" },
    { name: "progress-firms", path: "/progress/firms?year=2023&tier=green-factory" },
    { name: "coverage", path: "/progress/coverage" },
    { name: "cultivation", path: "/cultivation", phone: true },
    { name: "cultivation-entry", path: "/cultivation/1", phone: true },
    { name: "cultivation-towns", path: "/cultivation/towns?year=2026&tier=scaled-up" },
    { name: "cultivation-new", path: "/cultivation/new?q=%E8%88%9F%E5%B1%B1" },
    { name: "cultivation-print", path: "/cultivation/1/print" },
  ],
  "officer-jintang": [
    { name: "officer-home", path: "/enterprises", phone: true },
    { name: "officer-cultivation", path: "/cultivation" },
  ],
  "ent-jintang": [
    { name: "firm-applications", path: "/applications", phone: true },
    { name: "application-form", path: "/applications/new?tier=scaled-up", phone: true },
    { name: "detail-firm-draft", path: "/applications/325", phone: true },
    { name: "firm-profile", path: "/enterprises/1" },
    { name: "notifications", path: "/notifications", phone: true },
    { name: "figures-firm", path: "/enterprises/1/figures", phone: true },
  ],
  admin: [
    { name: "admin-users", path: "/admin/users" },
    { name: "admin-audit", path: "/admin/audit" },
    { name: "admin-checklists", path: "/admin/checklists" },
    { name: "admin-calendar", path: "/admin/calendar?year=2026" },
  ],
};

/** Chinese characters, and the full-width punctuation that comes with them: （）、，：。 */
const HAN = /[\p{Script=Han}\u3000-\u303f\uff01-\uff1f]/u;
/** Chinese kept on purpose in English: the terms 文号 and 万元 glossed, and examples of Chinese names and numbers. */
const MEANT = [/\(文号\)/, /\(万元\)/, /定经信〔\d{4}〕\d+号/, /e\.g\. 金塘新材料产业园/];

/**
 * The interface's own words on an English page (labels, headings, buttons, column heads, hints,
 * navigation) that still contain Chinese. Data — firm names, addresses, 文号 — lives in cells,
 * values and h1s and is not looked at.
 */
async function leftoverChinese(page: Page): Promise<string[]> {
  const texts = await page
    .locator(["nav a", "h2", "h3", "legend", "label", "button", "th", "dt", "caption", ".field__hint", ".muted:not(:has(*))", "option", "a.button"].join(", "))
    .evaluateAll((els) =>
      els
        .filter((el) => el.tagName === "OPTION" || (el as HTMLElement).offsetParent !== null)
        .map((el) => {
          // The switch to Chinese is written in Chinese on purpose, and marked lang="zh".
          const copy = el.cloneNode(true) as HTMLElement;
          copy.querySelectorAll('[lang^="zh"]').forEach((zh) => zh.remove());
          return el.closest('[lang^="zh"]') ? "" : (copy.textContent ?? "").trim();
        }),
    );
  return [...new Set(texts.filter((text) => HAN.test(MEANT.reduce((rest, meant) => rest.replace(meant, ""), text))))];
}

async function visit(page: Page, spec: PageSpec, lang: "zh" | "en", problems: string[]) {
  const response = await page.goto(`${baseUrl()}${spec.path}`);
  expect(response?.status(), `${spec.path} answers`).toBe(200);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).count()).toBe(1);
  expect(await page.getAttribute("html", "lang")).toBe(lang === "zh" ? "zh-CN" : "en");
  await expectAccessible(page, `${spec.name} (${lang})`);
  await screenshot(page, `page-${spec.name}-${lang}`);
  if (spec.phone) {
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoHorizontalScroll(page);
    await screenshot(page, `page-${spec.name}-phone-${lang}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  expect(problems, `${spec.path} (${lang})`).toEqual([]);
}

describe.each(["zh", "en"] as const)("the main pages in %s", (lang) => {
  it("the sign-in page", async () => {
    const { page, problems, context } = await newPage(browser, { lang });
    await visit(page, { name: "login", path: "/login", phone: true }, lang, problems);
    if (lang === "en") expect(await leftoverChinese(page)).toEqual([]);
    await context.close();
  });

  for (const [username, pages] of Object.entries(PAGES)) {
    it(`the pages of ${username}`, async () => {
      const { page, problems, context } = await newPage(browser, { lang });
      await signInAs(page, username);
      const leftovers: string[] = [];
      for (const spec of pages) {
        await visit(page, spec, lang, problems);
        if (lang === "en") leftovers.push(...(await leftoverChinese(page)).map((text) => `${spec.path}: ${text}`));
      }
      expect(leftovers).toEqual([]);
      await context.close();
    });
  }
});
