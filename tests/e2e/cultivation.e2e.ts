/**
 * Cultivation in Chromium with JavaScript on, end states read back from the database: a town
 * officer adds a firm to the pool and writes a plan task; the bureau splits a target among the
 * towns and the shortfall warning goes; approving a pooled firm's application makes its entry
 * recognized and its town's achieved count rise by exactly one; the plan prints on one A4 page.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, JOURNEY_FIRMS, launchBrowser, newPage, queryRegistry as query, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function leagueAchieved(page: Page, year: number, tier: string, townName: string): Promise<number> {
  await page.goto(`${baseUrl()}/cultivation/towns?year=${year}&tier=${tier}`);
  const row = page.locator("tbody tr", { hasText: townName });
  return Number((await row.locator("td").nth(2).innerText()).trim());
}

describe("cultivation with JavaScript on", () => {
  it("a town officer adds a firm to the pool and writes a plan task", async () => {
    const [firm] = query<{ id: number; name: string }>(
      `SELECT e.id, e.name FROM enterprises e WHERE e.town_code = 'jintang' AND e.archived_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM pool_entries p WHERE p.enterprise_id = e.id AND p.tier_code = 'quality-factory' AND p.status <> 'exited')
       ORDER BY e.id DESC`,
    ).filter((f) => !JOURNEY_FIRMS.includes(f.name));
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "officer-jintang");
    await page.goto(`${baseUrl()}/cultivation`);
    await waitForHydration(page);
    await page.getByRole("link", { name: "加入培育库" }).first().click();
    await page.waitForURL(/\/cultivation\/new/);
    await waitForHydration(page);
    await page.getByLabel("按企业名称或统一社会信用代码查找").fill(firm!.name);
    await page.getByRole("button", { name: "查找" }).click();
    await page.getByRole("link", { name: `选择 ${firm!.name}` }).click();
    await page.waitForURL(/firm=/);
    await waitForHydration(page);
    await page.getByLabel(/^梯度/).selectOption("quality-factory");
    await page.getByLabel(/^目标年度/).fill("2027");
    await page.getByLabel(/^备注/).fill("质量管理基础较好，争取明年认定");
    await page.getByRole("button", { name: "加入培育库" }).click();
    await page.waitForURL(/\/cultivation\/\d+$/);
    const entryId = Number(new URL(page.url()).pathname.split("/").pop());
    const [entry] = query<{ enterprise_id: number; tier_code: string; target_year: number; status: string; notes: string; created_by: number }>(
      `SELECT enterprise_id, tier_code, target_year, status, notes, created_by FROM pool_entries WHERE id = ?`,
      entryId,
    );
    const [officer] = query<{ id: number }>(`SELECT id FROM users WHERE username = 'officer-jintang'`);
    expect(entry).toEqual({
      enterprise_id: firm!.id,
      tier_code: "quality-factory",
      target_year: 2027,
      status: "cultivating",
      notes: "质量管理基础较好，争取明年认定",
      created_by: officer!.id,
    });

    await waitForHydration(page);
    await page.getByLabel(/^任务内容/).fill("建立质量追溯体系");
    await page.getByLabel(/^责任方/).fill("企业质量部");
    await page.getByLabel(/^完成时限/).fill("2027-03-31");
    await page.getByRole("button", { name: "添加任务" }).click();
    await page.waitForURL(/saved=1/);
    await page.getByRole("cell", { name: "建立质量追溯体系", exact: true }).waitFor();
    expect(query(`SELECT title, owner, due_on, status FROM pool_tasks WHERE entry_id = ?`, entryId)).toEqual([
      { title: "建立质量追溯体系", owner: "企业质量部", due_on: "2027-03-31", status: "open" },
    ]);
    // A bad date is refused by its field and what was typed stays.
    await waitForHydration(page);
    await page.getByLabel(/^任务内容/).fill("第二项任务");
    await page.getByLabel(/^完成时限/).fill("2027-02-28");
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('input[name="dueOn"]')!;
      input.type = "text";
      input.value = "2027-02-30";
    });
    await page.getByRole("button", { name: "添加任务" }).click();
    await page.getByText("请填写有效日期").waitFor();
    expect(await page.getByLabel(/^任务内容/).inputValue()).toBe("第二项任务");
    expect(query(`SELECT count(*) AS n FROM pool_tasks WHERE entry_id = ?`, entryId)).toEqual([{ n: 1 }]);
    await screenshot(page, "cultivation-entry-zh");
    // The one problem is the refusal this test provoked.
    expect(problems).toEqual(["console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    await context.close();
  });

  it("the bureau splits a target among the towns; the shortfall warning goes", async () => {
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/targets?year=2026&tier=green-factory#split`);
    await waitForHydration(page);
    const warning = page.getByRole("alert").filter({ hasText: "绿色工厂" });
    await expect(warning.innerText()).resolves.toContain("各镇合计 2，比全区目标 3 少 1");
    const [before] = query<{ n: number | null }>(`SELECT target_count AS n FROM town_targets WHERE year = 2026 AND tier_code = 'green-factory' AND town_code = 'jintang'`);
    const form = page.locator("form", { has: page.getByRole("button", { name: "保存分解" }) });
    await form.getByLabel("金塘镇").fill(String((before?.n ?? 0) + 1));
    await form.getByRole("button", { name: "保存分解" }).click();
    await page.waitForURL(/splitSaved=1/);
    expect(query(`SELECT target_count AS n FROM town_targets WHERE year = 2026 AND tier_code = 'green-factory' AND town_code = 'jintang'`)).toEqual([{ n: (before?.n ?? 0) + 1 }]);
    expect(query(`SELECT sum(target_count) AS n FROM town_targets WHERE year = 2026 AND tier_code = 'green-factory'`)).toEqual([{ n: 3 }]);
    await page.getByRole("status").filter({ hasText: "已保存 1 个" }).waitFor();
    expect(await page.getByRole("alert").filter({ hasText: "绿色工厂" }).count()).toBe(0);
    expect(query(`SELECT count(*) AS n FROM audit_log WHERE action = 'town-target.update' AND subject = '2026/green-factory/jintang'`)).toEqual([{ n: 1 }]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("approving a pooled firm's application makes its entry recognized; its town's achieved rises by one", async () => {
    const candidates = query<{ entryId: number; appId: number; tier: string; name: string }>(
      `SELECT p.id AS entryId, a.id AS appId, p.tier_code AS tier, e.name FROM pool_entries p
         JOIN enterprises e ON e.id = p.enterprise_id
         JOIN applications a ON a.enterprise_id = p.enterprise_id AND a.tier_code = p.tier_code AND a.year = p.target_year
        WHERE e.town_code = 'jintang' AND p.status = 'applied' AND a.status = 'submitted' AND p.target_year = 2026
          AND p.tier_code NOT IN ('specialized-new') AND a.level_sought IS NOT NULL
        ORDER BY p.id`,
    ).filter((c) => !JOURNEY_FIRMS.includes(c.name));
    const pick = candidates[0]!;
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    const before = await leagueAchieved(page, 2026, pick.tier, "金塘镇");
    await page.goto(`${baseUrl()}/applications/${pick.appId}`);
    await waitForHydration(page);
    const approve = page.locator("section.decision--approve");
    await approve.getByLabel(/^认定文号/).fill("定经信〔2026〕77号");
    await approve.getByRole("button", { name: "通过并登记认定" }).click();
    await page.waitForURL(/done=approve/);
    expect(query(`SELECT status FROM pool_entries WHERE id = ?`, pick.entryId)).toEqual([{ status: "recognized" }]);
    expect(await leagueAchieved(page, 2026, pick.tier, "金塘镇")).toBe(before + 1);
    await page.goto(`${baseUrl()}/cultivation/${pick.entryId}`);
    await page.getByText("已认定", { exact: true }).first().waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a plan task written on an entry opened in full (a bookmark, a link from a message) saves without a script error", async () => {
    // React Router gives a page loaded in full a history key the server never saw: a form id
    // made from that key left the form out of step with its id, and submitting threw.
    const [entry] = query<{ id: number }>(
      `SELECT p.id FROM pool_entries p JOIN enterprises e ON e.id = p.enterprise_id
        WHERE e.town_code = 'jintang' AND p.status = 'cultivating' ORDER BY p.id DESC LIMIT 1`,
    );
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "officer-jintang");
    await page.goto(`${baseUrl()}/cultivation/${entry!.id}`);
    await waitForHydration(page);
    await page.getByLabel(/^任务内容/).fill("直接打开后写下的任务：核对研发台账");
    await page.getByRole("button", { name: "添加任务" }).click();
    await page.waitForURL(/saved=1/);
    await expect
      .poll(() => query<{ n: number }>(`SELECT count(*) AS n FROM pool_tasks WHERE entry_id = ? AND title = ?`, entry!.id, "直接打开后写下的任务：核对研发台账")[0]!.n)
      .toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the plan prints on one A4 page", async () => {
    const [entry] = query<{ id: number }>(
      `SELECT p.id FROM pool_entries p WHERE (SELECT count(*) FROM pool_tasks k WHERE k.entry_id = p.id) >= 3
         AND (SELECT count(*) FROM pool_visits v WHERE v.entry_id = p.id) >= 1 ORDER BY p.id LIMIT 1`,
    );
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/cultivation/${entry!.id}/print`);
    await waitForHydration(page);
    await page.emulateMedia({ media: "print" });
    await screenshot(page, "cultivation-plan-print-zh");
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    const dir = path.resolve(import.meta.dirname, "screenshots");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cultivation-plan.pdf"), pdf);
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    expect(pages).toBe(1);
    // The site's header and the page's tools are not printed.
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印" }).isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});
