/**
 * The reviewer's flow through the queue in Chromium with JavaScript on: Enter in a decision field
 * does not approve, a click does; after the decision the page links to the next application
 * waiting; a returned application reads as the reviewer's, not the firm's, to-do; the bulk form
 * offers only the levels the tier allows and prefills the date. End states are read back from
 * the database.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTier, type TierCode } from "~/domain/tiers";
import { todayInShanghai } from "~/utils/format";
import { baseUrl, JOURNEY_FIRMS, launchBrowser, newPage, queryRegistry, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const ELSEWHERE = JOURNEY_FIRMS;

const query = queryRegistry;

/** A submitted application whose approval cannot clash with an award already held. */
function approvable(): { id: number; tierCode: TierCode } {
  const rows = query<{ id: number; tierCode: TierCode; name: string }>(
    `SELECT a.id, a.tier_code AS tierCode, e.name FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
      WHERE a.status = 'submitted'
        -- The pipeline test counts the 专精特新 applications in review: leave them to it.
        AND a.tier_code <> 'specialized-new'
        AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = a.enterprise_id AND w.tier_code = a.tier_code
                           AND w.year = a.year AND w.revoked_on IS NULL)
      ORDER BY a.id DESC`,
  );
  const row = rows.find((r) => !ELSEWHERE.includes(r.name));
  if (!row) throw new Error("the demo data has no submitted application left to approve");
  return row;
}

describe("the review flow with JavaScript on", () => {
  it("Enter in a decision field does not approve; the click does, and the next in queue is offered", async () => {
    const pick = approvable();
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    const posts: string[] = [];
    page.on("request", (req) => {
      if (req.method() === "POST") posts.push(req.url());
    });
    await page.goto(`${baseUrl()}/applications/${pick.id}`);
    await waitForHydration(page);
    const form = page.locator("section.decision--approve");
    await form.getByLabel(/^认定文号/).fill("舟经信〔2026〕88号");
    await form.getByLabel(/^认定文号/).press("Enter");
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
    expect(query<{ status: string }>(`SELECT status FROM applications WHERE id = ?`, pick.id)[0]!.status).toBe("submitted");

    await form.getByRole("button", { name: "通过并登记认定" }).click();
    await page.waitForURL(/done=approve/);
    expect(query<{ status: string }>(`SELECT status FROM applications WHERE id = ?`, pick.id)[0]!.status).toBe("approved");
    expect(query<{ documentNo: string }>(`SELECT document_no AS documentNo FROM awards WHERE application_id = ?`, pick.id)[0]!.documentNo).toBe("舟经信〔2026〕88号");

    const [oldest] = query<{ id: number }>(`SELECT id FROM applications WHERE status = 'submitted' AND id <> ? ORDER BY submitted_at, id LIMIT 1`, pick.id);
    const next = page.getByRole("link", { name: "下一条待审" });
    expect(await next.getAttribute("href")).toBe(`/applications/${oldest!.id}`);
    await next.click();
    await page.waitForURL(new RegExp(`/applications/${oldest!.id}$`));
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a returned application tells the reviewer it waits for the firm, not to revise it", async () => {
    const [returned] = query<{ id: number }>(`SELECT id FROM applications WHERE status = 'returned' ORDER BY id LIMIT 1`);
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications/${returned!.id}`);
    const note = page.getByRole("note");
    await expect.poll(() => note.textContent()).toContain("已退回企业修改");
    expect(await page.locator("main").textContent()).not.toContain("请按以下意见修改后重新提交");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the bulk form offers only the tier's levels and prefills the date", async () => {
    const rows = query<{ id: number; tierCode: TierCode }>(`SELECT id, tier_code AS tierCode FROM applications WHERE status = 'submitted' ORDER BY id`);
    const narrow = rows.find((r) => getTier(r.tierCode).levels.length < 4);
    if (!narrow) throw new Error("the demo data has no submitted application of a tier with fewer levels");
    const tier = getTier(narrow.tierCode);
    const { page, problems, context } = await newPage(browser, { lang: "zh" });
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/applications/bulk?decision=approve&id=${narrow.id}`);
    await waitForHydration(page);
    const options = await page
      .getByLabel(/^认定级别/)
      .locator("option")
      .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value).filter((v) => v !== ""));
    expect(options).toEqual([...tier.levels]);
    expect(await page.getByLabel(/^认定日期/).inputValue()).toBe(todayInShanghai());
    expect(problems).toEqual([]);
    await context.close();
  });
});
