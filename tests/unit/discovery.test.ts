/**
 * Discovery against the rule sets, at their boundaries: exactly 3.0% R&D, exactly ¥10,000,000
 * revenue, missing figures (to confirm, never met), held and open firms left out.
 */
import { describe, expect, it } from "vitest";
import { DISCOVERY_TIERS, discoverFirm, discoveryRuleVersion, missingText, type DiscoveryInput } from "~/domain/discovery";
import { emptyFigures, type Figures } from "~/domain/figures";

/** Under the 2022 rules (in force before 2026-04-01). */
const ON_2022 = "2025-06-01";
/** Under the 2026 rules. */
const ON_2026 = "2026-06-01";

function figures(over: Partial<Figures>): Figures {
  return {
    ...emptyFigures(),
    revenueYuan: 100_000_000,
    mainBusinessRevenueYuan: 95_000_000,
    rdExpenseYuan: 5_000_000,
    employees: 120,
    rdStaff: 20,
    totalAssetsYuan: 80_000_000,
    totalLiabilitiesYuan: 30_000_000,
    netProfitYuan: 5_000_000,
    equityFinancingYuan: 0,
    inventionPatents: 2,
    ipClass1: 3,
    ipClass2: 5,
    nicheYears: 6,
    ...over,
  };
}

function input(over: Partial<DiscoveryInput>): DiscoveryInput {
  return {
    tierCode: "specialized-new",
    year: 2025,
    today: ON_2022,
    figures: figures({}),
    previous: null,
    holdings: [],
    applications: [],
    aboveScale: true,
    ...over,
  };
}

describe("discovery under the 2022 专精特新 rules", () => {
  it("applies the rule set in force", () => {
    expect(discoveryRuleVersion("specialized-new", ON_2022, 2025)).toBe("specialized-new/2022");
    expect(discoveryRuleVersion("specialized-new", ON_2026, 2026)).toBe("specialized-new/2026");
  });

  it("R&D of exactly 3.0% of revenue meets; one yuan less is near, named with need and have", () => {
    const exact = discoverFirm(input({ figures: figures({ revenueYuan: 100_000_000, rdExpenseYuan: 3_000_000 }) }));
    expect(exact?.verdict).toBe("meets");
    expect(exact?.missing).toEqual([]);
    // The evaluation score is never in the figures: to confirm, not met.
    expect(exact?.toConfirm.map((m) => m.key)).toEqual(["evaluation-score"]);

    const under = discoverFirm(input({ figures: figures({ revenueYuan: 100_000_000, rdExpenseYuan: 2_999_999 }) }));
    expect(under?.verdict).toBe("near");
    expect(under?.missing.map((m) => m.key)).toEqual(["rd-ratio"]);
    expect(under?.missing[0]).toMatchObject({ needZh: "≥ 3%", haveZh: "2.99%" });
    expect(missingText(under!.missing[0]!, "zh")).toBe("2024年研发费用占营业收入比重 2.99%，需 ≥ 3%");
  });

  it("revenue of exactly ¥10,000,000 meets; ¥9,999,999 is near", () => {
    const exact = discoverFirm(input({ figures: figures({ revenueYuan: 10_000_000, mainBusinessRevenueYuan: 10_000_000, rdExpenseYuan: 1_000_000 }) }));
    expect(exact?.verdict).toBe("meets");
    expect(exact?.missing).toEqual([]);
    const under = discoverFirm(input({ figures: figures({ revenueYuan: 9_999_999, mainBusinessRevenueYuan: 9_999_999, rdExpenseYuan: 1_000_000 }) }));
    expect(under?.verdict).toBe("near");
    expect(under?.missing.map((m) => m.key)).toEqual(["revenue-or-equity"]);
    expect(under?.missing[0]?.haveEn).toBe("revenue ¥9,999,999");
  });

  it("missing figures are to confirm, never met", () => {
    const found = discoverFirm(input({ figures: figures({ rdExpenseYuan: null }) }));
    expect(found?.verdict).toBe("meets");
    expect(found?.missing).toEqual([]);
    expect(found?.toConfirm.map((m) => m.key)).toEqual(["rd-amount", "rd-ratio", "evaluation-score"]);
    // A firm that has not reported the year is not judged at all.
    expect(discoverFirm(input({ figures: null }))).toBeNull();
  });

  it("two criteria short is near; three is not a candidate", () => {
    const two = discoverFirm(input({ figures: figures({ nicheYears: 1, rdExpenseYuan: 2_000_000 }) }));
    expect(two?.verdict).toBe("near");
    expect(two?.missing.map((m) => m.key)).toEqual(["niche-years", "rd-ratio"]);
    const three = discoverFirm(input({ figures: figures({ nicheYears: 1, rdExpenseYuan: 900_000 }) }));
    expect(three).toBeNull();
  });

  it("leaves out firms that hold the tier or have an open application for it", () => {
    expect(discoverFirm(input({ holdings: [{ level: "provincial", year: 2024, recognizedOn: "2024-10-01", validUntil: null }] }))).toBeNull();
    expect(discoverFirm(input({ applications: [{ id: 7, year: 2025, status: "draft" }] }))).toBeNull();
    expect(discoverFirm(input({ applications: [{ id: 7, year: 2025, status: "returned" }] }))).toBeNull();
  });
});

