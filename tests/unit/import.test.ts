import { describe, expect, it } from "vitest";
import { cellText, excelSerialToIsoDate, parseDateCell, parseYesNo, parseYearCell } from "~/domain/import/cells";
import { ENTERPRISE_FIELDS, columnLetter, findHeader, normalizeHeader } from "~/domain/import/headers";
import { matchIndustry, matchLevel, matchTier, matchTown } from "~/domain/import/places";
import { decodeText, parseCsv } from "~/domain/import/text";

const TOWNS = [
  { code: "jintang", nameZh: "金塘镇", nameEn: "Jintang Town" },
  { code: "yancang", nameZh: "盐仓街道", nameEn: "Yancang Subdistrict" },
  { code: "ganlan", nameZh: "干𬒗镇", nameEn: "Ganlan Town" },
];
const INDUSTRIES = [
  { code: "machinery", nameZh: "机械制造", nameEn: "Machinery" },
  { code: "aquatic-processing", nameZh: "水产加工", nameEn: "Aquatic" },
];

describe("decoding and CSV", () => {
  it("tells UTF-8, UTF-8 with BOM and GBK apart", () => {
    expect(decodeText(new TextEncoder().encode("企业"))).toEqual({ text: "企业", encoding: "utf-8" });
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("企业")]))).toEqual({ text: "企业", encoding: "utf-8-bom" });
    // 企业 in GBK: C6 F3 D2 B5
    expect(decodeText(new Uint8Array([0xc6, 0xf3, 0xd2, 0xb5]))).toEqual({ text: "企业", encoding: "gbk" });
  });

  it("parses quotes, doubled quotes, line breaks in fields, CRLF and tabs", () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n"x\ny",2\r\n')).toEqual([
      ["a", "b,c", 'd "e"'],
      ["x\ny", "2"],
    ]);
    expect(parseCsv("名称\t代码\n甲\t1")).toEqual([
      ["名称", "代码"],
      ["甲", "1"],
    ]);
    expect(parseCsv("a,b")).toEqual([["a", "b"]]);
  });
});

describe("cells", () => {
  it("turns numbers into the text the validators expect", () => {
    expect(cellText(12.340000000000002)).toBe("12.34");
    expect(cellText(120)).toBe("120");
    expect(cellText("\u3000 金塘 \u00a0")).toBe("金塘");
    expect(cellText(null)).toBe("");
  });

  it("reads dates as Excel writes them", () => {
    expect(excelSerialToIsoDate(45474)).toBe("2024-07-01");
    expect(excelSerialToIsoDate(61)).toBe("1900-03-01");
    expect(parseDateCell(45474)).toBe("2024-07-01");
    expect(parseDateCell("45474")).toBe("2024-07-01");
    expect(parseDateCell(new Date(Date.UTC(2024, 6, 1)))).toBe("2024-07-01");
    expect(parseDateCell("2024年7月1日")).toBe("2024-07-01");
    expect(parseDateCell("2024/7/1")).toBe("2024-07-01");
    expect(parseDateCell("20240701")).toBe("2024-07-01");
    expect(parseDateCell("2024-02-30")).toBeNull();
    expect(parseDateCell("明年")).toBeNull();
    expect(parseYearCell("2024年度")).toBe(2024);
    expect(parseYearCell("24")).toBeNull();
    expect(parseYesNo("规上")).toBe(true);
    expect(parseYesNo("否")).toBe(false);
    expect(parseYesNo("也许")).toBe("invalid");
  });
});

describe("headers", () => {
  it("matches on core words and synonyms", () => {
    expect(normalizeHeader(" 营业收入（万元） ")).toBe("营业收入");
    expect(normalizeHeader("*统一社会信用代码")).toBe("统一社会信用代码");
    expect(columnLetter(0)).toBe("A");
    expect(columnLetter(27)).toBe("AB");
  });

  it("finds the header below a title and reads a merged two-row header", () => {
    const rows = [
      ["2024年名单", null, null, null],
      ["单位名称", "信用代码", "财务指标（万元）", null],
      [null, null, "营业收入", "研发费用"],
      ["甲", "x", 1, 2],
    ];
    const h = findHeader(rows, ENTERPRISE_FIELDS)!;
    expect(h.headerRow).toBe(1);
    expect(h.dataStart).toBe(3);
    expect(h.columns.map((c) => [c.key, c.col])).toEqual([
      ["name", 0],
      ["uscc", 1],
      ["revenueWan", 2],
      ["rdExpenseWan", 3],
    ]);
    expect(h.ignored).toEqual([]);
    expect(h.missing).toEqual([]);
  });

  it("does not take a data row for a second header row", () => {
    const h = findHeader(
      [
        ["企业名称", "统一社会信用代码", "产业"],
        ["甲公司", "913…", "机械"],
      ],
      ENTERPRISE_FIELDS,
    )!;
    expect(h.dataStart).toBe(1);
  });
});

describe("places, tiers and levels", () => {
  it("matches towns with or without suffix, 干览 as 干𬒗", () => {
    expect(matchTown("干览镇", TOWNS)).toBe("ganlan");
    expect(matchTown("干览", TOWNS)).toBe("ganlan");
    expect(matchTown("定海区金塘镇", TOWNS)).toBe("jintang");
    expect(matchTown("盐仓", TOWNS)).toBe("yancang");
    expect(matchTown("舟山镇", TOWNS)).toBeNull();
    expect(matchIndustry("塑机螺杆", INDUSTRIES)).toBe("machinery");
    expect(matchIndustry("预制菜", INDUSTRIES)).toBe("aquatic-processing");
    expect(matchIndustry("金融", INDUSTRIES)).toBeNull();
  });

  it("reads tiers and levels from list wording", () => {
    expect(matchTier("专精特新“小巨人”企业")).toEqual({ tier: "specialized-new", level: "national" });
    expect(matchTier("绿色低碳工厂")).toEqual({ tier: "green-factory" });
    expect(matchTier("高新技术企业")).toBeNull();
    expect(matchLevel("省")).toBe("provincial");
    expect(matchLevel("国家级")).toBe("national");
    expect(matchLevel("乡级")).toBeNull();
  });
});

describe("money columns headed in 元 or 千元", () => {
  it("reads the unit from the header's brackets, 万元 unless another is named", async () => {
    const { moneyUnitOf } = await import("../../app/domain/import/headers");
    expect(moneyUnitOf("营业收入（万元）")).toBe("wan");
    expect(moneyUnitOf("营业收入")).toBe("wan");
    expect(moneyUnitOf("营业收入（元）")).toBe("yuan");
    expect(moneyUnitOf("营业收入(元)")).toBe("yuan");
    expect(moneyUnitOf("主营业务收入（千元）")).toBe("thousand");
  });

  it("moves the decimal point exactly and rounds half up to ¥100", async () => {
    const { toWanText } = await import("../../app/domain/import/headers");
    expect(toWanText("12345678", "yuan")).toBe("1234.57");
    expect(toWanText("12,345,600", "yuan")).toBe("1234.56");
    expect(toWanText("49", "yuan")).toBe("0.00");
    expect(toWanText("50", "yuan")).toBe("0.01");
    expect(toWanText("20000000.5", "yuan")).toBe("2000.00");
    expect(toWanText("123456.7", "thousand")).toBe("12345.67");
    expect(toWanText("0", "thousand")).toBe("0.00");
    expect(toWanText("12.5", "wan")).toBe("12.5");
    expect(toWanText("abc", "yuan")).toBe("abc");
    expect(toWanText("-5", "yuan")).toBe("-5");
  });
});
