/**
 * The registry's CSV export as a user gets it: downloaded from the list in Chromium, then opened
 * in LibreOffice Calc (converted headless and read back). Every credit code must survive as
 * 18-character text and the header must be row 1. The conversion needs `soffice`
 * (Debian: libreoffice-calc-nogui); without it only that step is skipped, saying so.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_HEADERS } from "~/models/enterprise-export.server";
import { baseUrl, launchBrowser, newPage, openRegistryDb, signInAs, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const soffice = ["soffice", "libreoffice"].find((cmd) => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0);

/** Opens the CSV the way Calc does (UTF-8, comma, formulas evaluated) and returns each row's cell texts. */
async function openInCalc(csvPath: string): Promise<string[][]> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-calc-"));
  try {
    const profile = `file://${path.join(outDir, "profile")}`;
    const run = spawnSync(soffice!, [`-env:UserInstallation=${profile}`, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", outDir, csvPath], {
      encoding: "utf8",
      timeout: 120_000,
    });
    const xlsx = path.join(outDir, path.basename(csvPath).replace(/\.csv$/, ".xlsx"));
    if (!fs.existsSync(xlsx)) throw new Error(`LibreOffice did not convert the file: ${run.stdout} ${run.stderr}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const rows: string[][] = [];
    workbook.worksheets[0]!.eachRow({ includeEmpty: true }, (row, n) => {
      rows[n - 1] = EXPORT_HEADERS.map((_, i) => row.getCell(i + 1).text);
    });
    return rows;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

describe("the registry CSV export", () => {
  it("downloads with the header on row 1, a file name telling scope and time, and codes LibreOffice keeps whole", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAs(page, "reviewer");
    await page.goto(`${baseUrl()}/enterprises`);
    await waitForHydration(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "导出 CSV", exact: true }).click()]);
    const name = download.suggestedFilename();
    expect(name).toMatch(/^企业名录-全区-截至\d{12}\.csv$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-export-"));
    const csvPath = path.join(dir, "registry.csv");
    await download.saveAs(csvPath);
    const text = fs.readFileSync(csvPath, "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1, text.indexOf("\r\n")).split(",")).toEqual([...EXPORT_HEADERS]);

    const db = openRegistryDb();
    const codes = (db.prepare(`SELECT uscc FROM enterprises WHERE archived_at IS NULL`).all() as { uscc: string }[]).map((r) => r.uscc);
    db.close();
    expect(codes.filter((c) => /^\d{18}$/.test(c)).length).toBeGreaterThan(0);

    if (!soffice) {
      console.warn("LibreOffice (soffice) is not installed: skipping the conversion check. Install libreoffice-calc-nogui to run it.");
    } else {
      const rows = await openInCalc(csvPath);
      expect(rows[0]).toEqual([...EXPORT_HEADERS]);
      const read = rows.slice(1).map((r) => r[1]);
      expect(read.length).toBe(codes.length);
      expect(read.filter((c) => !/^[0-9A-Z]{18}$/.test(c!))).toEqual([]);
      expect(read.sort()).toEqual([...codes].sort());
    }
    fs.rmSync(dir, { recursive: true, force: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
