import { describe, expect, it } from "vitest";
import { evaluateEligibility } from "~/domain/eligibility";
import { bpText, checkFigures, eligibilityPayloadFromFigures, emptyFigures, figureRatios, growthBp, type Figures } from "~/domain/figures";
import { FIGURES_IMPORT_FIELDS, amountToYuan, countOfCell, countUnitReadable, readMoneyUnit } from "~/domain/import/figures";
import { findHeader } from "~/domain/import/headers";

function figures(over: Partial<Figures>): Figures {
  return { ...emptyFigures(), ...over };
}

const GOOD = figures({
  revenueYuan: 72_000_000,
  mainBusinessRevenueYuan: 69_000_000,
  rdExpenseYuan: 2_600_000,
  employees: 190,
  rdStaff: 35,
  totalAssetsYuan: 98_000_000,
  totalLiabilitiesYuan: 41_000_000,
  netProfitYuan: -355_000,
  equityFinancingYuan: 0,
  inventionPatents: 2,
  ipClass1: 3,
  ipClass2: 11,
  nicheYears: 6,
});

describe("checkFigures", () => {
  it("accepts a consistent year, a net loss included", () => {
    expect(checkFigures(GOOD)).toEqual({ errors: [], warnings: [] });
    expect(checkFigures(emptyFigures())).toEqual({ errors: [], warnings: [] });
  });

  it("refuses negative figures except net profit, and fractions", () => {
    const { errors } = checkFigures(figures({ revenueYuan: -1, employees: -2, netProfitYuan: -5, ipClass2: 1.5 }));
    expect(errors.map((e) => e.field).sort()).toEqual(["employees", "ipClass2", "revenueYuan"]);
    expect(errors.find((e) => e.field === "revenueYuan")).toMatchObject({ zh: "营业收入：不能为负数", en: "Revenue: cannot be negative" });
  });

  it("refuses R&D or main business above revenue, R&D staff above employees, impossible ratios", () => {
    const { errors } = checkFigures(
      figures({
        revenueYuan: 1_000_000,
        rdExpenseYuan: 1_000_100,
        mainBusinessRevenueYuan: 2_000_000,
        employees: 10,
        rdStaff: 11,
        inventionPatents: 4,
        ipClass1: 3,
        totalAssetsYuan: 0,
        totalLiabilitiesYuan: 5,
      }),
    );
    const by = Object.fromEntries(errors.map((e) => [e.field, e]));
    expect(by.rdExpenseYuan!.zh).toContain("不能高于营业收入（100 万元）");
    expect(by.rdExpenseYuan!.en).toBe("R&D expense cannot exceed revenue");
    expect(by.mainBusinessRevenueYuan!.zh).toContain("主营业务收入（200 万元）不能高于营业收入");
    expect(by.rdStaff!.zh).toBe("研发人员（11 人）不能多于从业人员（10 人）");
    expect(by.ipClass1!.zh).toContain("不能少于其中的发明专利");
    expect(by.totalAssetsYuan!.en).toContain("debt ratio is impossible");
    // Equal is possible: all revenue is main business, all staff do R&D.
    expect(checkFigures(figures({ revenueYuan: 5, mainBusinessRevenueYuan: 5, rdExpenseYuan: 5, employees: 3, rdStaff: 3 })).errors).toEqual([]);
  });

  it("accepts a jump of more than 10 times the previous year, with a warning by field", () => {
    const previous = figures({ revenueYuan: 7_000_000, employees: 19, rdExpenseYuan: 260_000 });
    const { errors, warnings } = checkFigures(GOOD, previous);
    expect(errors).toEqual([]);
    // 72,000,000 against 7,000,000 is above 10 times; exactly 10 times (R&D, employees) is not.
    expect(warnings.map((w) => w.field)).toEqual(["revenueYuan"]);
    expect(warnings[0]!.zh).toContain("为上年的 10 倍");
    const tenfold = checkFigures(figures({ revenueYuan: 70_000_001 }), figures({ revenueYuan: 7_000_000 }));
    expect(tenfold.warnings.map((w) => w.field)).toEqual(["revenueYuan"]);
    expect(checkFigures(figures({ revenueYuan: 70_000_000 }), figures({ revenueYuan: 7_000_000 })).warnings).toEqual([]);
    expect(checkFigures(figures({ employees: 500 }), figures({ employees: 20 })).warnings[0]!.en).toBe("Employees is 25 times the previous year's: check the unit");
  });
});

describe("ratios", () => {
  it("are exact basis points, rounded down, and absent without a denominator", () => {
    const r = figureRatios(GOOD, figures({ revenueYuan: 60_000_000 }));
    expect(r).toEqual({ rdShareBp: 361, debtRatioBp: 4183, mainShareBp: 9583, revenueGrowthBp: 2000 });
    expect(bpText(r.rdShareBp)).toBe("3.61%");
    expect(bpText(growthBp(50, 100))).toBe("-50.00%");
    expect(figureRatios(figures({ rdExpenseYuan: 1 }), null)).toEqual({ rdShareBp: null, debtRatioBp: null, mainShareBp: null, revenueGrowthBp: null });
    expect(bpText(null)).toBe("—");
  });
});

