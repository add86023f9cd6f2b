/**
 * Enterprise import: real XLSX (exceljs) and CSV files in the encodings Chinese Excel writes,
 * every kind of bad row, the preview, the all-or-nothing commit and the database after it.
 */
import { reportingYear } from "~/models/figures.server";
import { beforeAll, describe, expect, it } from "vitest";
import { readSheet } from "~/models/import-file.server";
import { commitEnterpriseImport, previewEnterpriseImport } from "~/models/import.server";
import { updateEnterprise } from "~/models/enterprise.server";
import { db } from "~/utils/db.server";
import { badCheckUscc, caller, csvOf, encodeGbk, freshUscc, seededFirms, utf8, xlsxOf } from "./import.helpers";

const FILE = { fileName: "2024年规上企业名单.xlsx", sha256: "a".repeat(64) };

const NEW_A = freshUscc(70000001);
const NEW_DUP = freshUscc(70000002);
const CLASH = freshUscc(70000003);
const BAD = badCheckUscc(70000004);
const NEW_SERIAL = freshUscc(70000005);

let existing: Awaited<ReturnType<typeof seededFirms>>;

beforeAll(async () => {
  existing = await seededFirms(2);
});

/** The bureau's list as it arrives: a merged title, a two-row header with a merged group. */
async function bureauWorkbook() {
  const [upd, same] = existing;
  return xlsxOf((ws) => {
    ws.getCell("A1").value = "2024年定海区规上工业企业名单";
    ws.mergeCells("A1:I1");
    const top = ["序号", "单位名称", "信用代码", "镇（街道）", "所属行业", "是否规上", "从业人数", "财务指标（万元）", ""];
    top.forEach((v, i) => (ws.getRow(2).getCell(i + 1).value = v || null));
    ws.mergeCells("H2:I2");
    for (const col of ["A", "B", "C", "D", "E", "F", "G"]) ws.mergeCells(`${col}2:${col}3`);
    ws.getCell("H3").value = "营业收入";
    ws.getCell("I3").value = "研发费用";
    const rows: (string | number | null)[][] = [
      [1, "舟山市金塘螺杆测试有限公司", NEW_A, "干览镇", "塑机螺杆", "是", "120", "1,234.5", 88], // 4 new; numbers as text
      [2, "坏代码有限公司", BAD.code, "金塘镇", "机械制造", "否", 10, 100, null], // 5 bad check char
      [3, "未知镇企业有限公司", freshUscc(70000006), "舟山镇", "机械制造", "否", 10, 100, null], // 6 unknown town
      [null, null, null, null, null, null, null, null, null], // 7 blank
      [4, upd!.name, upd!.uscc, null, null, null, 999, 4321, null], // 8 update
      [5, same!.name, same!.uscc, null, null, null, null, null, null], // 9 unchanged
      [6, "重复行测试有限公司", NEW_DUP, "盐仓街道", "船舶海工", "否", 30, 50, null], // 10 new
      [7, "重复行测试有限公司", NEW_DUP, "盐仓街道", "船舶海工", "否", 30, 50, null], // 11 same again
      [8, "冲突甲有限公司", CLASH, "金塘镇", "机械制造", "否", 1, 1, null], // 12 clash
      [9, "冲突乙有限公司", CLASH, "金塘镇", "机械制造", "否", 2, 2, null], // 13 clash
      [10, "数字代码有限公司", 913309021234567800, "金塘镇", "机械制造", "否", 1, 1, null], // 14 number
      [11, "三位小数有限公司", freshUscc(70000007), "金塘镇", "机械制造", "否", 1, "12.345", null], // 15 precision
      [12, "新材料测试有限公司", NEW_SERIAL, "定海区白泉镇", "石化和新材料", "规上", 45, 2000.25, 60.5], // 16 new
    ];
    rows.forEach((r, i) => r.forEach((v, c) => (ws.getRow(4 + i).getCell(c + 1).value = v)));
  });
}

