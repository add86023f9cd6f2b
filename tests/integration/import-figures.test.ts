/**
 * The figures import: the statistics office's header variants and units (元 / 千元 / 万元), a
 * money column without a readable unit refused by name, GBK CSV, unknown credit codes per row,
 * the page's upload → preview → confirm with its audit row, an enterprise list's figures landing
 * in the year given, and `npm run import -- figures` on a freshly created database.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { commitFiguresImport, previewFiguresImport } from "~/models/figures-import.server";
import { commitEnterpriseImport, previewEnterpriseImport } from "~/models/import.server";
import { readSheet } from "~/models/import-file.server";
import * as importRoute from "~/routes/enterprises.import";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { createDatabase, testDatabaseUrl } from "../support/test-db";
import { caller, cookie, csvOf, encodeGbk, freshUscc, seededFirms, utf8, xlsxOf } from "./import.helpers";

const FILE = { fileName: "2024年规上工业企业主要指标.xlsx", sha256: "b".repeat(64) };
let firms: Awaited<ReturnType<typeof seededFirms>>;

async function figures(enterpriseId: number, year: number) {
  return db().selectFrom("enterprise_figures").selectAll().where("enterprise_id", "=", enterpriseId).where("year", "=", year).executeTakeFirst();
}

beforeAll(async () => {
  firms = await seededFirms(4);
});

describe("figures sheets", () => {
  it("reads the statistics office's headers and units: 千元, 万元, 元, a title row, persons", async () => {
    const bytes = await xlsxOf((sheet) => {
      sheet.addRow(["2024年规模以上工业企业主要经济指标"]);
      sheet.addRow([
        "单位详细名称",
        "统一社会信用代码",
        "上年营业收入（千元）",
        "主营业务收入(万元)",
        "R&D经费支出（元）",
        "年末从业人员（人）",
        "资产总计（千元）",
        "负债合计（千元）",
        "净利润（千元）",
        "备注",
      ]);
      sheet.addRow([firms[0]!.name, firms[0]!.uscc, 58_400.5, "5,600", 1_950_000, 132, 61_000, 30_500, "(1,200)", "x"]);
      sheet.addRow([firms[1]!.name, firms[1]!.uscc, 9_000, 850, 310_000.6, "88人", 12_000, 3_000, 400, ""]);
      sheet.addRow(["不在名录的企业", freshUscc(4242), 100, 10, 10, 1, 1, 0, 0, ""]);
    });
    const sheet = await readSheet(bytes);
    const preview = await previewFiguresImport(db(), sheet, 2018, "zh");
    expect(preview.fileErrors).toEqual([]);
    expect(preview.headerRow).toBe(2);
    expect(preview.columns.map((c) => [c.field, c.unit])).toEqual([
      ["name", null],
      ["uscc", null],
      ["revenueYuan", "thousand"],
      ["mainBusinessRevenueYuan", "wan"],
      ["rdExpenseYuan", "yuan"],
      ["employees", null],
      ["totalAssetsYuan", "thousand"],
      ["totalLiabilitiesYuan", "thousand"],
      ["netProfitYuan", "thousand"],
    ]);
    expect(preview.ignoredColumns).toEqual(["备注"]);
    expect(preview.counts).toMatchObject({ new: 2, unknown: 1, error: 0 });
    expect(preview.rows[2]!.errors[0]).toContain(`信用代码 ${freshUscc(4242)} 不在企业名录中`);
    const result = await commitFiguresImport(db(), await caller("reviewer"), sheet, FILE, { year: 2018, digest: preview.digest, skipErrors: true, lang: "zh" });
    expect(result).toMatchObject({ ok: true, written: 2 });
    expect(await figures(firms[0]!.id, 2018)).toMatchObject({
      revenue_yuan: 58_400_500,
      main_business_revenue_yuan: 56_000_000,
      rd_expense_yuan: 1_950_000,
      employees: 132,
      total_assets_yuan: 61_000_000,
      total_liabilities_yuan: 30_500_000,
      net_profit_yuan: -1_200_000,
      source: "import",
    });
    expect((await figures(firms[1]!.id, 2018))!.rd_expense_yuan).toBe(310_001);
    // An older year never touches the firm's own columns (its latest year is 2025).
    const firm = await db().selectFrom("enterprises").select(["revenue_yuan"]).where("id", "=", firms[0]!.id).executeTakeFirstOrThrow();
    expect(firm.revenue_yuan).toBe(firms[0]!.revenue_yuan);
    const audit = await db().selectFrom("audit_log").select(["data", "actor_id"]).where("action", "=", "import.figures").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data!)).toMatchObject({ year: 2018, counts: { new: 2, unknown: 1 }, units: { "上年营业收入（千元）": 1000, "R&D经费支出（元）": 1 } });
    // The same file again writes nothing.
    const again = await previewFiguresImport(db(), sheet, 2018, "zh");
    expect(again.counts).toMatchObject({ new: 0, update: 0, unchanged: 2 });
  });

  it("refuses a money column whose unit cannot be read, naming it, rather than guess", async () => {
    for (const header of ["营业收入", "营业收入（亿元）", "研发费用合计（美元）"]) {
      const sheet = await readSheet(
        utf8(
          csvOf([
            ["统一社会信用代码", header, "从业人员期末人数"],
            [firms[0]!.uscc, "100", "5"],
          ]),
        ),
      );
      const preview = await previewFiguresImport(db(), sheet, 2018, "zh");
      expect(preview.fileErrors).toHaveLength(1);
      expect(preview.fileErrors[0]).toContain(`“${header}”列未注明金额单位`);
      expect(preview.rows).toEqual([]);
    }
    const counted = await readSheet(
      utf8(
        csvOf([
          ["统一社会信用代码", "从业人员（万元）"],
          [firms[0]!.uscc, "5"],
        ]),
      ),
    );
    expect((await previewFiguresImport(db(), counted, 2018, "en")).fileErrors[0]).toContain("从业人员（万元）");
  });

  it("reads a GBK CSV as Chinese Excel saves it, refusing bad cells by name", async () => {
    const text = csvOf([
      ["统一社会信用代码", "企业名称", "营业收入（万元）", "研发费用（万元）", "从业人员（人）", "研发人员"],
      [firms[2]!.uscc, firms[2]!.name, "1200.5", "2000", "40", "50"],
      [firms[3]!.uscc, firms[3]!.name, "一百", "-3", "12.5", "3"],
    ]);
    const sheet = await readSheet(encodeGbk(text));
    expect(sheet.encoding).toBe("gbk");
    const preview = await previewFiguresImport(db(), sheet, 2019, "zh");
    expect(preview.counts).toMatchObject({ error: 2 });
    expect(preview.rows[0]!.errors.join()).toContain("第 2 行「研发费用（万元）」");
    expect(preview.rows[0]!.errors.join()).toContain("不能高于营业收入");
    expect(preview.rows[0]!.errors.join()).toContain("「研发人员」");
    const second = preview.rows[1]!.errors.join("|");
    expect(second).toContain("「营业收入（万元）」：“一百”不是数字");
    expect(second).toContain("「研发费用（万元）」：不能为负数");
    expect(second).toContain("「从业人员（人）」");
    const result = await commitFiguresImport(db(), await caller("admin"), sheet, FILE, { year: 2019, digest: preview.digest, skipErrors: false, lang: "zh" });
    expect(result).toEqual({ ok: false, reason: "has-errors" });
    expect(await figures(firms[2]!.id, 2019)).toBeUndefined();
  });

  it("goes through the import page: upload with a year, preview, confirm", async () => {
    const reviewer = await cookie("reviewer");
    const bytes = utf8(
      csvOf([
        ["信用代码", "营业收入(元)", "从业人员平均人数"],
        [firms[2]!.uscc, "33,000,000", "77"],
      ]),
      true,
    );
    const noYear = new FormData();
    noYear.set("intent", "upload");
    noYear.set("kind", "figures");
    noYear.set("file", new File([Buffer.from(bytes)], "figures.csv", { type: "text/csv" }));
    const refused = await call(importRoute.action, makeRequest("/enterprises/import", { cookie: reviewer, form: noYear }));
    expect(statusOf(refused.result)).toBe(400);
    expect(dataOf(refused.result).result.error.year[0]).toContain("年度");
    noYear.set("year", "2020");
    const uploaded = await call(importRoute.action, makeRequest("/enterprises/import", { cookie: reviewer, form: noYear }));
    const location = (uploaded.result as Response).headers.get("Location")!;
    const id = new URL(location, "http://x").searchParams.get("id")!;
    const page = dataOf((await call(importRoute.loader, makeRequest(location, { cookie: reviewer }))).result);
    expect(page.preview.kind).toBe("figures");
    expect(page.preview.year).toBe(2020);
    expect(page.preview.writable).toBe(1);
    const done = await call(importRoute.action, makeRequest("/enterprises/import", { cookie: reviewer, form: { intent: "commit", id, digest: page.preview.digest } }));
    expect((done.result as Response).headers.get("Location")).toContain("kind=figures&n=1");
    expect(await figures(firms[2]!.id, 2020)).toMatchObject({ revenue_yuan: 33_000_000, employees: 77, source: "import" });
  });

  it("puts an enterprise list's revenue, R&D and employees into the figures of the year given", async () => {
    const code = freshUscc(5151);
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["统一社会信用代码", "企业名称", "镇（街道）", "所属产业", "从业人数", "营业收入（千元）", "联系人"],
          [code, "舟山市定海新兴测试机械有限公司", "金塘镇", "机械制造", "25", "12000", "王五"],
          [firms[3]!.uscc, firms[3]!.name, "", "", "61", "", "赵六"],
        ]),
      ),
    );
    const preview = await previewEnterpriseImport(db(), sheet, "zh", 2021);
    expect(preview.counts).toMatchObject({ new: 1, update: 1 });
    const result = await commitEnterpriseImport(db(), await caller("reviewer"), sheet, FILE, { digest: preview.digest, skipErrors: false, lang: "zh", year: 2021 });
    expect(result.ok).toBe(true);
    const created = await db().selectFrom("enterprises").select(["id", "revenue_yuan", "employees"]).where("uscc", "=", code).executeTakeFirstOrThrow();
    expect(await figures(created.id, 2021)).toMatchObject({ revenue_yuan: 12_000_000, employees: 25, source: "import" });
    expect(created).toMatchObject({ revenue_yuan: 12_000_000, employees: 25 });
    expect(await figures(firms[3]!.id, 2021)).toMatchObject({ employees: 61, revenue_yuan: null });
    const firm = await db().selectFrom("enterprises").select(["employees", "contact_name"]).where("id", "=", firms[3]!.id).executeTakeFirstOrThrow();
    // 2021 is not the firm's latest year: its own column keeps the latest year's count.
    expect(firm).toEqual({ employees: firms[3]!.employees, contact_name: "赵六" });
  });
});

describe("npm run import -- figures", () => {
  it("works on a freshly created database: migrates, loads reference data, acts as the recorded system account", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-cli-"));
    const base = testDatabaseUrl();
    const env: Record<string, string> = base
      ? { DATABASE_URL: await createDatabase(base, `${process.env.REGISTRY_TEST_PREFIX}_cli`) }
      : { DATABASE_URL: "", DATABASE_PATH: path.join(dir, "registry.db"), DATA_DIR: dir };
    const file = path.join(dir, "2024年指标.csv");
    fs.writeFileSync(
      file,
      encodeGbk(
        csvOf([
          ["统一社会信用代码", "营业收入（千元）"],
          [freshUscc(7777), "100"],
        ]),
      ),
    );
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "db/import.ts", ...args], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 120_000,
      });
    const dry = run("figures", file, "--year", "2024");
    expect(dry.status, dry.stderr).toBe(0);
    const out = JSON.parse(dry.stdout);
    expect(out).toMatchObject({ kind: "figures", encoding: "gbk", year: 2024, counts: { unknown: 1 } });
    expect(out.rows[0].errors[0]).toContain("不在企业名录中");
    const noYear = run("figures", file);
    expect(noYear.status).toBe(2);
    expect(noYear.stderr).toContain("--year");
    const committed = run("figures", file, "--year", "2024", "--commit");
    expect(committed.status).toBe(1); // nothing to write: the only firm is unknown
    expect(JSON.parse(committed.stdout).commit).toEqual({ ok: false, reason: "nothing" });

    const database = base ? openDatabase({ dialect: "postgres", url: env.DATABASE_URL!, poolSize: 1 }) : openDatabase({ dialect: "sqlite", path: env.DATABASE_PATH! });
    try {
      const towns = await database.db.selectFrom("towns").select("code").execute();
      expect(towns).toHaveLength(13);
      const system = await database.db.selectFrom("users").select(["id", "role", "disabled_at"]).where("username", "=", "system").executeTakeFirstOrThrow();
      expect(system.disabled_at).not.toBeNull();
      // A firm registered, then the figures land, in the name of the system account.
      await database.db
        .insertInto("enterprises")
        .values({
          uscc: freshUscc(7777),
          name: "测试企业",
          town_code: "jintang",
          industry_code: "machinery",
          above_scale: 0,
          created_at: "2025-01-01T00:00:00.000Z",
          updated_at: "2025-01-01T00:00:00.000Z",
        } as never)
        .execute();
      const ok = run("figures", file, "--year", "2024", "--commit");
      expect(ok.status, ok.stderr).toBe(0);
      const row = await database.db.selectFrom("enterprise_figures").select(["revenue_yuan", "updated_by", "source"]).executeTakeFirstOrThrow();
      expect(row).toEqual({ revenue_yuan: 100_000, updated_by: system.id, source: "import" });
      const audit = await database.db.selectFrom("audit_log").select(["actor_id"]).where("action", "=", "import.figures").executeTakeFirstOrThrow();
      expect(audit.actor_id).toBe(system.id);
    } finally {
      await database.db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