describe("discovery under the 2026 专精特新 rules", () => {
  it("reads two years, and the year before's missing R&D share is to confirm", () => {
    const found = discoverFirm(
      input({ today: ON_2026, year: 2026, figures: figures({ revenueYuan: 15_000_000, mainBusinessRevenueYuan: 15_000_000, rdExpenseYuan: 1_500_000 }), previous: null }),
    );
    expect(found?.ruleVersion).toBe("specialized-new/2026");
    expect(found?.verdict).toBe("meets");
    expect(found?.toConfirm.map((m) => m.key)).toEqual(expect.arrayContaining(["rd-amount-prev", "rd-ratio-prev", "evaluation-score"]));
    const under = discoverFirm(input({ today: ON_2026, year: 2026, figures: figures({ revenueYuan: 14_999_999, mainBusinessRevenueYuan: 14_999_999, rdExpenseYuan: 1_500_000 }) }));
    expect(under?.verdict).toBe("near");
    expect(under?.missing.map((m) => m.key)).toEqual(["revenue-or-equity"]);
  });
});

describe("the tiers discovery offers", () => {
  it("are the tiers the figures can pre-check", () => {
    expect(DISCOVERY_TIERS).toContain("specialized-new");
    expect(DISCOVERY_TIERS).toContain("scaled-up");
    expect(DISCOVERY_TIERS).not.toContain("listed");
    expect(DISCOVERY_TIERS).not.toContain("quality-factory");
  });
});

describe("money short of a line reads short of it", () => {
  const revenueLine = (revenueYuan: number) => discoverFirm(input({ figures: figures({ revenueYuan, mainBusinessRevenueYuan: revenueYuan, rdExpenseYuan: 1_000_000 }) }));

  it("exactly ¥10,000,000 meets; ¥9,999,999 is near, with the two numbers distinct", () => {
    expect(revenueLine(10_000_000)?.missing.map((m) => m.key)).not.toContain("revenue-or-equity");
    const near = revenueLine(9_999_999)!;
    expect(near.verdict).toBe("near");
    const line = near.missing.find((m) => m.key === "revenue-or-equity")!;
    expect(line.haveZh).toBe("营业收入 999.9999 万元");
    expect(line.needZh).toContain("≥ 1,000 万元");
    expect(missingText(line, "zh")).toBe(`${line.labelZh} 营业收入 999.9999 万元，需 ${line.needZh}`);
    expect(line.haveEn).toBe("revenue ¥9,999,999");
  });

  it("rounding up onto the line is shown to the yuan; far below it stays rounded to ¥100", () => {
    expect(revenueLine(9_999_950)!.missing.find((m) => m.key === "revenue-or-equity")!.haveZh).toBe("营业收入 999.995 万元");
    expect(revenueLine(9_000_049)!.missing.find((m) => m.key === "revenue-or-equity")!.haveZh).toBe("营业收入 900 万元");
  });
});

describe("ratios decided exactly without BigInt below 9 × 10^11", () => {
  it("2.99999…% is under 3%, and the shown percent is floored", () => {
    // 2.9999997% of revenue: a double near 3 must not pass the line.
    const f = discoverFirm(input({ figures: figures({ revenueYuan: 33_333_334, mainBusinessRevenueYuan: 33_333_334, rdExpenseYuan: 999_999 }) }))!;
    expect(f.missing.find((m) => m.key === "rd-ratio")?.haveZh).toBe("2.99%");
    const exact = discoverFirm(input({ figures: figures({ revenueYuan: 33_333_300, mainBusinessRevenueYuan: 33_333_300, rdExpenseYuan: 999_999 }) }))!;
    expect(exact.missing.map((m) => m.key)).not.toContain("rd-ratio");
  });
});
