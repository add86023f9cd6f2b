/**
 * Recognition lists: matched by credit code or name, the rest set aside for a person; awards
 * already recorded are recognised, not doubled; dates as Excel dates, serial numbers or text.
 * Also the import page end to end: upload, preview, confirm, report and template downloads.
 */
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import * as page from "~/routes/enterprises.import";
import * as report from "~/routes/enterprises.import-report[.]xlsx";
import * as template from "~/routes/enterprises.import-template[.]xlsx";
import { readSheet } from "~/models/import-file.server";
import { commitAwardImport, previewAwardImport } from "~/models/award-import.server";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { caller, cookie, csvOf, freshUscc, seededFirms, utf8, xlsxOf } from "./import.helpers";

let firms: Awaited<ReturnType<typeof seededFirms>>;
let reviewerCookie = "";

beforeAll(async () => {
  firms = await seededFirms(6);
  reviewerCookie = await cookie("reviewer");
});

async function provincialList() {
  const [a, b, c, d] = firms;
  return xlsxOf((ws) => {
    ws.getCell("A1").value = "2030年浙江省专精特新中小企业名单（第一批）";
    ws.mergeCells("A1:E1");
    ws.addRow(["序号", "企业名称", "统一社会信用代码", "认定日期", "备注"]);
    ws.addRow([1, a!.name, a!.uscc, new Date(Date.UTC(2030, 5, 30)), null]); // 3 by code, a date cell
    ws.addRow([2, b!.name, null, 47299, null]); // 4 by name only; serial number (2029-06-30)
    ws.addRow([3, c!.name, freshUscc(90000001), "2030年6月30日", null]); // 5 same name, other code
    ws.addRow([4, "不存在的企业有限公司", null, "2030-06-30", null]); // 6 no such firm
    ws.addRow([5, a!.name, a!.uscc, "2030-06-30", "重复"]); // 7 duplicate of row 3
    ws.addRow([6, d!.name, d!.uscc, "明年", null]); // 8 bad date
  });
}

describe("recognition-list import", () => {
  it("matches, sets aside and recognises duplicates; commits once", async () => {
    const defaults = { tier: "specialized-new" as const, level: "provincial" as const, year: 2030, documentNo: "浙经信企业〔2030〕7号" };
    const sheet = await readSheet(await provincialList());
    const p = await previewAwardImport(db(), sheet, defaults, "zh");
    expect(p.fileErrors).toEqual([]);
    const byRow = new Map(p.rows.map((r) => [r.row, r]));
    expect(byRow.get(3)).toMatchObject({ kind: "new", firm: { id: firms[0]!.id }, recognizedOn: "2030-06-30", validUntil: "2033-06-30", year: 2030 });
    expect(byRow.get(4)).toMatchObject({ kind: "new", firm: { id: firms[1]!.id }, recognizedOn: "2029-06-30" });
    expect(byRow.get(5)!.kind).toBe("mismatch");
    expect(byRow.get(6)!.kind).toBe("unmatched");
    expect(byRow.get(7)).toMatchObject({ kind: "error", notes: ["与第 3 行是同一企业、类别和年度，不重复认定"] });
    expect(byRow.get(8)!.notes).toEqual(["第 8 行「认定日期」：无法识别的日期“明年”（须为 1990–2100 年间的真实日期，可写 2024-06-30 或 2024年6月30日）"]);

    const reviewer = await caller("reviewer");
    const file = { fileName: "省专精特新名单.xlsx", sha256: "c".repeat(64) };
    const done = await commitAwardImport(db(), reviewer, sheet, file, { defaults, digest: p.digest, lang: "zh" });
    expect(done).toMatchObject({ ok: true, created: 2 });
    const awards = await db()
      .selectFrom("awards")
      .select(["enterprise_id", "level", "year", "document_no", "valid_until"])
      .where("year", "=", 2030)
      .where("tier_code", "=", "specialized-new")
      .where("document_no", "=", defaults.documentNo)
      .execute();
    expect(awards.map((a) => a.enterprise_id).sort()).toEqual([firms[0]!.id, firms[1]!.id].sort());

    const again = await previewAwardImport(db(), sheet, defaults, "zh");
    expect(again.counts).toMatchObject({ new: 0, exists: 2 });
    expect(await commitAwardImport(db(), reviewer, sheet, file, { defaults, digest: again.digest, lang: "zh" })).toEqual({ ok: false, reason: "nothing" });
    const audit = await db().selectFrom("audit_log").select("data").where("action", "=", "import.awards").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data!)).toMatchObject({ fileName: file.fileName, sha256: file.sha256, created: 2 });
  });

  it("reads tier and level per row, 小巨人 as national, and flags a record that differs", async () => {
    const [, , , , e, f] = firms;
    await db()
      .insertInto("awards")
      .values({ enterprise_id: f!.id, tier_code: "green-factory", level: "municipal", year: 2031, document_no: "舟经信〔2031〕1号", created_at: new Date().toISOString() })
      .execute();
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["单位名称", "信用代码", "类别", "级别", "年度", "文号"],
          [e!.name, e!.uscc, "专精特新“小巨人”企业", "", "2031", "工信部企业函〔2031〕3号"],
          [f!.name, f!.uscc, "绿色低碳工厂", "省级", "2031年", "浙经信〔2031〕2号"],
          [e!.name, e!.uscc, "品质工厂", "省级", "2031", ""],
        ]),
        true,
      ),
    );
    const p = await previewAwardImport(db(), sheet, {}, "zh");
    expect(p.rows.map((r) => r.kind)).toEqual(["new", "conflict", "error"]);
    expect(p.rows[0]).toMatchObject({ tier: "specialized-new", level: "national", year: 2031 });
    expect(p.rows[1]!.notes[0]).toMatch(/已有此类认定（市级，文号 舟经信〔2031〕1号）/);
    expect(p.rows[2]!.notes[0]).toBe("第 4 行「级别」：「品质工厂」只能认定为 区级");
  });
});

