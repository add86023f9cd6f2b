/**
 * Bulk decisions in Chromium with JavaScript on: the reviewer ticks applications in the review
 * queue, chooses the common decision, previews its effect on the targets and confirms. Approve
 * and return, in Chinese and in English; the applications' states are read back from the
 * database afterwards.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTier, type TierCode } from "~/domain/tiers";
import { baseUrl, JOURNEY_FIRMS, launchBrowser, newPage, openRegistryDb, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const ELSEWHERE = JOURNEY_FIRMS;

interface Pick {
  id: number;
  name: string;
  tierCode: TierCode;
  year: number;
}

const taken = new Set<number>();

/**
 * Two submitted applications of one tier, from firms whose name is unique in that tier's queue
 * (so the checkbox named after the firm is unambiguous) and that hold no award of the tier for
 * the year yet (so approving them cannot clash).
 */
function pickTwo(): Pick[] {
  const db = openRegistryDb();
  try {
    const rows = db
      .prepare(
        `SELECT a.id, e.name, a.tier_code AS tierCode, a.year
           FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
          WHERE a.status = 'submitted'
            AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.enterprise_id = a.enterprise_id AND w.tier_code = a.tier_code
                               AND w.year = a.year AND w.revoked_on IS NULL)
          ORDER BY a.tier_code, a.id`,
      )
      .all() as Pick[];
    const all = db.prepare(`SELECT e.name, a.tier_code AS tierCode FROM applications a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.status = 'submitted'`).all() as Pick[];
    const unique = rows.filter((r) => !taken.has(r.id) && !ELSEWHERE.includes(r.name) && all.filter((x) => x.tierCode === r.tierCode && x.name === r.name).length === 1);
    const byTier = new Map<string, Pick[]>();
    for (const r of unique) byTier.set(r.tierCode, [...(byTier.get(r.tierCode) ?? []), r]);
    const two = [...byTier.values()].find((list) => list.length >= 2)?.slice(0, 2);
    if (!two) throw new Error("the demo data has no two submitted applications of one tier left");
    for (const r of two) taken.add(r.id);
    return two;
  } finally {
    db.close();
  }
}

function stored(ids: number[]) {
  const db = openRegistryDb();
  try {
    return ids.map((id) => ({
      app: db.prepare(`SELECT status, decision_reason AS reason, decision_comment AS comment FROM applications WHERE id = ?`).get(id) as {
        status: string;
        reason: string | null;
        comment: string | null;
      },
      award: db.prepare(`SELECT level, recognized_on AS recognizedOn, document_no AS documentNo FROM awards WHERE application_id = ?`).get(id) as
        { level: string; recognizedOn: string; documentNo: string } | undefined,
    }));
  } finally {
    db.close();
  }
}

const TEXT = {
  zh: {
    select: (name: string) => `选择 ${name}`,
    approve: "批量通过",
    return: "批量退回修改",
    level: "认定级别",
    date: "认定日期",
    docNo: "文号",
    reason: "退回原因",
    reasonOption: "佐证材料不全",
    comment: "说明（企业可见）",
    preview: "预览结果",
    impact: "对年度目标的影响",
    confirm: "确认并执行",
    done: (n: number, what: string) => `已${what} ${n} 件申报。`,
  },
  en: {
    select: (name: string) => `Select ${name}`,
    approve: "Approve selected",
    return: "Return selected for revision",
    level: "Level",
    date: "Recognised on",
    docNo: "Document no.",
    reason: "Reason",
    reasonOption: "Evidence missing",
    comment: "What to fix (shown to the firm)",
    preview: "Preview",
    impact: "Effect on the year's targets",
    confirm: "Confirm",
    done: (n: number, what: string) => `${what}: ${n} applications.`,
  },
} as const;

/** From the review queue, filtered to the tier, tick the picked applications and choose the decision. */
async function openBulk(page: Page, lang: "zh" | "en", picks: Pick[], decision: "approve" | "return") {
  const text = TEXT[lang];
  await page.goto(`${baseUrl()}/applications?tier=${picks[0].tierCode}`);
  await waitForHydration(page);
  for (const p of picks) await page.getByRole("checkbox", { name: text.select(p.name), exact: true }).check();
  await page.getByRole("button", { name: decision === "approve" ? text.approve : text.return, exact: true }).click();
  await page.waitForURL(/\/applications\/bulk\?/);
  await waitForHydration(page);
  for (const p of picks) expect(await page.getByRole("link", { name: p.name, exact: true }).count()).toBe(1);
}

/** Preview, then confirm: the journey must end on the "done" page, without a refusal on the way. */
async function previewAndConfirm(page: Page, lang: "zh" | "en", name: string) {
  const text = TEXT[lang];
  await page.getByRole("button", { name: text.preview, exact: true }).click();
  await page.getByRole("heading", { name: text.impact, exact: true }).waitFor();
  await screenshot(page, `bulk-${name}-preview`);
  const answers: number[] = [];
  page.on("response", (res) => {
    if (res.request().method() === "POST") answers.push(res.status());
  });
  await page.getByRole("button", { name: text.confirm, exact: true }).click();
  await page.waitForURL(/\/applications\/bulk\?done=/);
  expect(answers.filter((s) => s >= 400)).toEqual([]);
  await screenshot(page, `bulk-${name}-done`);
}

describe.each(["zh", "en"] as const)("bulk decisions with JavaScript on (%s)", (lang) => {
  const text = TEXT[lang];

  it("approves two applications: the preview, then the awards with the level, date and 文号 typed", async () => {
    const picks = pickTwo();
    const tier = getTier(picks[0].tierCode);
    const level = tier.levels[0];
    const documentNo = `浙经信〔2026〕${lang === "zh" ? 301 : 302}号`;
    const { page, problems, context } = await newPage(browser, { lang });
    await signInAs(page, "reviewer");
    await openBulk(page, lang, picks, "approve");
    await page.getByLabel(new RegExp(`^${text.level}`)).selectOption(level);
    await page.getByLabel(new RegExp(`^${text.date}`)).fill("2026-06-18");
    await page.getByLabel(new RegExp(`^${text.docNo}`)).fill(documentNo);
    await previewAndConfirm(page, lang, `approve-${lang}`);
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe(text.done(2, text.approve));

    for (const { app, award } of stored(picks.map((p) => p.id))) {
      expect(app.status).toBe("approved");
      expect(award).toEqual({ level, recognizedOn: "2026-06-18", documentNo });
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("returns two applications for revision with the reason and the note to the firms", async () => {
    const picks = pickTwo();
    const comment = lang === "zh" ? "请补充上年度研发费用专项审计报告。" : "Please add the audit of last year's R&D expense.";
    const { page, problems, context } = await newPage(browser, { lang });
    await signInAs(page, "reviewer");
    await openBulk(page, lang, picks, "return");
    await page.getByLabel(new RegExp(`^${text.reason}`)).selectOption({ label: text.reasonOption });
    await page.getByLabel(new RegExp(`^${text.comment.replace(/[()]/g, "\\$&")}`)).fill(comment);
    await previewAndConfirm(page, lang, `return-${lang}`);
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe(text.done(2, text.return));

    for (const { app, award } of stored(picks.map((p) => p.id))) {
      expect(app).toEqual({ status: "returned", reason: "evidence-missing", comment });
      expect(award).toBeUndefined();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
