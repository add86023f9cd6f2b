/**
 * Spreadsheets beyond what a statistics office ever sends are refused before they are loaded,
 * with the limit named; honest ones are read off the serving thread; the parsed-row cache stays
 * small. A few kilobytes of XLSX whose rows reach column XFD once took the server to its heap
 * limit.
 */
import ExcelJS from "exceljs";
import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { beforeAll, describe, expect, it } from "vitest";
import * as page from "~/routes/enterprises.import";
import { SHEET_LIMITS, measureSheetXml } from "~/domain/import/sheet-limits";
import { readSheet, readStoredSheet, SpreadsheetUnreadable, storeImportFile } from "~/models/import-file.server";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { cookie, csvOf, utf8, xlsxOf } from "./import.helpers";

let reviewerCookie = "";

beforeAll(async () => {
  reviewerCookie = await cookie("reviewer");
});

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await readSheet(bytes);
  } catch (error) {
    if (error instanceof SpreadsheetUnreadable) return error.reason;
    throw error;
  }
  return "read";
}

/** A workbook written by hand, so that its sheet XML can say anything. */
async function rawWorkbook(sheetXml: string): Promise<Uint8Array> {
  const base = new ExcelJS.Workbook();
  base.addWorksheet("名单").getCell("A1").value = "占位";
  const JSZip = (await import("jszip")).default;
  const zip = await JSZip.loadAsync(await base.xlsx.writeBuffer());
  zip.file("xl/worksheets/sheet1.xml", sheetXml);
  return new Uint8Array(await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }));
}

const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = "</sheetData></worksheet>";

describe("spreadsheet limits", () => {
  it("measures rows and the widest row from references, and by position where there are none", () => {
    expect(measureSheetXml('<row r="3"><c r="B3"/><c r="XFD3"/></row><row r="9"><c/><c/></row>')).toEqual({ rows: 9, columns: 16384 });
    expect(measureSheetXml("<row><c/><c/><c/></row><row><c/></row>")).toEqual({ rows: 2, columns: 3 });
  });

  it("refuses a few kilobytes of XLSX whose rows reach column XFD, without loading it", async () => {
    const bytes = await xlsxOf((ws) => {
      for (let r = 1; r <= 2000; r++) ws.getCell(r, 16384).value = r;
    });
    expect(bytes.length).toBeLessThan(64 * 1024);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    expect(await refusal(bytes)).toBe("too-many-columns");
    expect(performance.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("refuses rows, cells and declared sizes beyond the limits, by name", async () => {
    const manyRows = `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="${SHEET_LIMITS.rows + 1}"><c r="A${SHEET_LIMITS.rows + 1}"/></row>${SHEET_TAIL}`;
    expect(await refusal(await rawWorkbook(manyRows))).toBe("too-many-rows");
    const rows = 15_000;
    const wide = `${SHEET_HEAD}${Array.from({ length: rows }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"/><c r="EU${i + 1}"/></row>`).join("")}${SHEET_TAIL}`;
    expect(rows * 151).toBeGreaterThan(SHEET_LIMITS.cells);
    expect(await refusal(await rawWorkbook(wide))).toBe("too-many-cells");
    const csv = utf8(Array.from({ length: 10 }, () => ",".repeat(SHEET_LIMITS.columns + 5)).join("\n"));
    expect(await refusal(csv)).toBe("too-many-columns");
  });

  it("answers the upload by the file field, naming the limit", async () => {
    const bytes = await xlsxOf((ws) => {
      ws.getCell(1, 1).value = "企业名称";
      ws.getCell(2, 5000).value = "远处的格式";
    });
    const form = new FormData();
    form.append("intent", "upload");
    form.append("kind", "enterprises");
    form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], "名单.xlsx"));
    const { result } = await call(page.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form }));
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).result.error.file[0]).toContain("第 200 列");
  });

  it("reads an honest sheet off the serving thread: timers keep their time meanwhile", async () => {
    const rows = [["企业名称", "统一社会信用代码", "营业收入（万元）", "从业人员（人）", "地址"]];
    for (let i = 0; i < 30_000; i++) rows.push([`测试企业${i}有限公司`, `91330902${String(i).padStart(9, "0")}X`, String(i % 9000), String(i % 300), "舟山市定海区某某路1号"]);
    const bytes = await xlsxOf((ws) => rows.forEach((r) => ws.addRow(r)));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const sheet = await readSheet(bytes);
    const took = performance.now() - started;
    delay.disable();
    expect(sheet.rows).toHaveLength(30_001);
    const maxDelayMs = delay.max / 1e6;
    console.log(`read 30,000 rows in ${Math.round(took)} ms; event loop max delay ${maxDelayMs.toFixed(1)} ms`);
    expect(maxDelayMs).toBeLessThan(Math.max(250, took / 4));
  });

  it("keeps the parsed-row cache small for a sheet whose rows end far to the right", async () => {
    const bytes = await xlsxOf((ws) => {
      ws.getCell(1, 1).value = "企业名称";
      for (let r = 2; r <= 5000; r++) ws.getCell(r, 1).value = `企业${r}`;
      ws.getCell(3, 199).value = "远处";
    });
    const stored = await storeImportFile(bytes, { kind: "enterprises", fileName: "宽表.xlsx", uploadedBy: 1, uploadedAt: new Date().toISOString() });
    const first = await readStoredSheet({ meta: stored, bytes });
    const cache = path.join(process.env.DATA_DIR!, "imports", `${stored.sha256}.rows.json`);
    const size = fs.statSync(cache).size;
    expect(size).toBeLessThan(20 * bytes.length);
    const again = await readStoredSheet({ meta: stored, bytes });
    expect(again.rows).toEqual(first.rows);
    expect(again.rows[1]).toHaveLength(199);
  });

  it("a CSV read back through the thread is the same as before", async () => {
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["企业名称", "镇街"],
          ["甲有限公司", "金塘"],
        ]),
        true,
      ),
    );
    expect(sheet).toMatchObject({
      format: "csv",
      encoding: "utf-8-bom",
      rows: [
        ["企业名称", "镇街"],
        ["甲有限公司", "金塘"],
      ],
    });
  });
});
