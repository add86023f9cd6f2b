/**
 * The tier catalogue (梯度培育类别) and recognition levels.
 *
 * Tiers are data: adding one (e.g. 高新技术企业, another target of the district plan) means one more code in
 * TIER_CODES and one more entry in TIERS, nothing else.
 */

/** Recognition levels, highest first. */
export const LEVELS = ["national", "provincial", "municipal", "district"] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_NAMES: Record<Level, { zh: string; en: string }> = {
  national: { zh: "国家级", en: "National" },
  provincial: { zh: "省级", en: "Provincial" },
  municipal: { zh: "市级", en: "Municipal" },
  district: { zh: "区级", en: "District" },
};

export function isLevel(x: unknown): x is Level {
  return typeof x === "string" && (LEVELS as readonly string[]).includes(x);
}

/** national = 4, provincial = 3, municipal = 2, district = 1. */
export function levelRank(level: Level): number {
  return LEVELS.length - LEVELS.indexOf(level);
}

/** True when `level` is `min` or higher. */
export function levelAtLeast(level: Level, min: Level): boolean {
  return levelRank(level) >= levelRank(min);
}

export const TIER_CODES = ["specialized-new", "scaled-up", "green-factory", "listed", "demonstration-factory", "quality-factory", "clean-beauty-factory"] as const;
export type TierCode = (typeof TIER_CODES)[number];

export interface Tier {
  code: TierCode;
  nameZh: string;
  nameEn: string;
  /** Lowest level whose recognitions count toward the yearly target. */
  countingLevel: Level;
  /** Levels at which the tier can be awarded, highest first. */
  levels: readonly Level[];
  sort: number;
  /** Years a recognition stays valid before re-review (复核); null when it does not lapse. */
  validityYears: number | null;
  countingRuleZh: string;
  countingRuleEn: string;
}

export const TIERS: readonly Tier[] = [
  {
    code: "specialized-new",
    nameZh: "专精特新中小企业",
    nameEn: "Specialized & innovative SME",
    countingLevel: "provincial",
    levels: ["national", "provincial", "municipal"],
    sort: 1,
    validityYears: 3,
    countingRuleZh: "省级及以上新认定",
    countingRuleEn: "New recognitions at provincial level or above",
  },
  {
    code: "scaled-up",
    nameZh: "升规企业",
    nameEn: "Scaled-up (newly above-scale)",
    countingLevel: "district",
    levels: ["district"],
    sort: 2,
    validityYears: null,
    countingRuleZh: "当年新入库规上",
    countingRuleEn: "Newly entered the above-scale statistics in the year",
  },
  {
    code: "green-factory",
    nameZh: "绿色工厂",
    nameEn: "Green factory",
    countingLevel: "municipal",
    levels: ["national", "provincial", "municipal"],
    sort: 3,
    validityYears: 3,
    countingRuleZh: "市级及以上新认定",
    countingRuleEn: "New recognitions at municipal level or above",
  },
  {
    code: "listed",
    nameZh: "上市(挂牌)企业",
    nameEn: "Listed / quoted",
    countingLevel: "district",
    levels: ["district"],
    sort: 4,
    validityYears: null,
    countingRuleZh: "当年新上市(挂牌)",
    countingRuleEn: "New listings or quotations in the year",
  },
  {
    code: "demonstration-factory",
    nameZh: "示范工厂",
    nameEn: "Demonstration factory",
    countingLevel: "district",
    levels: ["district"],
    sort: 5,
    validityYears: null,
    countingRuleZh: "当年区级认定",
    countingRuleEn: "District recognitions in the year",
  },
  {
    code: "quality-factory",
    nameZh: "品质工厂",
    nameEn: "Quality factory",
    countingLevel: "district",
    levels: ["district"],
    sort: 6,
    validityYears: null,
    countingRuleZh: "当年区级认定",
    countingRuleEn: "District recognitions in the year",
  },
  {
    code: "clean-beauty-factory",
    nameZh: "洁美工厂",
    nameEn: "Clean & beautiful factory",
    countingLevel: "district",
    levels: ["district"],
    sort: 7,
    validityYears: null,
    countingRuleZh: "当年区级认定",
    countingRuleEn: "District recognitions in the year",
  },
];

const TIER_BY_CODE: ReadonlyMap<string, Tier> = new Map(TIERS.map((t) => [t.code, t]));

export function isTierCode(x: unknown): x is TierCode {
  return typeof x === "string" && TIER_BY_CODE.has(x);
}

/** The catalogue entry for a code; throws on an unknown code (a programming error). */
export function getTier(code: TierCode): Tier {
  const tier = TIER_BY_CODE.get(code);
  if (!tier) throw new RangeError(`Unknown tier code: ${String(code)}`);
  return tier;
}

/** True when a recognition at `level` counts toward the tier's target. */
export function countsTowardTarget(code: TierCode, level: Level): boolean {
  return levelAtLeast(level, getTier(code).countingLevel);
}
