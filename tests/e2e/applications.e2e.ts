/**
 * The application journey in Chromium, role by role: the firm applies (the pre-check updating as
 * it types) and submits, the town recommends, the bureau approves; and a return for revision
 * that the firm reads, fixes and resubmits. Elements are found by role and label.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectNoHorizontalScroll, launchBrowser, newPage, screenshot, signInAs } from "./browser";

/** The form's labels name the actual years before the application's (this year, in Shanghai). */
const Y1 = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())) - 1;
const Y2 = Y1 - 1;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const JINTANG_FIRM = "舟山金塘塑机螺杆科技有限公司";
const YANCANG_FIRM = "浙江盐仓海洋装备有限公司";
const DOC_NO = "浙经信企业〔2026〕101号";
/** New applications default to the current year in Shanghai. */
const APPLICATION_YEAR = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));

/** A field by its whole label (the required mark " *" aside), so 营业收入 never finds 主营业务收入. */
function label(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);
}

async function field(page: Page, text: string, value: string) {
  await page.getByLabel(label(text)).fill(value);
}

/** The text of everything a field's aria-describedby points at: what a screen reader reads out. */
async function descriptionOf(page: Page, control: Locator): Promise<string> {
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(" ");
}

/** The "achieved" figure of a tier's card on the dashboard (a link named "<n> 已完成"). */
async function achievedOnDashboard(page: Page, tierName: string): Promise<number> {
  const card = page.getByRole("article", { name: tierName, exact: true });
  const link = card.getByRole("link", { name: /已完成$/ });
  await expect.poll(() => link.count()).toBe(1);
  return Number((await link.textContent())!.replace(/\D+/g, ""));
}

async function statusText(page: Page) {
  return page.locator(".app-detail__sub .badge").textContent();
}

