import { describe, it, expect } from "vitest";
import {
  countProgress,
  coverage,
  paceNeeded,
  pipelineStanding,
  shanghaiDate,
  shanghaiMonth,
  shanghaiYear,
  type AwardInput,
  type ApplicationInput,
  type ProgressInput,
  type TierProgress,
} from "../../app/domain/counting";
import type { Level, TierCode } from "../../app/domain/tiers";

const Y = 2023;
const NO_COVERAGE = { aboveScaleManufacturers: 0, covered: 0 };

function award(enterpriseId: number, tierCode: TierCode, level: AwardInput["level"], overrides: Partial<AwardInput> = {}): AwardInput {
  return { enterpriseId, tierCode, level, year: Y, revoked: false, ...overrides };
}

function progress(partial: Partial<ProgressInput>) {
  return countProgress({ year: Y, targets: [], awards: [], applications: [], coverage: NO_COVERAGE, ...partial });
}

function tierOf(result: ReturnType<typeof countProgress>, code: TierCode): TierProgress {
  const t = result.tiers.find((x) => x.tier === code);
  if (!t) throw new Error(`no row for ${code}`);
  return t;
}

describe("countProgress", () => {
  it("returns one row per tier in catalogue order, target 0 when unset", () => {
    const r = progress({ targets: [{ tierCode: "listed", targetCount: 1 }] });
    expect(r.year).toBe(Y);
    expect(r.tiers.map((t) => t.tier)).toEqual(["specialized-new", "scaled-up", "green-factory", "listed", "demonstration-factory", "quality-factory", "clean-beauty-factory"]);
    expect(tierOf(r, "listed")).toMatchObject({ target: 1, achieved: 0, gap: 1, percent: 0 });
    expect(tierOf(r, "green-factory")).toMatchObject({ target: 0, achieved: 0, gap: 0, percent: null });
  });

  it("does not count a municipal 专精特新 but counts provincial and national", () => {
    const r = progress({
      targets: [{ tierCode: "specialized-new", targetCount: 20 }],
      awards: [award(1, "specialized-new", "municipal"), award(2, "specialized-new", "provincial"), award(3, "specialized-new", "national")],
    });
    expect(tierOf(r, "specialized-new")).toMatchObject({ achieved: 2, gap: 18, percent: 10 });
    expect(tierOf(r, "specialized-new").achievedEnterpriseIds.sort()).toEqual([2, 3]);
  });

  it("counts a municipal green factory", () => {
    const r = progress({
      targets: [{ tierCode: "green-factory", targetCount: 3 }],
      awards: [award(1, "green-factory", "municipal"), award(2, "green-factory", "national")],
    });
    expect(tierOf(r, "green-factory")).toMatchObject({ achieved: 2, gap: 1, percent: 66.7 });
  });

  it("counts district tiers at district level", () => {
    const r = progress({
      awards: [award(1, "clean-beauty-factory", "district"), award(2, "scaled-up", "district")],
    });
    expect(tierOf(r, "clean-beauty-factory").achieved).toBe(1);
    expect(tierOf(r, "scaled-up").achieved).toBe(1);
  });

  it("excludes revoked awards", () => {
    const r = progress({
      awards: [award(1, "quality-factory", "district", { revoked: true }), award(2, "quality-factory", "district")],
    });
    expect(tierOf(r, "quality-factory").achieved).toBe(1);
    expect(tierOf(r, "quality-factory").achievedEnterpriseIds).toEqual([2]);
  });

  it("counts a firm once per tier and year, but separately per tier", () => {
    const r = progress({
      awards: [award(7, "specialized-new", "provincial"), award(7, "specialized-new", "national"), award(7, "green-factory", "provincial"), award(7, "green-factory", "municipal")],
    });
    expect(tierOf(r, "specialized-new").achieved).toBe(1);
    expect(tierOf(r, "green-factory").achieved).toBe(1);
  });

  it("still counts a firm whose revoked award is accompanied by a valid one", () => {
    const r = progress({
      awards: [award(7, "demonstration-factory", "district", { revoked: true }), award(7, "demonstration-factory", "district")],
    });
    expect(tierOf(r, "demonstration-factory").achieved).toBe(1);
  });

  it("excludes awards and applications of other years", () => {
    const r = progress({
      awards: [award(1, "listed", "district", { year: 2022 }), award(2, "listed", "district", { year: 2024 }), award(3, "listed", "district")],
      applications: [
        { tierCode: "listed", year: 2022, status: "submitted", levelSought: "district" },
        { tierCode: "listed", year: 2024, status: "returned", levelSought: "district" },
      ],
    });
    expect(tierOf(r, "listed")).toMatchObject({ achieved: 1, pipeline: 0 });
  });

  it("counts only submitted and returned applications in the pipeline", () => {
    const statuses: ApplicationInput["status"][] = ["draft", "submitted", "submitted", "returned", "approved", "rejected", "withdrawn", "revoked"];
    const r = progress({
      applications: [
        ...statuses.map((status) => ({ tierCode: "scaled-up" as const, year: Y, status, levelSought: "district" as const })),
        { tierCode: "listed", year: Y, status: "submitted", levelSought: "district" },
      ],
    });
    expect(tierOf(r, "scaled-up").pipeline).toBe(3);
    expect(tierOf(r, "listed").pipeline).toBe(1);
  });

  describe("the pipeline counts only applications whose level sought can count", () => {
    const inReview = (tierCode: TierCode, levelSought: Level | null): ApplicationInput => ({ tierCode, year: Y, status: "submitted", levelSought });

    it.each([
      // 专精特新 counts from 省级.
      ["specialized-new", "national", "counts"],
      ["specialized-new", "provincial", "counts"],
      ["specialized-new", "municipal", "cannot-count"],
      ["specialized-new", "district", "cannot-count"],
      // 绿色工厂 counts from 市级.
      ["green-factory", "national", "counts"],
      ["green-factory", "provincial", "counts"],
      ["green-factory", "municipal", "counts"],
      ["green-factory", "district", "cannot-count"],
      // District tiers count at 区级.
      ["scaled-up", "district", "counts"],
      ["clean-beauty-factory", "district", "counts"],
      ["specialized-new", null, "level-undecided"],
      ["green-factory", null, "level-undecided"],
    ] as const)("%s sought at %s: %s", (tier, level, standing) => {
      expect(pipelineStanding(tier, level)).toBe(standing);
      const r = tierOf(progress({ applications: [inReview(tier, level)] }), tier);
      expect(r.pipeline).toBe(standing === "counts" ? 1 : 0);
      expect(r.pipelineLevelUndecided).toBe(standing === "level-undecided" ? 1 : 0);
    });

    it("counts a renewal (复核) nowhere: not in the pipeline, not as 级别未定, its award not as achieved", () => {
      expect(pipelineStanding("specialized-new", "national", true)).toBe("cannot-count");
      expect(pipelineStanding("green-factory", null, true)).toBe("cannot-count");
      const r = tierOf(
        progress({
          applications: [
            { ...inReview("specialized-new", "provincial"), renewal: true },
            { ...inReview("specialized-new", null), renewal: true },
          ],
          awards: [award(1, "specialized-new", "provincial", { renewal: true }), award(2, "specialized-new", "provincial")],
        }),
        "specialized-new",
      );
      expect([r.pipeline, r.pipelineLevelUndecided, r.achieved]).toEqual([0, 0, 1]);
    });

    it("counts a 市级 专精特新 application nowhere, and level-less ones apart as 级别未定", () => {
      const r = tierOf(
        progress({
          applications: [
            inReview("specialized-new", "provincial"),
            inReview("specialized-new", "national"),
            inReview("specialized-new", "municipal"),
            inReview("specialized-new", "municipal"),
            inReview("specialized-new", null),
            { tierCode: "specialized-new", year: Y, status: "returned", levelSought: null },
            { tierCode: "specialized-new", year: Y, status: "draft", levelSought: null },
          ],
        }),
        "specialized-new",
      );
      expect(r).toMatchObject({ pipeline: 2, pipelineLevelUndecided: 2 });
    });
  });

  it("floors the gap at 0 and lets percent exceed 100", () => {
    const r = progress({
      targets: [{ tierCode: "listed", targetCount: 1 }],
      awards: [award(1, "listed", "district"), award(2, "listed", "district")],
    });
    expect(tierOf(r, "listed")).toMatchObject({ target: 1, achieved: 2, gap: 0, percent: 200 });
  });

  it("gives percent null for a target of 0", () => {
    const r = progress({
      targets: [{ tierCode: "listed", targetCount: 0 }],
      awards: [award(1, "listed", "district")],
    });
    expect(tierOf(r, "listed")).toMatchObject({ target: 0, achieved: 1, gap: 0, percent: null });
  });

  it("passes precomputed coverage through", () => {
    const r = progress({ coverage: { aboveScaleManufacturers: 8, covered: 6 } });
    expect(r.cleanBeautyCoverage).toEqual({ covered: 6, total: 8, percent: 75 });
    expect(progress({}).cleanBeautyCoverage).toEqual({ covered: 0, total: 0, percent: null });
  });

  it("computes coverage from rows when given them", () => {
    const r = progress({
      coverage: {
        enterprises: [
          { id: 1, aboveScale: true, manufacturing: true, archived: false },
          { id: 2, aboveScale: true, manufacturing: true, archived: false },
        ],
        awards: [{ enterpriseId: 1, tierCode: "clean-beauty-factory", revoked: false }],
      },
    });
    expect(r.cleanBeautyCoverage).toEqual({ covered: 1, total: 2, percent: 50 });
  });
});

