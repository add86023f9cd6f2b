import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectAccessible, expectNoHorizontalScroll, launchBrowser, newPage, queryRegistry, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const unreadOf = (username: string) =>
  queryRegistry<{ n: number }>("SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.username = ? AND n.read_at IS NULL", username)[0]!.n;

describe("notifications and the working calendar", () => {
  it("a user sees the unread count in the header, opens the inbox, marks one read, and the count drops", async () => {
    const { page, problems, context } = await newPage(browser);
    const before = unreadOf("officer-yancang");
    expect(before).toBeGreaterThan(0);
    await signInAs(page, "officer-yancang");
    const link = page.getByRole("link", { name: `消息 ${before} 条未读`, exact: true });
    await expect.poll(() => link.count()).toBe(1);
    await link.click();
    await page.waitForURL(/\/notifications$/);
    await waitForHydration(page);
    await expectAccessible(page, "notifications");
    await screenshot(page, "notifications-zh");
    const button = page.getByRole("button", { name: /^将「.+」标为已读$/ }).first();
    const label = (await button.getAttribute("aria-label"))!;
    const title = label.slice(2, -5);
    await button.click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("已标为已读");
    // The header's count follows without a reload, and the database has the time it was read.
    await expect.poll(() => page.getByRole("link", { name: before - 1 ? `消息 ${before - 1} 条未读` : "消息", exact: true }).count()).toBe(1);
    expect(unreadOf("officer-yancang")).toBe(before - 1);
    const params = queryRegistry<{ read_at: string | null; params: string }>(
      "SELECT n.read_at, n.params FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.username = 'officer-yancang' AND n.read_at IS NOT NULL ORDER BY n.read_at DESC LIMIT 1",
    )[0]!;
    expect(params.read_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(title).toContain(JSON.parse(params.params).firm);
    await expectNoHorizontalScroll(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a user chooses a daily digest to an address; a wrong address is named by its field and kept", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "officer-yancang");
    await page.goto(`${baseUrl()}/notifications`);
    await waitForHydration(page);
    const form = page.getByRole("region", { name: "邮件提醒" });
    await form.getByLabel(/^邮箱地址/).fill("yancang officer");
    await form.getByLabel(/^发送方式/).selectOption("digest");
    await form.getByRole("button", { name: "保存邮件设置" }).click();
    await expect.poll(() => form.getByText("邮箱地址格式不正确，例如 name@example.cn。").count()).toBe(1);
    expect(await form.getByLabel(/^邮箱地址/).inputValue()).toBe("yancang officer");
    await form.getByLabel(/^邮箱地址/).fill("yancang@dinghai.example");
    await form.getByRole("button", { name: "保存邮件设置" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("邮件设置已保存");
    const saved = queryRegistry<{ email: string; email_mode: string }>(
      "SELECT s.email, s.email_mode FROM notification_settings s JOIN users u ON u.id = s.user_id WHERE u.username = 'officer-yancang'",
    );
    expect(saved).toEqual([{ email: "yancang@dinghai.example", email_mode: "digest" }]);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });

  it("the admin adds a make-up working day on /admin/calendar, then removes it", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "admin");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "工作日历" }).click();
    await page.waitForURL(/\/admin\/calendar/);
    await waitForHydration(page);
    await page.goto(`${baseUrl()}/admin/calendar?year=2026`);
    await waitForHydration(page);
    await expectAccessible(page, "calendar");
    await expect.poll(() => page.getByRole("row", { name: /2026-10-10.*调休上班/ }).count()).toBe(1);
    const form = page.getByRole("region", { name: "添加节假日或调休上班日" });
    await form.getByLabel(/^日期/).fill("2026-12-26");
    await form.getByLabel(/^类型/).selectOption("workday");
    await form.getByLabel(/^中文名称/).fill("元旦调休上班");
    await form.getByLabel(/^英文名称/).fill("New Year make-up working day");
    await form.getByRole("button", { name: "添加" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("已添加 2026-12-26");
    await screenshot(page, "calendar-zh");
    expect(queryRegistry("SELECT date, kind, name_zh FROM calendar_exceptions WHERE date = '2026-12-26'")).toEqual([
      { date: "2026-12-26", kind: "workday", name_zh: "元旦调休上班" },
    ]);
    // The same date again is refused by the date field, the names kept.
    await form.getByLabel(/^日期/).fill("2026-12-26");
    await form.getByLabel(/^中文名称/).fill("重复");
    await form.getByLabel(/^英文名称/).fill("Again");
    await form.getByRole("button", { name: "添加" }).click();
    await expect.poll(() => form.getByText("2026-12-26 已有安排，请先删除原记录。").count()).toBe(1);
    expect(await form.getByLabel(/^中文名称/).inputValue()).toBe("重复");

    await page.getByRole("button", { name: "删除 2026-12-26（元旦调休上班）" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("已删除 2026-12-26");
    expect(queryRegistry("SELECT date FROM calendar_exceptions WHERE date = '2026-12-26'")).toEqual([]);
    const audit = queryRegistry<{ action: string }>("SELECT action FROM audit_log WHERE subject = 'calendar:2026-12-26' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(["calendar.add", "calendar.remove"]);
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await context.close();
  });
});
