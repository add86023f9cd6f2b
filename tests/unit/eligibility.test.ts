import { describe, expect, it } from "vitest";
import { evaluateEligibility, ruleSetsFor, usesChecklist, type EligibilityCriterion, type EligibilityResult } from "../../app/domain/eligibility";
import { TIER_CODES } from "../../app/domain/tiers";

/** A 专精特新 payload that meets every 2022 and 2026 line. */
const STRONG = {
  nicheYears: 8,
  mainProduct: "塑机螺杆",
  revenueYuan: 60_000_000,
  revenuePrevYuan: 52_000_000,
  mainBusinessRevenueYuan: 57_000_000,
  rdExpenseYuan: 7_000_000,
  rdExpensePrevYuan: 6_000_000,
  rdStaff: 30,
  employees: 200,
  debtRatioPercent: 45.5,
  ipClass1: 5,
  ipClass2: 20,
  evaluationScore: 75,
};

function byKey(result: EligibilityResult, key: string): EligibilityCriterion {
  const c = result.criteria.find((x) => x.key === key);
  if (!c) throw new Error(`no criterion ${key} in ${result.criteria.map((x) => x.key).join(", ")}`);
  return c;
}

function outcome(tier: Parameters<typeof evaluateEligibility>[0], payload: Record<string, unknown>, key: string, on = "2025-06-01") {
  return byKey(evaluateEligibility(tier, payload, on), key).outcome;
}

describe("rule-set choice by date", () => {
  it("applies the 2022 rules up to 2026-03-31 and the 2026 rules from 2026-04-01", () => {
    const before = evaluateEligibility("specialized-new", STRONG, "2026-03-31");
    const after = evaluateEligibility("specialized-new", STRONG, "2026-04-01");
    expect(before.ruleVersion).toBe("specialized-new/2022");
    expect(before.ruleNameZh).toContain("工信部企业〔2022〕63号");
    expect(before.provisional).toBeUndefined();
    expect(after.ruleVersion).toBe("specialized-new/2026");
    expect(after.ruleNameZh).toContain("工信部企业〔2026〕2号");
    expect(after.provisional).toBe(true);
    expect(after.notes?.[0].zh).toContain("仅供参考");
  });

  it("changes the niche-years line from 2 to 3 years across the switch", () => {
    const p = { ...STRONG, nicheYears: 2 };
    expect(byKey(evaluateEligibility("specialized-new", p, "2026-03-31"), "niche-years").outcome).toBe("met");
    expect(byKey(evaluateEligibility("specialized-new", p, "2026-04-01"), "niche-years").outcome).toBe("not-met");
    expect(byKey(evaluateEligibility("specialized-new", p, "2026-04-01"), "niche-years").thresholdZh).toBe("≥ 3 年");
  });

  it("changes the revenue line from ¥10,000,000 to ¥15,000,000 across the switch", () => {
    const p = { ...STRONG, revenueYuan: 12_000_000, mainBusinessRevenueYuan: 11_000_000, rdExpenseYuan: 1_000_000 };
    expect(byKey(evaluateEligibility("specialized-new", p, "2026-03-31"), "revenue-or-equity").outcome).toBe("met");
    expect(byKey(evaluateEligibility("specialized-new", p, "2026-04-01"), "revenue-or-equity").outcome).toBe("not-met");
  });

  it("uses the 小巨人 rules for a national application from 2026-04-01, by parameter or payload", () => {
    expect(evaluateEligibility("specialized-new", STRONG, "2026-04-01", undefined, "national").ruleVersion).toBe("little-giant/2026");
    expect(evaluateEligibility("specialized-new", { ...STRONG, levelSought: "national" }, "2026-04-01").ruleVersion).toBe("little-giant/2026");
    expect(evaluateEligibility("specialized-new", STRONG, "2026-04-01", undefined, "provincial").ruleVersion).toBe("specialized-new/2026");
    // Before the 2026 rules no separate 小巨人 set exists: the 2022 rules apply.
    expect(evaluateEligibility("specialized-new", STRONG, "2026-03-31", undefined, "national").ruleVersion).toBe("specialized-new/2022");
  });

  it("the parameter wins over payload.levelSought", () => {
    const r = evaluateEligibility("specialized-new", { ...STRONG, levelSought: "national" }, "2026-05-01", undefined, "provincial");
    expect(r.ruleVersion).toBe("specialized-new/2026");
  });

  it("applies the earliest rules, with a note, to a date before any took effect", () => {
    const r = evaluateEligibility("specialized-new", STRONG, "2021-01-01");
    expect(r.ruleVersion).toBe("specialized-new/2022");
    expect(r.notes?.[0].zh).toContain("2022-08-01");
  });

  it("refuses a malformed date (a programming error, not user input)", () => {
    expect(() => evaluateEligibility("scaled-up", {}, "2026/04/01")).toThrow(RangeError);
    expect(() => evaluateEligibility("scaled-up", {}, "2026-13-01")).toThrow(RangeError);
  });

  it("lists each tier's rule sets with their effective dates", () => {
    expect(ruleSetsFor("specialized-new")).toEqual([
      expect.objectContaining({ version: "specialized-new/2022", effectiveFrom: "2022-08-01" }),
      expect.objectContaining({ version: "specialized-new/2026", effectiveFrom: "2026-04-01", provisional: true }),
      expect.objectContaining({ version: "little-giant/2026", effectiveFrom: "2026-04-01", levelSought: "national" }),
    ]);
    expect(ruleSetsFor("scaled-up").map((r) => r.version)).toEqual(["scaled-up/2011"]);
    expect(ruleSetsFor("green-factory").map((r) => r.version)).toEqual(["green-factory/2024"]);
    expect(ruleSetsFor("listed").map((r) => r.version)).toEqual(["listed/none"]);
    expect(ruleSetsFor("quality-factory").map((r) => r.version)).toEqual(["quality-factory/checklist"]);
    for (const tier of TIER_CODES) expect(ruleSetsFor(tier).length).toBeGreaterThan(0);
  });
});