describe("coverage", () => {
  const firms = [
    { id: 1, aboveScale: true, manufacturing: true, archived: false }, // holds one, 2021
    { id: 2, aboveScale: true, manufacturing: true, archived: false }, // revoked only
    { id: 3, aboveScale: true, manufacturing: true, archived: false }, // other tier only
    { id: 4, aboveScale: true, manufacturing: true, archived: true }, // archived: out
    { id: 5, aboveScale: false, manufacturing: true, archived: false }, // below scale: out
    { id: 6, aboveScale: true, manufacturing: false, archived: false }, // not manufacturing: out
    { id: 7, aboveScale: true, manufacturing: true, archived: false }, // two awards
  ];
  const awards = [
    { enterpriseId: 1, tierCode: "clean-beauty-factory" as const, revoked: false },
    { enterpriseId: 2, tierCode: "clean-beauty-factory" as const, revoked: true },
    { enterpriseId: 3, tierCode: "quality-factory" as const, revoked: false },
    { enterpriseId: 4, tierCode: "clean-beauty-factory" as const, revoked: false },
    { enterpriseId: 5, tierCode: "clean-beauty-factory" as const, revoked: false },
    { enterpriseId: 6, tierCode: "clean-beauty-factory" as const, revoked: false },
    { enterpriseId: 7, tierCode: "clean-beauty-factory" as const, revoked: false },
    { enterpriseId: 7, tierCode: "clean-beauty-factory" as const, revoked: false },
  ];

  it("counts non-archived above-scale manufacturers holding a non-revoked award", () => {
    expect(coverage(firms, awards)).toEqual({ covered: 2, total: 4, percent: 50 });
  });

  it("gives percent null for an empty denominator", () => {
    expect(coverage([], awards)).toEqual({ covered: 0, total: 0, percent: null });
    expect(
      coverage(
        firms.filter((f) => f.archived),
        awards,
      ),
    ).toEqual({ covered: 0, total: 0, percent: null });
  });
});