describe("applying, recommending, approving", () => {
  let detailUrl = "";

  it("the firm fills the 专精特新 form, corrects its mistakes, attaches a PDF, and submits", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-jintang");
    await page.goto(`${baseUrl()}/applications`);
    await page.getByRole("region", { name: "新建申报", exact: true }).getByRole("link", { name: "专精特新中小企业" }).click();
    await page.waitForURL(/\/applications\/new\?tier=specialized-new/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("申报：专精特新中小企业");
    // Prefilled from the firm's profile.
    expect(await page.getByLabel(label("联系人")).inputValue()).toBe("邬晓燕");

    const panel = page.locator(".eligibility");
    // The form starts from the firm's yearly figures, so the pre-check judges them at once.
    const before = await panel.locator(".eligibility__summary").textContent();
    expect(before).toContain("有条件未达到");

    await page.getByLabel(label("申报级别")).selectOption({ label: "省级" });
    await field(page, "企业及申报情况简介", "企业深耕注塑机螺杆机筒细分市场，产品配套国内重点客户。");
    await field(page, "从事细分市场年限（年）", "8");
    // Two mistakes: 主导产品 left empty, and the revenue typed in words.
    await field(page, `${Y1}年营业收入（万元）`, "五千万");
    await field(page, `${Y1}年主营业务收入（万元）`, "4732.87");
    await field(page, `${Y1}年研发费用（万元）`, "223.34");
    await field(page, `${Y2}年研发费用（万元）`, "210");
    await field(page, `${Y2}年营业收入（万元）`, "4620");
    await field(page, "研发人员数（人）", "18");
    await field(page, "从业人员数（人）", "180");
    await field(page, `${Y1}年末资产负债率（%）`, "40.2");
    await field(page, "Ⅰ类知识产权数（如发明专利）", "2");
    await field(page, "Ⅱ类知识产权数（如实用新型、软件著作权）", "34");
    await field(page, "评价得分（0–100）", "79");
    await page.getByLabel(/本企业承诺/).check();
    await page.getByRole("button", { name: "提交申报" }).click();

    // Each message sits by its field and is what the field is described by.
    const product = page.getByLabel(label("主导产品"));
    const revenue = page.getByLabel(label(`${Y1}年营业收入（万元）`));
    await expect.poll(() => product.getAttribute("aria-invalid")).toBe("true");
    expect(await descriptionOf(page, product)).toContain("请填写“主导产品”");
    expect(await revenue.getAttribute("aria-invalid")).toBe("true");
    expect(await descriptionOf(page, revenue)).toContain("金额格式不正确，请填写数字");
    // What was typed is still there.
    expect(await revenue.inputValue()).toBe("五千万");
    expect(await page.getByLabel(label("研发人员数（人）")).inputValue()).toBe("18");
    await screenshot(page, "applications-new-error");

    await product.fill("注塑机螺杆机筒");
    await revenue.fill("5016.46");
    // The pre-check follows the typing, in the browser.
    await expect.poll(() => panel.locator(".eligibility__summary").textContent()).toBe("符合各项条件");
    await screenshot(page, "applications-new-filled");
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.waitForURL(/\/applications\/\d+\?done=save/);
    detailUrl = page.url().replace(/\?.*$/, "");
    await expect.poll(() => statusText(page)).toBe("草稿");

    // Evidence: a small PDF, uploaded from the application page.
    const files = page.getByRole("region", { name: "佐证材料", exact: true });
    await files.getByLabel(label("材料类别")).selectOption({ label: "研发费用专项审计" });
    await files.getByLabel(label("文件")).setInputFiles({
      name: "研发费用专项审计报告.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"),
    });
    await files.getByRole("button", { name: "上传", exact: true }).click();
    await page.waitForURL(/attachment=uploaded/);
    await expect.poll(() => files.getByRole("status").textContent()).toContain("已上传“研发费用专项审计报告.pdf”");
    const fileRow = files.getByRole("row").filter({ hasText: "研发费用专项审计报告.pdf" });
    expect(await fileRow.textContent()).toContain("研发费用专项审计");
    expect(await fileRow.textContent()).toContain("PDF");
    await screenshot(page, "applications-draft-with-file");
    // The other kinds the tier requires before a submission.
    for (const kind of ["营业执照", "财务报表", "知识产权证书", "自评表"]) {
      await files.getByLabel(label("材料类别")).selectOption({ label: kind });
      await files.getByLabel(label("文件")).setInputFiles({ name: `${kind}.pdf`, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
      await files.getByRole("button", { name: "上传", exact: true }).click();
      await expect.poll(() => files.getByRole("status").textContent()).toContain(`已上传“${kind}.pdf”`);
    }

    await page.getByRole("link", { name: "继续填写并提交" }).click();
    await page.waitForURL(/\/edit$/);
    expect(await page.getByLabel(label("主导产品")).inputValue()).toBe("注塑机螺杆机筒");
    // Submitting without the declaration is refused by the field.
    if (await page.getByLabel(/本企业承诺/).isChecked()) await page.getByLabel(/本企业承诺/).uncheck();
    await page.getByRole("button", { name: "提交申报" }).click();
    await expect.poll(() => page.getByLabel(/本企业承诺/).getAttribute("aria-invalid")).toBe("true");
    expect(await descriptionOf(page, page.getByLabel(/本企业承诺/))).toContain("真实性承诺");

    await page.getByLabel(/本企业承诺/).check();
    await page.getByRole("button", { name: "提交申报" }).click();
    await page.waitForURL(/\/applications\/\d+\?done=submit/);
    expect(page.url().replace(/\?.*$/, "")).toBe(detailUrl);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("申报已提交");
    await expect.poll(() => statusText(page)).toBe("已提交");
    expect(await page.getByRole("region", { name: "申报内容", exact: true }).textContent()).toContain("5,016.46 万元");
    // Submitted: the file is still there, and can no longer be changed.
    expect(await files.getByRole("link", { name: /研发费用专项审计报告\.pdf/ }).count()).toBe(1);
    expect(await files.getByRole("button", { name: "上传", exact: true }).count()).toBe(0);
    await screenshot(page, "applications-submitted-firm");
    await expectNoHorizontalScroll(page);
    // The 400s of the refused submissions are the failed requests this test provokes.
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });

  it("the town officer recommends it", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "officer-jintang");
    await page.goto(`${baseUrl()}/applications?status=submitted`);
    const row = page.getByRole("row").filter({ hasText: JINTANG_FIRM }).filter({ hasText: "专精特新中小企业" });
    await row.getByRole("link", { name: "待出具推荐意见" }).click();
    await page.waitForURL(detailUrl);
    // An officer is offered the opinion and nothing else.
    expect(await page.getByRole("button", { name: "通过并登记认定" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "撤回申报" }).count()).toBe(0);
    const form = page.getByRole("region", { name: "推荐意见", exact: true });
    await form.getByLabel(label("推荐意见")).selectOption({ label: "推荐" });
    await form.getByLabel(label("初审意见")).fill("金塘镇初审：企业情况属实，同意推荐");
    await form.getByRole("button", { name: "提交推荐意见" }).click();
    await page.waitForURL(/\?done=opinion/);
    const opinion = page.getByRole("region", { name: "镇（街道）推荐意见", exact: true });
    await expect.poll(() => opinion.textContent()).toContain("金塘镇初审：企业情况属实，同意推荐");
    expect(await page.getByRole("region", { name: "办理记录", exact: true }).textContent()).toContain("金塘镇 联络员");
    await screenshot(page, "applications-opinion-officer");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the reviewer finds it in the queue and approves it, recording the 文号", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    // The dashboard's count for the tier and year before the decision.
    await page.goto(`${baseUrl()}/dashboard?year=${APPLICATION_YEAR}`);
    const achievedBefore = await achievedOnDashboard(page, "专精特新中小企业");

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "审核队列" }).click();
    await page.waitForURL(/\/applications/);
    await screenshot(page, "applications-queue-reviewer");
    await page.getByLabel("企业名称").fill("金塘塑机");
    await page.getByLabel("类别").selectOption({ label: "专精特新中小企业" });
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(/q=/);
    const row = page.getByRole("row").filter({ hasText: JINTANG_FIRM });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("推荐");
    await row.getByRole("link", { name: JINTANG_FIRM }).click();
    await page.waitForURL(detailUrl);
    await screenshot(page, "applications-detail-reviewer");

    const approve = page.getByRole("region", { name: "通过并登记认定", exact: true });
    await approve.getByLabel(label("认定级别")).selectOption({ label: "省级" });
    await approve.getByLabel(label("认定日期")).fill("2026-12-15");
    await approve.getByLabel(label("认定文号")).fill(DOC_NO);
    await approve.getByRole("button", { name: "通过并登记认定" }).click();
    await page.waitForURL(/\?done=approve/);
    await expect.poll(() => statusText(page)).toBe("已通过");
    const award = page.getByRole("region", { name: "认定结果", exact: true });
    await expect.poll(() => award.textContent()).toContain(DOC_NO);
    expect(await award.textContent()).toContain("2029-12-15");
    const history = await page.getByRole("region", { name: "办理记录", exact: true }).textContent();
    for (const step of ["创建申报", "提交", "推荐意见", "通过"]) expect(history).toContain(step);
    // Only revoking is left.
    expect(await page.getByRole("button", { name: "撤销认定" }).count()).toBe(1);
    await screenshot(page, "applications-approved-reviewer");

    // Counted at once: the achieved figure for 专精特新 in that year rises by exactly one.
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "培育进度" }).click();
    await page.waitForURL(/\/dashboard/);
    if (!page.url().includes(`year=${APPLICATION_YEAR}`)) await page.goto(`${baseUrl()}/dashboard?year=${APPLICATION_YEAR}`);
    expect(await achievedOnDashboard(page, "专精特新中小企业")).toBe(achievedBefore + 1);
    await screenshot(page, "dashboard-after-approval");
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("return for revision, revise, resubmit", () => {
  let detailUrl = "";
  const REASON = "请补充能源审计报告和排污许可证副本";

  it("the reviewer returns another application with a reason", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications?status=submitted&tier=green-factory&q=${encodeURIComponent("盐仓海洋装备")}`);
    await page.getByRole("row").filter({ hasText: YANCANG_FIRM }).getByRole("link", { name: YANCANG_FIRM }).click();
    await page.waitForURL(/\/applications\/\d+$/);
    detailUrl = page.url();
    const form = page.getByRole("region", { name: "退回修改", exact: true });
    await form.getByRole("button", { name: "退回修改" }).click();
    // The reason is required: nothing happens without it.
    await expect.poll(() => form.locator(".field__errors").count()).toBeGreaterThan(0);
    await form.getByLabel(label("原因类别")).selectOption({ label: "佐证材料不全" });
    await form.getByLabel(label("具体意见（告知企业需修改或补充的内容）")).fill(REASON);
    await form.getByRole("button", { name: "退回修改" }).click();
    await page.waitForURL(/\?done=return/);
    await expect.poll(() => statusText(page)).toBe("退回修改");
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });

  it("the firm sees the reason, edits and resubmits", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-yancang");
    await page.goto(`${baseUrl()}/applications`);
    const row = page.getByRole("row").filter({ hasText: "绿色工厂" }).filter({ hasText: "退回修改" });
    await row.getByRole("link", { name: "按意见修改后重新提交" }).click();
    await page.waitForURL(/\/edit$/);
    const note = page.getByRole("note").filter({ hasText: REASON });
    await expect.poll(() => note.textContent()).toContain(REASON);
    expect(await note.textContent()).toContain("佐证材料不全");
    await screenshot(page, "applications-returned-edit-firm");
    await page.getByLabel(label("单位工业增加值能耗（吨标准煤/万元）")).fill("0.386");
    await page.getByRole("button", { name: "重新提交" }).click();
    await page.waitForURL(/\?done=submit/);
    expect(page.url().replace(/\?.*$/, "")).toBe(detailUrl);
    await expect.poll(() => statusText(page)).toBe("已提交");
    const history = await page.getByRole("region", { name: "办理记录", exact: true }).textContent();
    expect(history).toContain("退回修改");
    expect(history).toContain(REASON);
    expect(history).toContain("重新提交");
    expect(await page.getByRole("region", { name: "申报内容", exact: true }).textContent()).toContain("0.386");
    await screenshot(page, "applications-resubmitted-firm");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("reads in English too", async () => {
    const { page, problems, context } = await newPage(browser, { lang: "en" });
    await signInAs(page, "ent-yancang");
    await page.goto(detailUrl);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Green factory application · 2026");
    expect(await page.getByRole("region", { name: "History", exact: true }).textContent()).toContain("Return for revision");
    await screenshot(page, "applications-detail-en");
    expect(problems).toEqual([]);
    await context.close();
  });
});
