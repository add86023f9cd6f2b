/**
 * "What can we apply for?" in Chromium with JavaScript on: a firm opens the start page and sees
 * what it holds, where it is eligible and where it is near (need and have); it starts an
 * application, finds the form prefilled with the registry's figures under labels naming the
 * actual years, is refused while required evidence is missing (each kind named), attaches it
 * and submits. The end state is read back from the database.
 */
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateUscc } from "../../app/domain/uscc";
import { mulberry32 } from "../../seeds/random";
import { smallPdf } from "../../seeds/evidence";
import { baseUrl, launchBrowser, newPage, queryRegistry, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
const FIRM = "舟山定海起步测试机械有限公司";
const USER = "ent-start-e2e";
const YEAR = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));

/**
 * A firm of its own (other browser tests use the demo firms): not above scale, ¥40,000,000 of
 * revenue and ¥1,100,000 of R&D (2.75%, under the 3% line), holding a 洁美工厂 award.
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
         VALUES (?, ?, 'jintang', 'machinery', 0, '周起步', '13857201368', 150, 40000000, 1100000, ?, ?)`,
      )
      .run(generateUscc(mulberry32(777001)), FIRM, now, now);
    // What the registry knows of it: last year's figures.
    db.prepare(
      `INSERT INTO enterprise_figures (enterprise_id, year, revenue_yuan, rd_expense_yuan, employees, source, updated_at) VALUES (?, ?, 40000000, 1100000, 150, 'bureau', ?)`,
    ).run(firm.lastInsertRowid, YEAR - 1, now);
    const hash = (db.prepare(`SELECT password_hash FROM users WHERE username = 'ent-jintang'`).get() as { password_hash: string }).password_hash;
    db.prepare(
      `INSERT INTO users (username, display_name, role, enterprise_id, password_hash, must_change_password, created_at) VALUES (?, '起步测试', 'enterprise', ?, ?, 0, ?)`,
    ).run(USER, firm.lastInsertRowid, hash, now);
    db.prepare(
      `INSERT INTO awards (enterprise_id, tier_code, level, year, recognized_on, valid_until, document_no, created_at)
       VALUES (?, 'clean-beauty-factory', 'district', ?, ?, NULL, '定经信〔测试〕7号', ?)`,
    ).run(firm.lastInsertRowid, YEAR - 1, `${YEAR - 1}-11-20`, now);
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

describe("what can we apply for", () => {
  it("reads in English: actual years, ¥ amounts, need and have", async () => {
    const { page, problems, context } = await newPage(browser, { lang: "en" });
    await signInAs(page, USER);
    await page.goto(`${baseUrl()}/applications/new`);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole("heading", { level: 2, name: `What can we apply for in ${YEAR}?` }).count()).toBe(1);
    const specialized = page.getByRole("listitem", { name: /^Specialized & innovative SME/ });
    expect(await specialized.textContent()).toContain(`R&D expense as a share of revenue in ${YEAR - 1}: 2.75%, needs ≥ 3%`);
    expect(await specialized.textContent()).toContain("Nearly eligible");
    expect(await specialized.textContent()).toContain("1 condition not met:");
    expect(await page.getByRole("listitem", { name: /^Clean & beautiful factory/ }).textContent()).toContain(
      `Held at District level (${YEAR - 1}, recognised on ${YEAR - 1}-11-20).`,
    );
    expect(await page.locator("main").textContent()).not.toMatch(/prior[- ]year|last year|year before|10k|CNY/i);
    await screenshot(page, "apply-start-en");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows held, eligible and near tiers; the chosen form is prefilled; evidence is required before submitting", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, USER);
    await page.goto(`${baseUrl()}/applications/new`);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole("heading", { level: 2, name: `${YEAR} 年可以申报什么？` }).count()).toBe(1);

    const card = (tier: string) => page.getByRole("listitem", { name: new RegExp(`^${tier}`) });
    // Held, with its level and date.
    expect(await card("洁美工厂").textContent()).toContain(`已获区级认定（${YEAR - 1} 年，认定日期 ${YEAR - 1}-11-20）`);
    expect(await card("洁美工厂").getByText("已认定", { exact: true }).count()).toBe(1);
    // 洁美 has one level: held, nothing higher to apply for, so no button leads to a refusal.
    expect(await card("洁美工厂").textContent()).toContain("已获本类别最高级别，无需再次申报。");
    expect(
      await card("洁美工厂")
        .getByRole("link", { name: /开始申报/ })
        .count(),
    ).toBe(0);
    // Near: the R&D share, need and have, with the actual year; what the data cannot say is to confirm.
    const specialized = card("专精特新中小企业");
    expect(await specialized.getByText("接近条件", { exact: true }).count()).toBe(1);
    expect(await specialized.textContent()).toContain(`${YEAR - 1}年研发费用占营业收入比重：2.75%，需 ≥ 3%`);
    expect(await specialized.textContent()).toContain("待确认");
    // Eligible so far for 升规 (not above scale), with its points to confirm.
    expect(await card("升规企业").getByText("可申报（有待确认项）", { exact: true }).count()).toBe(1);
    await screenshot(page, "apply-start-zh");

    await specialized.getByRole("link", { name: `开始申报专精特新中小企业（${YEAR} 年）` }).click();
    await page.waitForURL(/\/applications\/new\?tier=specialized-new$/);
    await waitForHydration(page);
    // Prefilled from the registry, visibly, under labels naming the actual years.
    expect(await page.getByLabel(label(`${YEAR - 1}年营业收入（万元）`)).inputValue()).toBe("4000");
    expect(await page.getByLabel(label(`${YEAR - 1}年研发费用（万元）`)).inputValue()).toBe("110");
    expect(await page.getByLabel(label("从业人员数（人）")).inputValue()).toBe("150");
    expect(await page.getByRole("note").filter({ hasText: "已按系统登记的企业信息预填" }).textContent()).toContain(`${YEAR - 1}年营业收入（万元）`);
    expect(await page.locator("main").textContent()).not.toMatch(/上年度|前一年度|上上年度/);
    // The required evidence is listed before the buttons.
    const needed = page.getByRole("region", { name: "必需的佐证材料" });
    expect(await needed.textContent()).toContain("研发费用专项审计");
    expect((await needed.boundingBox())!.y).toBeLessThan((await page.getByRole("button", { name: "提交申报" }).boundingBox())!.y);

    await page.getByLabel(label("申报级别")).selectOption({ label: "省级" });
    await page.getByLabel(label("企业及申报情况简介")).fill("深耕液压元件细分市场。");
    await page.getByLabel(label("从事细分市场年限（年）")).fill("6");
    await page.getByLabel(label("主导产品")).fill("液压阀块");
    await page.getByLabel(label(`${YEAR - 1}年研发费用（万元）`)).fill("130");
    await page.getByLabel(label(`${YEAR - 1}年主营业务收入（万元）`)).fill("3800");
    await page.getByLabel(label(`${YEAR - 2}年研发费用（万元）`)).fill("120");
    await page.getByLabel(label("研发人员数（人）")).fill("20");
    await page.getByLabel(label(`${YEAR - 1}年末资产负债率（%）`)).fill("45");
    await page.getByLabel(label("Ⅰ类知识产权数（如发明专利）")).fill("2");
    await page.getByLabel(label("Ⅱ类知识产权数（如实用新型、软件著作权）")).fill("12");
    await page.getByLabel(/本企业承诺/).check();
    await page.getByRole("button", { name: "提交申报" }).click();

    // Kept as a draft, on its form, with every missing kind named.
    await page.waitForURL(/\/applications\/\d+\/edit\?missing=evidence$/);
    const id = Number(/\/applications\/(\d+)\//.exec(page.url())![1]);
    await waitForHydration(page);
    expect(await page.getByRole("alert").first().textContent()).toContain("营业执照、财务报表、研发费用专项审计、知识产权证书、自评表");
    expect(await page.getByLabel(label(`${YEAR - 1}年研发费用（万元）`)).inputValue()).toBe("130");
    expect(queryRegistry<{ status: string }>(`SELECT status FROM applications WHERE id = ?`, id)[0]!.status).toBe("draft");

    for (const kind of ["营业执照", "财务报表", "研发费用专项审计", "知识产权证书"]) await upload(page, kind);
    await page.getByRole("button", { name: "提交申报" }).click();
    // Still one missing: refused, naming it, and nothing typed is lost.
    await expect.poll(() => page.locator(".form-alert, [role=alert]").first().textContent()).toContain("还缺少 1 项必需的佐证材料：自评表");
    expect(new URL(page.url()).pathname).toBe(`/applications/${id}/edit`);
    expect(await page.getByLabel(label("主导产品")).inputValue()).toBe("液压阀块");
    expect(queryRegistry<{ status: string }>(`SELECT status FROM applications WHERE id = ?`, id)[0]!.status).toBe("draft");
    await screenshot(page, "apply-evidence-missing-zh");

    await upload(page, "自评表");
    await page.getByRole("button", { name: "提交申报" }).click();
    await page.waitForURL(new RegExp(`/applications/${id}\\?done=submit`));
    const [row] = queryRegistry<{ status: string; payload: string; eligibility: string; version: number }>(
      `SELECT status, payload, eligibility, version FROM applications WHERE id = ?`,
      id,
    );
    expect(row!.status).toBe("submitted");
    expect(JSON.parse(row!.payload)).toMatchObject({ revenueYuan: 40_000_000, rdExpenseYuan: 1_300_000, mainProduct: "液压阀块", employees: 150 });
    expect(JSON.parse(row!.eligibility).criteria.map((c: { labelZh: string }) => c.labelZh)).toContain(`${YEAR - 1}年研发费用总额`);
    const kinds = queryRegistry<{ kind: string }>(`SELECT kind FROM attachments WHERE application_id = ? AND deleted_at IS NULL ORDER BY kind`, id).map((r) => r.kind);
    expect(kinds).toEqual(["business-licence", "financial-statements", "ip-certificates", "rd-audit", "self-assessment"]);

    // Back on the start page the tier now shows the open application, with its link.
    await page.goto(`${baseUrl()}/applications/new`);
    expect(await card("专精特新中小企业").textContent()).toContain("申报进行中");
    expect(
      await card("专精特新中小企业")
        .getByRole("link", { name: /查看申报/ })
        .getAttribute("href"),
    ).toBe(`/applications/${id}`);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});

describe("the bureau's required evidence", () => {
  it("ticks a kind for a tier and saves (audited), and the database follows; unticking restores it", async () => {
    const required = () =>
      queryRegistry<{ kind: string }>(`SELECT kind FROM tier_evidence_kinds WHERE tier_code = 'demonstration-factory' AND required = 1 ORDER BY kind`).map((r) => r.kind);
    expect(required()).toEqual(["business-licence", "self-assessment"]);
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/admin/checklists`);
    await waitForHydration(page);
    const section = page.getByRole("region", { name: "各类别必需的佐证材料" });
    const box = section.getByRole("checkbox", { name: "示范工厂：管理体系认证证书" });
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await section.getByRole("button", { name: "保存必需材料" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("必需的佐证材料已保存（1 个类别有变化）");
    expect(required()).toEqual(["business-licence", "iso-certificates", "self-assessment"]);
    const [audit] = queryRegistry<{ subject: string; data: string }>(`SELECT subject, data FROM audit_log WHERE action = 'evidence.update' ORDER BY id DESC LIMIT 1`);
    expect(audit!.subject).toBe("demonstration-factory");
    expect(JSON.parse(audit!.data)["demonstration-factory"].after).toEqual(["business-licence", "iso-certificates", "self-assessment"]);
    await screenshot(page, "admin-required-evidence");

    await section.getByRole("checkbox", { name: "示范工厂：管理体系认证证书" }).uncheck();
    await section.getByRole("button", { name: "保存必需材料" }).click();
    await expect.poll(() => required()).toEqual(["business-licence", "self-assessment"]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