describe("enterprise import from an XLSX with every kind of row", () => {
  it("previews each row as new, update, unchanged or error, naming the cell", async () => {
    const sheet = await readSheet(await bureauWorkbook());
    const p = await previewEnterpriseImport(db(), sheet, "zh");
    expect(p.fileErrors).toEqual([]);
    expect(p.headerRow).toBe(3);
    expect(p.columns.map((c) => c.field)).toEqual(["name", "uscc", "town", "industry", "aboveScale", "employees", "revenueWan", "rdExpenseWan"]);
    const byRow = new Map(p.rows.map((r) => [r.row, r]));
    expect(byRow.get(4)).toMatchObject({ kind: "new", uscc: NEW_A });
    expect(byRow.get(4)!.input).toMatchObject({ townCode: "ganlan", industryCode: "machinery", employees: 120, revenueYuan: 12_345_000, rdExpenseYuan: 880_000, aboveScale: true });
    expect(byRow.get(5)!.kind).toBe("error");
    expect(byRow.get(5)!.errors).toEqual([`第 5 行「信用代码」：校验位应为 ${BAD.expected}，实际为 ${BAD.actual}，请核对代码是否抄错`]);
    expect(byRow.get(6)!.errors).toEqual(["第 6 行「镇（街道）」：未知的镇（街道）“舟山镇”"]);
    expect(byRow.has(7)).toBe(false);
    expect(p.counts.blank).toBe(1);
    expect(byRow.get(8)).toMatchObject({ kind: "update", enterpriseId: existing[0]!.id, version: existing[0]!.version });
    expect(byRow.get(8)!.input).toEqual({ employees: 999, revenueYuan: 43_210_000 });
    expect(byRow.get(8)!.changes.map((c) => c.header)).toEqual(["从业人数", "营业收入"]);
    expect(byRow.get(9)).toMatchObject({ kind: "unchanged", input: null });
    expect(byRow.get(10)!.kind).toBe("new");
    expect(byRow.get(11)!.errors).toEqual(["第 11 行「信用代码」：与第 10 行完全相同（重复行），只导入一次"]);
    expect(byRow.get(12)!.errors[0]).toContain("第 13 行也出现，且内容不同");
    expect(byRow.get(13)!.errors[0]).toContain("第 12 行也出现");
    expect(byRow.get(14)!.errors).toEqual(["第 14 行「信用代码」：信用代码被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写"]);
    expect(byRow.get(15)!.errors[0]).toMatch(/^第 15 行「营业收入」：金额最多保留两位小数/);
    expect(byRow.get(16)!.input).toMatchObject({ townCode: "baiquan", industryCode: "petrochem-new-materials", revenueYuan: 20_002_500 });
    expect(p.counts).toEqual({ new: 3, update: 1, unchanged: 1, error: 7, blank: 1 });
  });

  it("writes nothing while rows have errors, unless told to skip them; then all at once; the same file again changes nothing", async () => {
    const reviewer = await caller("reviewer");
    const sheet = await readSheet(await bureauWorkbook());
    const before = await db()
      .selectFrom("enterprises")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const p = await previewEnterpriseImport(db(), sheet, "zh");

    const refused = await commitEnterpriseImport(db(), reviewer, sheet, FILE, { digest: p.digest, skipErrors: false, lang: "zh" });
    expect(refused).toEqual({ ok: false, reason: "has-errors" });
    const officer = await caller("officer-jintang");
    expect(await commitEnterpriseImport(db(), officer, sheet, FILE, { digest: p.digest, skipErrors: true, lang: "zh" })).toEqual({ ok: false, reason: "forbidden" });

    const done = await commitEnterpriseImport(db(), reviewer, sheet, FILE, { digest: p.digest, skipErrors: true, lang: "zh" });
    expect(done.ok).toBe(true);
    const after = await db()
      .selectFrom("enterprises")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(3);
    const created = await db()
      .selectFrom("enterprises")
      .select(["uscc", "name", "town_code", "revenue_yuan", "above_scale"])
      .where("uscc", "in", [NEW_A, NEW_DUP, NEW_SERIAL, CLASH, BAD.code])
      .orderBy("uscc")
      .execute();
    expect(created.map((c) => c.uscc).sort()).toEqual([NEW_A, NEW_DUP, NEW_SERIAL].sort());
    expect(created.find((c) => c.uscc === NEW_A)).toMatchObject({ town_code: "ganlan", revenue_yuan: 12_345_000, above_scale: 1 });
    const updated = await db().selectFrom("enterprises").select(["employees", "revenue_yuan", "version", "name"]).where("id", "=", existing[0]!.id).executeTakeFirstOrThrow();
    expect(updated).toMatchObject({ employees: 999, revenue_yuan: 43_210_000, version: existing[0]!.version + 1, name: existing[0]!.name });
    const untouched = await db().selectFrom("enterprises").select("version").where("id", "=", existing[1]!.id).executeTakeFirstOrThrow();
    expect(untouched.version).toBe(existing[1]!.version);

    const audit = await db().selectFrom("audit_log").select(["actor_id", "subject", "data"]).where("action", "=", "import.enterprises").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(reviewer.id);
    expect(JSON.parse(audit[0]!.data!)).toEqual({
      fileName: FILE.fileName,
      sha256: FILE.sha256,
      figuresYear: reportingYear(),
      counts: { new: 3, update: 1, unchanged: 1, error: 7, blank: 1 },
    });

    const again = await previewEnterpriseImport(db(), sheet, "zh");
    expect(again.counts).toEqual({ new: 0, update: 0, unchanged: 5, error: 7, blank: 1 });
    expect(await commitEnterpriseImport(db(), reviewer, sheet, FILE, { digest: again.digest, skipErrors: true, lang: "zh" })).toEqual({ ok: false, reason: "nothing" });
    expect(await db().selectFrom("audit_log").select("id").where("action", "=", "import.enterprises").execute()).toHaveLength(1);
  });

  it("refuses the confirm when a firm changed after the preview, and writes nothing", async () => {
    const reviewer = await caller("reviewer");
    const firm = existing[1]!;
    const fresh = freshUscc(70000010);
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["企业名称", "统一社会信用代码", "从业人数", "所在镇（街道）", "所属产业"],
          [firm.name, firm.uscc, "4321", "", ""],
          ["变化测试有限公司", fresh, "5", "金塘", "机械"],
        ]),
      ),
    );
    const p = await previewEnterpriseImport(db(), sheet, "zh");
    expect(p.counts).toMatchObject({ new: 1, update: 1, error: 0 });
    const current = await db().selectFrom("enterprises").select("version").where("id", "=", firm.id).executeTakeFirstOrThrow();
    const edit = await updateEnterprise(db(), reviewer, firm.id, current.version, { contactName: "他人修改" } as never);
    expect(edit.ok).toBe(true);
    const result = await commitEnterpriseImport(db(), reviewer, sheet, FILE, { digest: p.digest, skipErrors: false, lang: "zh" });
    expect(result).toEqual({ ok: false, reason: "changed" });
    expect(await db().selectFrom("enterprises").select("id").where("uscc", "=", fresh).execute()).toHaveLength(0);
    expect((await db().selectFrom("enterprises").select("employees").where("id", "=", firm.id).executeTakeFirstOrThrow()).employees).not.toBe(4321);
  });
});

