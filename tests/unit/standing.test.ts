import { describe, expect, it } from "vitest";
import { evaluateEligibility } from "../../app/domain/eligibility";
import { classifyStanding, NEAR_MAX_MISSING, type StandingInput } from "../../app/domain/standing";
import type { TierCode } from "../../app/domain/tiers";

// 2025-06-01: the 2022 专精特新 rules (niche ≥ 2, R&D ≥ ¥1,000,000 and ≥ 3%, revenue ≥ ¥10,000,000, score ≥ 60).
const ON = "2025-06-01";

function standing(tier: TierCode, payload: Record<string, unknown>, extra: Partial<StandingInput> = {}) {
  const eligibility = evaluateEligibility(tier, payload, ON, [], undefined, undefined, undefined, 2025);
  return classifyStanding({ tierCode: tier, eligibility, holdings: [], applications: [], aboveScale: false, ...extra });
}

const FULL = { nicheYears: 5, revenueYuan: 40_000_000, rdExpenseYuan: 1_200_000, evaluationScore: 70 };

describe("classifyStanding", () => {
  it("meets at exactly 3.0% R&D, and is near (one line, with need and have) just under it", () => {
    expect(standing("specialized-new", FULL)).toMatchObject({ verdict: "meets", missing: [], toConfirm: [] });
    const under = standing("specialized-new", { ...FULL, rdExpenseYuan: 1_199_999 });
    expect(under.verdict).toBe("near");
    expect(under.missing).toEqual([expect.objectContaining({ key: "rd-ratio", needZh: "≥ 3%", haveZh: "2.99%", labelZh: "2024年研发费用占营业收入比重" })]);
  });

  it("meets at exactly ¥10,000,000 revenue, and not a yuan less", () => {
    const at = standing("specialized-new", { ...FULL, revenueYuan: 10_000_000, rdExpenseYuan: 1_000_000 });
    expect(at.missing.map((m) => m.key)).toEqual([]);
    expect(at.verdict).toBe("meets");
    const below = standing("specialized-new", { ...FULL, revenueYuan: 9_999_999, rdExpenseYuan: 1_000_000 });
    expect(below.missing.map((m) => m.key)).toEqual(["revenue-or-equity"]);
    expect(below.missing[0]).toMatchObject({ haveEn: "revenue ¥9,999,999", needEn: "Revenue ≥ ¥10,000,000, or equity financing ≥ ¥20,000,000" });
  });

  it("never counts missing data as met: it is 'to confirm'", () => {
    const none = standing("specialized-new", {});
    expect(none.verdict).toBe("to-confirm");
    expect(none.missing).toEqual([]);
    expect(none.toConfirm.map((c) => c.key)).toEqual(["niche-years", "rd-amount", "rd-ratio", "revenue-or-equity", "evaluation-score"]);
    // What the profile holds, without niche years and score: still to confirm, not eligible.
    const profile = standing("specialized-new", { revenueYuan: 40_000_000, rdExpenseYuan: 1_200_000 });
    expect(profile.verdict).toBe("to-confirm");
    expect(profile.toConfirm.map((c) => c.key)).toEqual(["niche-years", "evaluation-score"]);
    expect(profile.toConfirm[0]).toMatchObject({ haveZh: null, needZh: "≥ 2 年" });
  });

  it("is near with one or two lines failing, not yet with three or more; to-confirm lines are listed beside", () => {
    expect(NEAR_MAX_MISSING).toBe(2);
    const two = standing("specialized-new", { revenueYuan: 40_000_000, rdExpenseYuan: 800_000 });
    expect(two.verdict).toBe("near");
    expect(two.missing.map((m) => m.key)).toEqual(["rd-amount", "rd-ratio"]);
    expect(two.toConfirm.map((m) => m.key)).toEqual(["niche-years", "evaluation-score"]);
    const three = standing("specialized-new", { revenueYuan: 5_000_000, rdExpenseYuan: 100_000, nicheYears: 1 });
    expect(three.verdict).toBe("not-yet");
    expect(three.missing.map((m) => m.key)).toEqual(["niche-years", "rd-amount", "rd-ratio", "revenue-or-equity"]);
  });

  it("puts an open application first, then a live award, with level, dates and link", () => {
    const holding = { level: "provincial" as const, year: 2024, recognizedOn: "2024-06-30", validUntil: "2027-06-29" };
    const held = standing("specialized-new", {}, { holdings: [holding, { ...holding, level: "municipal", year: 2025 }] });
    expect(held).toMatchObject({ verdict: "held", holding, application: null });
    const open = standing(
      "specialized-new",
      {},
      {
        holdings: [holding],
        applications: [
          { id: 7, year: 2025, status: "draft" },
          { id: 9, year: 2026, status: "submitted" },
        ],
      },
    );
    expect(open).toMatchObject({ verdict: "open", application: { id: 9, year: 2026, status: "submitted" }, holding });
  });

  it("does not offer 升规 to a firm already above scale", () => {
    expect(standing("scaled-up", {}, { aboveScale: true })).toMatchObject({ verdict: "not-offered", missing: [], toConfirm: [] });
    expect(standing("scaled-up", {}, { aboveScale: false }).verdict).toBe("to-confirm");
  });

  it("says 'no pre-check' for tiers without numeric lines (listing; a checklist tier not evaluated)", () => {
    expect(standing("listed", {}).verdict).toBe("no-precheck");
    expect(classifyStanding({ tierCode: "quality-factory", eligibility: null, holdings: [], applications: [], aboveScale: true }).verdict).toBe("no-precheck");
  });
});

describe("the years the criteria name", () => {
  it("are the actual years before the application's year, not 上年度", () => {
    const r = evaluateEligibility("specialized-new", {}, "2026-12-05", [], undefined, undefined, undefined, 2026);
    const labels = r.criteria.map((c) => c.labelZh).join("|");
    expect(labels).toContain("2025年研发费用总额");
    expect(labels).toContain("2024年研发费用占营业收入比重");
    expect(labels).toContain("2025年末资产负债率");
    expect(labels).not.toMatch(/上年|上上年|前一年/);
    expect(r.criteria.map((c) => c.labelEn).join("|")).not.toMatch(/prior|year before|last year/i);
    const scaled = evaluateEligibility("scaled-up", { priorYearRevenueYuan: 25_000_000 }, "2026-12-05", [], undefined, undefined, undefined, 2027);
    expect(scaled.criteria[0]).toMatchObject({ labelZh: "主营业务收入（2026年或2026年累计年化）", valueText: "2026年 2,500 万元（达标）" });
    // Without the application's year, the year of the evaluation date.
    const plain = evaluateEligibility("specialized-new", {}, "2025-06-01");
    expect(plain.criteria.find((c) => c.key === "rd-amount")?.labelZh).toBe("2024年研发费用总额");
  });
});