describe("the import page", () => {
  it("uploads, previews, confirms and redirects; the report and template download as XLSX", async () => {
    const uscc = freshUscc(90000100);
    const form = new FormData();
    form.append("intent", "upload");
    form.append("kind", "enterprises");
    form.append(
      "file",
      new File(
        [
          new Uint8Array(
            utf8(
              csvOf([
                ["企业名称", "统一社会信用代码", "镇街", "行业"],
                ["页面导入测试有限公司", uscc, "金塘", "机械"],
              ]),
              true,
            ),
          ),
        ],
        "名单.csv",
        { type: "text/csv" },
      ),
    );
    const up = await call(page.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form }));
    expect(statusOf(up.result)).toBe(303);
    const location = (up.result as Response).headers.get("Location")!;
    expect(location).toMatch(/^\/enterprises\/import\?id=[0-9a-f]{64}$/);
    const id = location.split("=")[1]!;

    const view = dataOf((await call(page.loader, makeRequest(location, { cookie: reviewerCookie }))).result);
    expect(view.preview).toMatchObject({ fileName: "名单.csv", kind: "enterprises", encoding: "utf-8-bom", writable: 1, errors: 0 });
    expect(view.preview.rows[0]).toMatchObject({ row: 2, status: "new", name: "页面导入测试有限公司" });

    const stale = await call(page.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form: { intent: "commit", id, digest: "0".repeat(64) } }));
    expect(statusOf(stale.result)).toBe(409);
    expect(await db().selectFrom("enterprises").select("id").where("uscc", "=", uscc).execute()).toHaveLength(0);

    const ok = await call(page.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form: { intent: "commit", id, digest: view.preview.digest } }));
    expect(statusOf(ok.result)).toBe(303);
    expect(await db().selectFrom("enterprises").select(["town_code", "industry_code"]).where("uscc", "=", uscc).executeTakeFirst()).toEqual({
      town_code: "jintang",
      industry_code: "machinery",
    });

    const xlsx = await call(report.loader, makeRequest(`/enterprises/import-report.xlsx?id=${id}`, { cookie: reviewerCookie }));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await (xlsx.result as Response).arrayBuffer()) as never);
    expect(workbook.worksheets[0]!.getRow(2).getCell(2).value).toBe("无变化");

    const tpl = await call(template.loader, makeRequest("/enterprises/import-template.xlsx?kind=enterprises", { cookie: reviewerCookie }));
    const tplBook = new ExcelJS.Workbook();
    await tplBook.xlsx.load(Buffer.from(await (tpl.result as Response).arrayBuffer()) as never);
    const tplSheet = await readSheet(new Uint8Array(await tplBook.xlsx.writeBuffer()));
    const { previewEnterpriseImport } = await import("~/models/import.server");
    const tplPreview = await previewEnterpriseImport(db(), tplSheet, "zh");
    expect(tplPreview.columns).toHaveLength(13);
    expect(tplPreview.fileErrors).toEqual([]);
  });

  it("answers a missing file by the field, an .xls with a hint, and keeps town officers out", async () => {
    const empty = new FormData();
    empty.append("intent", "upload");
    empty.append("kind", "enterprises");
    const noFile = await call(page.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form: empty }));
    expect(statusOf(noFile.result)).toBe(400);
    expect(dataOf(noFile.result).result.error.file).toEqual(["请选择要上传的文件"]);

    const xls = new FormData();
    xls.append("intent", "upload");
    xls.append("kind", "enterprises");
    xls.append("file", new File([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0])], "old.xls"));
    const old = await call(page.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form: xls }));
    expect(statusOf(old.result)).toBe(400);
    expect(dataOf(old.result).result.error.file[0]).toMatch(/旧版 Excel/);

    const officer = await cookie("officer-jintang");
    expect(statusOf((await call(page.loader, makeRequest("/enterprises/import", { cookie: officer }))).result)).toBe(403);
    expect(statusOf((await call(page.action, makeRequest("/enterprises/import", { cookie: officer, form: { intent: "commit" } }))).result)).toBe(403);
  });
});
