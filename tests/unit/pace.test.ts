import { describe, expect, it } from "vitest";
import { furthestBehindPace, yearElapsedShare } from "~/domain/pace";

describe("yearElapsedShare", () => {
  it("is 0 before the year, 1 after it, and the share of days in it", () => {
    expect(yearElapsedShare(2026, "2025-12-31")).toBe(0);
    expect(yearElapsedShare(2026, "2027-01-01")).toBe(1);
    expect(yearElapsedShare(2026, "2026-01-01")).toBe(0);
    expect(yearElapsedShare(2026, "2026-07-02")).toBeCloseTo(182 / 365);
  });
});

describe("furthestBehindPace", () => {
  it("picks the tier short of its pace by the largest share of its target", () => {
    const tiers = [
      { tier: "a", target: 100, achieved: 40 }, // expected 50: 10% behind
      { tier: "b", target: 10, achieved: 2 }, // expected 5: 30% behind
      { tier: "c", target: 20, achieved: 20 },
    ];
    expect(furthestBehindPace(tiers, 0.5)).toEqual({ tier: "b", expected: 5, shortfall: 3 });
  });

  it("names none when every tier with a target is on pace, and ignores tiers without one", () => {
    expect(
      furthestBehindPace(
        [
          { tier: "a", target: 10, achieved: 5 },
          { tier: "b", target: 0, achieved: 0 },
        ],
        0.5,
      ),
    ).toBeNull();
    expect(furthestBehindPace([{ tier: "a", target: 10, achieved: 0 }], 0)).toBeNull();
  });

  it("breaks a tie in share by the larger shortfall", () => {
    const tiers = [
      { tier: "a", target: 10, achieved: 3 },
      { tier: "b", target: 20, achieved: 6 },
    ];
    expect(furthestBehindPace(tiers, 0.5)?.tier).toBe("b");
  });
});
