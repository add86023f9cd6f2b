import { describe, it, expect } from "vitest";
import { LEVELS, LEVEL_NAMES, TIERS, TIER_CODES, countsTowardTarget, getTier, isLevel, isTierCode, levelAtLeast, levelRank, type TierCode } from "../../app/domain/tiers";

describe("levels", () => {
  it("are ordered highest first with ranks 4..1", () => {
    expect(LEVELS).toEqual(["national", "provincial", "municipal", "district"]);
    expect(LEVELS.map(levelRank)).toEqual([4, 3, 2, 1]);
  });
  it("compare with levelAtLeast", () => {
    expect(levelAtLeast("national", "provincial")).toBe(true);
    expect(levelAtLeast("provincial", "provincial")).toBe(true);
    expect(levelAtLeast("municipal", "provincial")).toBe(false);
    expect(levelAtLeast("district", "district")).toBe(true);
    expect(levelAtLeast("district", "municipal")).toBe(false);
  });
  it("are named in Chinese and English", () => {
    expect(LEVELS.map((l) => LEVEL_NAMES[l].zh)).toEqual(["国家级", "省级", "市级", "区级"]);
    expect(LEVELS.map((l) => LEVEL_NAMES[l].en)).toEqual(["National", "Provincial", "Municipal", "District"]);
  });
  it("are recognised by isLevel", () => {
    expect(isLevel("municipal")).toBe(true);
    expect(isLevel("town")).toBe(false);
    expect(isLevel(undefined)).toBe(false);
  });
});

describe("tier catalogue", () => {
  it("has the seven codes in the agreed order, matching TIERS", () => {
    expect(TIER_CODES).toEqual(["specialized-new", "scaled-up", "green-factory", "listed", "demonstration-factory", "quality-factory", "clean-beauty-factory"]);
    expect(TIERS.map((t) => t.code)).toEqual([...TIER_CODES]);
    expect(TIERS.map((t) => t.sort)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("sets the counting levels of the district plan", () => {
    const counting = Object.fromEntries(TIERS.map((t) => [t.code, t.countingLevel]));
    expect(counting).toEqual({
      "specialized-new": "provincial",
      "scaled-up": "district",
      "green-factory": "municipal",
      listed: "district",
      "demonstration-factory": "district",
      "quality-factory": "district",
      "clean-beauty-factory": "district",
    });
  });

  it("keeps every tier's counting level among its award levels, highest first", () => {
    for (const t of TIERS) {
      expect(t.levels).toContain(t.countingLevel);
      const ranks = t.levels.map(levelRank);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      expect(t.nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(t.nameEn).not.toBe("");
      expect(t.countingRuleZh).toMatch(/[\u4e00-\u9fff]/);
      expect(t.countingRuleEn).not.toBe("");
    }
  });

  it("gives 3-year validity to specialized-new and green-factory only", () => {
    const validity = Object.fromEntries(TIERS.map((t) => [t.code, t.validityYears]));
    expect(validity["specialized-new"]).toBe(3);
    expect(validity["green-factory"]).toBe(3);
    for (const code of ["scaled-up", "listed", "demonstration-factory", "quality-factory", "clean-beauty-factory"]) {
      expect(validity[code]).toBeNull();
    }
  });

  it("finds tiers by code", () => {
    expect(getTier("green-factory").nameZh).toBe("绿色工厂");
    expect(getTier("specialized-new").countingRuleZh).toBe("省级及以上新认定");
    expect(() => getTier("nope" as TierCode)).toThrow(RangeError);
    expect(isTierCode("listed")).toBe(true);
    expect(isTierCode("high-tech")).toBe(false);
    expect(isTierCode(3)).toBe(false);
  });

  it("says which levels count toward the target", () => {
    expect(countsTowardTarget("specialized-new", "municipal")).toBe(false);
    expect(countsTowardTarget("specialized-new", "provincial")).toBe(true);
    expect(countsTowardTarget("specialized-new", "national")).toBe(true);
    expect(countsTowardTarget("green-factory", "municipal")).toBe(true);
    expect(countsTowardTarget("clean-beauty-factory", "district")).toBe(true);
  });
});
