/** 10,000 firms in one XLSX: read, preview and commit well within 10 seconds. */
import { describe, expect, it } from "vitest";
import { loadImportFile, readStoredSheet, storeImportFile } from "~/models/import-file.server";
import { commitEnterpriseImport, previewEnterpriseImport } from "~/models/import.server";
import { db } from "~/utils/db.server";
import { caller, freshUscc, xlsxOf } from "./import.helpers";

const TOWNS = ["金塘镇", "盐仓街道", "干览镇", "白泉镇", "双桥街道"];
const INDUSTRIES = ["机械制造", "船舶海工", "水产加工", "石化和新材料"];

describe("a 10,000-row enterprise list", () => {
  it("previews and commits in under 10 seconds", { timeout: 120_000 }, async () => {
    const bytes = await xlsxOf((ws) => {
      ws.addRow(["统一社会信用代码", "企业名称", "所在镇（街道）", "所属产业", "是否规上", "从业人数", "营业收入（万元）", "联系电话"]);
      for (let i = 0; i < 10_000; i++) {
        ws.addRow([
          freshUscc(80_000_000 + i),
          `规模测试企业${i}号有限公司`,
          TOWNS[i % 5],
          INDUSTRIES[i % 4],
          i % 3 ? "是" : "否",
          10 + (i % 500),
          (i % 9000) + 0.5,
          `138${String(i).padStart(8, "0")}`,
        ]);
      }
    });
    const reviewer = await caller("reviewer");
    // As the page does it: the upload stores and parses the file; preview and confirm are two
    // more requests, each reading the stored upload again.
    const started = performance.now();
    const stored = await storeImportFile(bytes, { kind: "enterprises", fileName: "10k.xlsx", uploadedBy: reviewer.id, uploadedAt: new Date().toISOString() });
    await readStoredSheet({ meta: stored, bytes });
    const read = performance.now();
    const preview = await previewEnterpriseImport(db(), await readStoredSheet((await loadImportFile(stored.id))!), "zh");
    const previewed = performance.now();
    expect(preview.counts).toEqual({ new: 10_000, update: 0, unchanged: 0, error: 0, blank: 0 });
    const sheet = await readStoredSheet((await loadImportFile(stored.id))!);
    const result = await commitEnterpriseImport(db(), reviewer, sheet, { fileName: "10k.xlsx", sha256: "b".repeat(64) }, { digest: preview.digest, skipErrors: false, lang: "zh" });
    const committed = performance.now();
    expect(result.ok).toBe(true);
    const total = committed - started;
    console.log(
      `10k import: upload (store + parse) ${Math.round(read - started)} ms, preview ${Math.round(previewed - read)} ms, commit (re-preview + write) ${Math.round(committed - previewed)} ms, total ${Math.round(total)} ms`,
    );
    expect(total).toBeLessThan(10_000);
    const n = await db()
      .selectFrom("enterprises")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("name", "like", "规模测试企业%")
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(10_000);
  });
});
