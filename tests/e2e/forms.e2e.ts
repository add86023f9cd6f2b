/**
 * What a form says after each attempt, in Chromium with JavaScript on: a success leaves no
 * error of an earlier attempt behind. The stored end state is read back from the database.
 */
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, JOURNEY_FIRMS, launchBrowser, newPage, openRegistryDb, screenshot, signInAs, waitForHydration } from "./browser";

/** The form's labels name the actual years before the application's (this year, in Shanghai). */
const Y1 = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())) - 1;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const ELSEWHERE = JOURNEY_FIRMS;

function query<T>(sql: string, ...params: unknown[]): T {
  const db = openRegistryDb();
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

/** Every error message a form shows: its fields marked invalid and its alert. */
async function errorsIn(form: Locator): Promise<string[]> {
  const invalid = await form.locator("[aria-invalid=true]").count();
  const messages = await form.locator(".field__errors, [role=alert]").allTextContents();
  return [...(invalid ? [`${invalid} invalid field(s)`] : []), ...messages.map((m) => m.trim()).filter(Boolean)];
}

describe("a success clears the form's earlier errors", () => {
  it("the town's recommendation: refused empty, then recorded, with no stale message", async () => {
    // An application awaiting review in one of the two demo officers' towns (other browser tests
    // may have decided some already), preferably without an opinion yet.
    const app = query<{ id: number; town: string }>(
      `SELECT a.id, e.town_code AS town FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
        WHERE a.status = 'submitted' AND e.town_code IN ('jintang', 'yancang') AND e.name NOT IN (?, ?)
        ORDER BY a.town_opinion IS NULL DESC, a.id LIMIT 1`,
      ...ELSEWHERE,
    );
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, `officer-${app.town}`);
    await page.goto(`${baseUrl()}/applications/${app.id}`);
    await waitForHydration(page);
    const section = page.getByRole("region", { name: "推荐意见", exact: true });
    // An opinion given before fills the form in: empty it, as a first attempt left blank.
    await section.getByLabel(/^推荐意见/).selectOption("");
    await section.getByLabel(/^初审意见/).fill("");
    await section.getByRole("button", { name: "提交推荐意见" }).click();
    await expect.poll(() => section.getByLabel(/^推荐意见/).getAttribute("aria-invalid")).toBe("true");
    expect((await errorsIn(section)).join(" ")).toContain("请选择推荐意见");

    await section.getByLabel(/^推荐意见/).selectOption({ label: "推荐" });
    await section.getByLabel(/^初审意见/).fill("企业细分领域优势明显，同意推荐。");
    await section.getByRole("button", { name: "提交推荐意见" }).click();
    await page.waitForURL(/done=opinion/);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole("status").first().textContent()).toBeTruthy();
    await screenshot(page, "forms-opinion-recorded");
    expect(await errorsIn(page.getByRole("region", { name: "推荐意见", exact: true }))).toEqual([]);

    const stored = query<{ town_opinion: string; town_comment: string }>(`SELECT town_opinion, town_comment FROM applications WHERE id = ?`, app.id);
    expect(stored).toEqual({ town_opinion: "recommend", town_comment: "企业细分领域优势明显，同意推荐。" });
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });

  it("the admin's password reset: refused too short, then done, with no stale message", async () => {
    const user = query<{ id: number; username: string; password_hash: string }>(
      `SELECT id, username, password_hash FROM users
        WHERE username NOT IN ('admin', 'reviewer', 'officer-jintang', 'officer-yancang', 'ent-jintang', 'ent-yancang')
        ORDER BY id LIMIT 1`,
    );
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "admin");
    await page.goto(`${baseUrl()}/admin/users/${user.id}`);
    await waitForHydration(page);
    const section = page.getByRole("region", { name: "重置密码", exact: true });
    await section.getByLabel(/^新密码/).fill("short");
    await section.getByRole("button", { name: "重置密码" }).click();
    await expect.poll(() => section.getByLabel(/^新密码/).getAttribute("aria-invalid")).toBe("true");
    expect((await errorsIn(section)).join(" ")).toContain("密码至少需要 10 个字符");

    await section.getByLabel(/^新密码/).fill("Haixia-bridge-2026");
    await section.getByRole("button", { name: "重置密码" }).click();
    await page.waitForURL(/done=reset/);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("密码已重置");
    await screenshot(page, "forms-password-reset");
    expect(await errorsIn(page.getByRole("region", { name: "重置密码", exact: true }))).toEqual([]);

    const after = query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = ?`, user.id);
    expect(after.password_hash).not.toBe(user.password_hash);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});

describe("the error summary of the application form", () => {
  const FORMAT_ERRORS: [string, string][] = [
    [`${Y1}年营业收入（万元）`, "五千万"],
    ["研发人员数（人）", "十八"],
    [`${Y1}年末资产负债率（%）`, "四成"],
  ];
  const label = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);

  it("counts every error on submit, and a draft with errors says it was not saved", async () => {
    const firm = query<{ id: number }>(`SELECT enterprise_id AS id FROM users WHERE username = 'ent-yancang'`);
    const before = query<{ n: number }>(`SELECT count(*) AS n FROM applications WHERE enterprise_id = ?`, firm.id).n;
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-yancang");
    await page.goto(`${baseUrl()}/applications/new?tier=specialized-new`);
    await waitForHydration(page);
    const form = page.locator("form.app-form__form");
    await page.getByLabel(label("主导产品")).fill("");
    for (const [name, value] of FORMAT_ERRORS) await page.getByLabel(label(name)).fill(value);

    await page.getByRole("button", { name: "提交申报" }).click();
    const summary = form.getByRole("alert").first();
    await expect.poll(() => summary.count()).toBe(1);
    await expect.poll(() => form.locator("[aria-invalid=true]").count()).toBeGreaterThan(FORMAT_ERRORS.length);
    const invalid = await form.locator("[aria-invalid=true]").count();
    const text = (await summary.textContent()) ?? "";
    expect(text).toContain(`${invalid} 处`);
    for (const [name] of FORMAT_ERRORS) expect(text).toContain(name.replace(/（.*$/, ""));
    expect(text).toContain("主导产品");
    await screenshot(page, "forms-summary-submit");

    await page.getByRole("button", { name: "保存草稿" }).click();
    await expect.poll(async () => (await form.getByRole("alert").first().textContent()) ?? "").toContain("草稿未保存");
    const draft = (await form.getByRole("alert").first().textContent()) ?? "";
    expect(draft).toContain(`${FORMAT_ERRORS.length} 处`);
    for (const [name] of FORMAT_ERRORS) expect(draft).toContain(name.replace(/（.*$/, ""));
    // What was typed is still there.
    for (const [name, value] of FORMAT_ERRORS) expect(await page.getByLabel(label(name)).inputValue()).toBe(value);
    await screenshot(page, "forms-summary-draft");
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM applications WHERE enterprise_id = ?`, firm.id).n).toBe(before);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});
