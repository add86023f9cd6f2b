import { describe, expect, it } from "vitest";
import { doubtfulFigures, type FirmFigures } from "../../app/domain/plausibility";

const FIRM: FirmFigures = {
  profile: { revenueYuan: 68_350_000, rdExpenseYuan: 2_460_000 },
  earlier: { year: 2025, revenueYuan: 60_000_000, rdExpenseYuan: 2_000_000 },
};

describe("doubtful amounts", () => {
  it("reads 68350000 typed into a 万元 field as 元 for 万元, naming the profile it is 10,000 times", () => {
    expect(doubtfulFigures({ revenueYuan: 68_350_000 * 10_000 }, FIRM)).toEqual([
      {
        key: "revenueYuan",
        valueYuan: 683_500_000_000,
        reference: { source: "profile", field: "revenue", yuan: 68_350_000 },
        ratio: 10_000,
        kind: "yuan-for-wan",
        asIfYuan: 68_350_000,
      },
    ]);
  });

  it("doubts 10 times or more, and lets 9 times pass", () => {
    expect(doubtfulFigures({ rdExpenseYuan: 24_600_000 }, FIRM).map((d) => [d.key, d.kind, d.ratio])).toEqual([["rdExpenseYuan", "ten-times", 10]]);
    expect(doubtfulFigures({ rdExpenseYuan: 22_000_000, revenueYuan: 68_350_000, mainBusinessRevenueYuan: 60_000_000 }, FIRM)).toEqual([]);
  });

  it("compares with the earlier application when the profile holds no figure", () => {
    const firm: FirmFigures = { ...FIRM, profile: { revenueYuan: null, rdExpenseYuan: null } };
    expect(doubtfulFigures({ revenueYuan: 600_000_000_000 }, firm)[0]).toMatchObject({
      reference: { source: "earlier", field: "revenue", yuan: 60_000_000, year: 2025 },
      kind: "yuan-for-wan",
    });
  });

  it("judges nothing without a reference, and no amount of 0 or not given", () => {
    expect(doubtfulFigures({ revenueYuan: 1e12 }, { profile: { revenueYuan: null, rdExpenseYuan: 0 }, earlier: null })).toEqual([]);
    expect(doubtfulFigures({ revenueYuan: 0, rdExpenseYuan: undefined, equityFinancingYuan: 1e12 }, FIRM)).toEqual([]);
  });
});
