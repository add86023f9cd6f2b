/**
 * Evidence on the application's edit page, in Chromium with JavaScript on: uploading a file keeps
 * what the firm has typed and not yet saved, and the files come before the submit button, in the
 * order of the work. The end state is read back from the database.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, launchBrowser, newPage, openRegistryDb, screenshot, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("evidence on the edit page", () => {
  it("uploads a file without losing unsaved edits, then saves both", async () => {
    const db = openRegistryDb();
    // The demo firm of 盐仓街道 has a 上市(挂牌) draft that no other browser test opens.
    const draft = db
      .prepare(
        `SELECT a.id FROM applications a JOIN users u ON u.enterprise_id = a.enterprise_id
          WHERE u.username = 'ent-yancang' AND a.tier_code = 'listed' AND a.status = 'draft'`,
      )
      .get() as { id: number };
    db.close();
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "ent-yancang");
    await page.goto(`${baseUrl()}/applications/${draft.id}/edit`);
    await waitForHydration(page);

    // The files come before the submit button.
    const files = page.getByRole("region", { name: "佐证材料", exact: true });
    const submit = page.getByRole("button", { name: "提交申报" });
    expect((await files.boundingBox())!.y).toBeLessThan((await submit.boundingBox())!.y);

    // An edit not yet saved, then an upload.
    const contact = page.getByLabel(/^联系人/);
    await contact.fill("林海燕");
    await files.getByLabel(/^材料类别/).selectOption({ label: "营业执照" });
    await files.getByLabel(/^文件/).setInputFiles({
      name: "营业执照副本.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"),
    });
    await files.getByRole("button", { name: "上传", exact: true }).click();
    await expect.poll(() => files.getByRole("status").textContent()).toContain("已上传“营业执照副本.pdf”");
    expect(new URL(page.url()).pathname).toBe(`/applications/${draft.id}/edit`);
    // What was typed is still there.
    expect(await contact.inputValue()).toBe("林海燕");
    await screenshot(page, "evidence-uploaded-on-edit");

    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.waitForURL(new RegExp(`/applications/${draft.id}\\?done=save`));
    const after = openRegistryDb();
    try {
      const app = after.prepare(`SELECT payload FROM applications WHERE id = ?`).get(draft.id) as { payload: string };
      expect(JSON.parse(app.payload).contactName).toBe("林海燕");
      const file = after.prepare(`SELECT kind, original_name AS name FROM attachments WHERE application_id = ? AND deleted_at IS NULL`).all(draft.id);
      expect(file).toContainEqual({ kind: "business-licence", name: "营业执照副本.pdf" });
    } finally {
      after.close();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
