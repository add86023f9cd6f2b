/**
 * Discovery in Chromium with JavaScript on, end states read back from the database: a town
 * officer opens discovery for 专精特新, starts a run (stored, of its town only) and waits for its
 * results, finds a "near" firm with the criterion it misses (need and have), adds it to the pool
 * (the row then shows it in the pool) and writes a plan task; the firm updates its figures and
 * applies; the reviewer approves; the pool entry shows recognized, the town's achieved count
 * rises by exactly one, and the next run no longer lists the firm.
 */
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateUscc } from "../../app/domain/uscc";
import { mulberry32 } from "../../seeds/random";
import { smallPdf } from "../../seeds/evidence";
import { baseUrl, launchBrowser, newPage, queryRegistry as query, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
const FIRM = "舟山定海发现测试精密机械有限公司";
const USER = "ent-discovery-e2e";
const YEAR = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
let firmId = 0;

/**
 * A firm of its own in 金塘: everything 专精特新 asks of the figures, except R&D of ¥1,050,000
 * on ¥50,000,000 of revenue in the year before (2.10%, under the 3% line).
 */
beforeAll(async () => {
  browser = await launchBrowser();
  const db = new Database(inject("databasePath"));
  db.pragma("busy_timeout = 5000");
  try {
    const now = new Date().toISOString();
    const firm = db
      .prepare(
        `INSERT INTO enterprises (uscc, name, town_code, industry_code, above_scale, contact_name, contact_phone, employees, revenue_yuan, rd_expense_yuan, created_at, updated_at)
         VALUES (?, ?, 'jintang', 'machinery', 1, '林发现', '13857201369', 160, NULL, NULL, ?, ?)`,
      )
      .run(generateUscc(mulberry32(880011)), FIRM, now, now);
    firmId = Number(firm.lastInsertRowid);
    const figures = db.prepare(
      `INSERT INTO enterprise_figures (enterprise_id, year, revenue_yuan, main_business_revenue_yuan, rd_expense_yuan, employees, rd_staff, total_assets_yuan,
         total_liabilities_yuan, net_profit_yuan, equity_financing_yuan, invention_patents, ip_class1, ip_class2, niche_years, source, updated_by, updated_at, version)
       VALUES (?, ?, 50000000, 48000000, ?, 160, 22, 60000000, 24000000, 3000000, 0, 2, 3, 10, 6, 'bureau', NULL, ?, 1)`,
    );
    figures.run(firmId, YEAR - 2, 1_600_000, now);
    figures.run(firmId, YEAR - 1, 1_050_000, now);
    const hash = (db.prepare(`SELECT password_hash FROM users WHERE username = 'ent-jintang'`).get() as { password_hash: string }).password_hash;
    db.prepare(
      `INSERT INTO users (username, display_name, role, enterprise_id, password_hash, must_change_password, created_at) VALUES (?, '发现测试', 'enterprise', ?, ?, 0, ?)`,
    ).run(USER, firmId, hash, now);
  } finally {
    db.close();
  }
});
afterAll(async () => {
  await browser?.close();
});

function label(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);
}

async function upload(page: Page, kindName: string) {
  const files = page.getByRole("region", { name: "佐证材料", exact: true });
  await files.getByLabel(/^材料类别/).selectOption({ label: kindName });
  await files.getByLabel(/^文件/).setInputFiles({ name: `${kindName}.pdf`, mimeType: "application/pdf", buffer: smallPdf(kindName) });
  await files.getByRole("button", { name: "上传", exact: true }).click();
  await expect.poll(() => files.getByRole("status").textContent()).toContain(`已上传“${kindName}.pdf”`);
}

async function leagueAchieved(page: Page): Promise<number> {
  await page.goto(`${baseUrl()}/cultivation/towns?year=${YEAR}&tier=specialized-new`);
  const row = page.locator("tbody tr", { hasText: "金塘镇" });
  return Number((await row.locator("td").nth(2).innerText()).trim());
}