describe("Asia/Shanghai calendar", () => {
  it("puts 2023-12-31T16:30:00Z in 2024", () => {
    expect(shanghaiYear("2023-12-31T16:30:00Z")).toBe(2024);
    expect(shanghaiYear(new Date("2023-12-31T16:30:00Z"))).toBe(2024);
    expect(shanghaiDate("2023-12-31T16:30:00Z")).toBe("2024-01-01");
    expect(shanghaiMonth("2023-12-31T16:30:00Z")).toBe(1);
  });

  it("keeps 2023-12-31T15:59:59Z in 2023", () => {
    expect(shanghaiYear("2023-12-31T15:59:59.999Z")).toBe(2023);
    expect(shanghaiDate("2023-12-31T15:59:59Z")).toBe("2023-12-31");
    expect(shanghaiYear("2023-12-31T16:00:00Z")).toBe(2024);
  });

  it("throws on an invalid date", () => {
    expect(() => shanghaiYear("not a date")).toThrow(RangeError);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("paceNeeded", () => {
  it("divides the gap by the remaining months, counting the current one", () => {
    expect(paceNeeded(12, "2023-01-15T00:00:00Z", 2023)).toBe(1);
    expect(paceNeeded(6, "2023-10-01T00:00:00Z", 2023)).toBe(2);
    expect(paceNeeded(3, "2023-12-20T00:00:00Z", 2023)).toBe(3);
  });

  it("uses Shanghai months at the boundary", () => {
    // 2023-09-30T16:30Z is already October in Shanghai: 3 months left.
    expect(paceNeeded(6, "2023-09-30T16:30:00Z", 2023)).toBe(2);
    // New Year's morning in Shanghai: 2023 is over.
    expect(paceNeeded(6, "2023-12-31T16:30:00Z", 2023)).toBeNull();
  });

  it("spreads a future year over 12 months", () => {
    expect(paceNeeded(24, "2023-06-01T00:00:00Z", 2024)).toBe(2);
  });

  it("is 0 without a gap and null for a past year", () => {
    expect(paceNeeded(0, "2023-06-01T00:00:00Z", 2023)).toBe(0);
    expect(paceNeeded(0, "2025-06-01T00:00:00Z", 2023)).toBe(0);
    expect(paceNeeded(5, "2025-06-01T00:00:00Z", 2023)).toBeNull();
  });
});
