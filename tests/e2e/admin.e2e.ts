import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectAccessible, expectNoHorizontalScroll, launchBrowser, newPage, screenshot, signInAs } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("accounts and the audit log", () => {
  it("an admin creates an account; the new user must set a password before anything else", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "admin");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "用户管理" }).click();
    await page.waitForURL(/\/admin\/users/);
    await expectAccessible(page, "users");
    const create = page.getByRole("region", { name: "新建账号" });
    await create.getByLabel(/^用户名/).fill("officer-baiquan2");
    await create.getByLabel(/^姓名/).fill("白泉镇 新联络员");
    await create.getByLabel(/^角色/).selectOption("town_officer");
    await create.getByLabel(/^初始密码/).fill("short");
    await page.getByRole("button", { name: "新建账号" }).click();
    // The missing town and the weak password are named by their fields; typed values stay.
    await expect.poll(() => page.getByText("镇（街道）联络员须选择所属镇（街道）。").count()).toBe(1);
    await expect.poll(() => page.getByText("密码至少需要 10 个字符。").count()).toBe(1);
    expect(await create.getByLabel(/^姓名/).inputValue()).toBe("白泉镇 新联络员");
    await screenshot(page, "users-errors-zh");
    await create.getByLabel(/^所属镇/).selectOption("baiquan");
    await create.getByLabel(/^初始密码/).fill("white-spring-2026");
    await page.getByRole("button", { name: "新建账号" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("账号已创建");
    await screenshot(page, "users-zh");
    await context.close();

    const second = await newPage(browser);
    await second.page.goto(`${baseUrl()}/login`);
    await second.page.getByLabel("用户名").fill("officer-baiquan2");
    await second.page.getByLabel("密码").fill("white-spring-2026");
    await second.page.getByRole("button", { name: "登录" }).click();
    await second.page.waitForURL(/\/account\/password/);
    await expectAccessible(second.page, "change password");
    await second.page.getByLabel("当前密码").fill("white-spring-2026");
    await second.page.getByLabel(/^新密码( \*)?$/).fill("baiquan-harbour-77");
    await second.page.getByLabel("再次输入新密码").fill("baiquan-harbour-77");
    await second.page.getByRole("button", { name: "修改密码" }).click();
    await second.page.waitForURL(/\/enterprises/);
    expect(second.problems).toEqual([]);
    await second.context.close();
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
  });

  it("the audit log shows the sign-ins, is accessible and fits a phone", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "admin");
    await page.goto(`${baseUrl()}/admin/audit?action=login.success`);
    // Actions read in words; a user as subject reads by name, not as "user:12".
    await expect.poll(() => page.getByRole("cell", { name: "登录", exact: true }).count()).toBeGreaterThan(0);
    await page.goto(`${baseUrl()}/admin/audit?action=user.create`);
    await expect.poll(() => page.getByRole("cell", { name: "新建账号", exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("cell", { name: "白泉镇 新联络员（officer-baiquan2）" }).count()).toBe(1);
    await page.goto(`${baseUrl()}/admin/audit?action=login.success`);
    await expectAccessible(page, "audit");
    await screenshot(page, "audit-zh");
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoHorizontalScroll(page);
    await screenshot(page, "audit-phone-zh");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the sign-in page is accessible in both languages", async () => {
    for (const lang of ["zh", "en"] as const) {
      const { page, context, problems } = await newPage(browser, { lang });
      await page.goto(`${baseUrl()}/login`);
      await expectAccessible(page, `login ${lang}`);
      await page.setViewportSize({ width: 390, height: 844 });
      await expectNoHorizontalScroll(page);
      await screenshot(page, `login-phone-${lang}`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });
});