describe("CSV in the encodings Excel writes", () => {
  const header = ["单位名称", "统一社会信用代码", "所在乡镇", "产业", "营业收入（万元）"];
  const row = (seed: number) => [`干览水产测试${seed}有限公司`, freshUscc(seed), "干览镇", "水产加工", "88.8"];

  for (const [label, encode] of [
    ["UTF-8", (s: string) => utf8(s)],
    ["UTF-8 with BOM", (s: string) => utf8(s, true)],
    ["GBK", (s: string) => encodeGbk(s)],
  ] as const) {
    it(`reads ${label} and matches 干览 to 干𬒗镇`, async () => {
      const seed = 70000100 + label.length;
      const bytes = encode(csvOf([header, row(seed), [], ["", "", "", "", ""]]));
      const sheet = await readSheet(bytes);
      expect(sheet.encoding).toBe(label === "GBK" ? "gbk" : label === "UTF-8" ? "utf-8" : "utf-8-bom");
      const p = await previewEnterpriseImport(db(), sheet, "zh");
      expect(p.counts).toEqual({ new: 1, update: 0, unchanged: 0, error: 0, blank: 2 });
      expect(p.rows[0]!.input).toMatchObject({ name: `干览水产测试${seed}有限公司`, townCode: "ganlan", industryCode: "aquatic-processing", revenueYuan: 888_000 });
    });
  }

  it("explains a file without a header, and one missing a required column", async () => {
    const none = await previewEnterpriseImport(db(), await readSheet(utf8("a,b\n1,2\n")), "zh");
    expect(none.fileErrors[0]).toMatch(/^没有找到表头/);
    const missing = await previewEnterpriseImport(db(), await readSheet(utf8("企业名称,镇街\n甲,金塘\n")), "zh");
    expect(missing.fileErrors).toEqual(["缺少必需的列「统一社会信用代码」。"]);
  });

  it("refuses an old .xls and a binary that is not a spreadsheet", async () => {
    await expect(readSheet(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).rejects.toMatchObject({ reason: "xls" });
    await expect(readSheet(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 0, 1]))).rejects.toMatchObject({ reason: "not-spreadsheet" });
  });
});

describe("money columns in 元 and 千元", () => {
  it("converts the statistics office's 元 and 千元 columns to the right amounts", async () => {
    const reviewer = await caller("reviewer");
    const a = freshUscc(70000200);
    const b = freshUscc(70000201);
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["企业名称", "统一社会信用代码", "所在镇（街道）", "所属产业", "营业收入（元）", "研发费用（千元）"],
          ["元单位测试甲有限公司", a, "金塘镇", "机械制造", "23,456,789", "1234.5"],
          ["元单位测试乙有限公司", b, "金塘镇", "机械制造", "20000000", "0"],
        ]),
      ),
    );
    const p = await previewEnterpriseImport(db(), sheet, "zh");
    expect(p.counts).toMatchObject({ new: 2, error: 0 });
    const result = await commitEnterpriseImport(db(), reviewer, sheet, FILE, { digest: p.digest, skipErrors: false, lang: "zh" });
    expect(result.ok).toBe(true);
    const rows = await db().selectFrom("enterprises").select(["uscc", "revenue_yuan", "rd_expense_yuan"]).where("uscc", "in", [a, b]).orderBy("uscc").execute();
    const byCode = Object.fromEntries(rows.map((r) => [r.uscc, r]));
    // ¥23,456,789 is 2345.68 万元 rounded to ¥100; 1234.5 千元 is ¥1,234,500.
    expect(byCode[a]).toMatchObject({ revenue_yuan: 23_456_800, rd_expense_yuan: 1_234_500 });
    expect(byCode[b]).toMatchObject({ revenue_yuan: 20_000_000, rd_expense_yuan: 0 });
  });
});
