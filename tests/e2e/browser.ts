import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";

export const baseUrl = () => inject("baseUrl");
/**
 * The e2e server's database, opened read-only: a test checks the end state the registry stored,
 * not just what the page says. Close it at the end of the test.
 */
export function openRegistryDb(): Database.Database {
  return new Database(inject("databasePath"), { readonly: true, fileMustExist: true });
}

/** Rows of one read-only query on the e2e server's database. */
export function queryRegistry<T>(sqlText: string, ...params: unknown[]): T[] {
  const db = openRegistryDb();
  try {
    return db.prepare(sqlText).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * The firms the application journey (applications.e2e.ts) walks through: other browser tests
 * leave their applications alone, whatever order the files run in.
 */
export const JOURNEY_FIRMS: readonly string[] = ["舟山金塘塑机螺杆科技有限公司", "浙江盐仓海洋装备有限公司"];

const screenshotDir = path.resolve(import.meta.dirname, "screenshots");

/** Debian's Chromium with the flags a closed network needs; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A page that records console errors and failed requests, so every test can assert there were
 * none (besides those it provokes).
 */
export async function newPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; lang?: "zh" | "en" } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: "zh-CN",
  });
  if (options.lang) {
    await context.addCookies([{ name: "lang", value: options.lang, url: baseUrl() }]);
  }
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (req) => {
    // A navigation cancels the page's pending fetches (route discovery, prefetch): not a failure.
    if (req.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
  });
  return { context, page, problems };
}

/**
 * Waits until React has hydrated the page's main element (its props are attached once its whole
 * subtree is hydrated) and the commit has run. A key pressed while hydration is under way can
 * make React 18 throw "Root did not complete" (#345), so keyboard tests wait for this first.
 */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactProps"));
  });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

export async function signInAs(page: Page, username: string) {
  await page.goto(`${baseUrl()}/login`);
  await waitForHydration(page);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill("demo-password");
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** The page's document must not be wider than its viewport (tables scroll in their own box). */
export async function expectNoHorizontalScroll(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

const axeSource = fs.readFileSync(path.resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core inside the page (injected, no network) and fails on serious or critical
 * violations, listing each rule and the first offending elements.
 */
export async function expectAccessible(page: Page, label: string) {
  // CSP blocks inline scripts without our nonce, so inject through the DevTools protocol.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<any> } }).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  });
  const bad = (results.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")}`,
    );
  expect(bad, `${label}: accessibility violations`).toEqual([]);
}
