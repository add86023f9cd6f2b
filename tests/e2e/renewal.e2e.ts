import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectNoHorizontalScroll, launchBrowser, newPage, queryRegistry, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function label(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);
}

/** The district's achieved count of a tier and year, as the dashboard reads it (its counters). */
const achieved = (tier: string, year: number) =>
  Number(
    queryRegistry<{ n: number | null }>(
      "SELECT sum(n) AS n FROM award_level_totals WHERE tier_code = ? AND year = ? AND level IN ('national', 'provincial', 'municipal')",
      tier,
      year,
    )[0]!.n ?? 0,
  );

describe("renewal (复核) from the expiry reminder to the linked award", () => {
  it("a firm follows its reminder, submits the short form, the reviewer approves: a linked award, the old one ended, achieved unchanged", async () => {
    const [award] = queryRegistry<{ id: number; tier_code: string; valid_until: string; enterprise_id: number }>(
      `SELECT w.id, w.tier_code, w.valid_until, w.enterprise_id FROM awards w JOIN users u ON u.enterprise_id = w.enterprise_id
       WHERE u.username = 'ent-renewal' AND w.revoked_on IS NULL AND w.ended_on IS NULL AND w.valid_until IS NOT NULL`,
    );
    expect(award).toBeDefined();
    const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    const achievedBefore = achieved(award!.tier_code, year);

    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-renewal");
    await page.goto(`${baseUrl()}/notifications`);
    await waitForHydration(page);
    const reminder = page.getByRole("link", { name: new RegExp(`认定将于 ${award!.valid_until} 到期`) });
    await expect.poll(() => reminder.count()).toBe(1);
    await reminder.click();
    await page.waitForURL(/\/awards\/expiring/);
    await waitForHydration(page);
    const row = page.getByRole("row").filter({ hasText: award!.valid_until });
    await row.getByRole("button", { name: "申请复核" }).click();
    await page.waitForURL(/\/applications\/\d+\/edit$/);
    await waitForHydration(page);
    const editUrl = page.url();
    const id = Number(/applications\/(\d+)\/edit/.exec(editUrl)![1]);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("复核申请");
    // The short form: no checklist, no permit question, the figures and the statement.
    expect(await page.getByLabel(label("是否取得排污许可证")).count()).toBe(0);
    expect(await page.getByText("这是复核申请").count()).toBe(1);
    await screenshot(page, "renewal-short-form");

    // The evidence first: each upload reloads the form.
    const files = page.getByRole("region", { name: "佐证材料", exact: true });
    for (const kind of ["营业执照", "排污许可证", "能源审计报告", "自评表"]) {
      await files.getByLabel(label("材料类别")).selectOption({ label: kind });
      await files.getByLabel(label("文件")).setInputFiles({ name: `${kind}.pdf`, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
      await files.getByRole("button", { name: "上传", exact: true }).click();
      await expect.poll(() => files.getByRole("status").textContent()).toContain(`已上传“${kind}.pdf”`);
    }
    await waitForHydration(page);
    await page.getByLabel(label("联系人")).fill("王敏");
    await page.getByLabel(label("联系电话")).fill("13905800000");
    await page.getByLabel(label("企业及申报情况简介")).fill("复核：能耗和排放保持认定时水平。");
    await page.getByLabel(label("单位工业增加值能耗（吨标准煤/万元）")).fill("0.42");
    await page.getByLabel(/^本企业承诺/).check();
    await page.getByRole("button", { name: "提交申报" }).click();
    await page.waitForURL(new RegExp(`/applications/${id}\\?done=submit`));
    const [submitted] = queryRegistry<{ status: string; renews_award_id: number; payload: string }>("SELECT status, renews_award_id, payload FROM applications WHERE id = ?", id);
    expect(submitted).toMatchObject({ status: "submitted", renews_award_id: award!.id });
    expect(JSON.parse(submitted!.payload)).toMatchObject({ energyIntensity: 0.42, contactName: "王敏" });
    await expectNoHorizontalScroll(page);
    expect(problems).toEqual([]);
    await context.close();

    // The reviewer approves it.
    const reviewer = await newPage(browser);
    await signInAs(reviewer.page, "reviewer");
    await reviewer.page.goto(`${baseUrl()}/applications/${id}`);
    await waitForHydration(reviewer.page);
    const approve = reviewer.page.getByRole("region", { name: "通过" }).or(reviewer.page.locator(".decision--approve"));
    await approve.getByLabel(label("认定文号")).fill("定经信〔2026〕复1号");
    await approve.getByRole("button", { name: "通过并登记认定" }).click();
    await expect.poll(() => queryRegistry<{ status: string }>("SELECT status FROM applications WHERE id = ?", id)[0]!.status).toBe("approved");
    const [linked] = queryRegistry<{ id: number; renews_award_id: number }>("SELECT id, renews_award_id FROM awards WHERE application_id = ?", id);
    expect(linked!.renews_award_id).toBe(award!.id);
    const [old] = queryRegistry<{ ended_on: string | null }>("SELECT ended_on FROM awards WHERE id = ?", award!.id);
    expect(old!.ended_on).not.toBeNull();
    // A renewal is no new recognition: the dashboard's achieved count stays.
    expect(achieved(award!.tier_code, year)).toBe(achievedBefore);
    expect(reviewer.problems).toEqual([]);
    await reviewer.context.close();
  }, 120_000);
});