describe("eligibility payload from figures", () => {
  it("maps a year and the year before to the pre-check's keys", () => {
    const previous = figures({ revenueYuan: 60_000_000, rdExpenseYuan: 2_000_000, equityFinancingYuan: 15_000_000 });
    const payload = eligibilityPayloadFromFigures({ ...GOOD, equityFinancingYuan: 6_000_000 }, previous);
    expect(payload).toEqual({
      revenueYuan: 72_000_000,
      mainBusinessRevenueYuan: 69_000_000,
      rdExpenseYuan: 2_600_000,
      employees: 190,
      rdStaff: 35,
      ipClass1: 3,
      ipClass2: 11,
      nicheYears: 6,
      priorYearRevenueYuan: 69_000_000,
      rdExpensePrevYuan: 2_000_000,
      revenuePrevYuan: 60_000_000,
      equityFinancingYuan: 21_000_000,
      debtRatioPercent: 41.9,
    });
    expect(eligibilityPayloadFromFigures(emptyFigures(), null)).toEqual({});
  });

  it("rounds the debt ratio up, so a ratio just over 80% never reads as met", () => {
    const p = eligibilityPayloadFromFigures(figures({ totalAssetsYuan: 100_000_000, totalLiabilitiesYuan: 80_000_001 }), null);
    expect(p.debtRatioPercent).toBe(80.1);
    const exact = eligibilityPayloadFromFigures(figures({ totalAssetsYuan: 100, totalLiabilitiesYuan: 80 }), null);
    expect(exact.debtRatioPercent).toBe(80);
  });

  it("lets the pre-check judge a firm by its figures", () => {
    const payload = eligibilityPayloadFromFigures(GOOD, figures({ revenueYuan: 60_000_000, rdExpenseYuan: 2_000_000 }));
    const result = evaluateEligibility("specialized-new", payload, "2026-12-01", []);
    const failed = result.criteria.filter((c) => c.outcome === "not-met").map((c) => c.key);
    expect(failed).toEqual([]);
    const short = evaluateEligibility("specialized-new", { ...payload, ipClass1: 0 }, "2026-12-01", []);
    expect(short.criteria.filter((c) => c.outcome === "not-met").map((c) => c.key)).toEqual(["ip-class1"]);
  });
});

describe("figures sheet headers and units", () => {
  it("reads 千元, 万元 and 元 in any bracket, and nothing else", () => {
    expect(readMoneyUnit("营业收入（千元）")).toBe("thousand");
    expect(readMoneyUnit("营业收入(万元)")).toBe("wan");
    expect(readMoneyUnit("研发费用合计【元】")).toBe("yuan");
    expect(readMoneyUnit("营业收入（单位：千元）")).toBe("thousand");
    expect(readMoneyUnit("营业收入（人民币元）")).toBe("yuan");
    expect(readMoneyUnit("营业收入")).toBeNull();
    expect(readMoneyUnit("营业收入（亿元）")).toBeNull();
    expect(readMoneyUnit("营业收入（美元）")).toBeNull();
    expect(readMoneyUnit("营业收入（千元）（万元）")).toBeNull();
    expect(countUnitReadable("年末从业人员（人）")).toBe(true);
    expect(countUnitReadable("从业人员期末人数")).toBe(true);
    expect(countUnitReadable("从业人员（千元）")).toBe(false);
  });

  it("matches the statistics office's header words to the figures", () => {
    const header = findHeader(
      [
        [
          "上年营业收入（千元）",
          "主营业务收入（万元）",
          "研发费用合计（元）",
          "R&D经费支出（千元）",
          "年末从业人员（人）",
          "从业人员期末人数",
          "统一社会信用代码",
          "Ⅰ类知识产权（项）",
          "细分市场年限（年）",
        ],
      ],
      FIGURES_IMPORT_FIELDS,
    )!;
    expect(header.columns.map((c) => c.key)).toEqual(["revenueYuan", "mainBusinessRevenueYuan", "rdExpenseYuan", "employees", "uscc", "ipClass1", "nicheYears"]);
    // The second R&D and the second employees column are not guessed at: listed as ignored.
    expect(header.ignored).toEqual(["R&D经费支出（千元）", "从业人员期末人数"]);
  });

  it("converts amounts exactly from each unit", () => {
    expect(amountToYuan("58,400.5", "thousand")).toEqual({ ok: true, yuan: 58_400_500 });
    expect(amountToYuan("6835.1234", "wan")).toEqual({ ok: true, yuan: 68_351_234 });
    expect(amountToYuan("0.07", "wan")).toEqual({ ok: true, yuan: 700 });
    expect(amountToYuan("310000.5", "yuan")).toEqual({ ok: true, yuan: 310_001 });
    expect(amountToYuan("１２３", "thousand")).toEqual({ ok: true, yuan: 123_000 });
    expect(amountToYuan("(1,200)", "thousand", true)).toEqual({ ok: true, yuan: -1_200_000 });
    expect(amountToYuan("-5", "wan", true)).toEqual({ ok: true, yuan: -50_000 });
    expect(amountToYuan("-5", "wan")).toMatchObject({ ok: false, zh: "不能为负数" });
    expect(amountToYuan("一百", "wan")).toMatchObject({ ok: false, zh: "“一百”不是数字" });
    expect(amountToYuan("99999999999999", "wan")).toMatchObject({ ok: false });
    expect(countOfCell("88人")).toEqual({ ok: true, value: 88 });
    expect(countOfCell("1,200")).toEqual({ ok: true, value: 1200 });
    expect(countOfCell("12.5")).toMatchObject({ ok: false });
    expect(countOfCell("-3")).toMatchObject({ ok: false, zh: "不能为负数" });
  });
});