describe("discovery with JavaScript on", () => {
  it("from a near firm found to its recognition: pool, plan, figures, application, approval", async () => {
    // ── The town officer finds the firm and adds it to the pool.
    const officer = await newPage(browser, { lang: "zh" });
    await signInAs(officer.page, "officer-jintang");
    const achievedBefore = await leagueAchieved(officer.page);
    await officer.page.goto(`${baseUrl()}/cultivation`);
    await waitForHydration(officer.page);
    await officer.page.getByRole("link", { name: "主动发现" }).click();
    await officer.page.waitForURL(/\/cultivation\/discovery/);
    await waitForHydration(officer.page);
    await officer.page.getByLabel("梯度", { exact: true }).selectOption("specialized-new");
    await officer.page.getByLabel("申报年度", { exact: true }).fill(String(YEAR));
    await officer.page.getByLabel("结论", { exact: true }).selectOption("near");
    await officer.page.getByRole("button", { name: "筛选", exact: true }).click();
    await officer.page.waitForURL(/verdict=near/);
    await waitForHydration(officer.page);
    // No run of this year yet that the town may read: the page says so and offers to start one.
    // (The demo holds a district run per tier, which a town officer reads narrowed to its town.)
    const runsBefore = query<{ n: number }>(
      `SELECT count(*) AS n FROM discovery_runs WHERE year = ? AND tier_code = 'specialized-new' AND scope IN ('jintang', 'district')`,
      YEAR,
    )[0]!.n;
    if (runsBefore === 0) await officer.page.getByText("该梯度和年度还没有预审结果").waitFor();
    await officer.page.getByRole("button", { name: runsBefore === 0 ? "开始预审" : "重新预审", exact: true }).click();
    const row = officer.page.locator("tbody tr", { hasText: FIRM });
    await row.waitFor({ timeout: 60_000 });
    expect(officer.page.url()).toContain("verdict=near");
    const [run] = query<{ id: number; status: string; scope: string; done: number; total: number }>(
      `SELECT id, status, scope, done, total FROM discovery_runs WHERE year = ? AND tier_code = 'specialized-new' AND scope = 'jintang' AND status = 'done'`,
      YEAR,
    );
    expect(run).toMatchObject({ status: "done", scope: "jintang" });
    expect(run!.done).toBe(run!.total);
    expect(query(`SELECT DISTINCT town_code FROM discovery_results WHERE run_id = ?`, run!.id)).toEqual([{ town_code: "jintang" }]);
    expect(query(`SELECT verdict FROM discovery_results WHERE run_id = ? AND enterprise_id = ?`, run!.id, firmId)).toEqual([{ verdict: "near" }]);
    expect(await row.textContent()).toContain("接近");
    expect(await row.textContent()).toContain(`${YEAR - 1}年研发费用占营业收入比重 2.10%，需 ≥ 3%`);
    expect(await row.textContent()).toContain("待确认");
    // Every firm listed is of the officer's town and near.
    const towns = await officer.page.locator("tbody tr td:nth-child(3)").allTextContents();
    expect(new Set(towns)).toEqual(new Set(["金塘镇"]));
    await screenshot(officer.page, "discovery-near-zh");
    await row.getByRole("button", { name: `加入培育库 ${FIRM}` }).click();
    await expect.poll(() => officer.page.getByRole("status").filter({ hasText: "已加入培育库" }).textContent()).toContain("已加入培育库 1 家");
    const [entry] = query<{ id: number; status: string; target_year: number; created_by: number }>(
      `SELECT id, status, target_year, created_by FROM pool_entries WHERE enterprise_id = ? AND tier_code = 'specialized-new' AND status <> 'exited'`,
      firmId,
    );
    const [officerUser] = query<{ id: number }>(`SELECT id FROM users WHERE username = 'officer-jintang'`);
    expect(entry).toMatchObject({ status: "cultivating", target_year: YEAR, created_by: officerUser!.id });
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'pool.add' AND data LIKE ?`, `%"enterpriseId":${firmId}%`)).toEqual([{ n: 1 }]);
    // The stored result does not change, but the row now shows the firm in the pool.
    await row.getByRole("link", { name: "已在培育库" }).waitFor();
    expect(await row.getByRole("button", { name: `加入培育库 ${FIRM}` }).count()).toBe(0);

    // ── The plan: one task.
    await officer.page.getByRole("link", { name: `打开培育档案：${FIRM}` }).click();
    await officer.page.waitForURL(new RegExp(`/cultivation/${entry!.id}$`));
    await waitForHydration(officer.page);
    await officer.page.getByLabel(/^任务内容/).fill("研发费用占比提高到 3% 以上");
    await officer.page.getByLabel(/^责任方/).fill("企业财务部");
    await officer.page.getByLabel(/^完成时限/).fill(`${YEAR}-12-31`);
    await officer.page.getByRole("button", { name: "添加任务" }).click();
    await officer.page.waitForURL(/saved=1/);
    expect(query(`SELECT title, owner, due_on, status FROM pool_tasks WHERE entry_id = ?`, entry!.id)).toEqual([
      { title: "研发费用占比提高到 3% 以上", owner: "企业财务部", due_on: `${YEAR}-12-31`, status: "open" },
    ]);
    expect(officer.problems).toEqual([]);

    // ── The firm updates its figures and applies.
    const firm = await newPage(browser, { lang: "zh" });
    await signInAs(firm.page, USER);
    await firm.page.goto(`${baseUrl()}/enterprises/${firmId}`);
    await waitForHydration(firm.page);
    await firm.page.getByRole("link", { name: "查看与更新年度经营数据" }).click();
    await firm.page.waitForURL(/\/figures/);
    await waitForHydration(firm.page);
    await expect.poll(() => firm.page.getByRole("heading", { name: `${YEAR - 1} 年度经营数据` }).count()).toBe(1);
    await firm.page.getByLabel("研发费用（万元）", { exact: true }).fill("160");
    await firm.page.getByRole("button", { name: "保存" }).click();
    await firm.page.waitForURL(/saved=1/);
    expect(query(`SELECT rd_expense_yuan, source FROM enterprise_figures WHERE enterprise_id = ? AND year = ?`, firmId, YEAR - 1)).toEqual([
      { rd_expense_yuan: 1_600_000, source: "enterprise" },
    ]);

    await firm.page.goto(`${baseUrl()}/applications/new?tier=specialized-new`);
    await waitForHydration(firm.page);
    expect(await firm.page.getByLabel(label(`${YEAR - 1}年研发费用（万元）`)).inputValue()).toBe("160");
    await firm.page.getByLabel(label("申报级别")).selectOption({ label: "省级" });
    await firm.page.getByLabel(label("企业及申报情况简介")).fill("深耕精密传动部件细分市场。");
    await firm.page.getByLabel(label("从事细分市场年限（年）")).fill("6");
    await firm.page.getByLabel(label("主导产品")).fill("精密减速机");
    await firm.page.getByLabel(/本企业承诺/).check();
    await firm.page.getByRole("button", { name: "提交申报" }).click();
    await firm.page.waitForURL(/\/applications\/\d+\/edit\?missing=evidence$/);
    const appId = Number(/\/applications\/(\d+)\//.exec(firm.page.url())![1]);
    await waitForHydration(firm.page);
    for (const kind of ["营业执照", "财务报表", "研发费用专项审计", "知识产权证书", "自评表"]) await upload(firm.page, kind);
    await firm.page.getByRole("button", { name: "提交申报" }).click();
    await firm.page.waitForURL(new RegExp(`/applications/${appId}\\?done=submit`));
    expect(query(`SELECT status, year FROM applications WHERE id = ?`, appId)).toEqual([{ status: "submitted", year: YEAR }]);
    expect(query(`SELECT status FROM pool_entries WHERE id = ?`, entry!.id)).toEqual([{ status: "applied" }]);
    expect(firm.problems.filter((p) => !p.includes("400"))).toEqual([]);
    await firm.context.close();

    // ── The reviewer approves.
    const reviewer = await newPage(browser, { lang: "zh" });
    await signInAs(reviewer.page, "reviewer");
    await reviewer.page.goto(`${baseUrl()}/applications/${appId}`);
    await waitForHydration(reviewer.page);
    const approve = reviewer.page.locator("section.decision--approve");
    await approve.getByLabel(/^认定文号/).fill("定经信〔发现〕1号");
    await approve.getByRole("button", { name: "通过并登记认定" }).click();
    await reviewer.page.waitForURL(/done=approve/);
    expect(query(`SELECT status FROM pool_entries WHERE id = ?`, entry!.id)).toEqual([{ status: "recognized" }]);
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM awards WHERE enterprise_id = ? AND tier_code = 'specialized-new' AND revoked_on IS NULL`, firmId)).toEqual([{ n: 1 }]);
    expect(reviewer.problems).toEqual([]);
    await reviewer.context.close();

    // ── The officer sees the entry recognized, the town's count one higher, the firm gone from discovery.
    await officer.page.goto(`${baseUrl()}/cultivation/${entry!.id}`);
    await officer.page.getByText("已认定", { exact: true }).first().waitFor();
    expect(await leagueAchieved(officer.page)).toBe(achievedBefore + 1);
    await officer.page.goto(`${baseUrl()}/cultivation/discovery?tier=specialized-new&year=${YEAR}`);
    await waitForHydration(officer.page);
    await officer.page.getByRole("button", { name: "重新预审", exact: true }).click();
    await expect
      .poll(() => query<{ n: number }>(`SELECT count(*) AS n FROM discovery_runs WHERE year = ? AND scope = 'jintang' AND status = 'done' AND id > ?`, YEAR, run!.id)[0]!.n, {
        timeout: 60_000,
      })
      .toBe(1);
    await officer.page.getByText("预审结果截至").first().waitFor();
    await expect.poll(() => officer.page.locator("tbody tr", { hasText: FIRM }).count(), { timeout: 30_000 }).toBe(0);
    // The new run superseded the old one: its results are gone.
    expect(query(`SELECT count(*) AS n FROM discovery_results WHERE run_id = ?`, run!.id)).toEqual([{ n: 0 }]);
    expect(officer.problems).toEqual([]);
    await officer.context.close();
  });

  it("the bureau ticks several firms and adds them to the pool at once", async () => {
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/cultivation`);
    await waitForHydration(page);
    await page.getByRole("link", { name: "主动发现" }).click();
    await page.waitForURL(/\/cultivation\/discovery/);
    await waitForHydration(page);
    const district = () =>
      query<{ n: number }>(`SELECT count(*) AS n FROM discovery_runs WHERE scope = 'district' AND status = 'done' AND tier_code = 'specialized-new' AND year = ?`, YEAR)[0]!.n;
    if (district() === 0) {
      await page.getByRole("button", { name: "开始预审", exact: true }).click();
      await expect.poll(district, { timeout: 60_000 }).toBe(1);
    }
    await page.locator('tbody input[type="checkbox"][name="enterpriseId"]').first().waitFor({ timeout: 30_000 });
    const boxes = page.locator('tbody input[type="checkbox"][name="enterpriseId"]');
    expect(await boxes.count()).toBeGreaterThanOrEqual(3);
    const picked = [Number(await boxes.nth(0).getAttribute("value")), Number(await boxes.nth(2).getAttribute("value"))];
    const activeBefore = (id: number) =>
      query<{ n: number }>(`SELECT count(*) AS n FROM pool_entries WHERE enterprise_id = ? AND tier_code = 'specialized-new' AND status <> 'exited'`, id)[0]!.n;
    const fresh = picked.filter((id) => activeBefore(id) === 0).length;
    await boxes.nth(0).check();
    await boxes.nth(2).check();
    await page.getByRole("button", { name: "将选中企业加入培育库" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "已加入培育库" }).textContent()).toContain(`已加入培育库 ${fresh} 家；已在库跳过 ${2 - fresh} 家`);
    for (const id of picked) expect(activeBefore(id)).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