describe("专精特新 2022 criteria", () => {
  const on = "2025-06-01";

  it("meets every line with a strong payload", () => {
    const r = evaluateEligibility("specialized-new", STRONG, on);
    expect(r.criteria.map((c) => c.key)).toEqual(["niche-years", "rd-amount", "rd-ratio", "revenue-or-equity", "evaluation-score"]);
    expect(r.criteria.every((c) => c.outcome === "met")).toBe(true);
    expect(r.summary).toBe("met");
  });

  it("reports every line as unknown, and the summary incomplete, for an empty draft", () => {
    const r = evaluateEligibility("specialized-new", {}, on);
    expect(r.criteria.every((c) => c.outcome === "unknown" && c.valueText === null)).toBe(true);
    expect(r.summary).toBe("incomplete");
  });

  it.each([
    ["niche-years", { nicheYears: 2 }, "met"],
    ["niche-years", { nicheYears: 1 }, "not-met"],
    ["niche-years", { nicheYears: "2" }, "met"],
    ["niche-years", { nicheYears: 1.5 }, "unknown"],
    ["niche-years", { nicheYears: -3 }, "unknown"],
    ["rd-amount", { rdExpenseYuan: 1_000_000 }, "met"],
    ["rd-amount", { rdExpenseYuan: 999_999 }, "not-met"],
    ["rd-amount", { rdExpenseYuan: null }, "unknown"],
    ["rd-amount", { rdExpenseYuan: 100.5 }, "unknown"],
    ["evaluation-score", { evaluationScore: 60 }, "met"],
    ["evaluation-score", { evaluationScore: 59 }, "not-met"],
    ["evaluation-score", {}, "unknown"],
  ] as const)("%s with %j is %s", (key, patch, expected) => {
    const p: Record<string, unknown> = { ...STRONG, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete p[k];
    if (key === "evaluation-score" && Object.keys(patch).length === 0) delete p.evaluationScore;
    expect(outcome("specialized-new", p, key, on)).toBe(expected);
  });

  it("decides the 3% R&D share exactly at the line, in integers", () => {
    // 3% of ¥33,333,334 is ¥1,000,000.02: one million is just short, one more yuan is enough.
    expect(outcome("specialized-new", { rdExpenseYuan: 1_000_000, revenueYuan: 33_333_334 }, "rd-ratio")).toBe("not-met");
    expect(outcome("specialized-new", { rdExpenseYuan: 1_000_001, revenueYuan: 33_333_334 }, "rd-ratio")).toBe("met");
    // Exactly 3%.
    expect(outcome("specialized-new", { rdExpenseYuan: 3_000_000, revenueYuan: 100_000_000 }, "rd-ratio")).toBe("met");
    expect(outcome("specialized-new", { rdExpenseYuan: 2_999_999, revenueYuan: 100_000_000 }, "rd-ratio")).toBe("not-met");
    // Near the largest amount accepted, where rd × 10000 leaves the exact range of a double.
    expect(outcome("specialized-new", { rdExpenseYuan: 29_999_999_999, revenueYuan: 999_999_999_999 }, "rd-ratio")).toBe("not-met");
    expect(outcome("specialized-new", { rdExpenseYuan: 30_000_000_000, revenueYuan: 999_999_999_999 }, "rd-ratio")).toBe("met");
  });

  it("shows the share rounded down, so a value under the line never reads as 3.00%", () => {
    const r = evaluateEligibility("specialized-new", { rdExpenseYuan: 2_999_999, revenueYuan: 100_000_000 }, on);
    expect(byKey(r, "rd-ratio").valueText).toBe("2.99%");
    const exact = evaluateEligibility("specialized-new", { rdExpenseYuan: 3_000_000, revenueYuan: 100_000_000 }, on);
    expect(byKey(exact, "rd-ratio").valueText).toBe("3.00%");
  });

  it("R&D share is unknown without revenue, whatever the R&D expense", () => {
    expect(outcome("specialized-new", { rdExpenseYuan: 5_000_000 }, "rd-ratio")).toBe("unknown");
  });

  it("accepts revenue ≥ ¥10,000,000 or equity financing ≥ ¥20,000,000", () => {
    expect(outcome("specialized-new", { revenueYuan: 10_000_000 }, "revenue-or-equity")).toBe("met");
    expect(outcome("specialized-new", { revenueYuan: 9_999_999 }, "revenue-or-equity")).toBe("not-met");
    expect(outcome("specialized-new", { revenueYuan: 9_999_999, equityFinancingYuan: 20_000_000 }, "revenue-or-equity")).toBe("met");
    expect(outcome("specialized-new", { revenueYuan: 9_999_999, equityFinancingYuan: 19_999_999 }, "revenue-or-equity")).toBe("not-met");
    // Equity alone is enough; without either figure there is nothing to judge.
    expect(outcome("specialized-new", { equityFinancingYuan: 25_000_000 }, "revenue-or-equity")).toBe("met");
    expect(outcome("specialized-new", { equityFinancingYuan: 5_000_000 }, "revenue-or-equity")).toBe("unknown");
    expect(outcome("specialized-new", {}, "revenue-or-equity")).toBe("unknown");
  });

  it("formats money as 万元 for Chinese readers and in yuan for English ones", () => {
    const c = byKey(evaluateEligibility("specialized-new", { rdExpenseYuan: 1_234_500 }, on), "rd-amount");
    expect(c.valueText).toBe("123.45 万元");
    expect(c.valueTextEn).toBe("¥1,234,500");
    expect(c.thresholdZh).toBe("≥ 100 万元");
    expect(c.thresholdEn).toBe("≥ ¥1,000,000");
  });

  it("summarises not-met over incomplete: one failed line is a warning even with gaps", () => {
    const r = evaluateEligibility("specialized-new", { nicheYears: 1 }, on);
    expect(r.summary).toBe("not-met");
  });
});

describe("专精特新 2026 criteria (provisional)", () => {
  const on = "2026-04-01";

  it("meets every line with a strong payload", () => {
    const r = evaluateEligibility("specialized-new", STRONG, on);
    expect(r.criteria.map((c) => c.key)).toEqual([
      "niche-years",
      "revenue-or-equity",
      "main-business-share",
      "debt-ratio",
      "rd-amount",
      "rd-ratio",
      "rd-amount-prev",
      "rd-ratio-prev",
      "ip-class1",
      "evaluation-score",
    ]);
    expect(r.criteria.filter((c) => c.outcome !== "met")).toEqual([]);
    expect(r.summary).toBe("met");
  });

  it.each([
    ["main-business-share", { mainBusinessRevenueYuan: 48_000_000, revenueYuan: 60_000_000 }, "met"],
    ["main-business-share", { mainBusinessRevenueYuan: 47_999_999, revenueYuan: 60_000_000 }, "not-met"],
    ["main-business-share", { mainBusinessRevenueYuan: undefined }, "unknown"],
    ["debt-ratio", { debtRatioPercent: 80 }, "met"],
    ["debt-ratio", { debtRatioPercent: 80.1 }, "not-met"],
    ["debt-ratio", { debtRatioPercent: 120 }, "unknown"],
    ["debt-ratio", { debtRatioPercent: "abc" }, "unknown"],
    ["rd-amount-prev", { rdExpensePrevYuan: 1_000_000 }, "met"],
    ["rd-amount-prev", { rdExpensePrevYuan: 999_999 }, "not-met"],
    ["rd-amount-prev", { rdExpensePrevYuan: undefined }, "unknown"],
    ["rd-ratio-prev", { rdExpensePrevYuan: 1_560_000, revenuePrevYuan: 52_000_000 }, "met"],
    ["rd-ratio-prev", { rdExpensePrevYuan: 1_559_999, revenuePrevYuan: 52_000_000 }, "not-met"],
    ["rd-ratio-prev", { revenuePrevYuan: undefined }, "unknown"],
    ["ip-class1", { ipClass1: 1 }, "met"],
    ["ip-class1", { ipClass1: 0 }, "not-met"],
    ["ip-class1", { ipClass1: undefined }, "unknown"],
    ["evaluation-score", { evaluationScore: 50 }, "met"],
    ["evaluation-score", { evaluationScore: 49 }, "not-met"],
  ] as const)("%s with %j is %s", (key, patch, expected) => {
    const p: Record<string, unknown> = { ...STRONG, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete p[k];
    expect(outcome("specialized-new", p, key, on)).toBe(expected);
  });

  it("shows the debt ratio with one decimal", () => {
    expect(byKey(evaluateEligibility("specialized-new", { debtRatioPercent: 45.5 }, on), "debt-ratio").valueText).toBe("45.5%");
  });
});

describe("小巨人 2026 criteria (provisional)", () => {
  const on = "2026-06-01";
  const giant = { ...STRONG, revenueYuan: 50_000_000, mainBusinessRevenueYuan: 45_000_000, ipClass1: 4, evaluationScore: 60 };

  it("meets every line at the thresholds", () => {
    const r = evaluateEligibility("specialized-new", giant, on, undefined, "national");
    expect(r.criteria.map((c) => c.key)).toEqual(["revenue", "main-business-share", "rd-two-years", "ip-class1", "evaluation-score"]);
    expect(r.summary).toBe("met");
  });

  it.each([
    ["revenue", { revenueYuan: 49_999_999, mainBusinessRevenueYuan: 45_000_000 }, "not-met"],
    ["main-business-share", { mainBusinessRevenueYuan: 44_999_999 }, "not-met"],
    ["rd-two-years", { rdExpenseYuan: 6_000_000, rdExpensePrevYuan: 6_000_000 }, "met"],
    ["rd-two-years", { rdExpenseYuan: 6_000_000, rdExpensePrevYuan: 5_999_999 }, "not-met"],
    ["rd-two-years", { rdExpensePrevYuan: undefined }, "unknown"],
    ["ip-class1", { ipClass1: 3 }, "not-met"],
    ["evaluation-score", { evaluationScore: 59 }, "not-met"],
  ] as const)("%s with %j is %s", (key, patch, expected) => {
    const p: Record<string, unknown> = { ...giant, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete p[k];
    expect(byKey(evaluateEligibility("specialized-new", p, on, undefined, "national"), key).outcome).toBe(expected);
  });
});

describe("升规 (scaled-up)", () => {
  it("meets the line on the year before's revenue ≥ ¥20,000,000 and says so, naming the year", () => {
    const r = evaluateEligibility("scaled-up", { priorYearRevenueYuan: 20_000_000 }, "2026-06-15");
    expect(r.ruleVersion).toBe("scaled-up/2011");
    const c = byKey(r, "main-business-revenue");
    expect(c.outcome).toBe("met");
    expect(c.valueText).toBe("2025年 2,000 万元（达标）");
    expect(r.summary).toBe("met");
  });

  it("annualises year-to-date revenue over the completed months", () => {
    // On 2026-06-15 five months are complete: ¥8,400,000 × 12 / 5 = ¥20,160,000.
    const c = byKey(evaluateEligibility("scaled-up", { priorYearRevenueYuan: 15_000_000, ytdRevenueYuan: 8_400_000 }, "2026-06-15"), "main-business-revenue");
    expect(c.outcome).toBe("met");
    expect(c.valueText).toContain("1–5 月，年化 2,016 万元");
    expect(c.valueText).toContain("2025年 1,500 万元；2026年累计");
    expect(c.valueTextEn).toContain("annualised ¥20,160,000");
    // Exactly at the line: ¥8,333,334 × 12 / 5 = ¥20,000,001.6; ¥8,333,333 gives ¥19,999,999.2.
    const at = (ytd: number) => byKey(evaluateEligibility("scaled-up", { ytdRevenueYuan: ytd }, "2026-06-15"), "main-business-revenue").outcome;
    expect(at(8_333_334)).toBe("met");
    expect(at(8_333_333)).toBe("not-met");
  });

  it("counts January as one month rather than dividing by zero", () => {
    const c = byKey(evaluateEligibility("scaled-up", { ytdRevenueYuan: 2_000_000 }, "2026-01-20"), "main-business-revenue");
    expect(c.outcome).toBe("met");
    expect(c.valueText).toContain("1 月，年化 2,400 万元");
  });

  it("is not met when neither figure reaches the line, and unknown with neither entered", () => {
    expect(outcome("scaled-up", { priorYearRevenueYuan: 19_999_999, ytdRevenueYuan: 1_000_000 }, "main-business-revenue", "2026-12-01")).toBe("not-met");
    const empty = evaluateEligibility("scaled-up", { route: "cultivate" }, "2026-12-01");
    expect(byKey(empty, "main-business-revenue").outcome).toBe("unknown");
    expect(empty.summary).toBe("incomplete");
  });

  it("explains which revenue is compared", () => {
    const r = evaluateEligibility("scaled-up", {}, "2026-12-01");
    expect(r.notes?.[0].zh).toContain("年化");
  });
});

describe("绿色工厂 (green factory)", () => {
  const on = "2026-05-01";
  const good = { energyIntensity: 0.52, certificates: ["iso9001", "iso14001", "iso50001"], dischargePermit: true };

  it("meets the energy line at 0.52 and misses it at 0.521", () => {
    expect(outcome("green-factory", good, "energy-intensity", on)).toBe("met");
    expect(outcome("green-factory", { ...good, energyIntensity: 0.521 }, "energy-intensity", on)).toBe("not-met");
    expect(outcome("green-factory", { ...good, energyIntensity: undefined }, "energy-intensity", on)).toBe("unknown");
    const c = byKey(evaluateEligibility("green-factory", { energyIntensity: 0.48 }, on), "energy-intensity");
    expect(c.valueText).toBe("0.480 吨标准煤/万元");
  });

  it("requires the discharge permit", () => {
    expect(outcome("green-factory", good, "discharge-permit", on)).toBe("met");
    expect(outcome("green-factory", { ...good, dischargePermit: false }, "discharge-permit", on)).toBe("not-met");
    expect(outcome("green-factory", { energyIntensity: 0.3 }, "discharge-permit", on)).toBe("unknown");
  });

  it("treats ISO 14001 and ISO 50001 as advisory: shown, never changing the summary", () => {
    const without = evaluateEligibility("green-factory", { ...good, certificates: ["iso9001"] }, on);
    expect(byKey(without, "iso14001")).toMatchObject({ outcome: "not-met", advisory: true });
    expect(byKey(without, "iso50001")).toMatchObject({ outcome: "not-met", advisory: true });
    expect(without.summary).toBe("met");
    const unknownCerts = evaluateEligibility("green-factory", { energyIntensity: 0.4, dischargePermit: true }, on);
    expect(byKey(unknownCerts, "iso14001").outcome).toBe("unknown");
    expect(unknownCerts.summary).toBe("met");
    expect(evaluateEligibility("green-factory", good, on).summary).toBe("met");
    expect(evaluateEligibility("green-factory", { ...good, dischargePermit: false }, on).summary).toBe("not-met");
  });
});

describe("上市 (listed)", () => {
  it("has no numeric rules and says why", () => {
    const r = evaluateEligibility("listed", { board: "bse", stage: "tutoring" }, "2026-05-01");
    expect(r.summary).toBe("no-rules");
    expect(r.criteria).toEqual([]);
    expect(r.ruleVersion).toBe("listed/none");
    expect(r.notes?.[0].zh).toContain("证券交易所");
  });
});

describe("district factories: the bureau's checklist", () => {
  const items = [
    { code: "site-tidy", labelZh: "厂区环境整洁", labelEn: "Tidy site", required: true },
    { code: "safety", labelZh: "安全生产标准化", labelEn: "Safety standardisation", required: true },
    { code: "greening", labelZh: "厂区绿化", labelEn: "Greening", required: false },
  ];

  it("is met when every required item is ticked, whatever the optional ones", () => {
    const r = evaluateEligibility("clean-beauty-factory", { checklist: { "site-tidy": true, safety: true } }, "2026-05-01", items);
    expect(r.summary).toBe("met");
    expect(r.criteria.map((c) => [c.key, c.outcome, c.advisory ?? false])).toEqual([
      ["checklist:site-tidy", "met", false],
      ["checklist:safety", "met", false],
      ["checklist:greening", "not-met", true],
    ]);
    expect(r.criteria[0]).toMatchObject({ labelZh: "厂区环境整洁", thresholdZh: "必备项", valueText: "已具备", valueTextEn: "Yes" });
  });

  it("is not met when a required item is unticked (absent or false)", () => {
    expect(evaluateEligibility("clean-beauty-factory", { checklist: { "site-tidy": true } }, "2026-05-01", items).summary).toBe("not-met");
    expect(evaluateEligibility("clean-beauty-factory", { checklist: { "site-tidy": true, safety: false } }, "2026-05-01", items).summary).toBe("not-met");
    // Only a real true counts as ticked.
    expect(evaluateEligibility("clean-beauty-factory", { checklist: { "site-tidy": true, safety: "on" } }, "2026-05-01", items).summary).toBe("not-met");
  });

  it("is incomplete before the firm has answered the checklist", () => {
    const r = evaluateEligibility("quality-factory", {}, "2026-05-01", items);
    expect(r.summary).toBe("incomplete");
    expect(r.criteria.every((c) => c.outcome === "unknown")).toBe(true);
  });

  it("has no rules when the bureau has no checklist, and says so", () => {
    const r = evaluateEligibility("demonstration-factory", { checklist: {} }, "2026-05-01", []);
    expect(r.summary).toBe("no-rules");
    expect(r.notes?.[0].zh).toContain("尚未设置");
    expect(evaluateEligibility("demonstration-factory", {}, "2026-05-01").summary).toBe("no-rules");
  });

  it("versions the result by the checklist it was checked against", () => {
    const a = evaluateEligibility("quality-factory", {}, "2026-05-01", items).ruleVersion;
    const same = evaluateEligibility(
      "quality-factory",
      {},
      "2027-01-01",
      items.map((i) => ({ ...i, labelZh: i.labelZh + "（修订）" })),
    ).ruleVersion;
    const b = evaluateEligibility("quality-factory", {}, "2026-05-01", [...items, { code: "new", labelZh: "新", labelEn: "New", required: true }]).ruleVersion;
    const c = evaluateEligibility(
      "quality-factory",
      {},
      "2026-05-01",
      items.map((i) => ({ ...i, required: !i.required })),
    ).ruleVersion;
    expect(a).toMatch(/^quality-factory\/checklist-[0-9a-f]{8}$/);
    // Relabelling keeps the version (same items, same obligations); adding or re-weighting changes it.
    expect(same).toBe(a);
    expect(b).not.toBe(a);
    expect(c).not.toBe(a);
  });

  it("knows which tiers use a checklist", () => {
    expect(TIER_CODES.filter(usesChecklist)).toEqual(["demonstration-factory", "quality-factory", "clean-beauty-factory"]);
  });
});

describe("result shape", () => {
  it("is plain JSON that survives a round trip through the database column", () => {
    for (const tier of TIER_CODES) {
      const r = evaluateEligibility(tier, STRONG, "2026-05-01", [{ code: "a", labelZh: "甲", labelEn: "A", required: true }]);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(r.ruleNameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.ruleNameEn).toMatch(/[A-Za-z]/);
      for (const c of r.criteria) {
        expect(c.labelZh).toMatch(/[\u4e00-\u9fff]|^[A-Z]/);
        expect(c.thresholdEn).not.toBe("");
      }
    }
  });

  it("ignores a payload that is not an object", () => {
    expect(evaluateEligibility("scaled-up", null as unknown as Record<string, unknown>, "2026-05-01").summary).toBe("incomplete");
  });
});

describe("figures the form refuses", () => {
  it("marks every criterion reading a refused figure as invalid, never met, and says so in the summary", () => {
    // Main business 9,290 times revenue: refused by the form, so judged with a stand-in.
    const payload = { ...STRONG, mainBusinessRevenueYuan: 429_217_000_000 };
    const plain = evaluateEligibility("specialized-new", payload, "2026-06-01");
    expect(byKey(plain, "main-business-share").outcome).toBe("met");
    const checked = evaluateEligibility("specialized-new", payload, "2026-06-01", undefined, undefined, { mainBusinessRevenueYuan: 987_654_321 });
    expect(byKey(checked, "main-business-share")).toMatchObject({ outcome: "invalid", valueText: null });
    expect(checked.summary).toBe("invalid");
    // Criteria that do not read it are judged as before.
    for (const c of checked.criteria.filter((x) => x.key !== "main-business-share")) {
      expect(c).toEqual(byKey(plain, c.key));
    }
  });

  it("judges nothing differently when no figure is refused", () => {
    expect(evaluateEligibility("specialized-new", STRONG, "2026-06-01", undefined, undefined, {})).toEqual(evaluateEligibility("specialized-new", STRONG, "2026-06-01"));
  });
});
