import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, screenshot, signInAs } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("sign-in and the shell", () => {
  it("shows a clear Chinese message for a wrong password and keeps the username", async () => {
    const { page, problems, context } = await newPage(browser);
    await page.goto(`${baseUrl()}/login`);
    await screenshot(page, "login-zh");
    await page.getByLabel("用户名").fill("reviewer");
    await page.getByLabel("密码").fill("wrong-password");
    await page.getByRole("button", { name: "登录" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("用户名或密码不正确");
    expect(await page.getByLabel("用户名").inputValue()).toBe("reviewer");
    await screenshot(page, "login-failed-zh");
    // The 401 answer is the one failed request this test provokes.
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
    await context.close();
  });

  it("signs each role in to its home with the right navigation", async () => {
    const homes: [string, RegExp, string][] = [
      ["reviewer", /\/dashboard/, "审核队列"],
      ["admin", /\/dashboard/, "用户管理"],
      ["officer-jintang", /\/enterprises/, "企业名录"],
      ["ent-jintang", /\/applications/, "本企业档案"],
    ];
    for (const [username, home, navItem] of homes) {
      const { page, context, problems } = await newPage(browser);
      await signInAs(page, username);
      expect(page.url()).toMatch(home);
      const nav = page.getByRole("navigation", { name: "主导航" });
      await expect.poll(() => nav.getByRole("link", { name: navItem }).count()).toBe(1);
      await page.getByRole("button", { name: "退出登录" }).click();
      await page.waitForURL(/\/login/);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it("switches to English and back, and the choice persists", async () => {
    const { page, problems, context } = await newPage(browser);
    await page.goto(`${baseUrl()}/login`);
    await page.getByRole("button", { name: "切换为英文界面" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in");
    await page.reload();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign in");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await screenshot(page, "login-en");
    await page.getByRole("button", { name: "Switch the interface to Chinese" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("登录");
    expect(problems).toEqual([]);
    await context.close();
  });
});
