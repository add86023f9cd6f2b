/**
 * Reference data (DOMAIN.md §1, §4, §5): towns, industries, tiers and yearly targets.
 * Loaded on every start; idempotent (existing rows are left alone, so targets the bureau has
 * edited are never overwritten).
 */
import type { Insertable, Kysely } from "kysely";
import type { DB, IndustriesTable, TargetsTable, TownsTable } from "../db/schema";
import { TIERS, TIER_CODES, type TierCode } from "../app/domain/tiers";

/** The 10 sub-districts (街道) and 3 towns (镇) of 定海区; 临城 and 千岛 are run by 新城管委会. */
export const TOWNS: readonly TownsTable[] = [
  { code: "changguo", name_zh: "昌国街道", name_en: "Changguo Subdistrict", kind: "street", managed_by: "district", sort: 1 },
  { code: "huannan", name_zh: "环南街道", name_en: "Huannan Subdistrict", kind: "street", managed_by: "district", sort: 2 },
  { code: "chengdong", name_zh: "城东街道", name_en: "Chengdong Subdistrict", kind: "street", managed_by: "district", sort: 3 },
  { code: "yancang", name_zh: "盐仓街道", name_en: "Yancang Subdistrict", kind: "street", managed_by: "district", sort: 4 },
  { code: "lincheng", name_zh: "临城街道", name_en: "Lincheng Subdistrict", kind: "street", managed_by: "xincheng", sort: 5 },
  { code: "qiandao", name_zh: "千岛街道", name_en: "Qiandao Subdistrict", kind: "street", managed_by: "xincheng", sort: 6 },
  { code: "cengang", name_zh: "岑港街道", name_en: "Cengang Subdistrict", kind: "street", managed_by: "district", sort: 7 },
  { code: "maao", name_zh: "马岙街道", name_en: "Ma'ao Subdistrict", kind: "street", managed_by: "district", sort: 8 },
  { code: "shuangqiao", name_zh: "双桥街道", name_en: "Shuangqiao Subdistrict", kind: "street", managed_by: "district", sort: 9 },
  { code: "xiaosha", name_zh: "小沙街道", name_en: "Xiaosha Subdistrict", kind: "street", managed_by: "district", sort: 10 },
  { code: "jintang", name_zh: "金塘镇", name_en: "Jintang Town", kind: "town", managed_by: "district", sort: 11 },
  { code: "baiquan", name_zh: "白泉镇", name_en: "Baiquan Town", kind: "town", managed_by: "district", sort: 12 },
  // Official character is 𬒗 (U+2C497); 干览镇 is the common substitute where fonts lack it.
  { code: "ganlan", name_zh: "干𬒗镇", name_en: "Ganlan Town", kind: "town", managed_by: "district", sort: 13 },
];

/** The "143" marine manufacturing clusters plus 其他制造业. */
export const INDUSTRIES: readonly IndustriesTable[] = [
  { code: "petrochem-new-materials", name_zh: "石化和新材料", name_en: "Petrochemicals & new materials", role: "core", manufacturing: 1, sort: 1 },
  { code: "shipbuilding-offshore", name_zh: "船舶海工", name_en: "Shipbuilding & offshore engineering", role: "leading", manufacturing: 1, sort: 2 },
  { code: "machinery", name_zh: "机械制造", name_en: "Machinery (plastic-machinery screws, auto parts)", role: "leading", manufacturing: 1, sort: 3 },
  { code: "grain-oil", name_zh: "粮油加工", name_en: "Grain & oil processing", role: "leading", manufacturing: 1, sort: 4 },
  { code: "aquatic-processing", name_zh: "水产加工", name_en: "Aquatic products processing", role: "leading", manufacturing: 1, sort: 5 },
  { code: "high-end-equipment", name_zh: "高端装备制造", name_en: "High-end equipment", role: "emerging", manufacturing: 1, sort: 6 },
  { code: "marine-electronics", name_zh: "海洋电子信息", name_en: "Marine electronic information", role: "emerging", manufacturing: 1, sort: 7 },
  { code: "marine-biomedicine", name_zh: "海洋生物医药", name_en: "Marine biomedicine", role: "emerging", manufacturing: 1, sort: 8 },
  { code: "other-manufacturing", name_zh: "其他制造业", name_en: "Other manufacturing", role: "other", manufacturing: 1, sort: 9 },
];

/** Industrial platforms named in the seed document (an attribute of a firm, not a place code). */
export const PLATFORMS: readonly string[] = [
  "定海工业园区",
  "定海海洋科学城",
  "金塘新材料产业园",
  "舟山粮食产业园",
  "盐仓双桥高端装备制造基地",
  "小沙船舶海工基地",
  "干览远洋渔业小镇",
  "万马海洋装备制造园",
  "金塘塑机螺杆小微园",
];

/** Targets in TIER_CODES order: 专精特新, 升规, 绿色工厂, 上市, 示范, 品质, 洁美. */
export const TARGETS_2023: readonly number[] = [20, 12, 3, 1, 10, 10, 20];
/** Demo values (DOMAIN.md §1: a later report mentions 示范 5 / 品质 10 / 洁美 15). */
export const TARGETS_2024: readonly number[] = [20, 12, 3, 1, 5, 10, 15];
/** Demo values, editable by the bureau. */
export const TARGETS_2025: readonly number[] = [20, 12, 3, 1, 5, 10, 15];
/** Demo values for the current year, same as 2025. */
export const TARGETS_2026: readonly number[] = [20, 12, 3, 1, 5, 10, 15];

export const TARGETS_BY_YEAR: Readonly<Record<number, readonly number[]>> = {
  2023: TARGETS_2023,
  2024: TARGETS_2024,
  2025: TARGETS_2025,
  2026: TARGETS_2026,
};

/** When each year's seeded targets were "set" (fixed, so the seed is deterministic). */
export function targetsUpdatedAt(year: number): string {
  return `${year}-02-15T02:00:00.000Z`;
}

/** The seeded target of a tier in a year, or undefined when none is seeded. */
export function seededTarget(year: number, tier: TierCode): number | undefined {
  return TARGETS_BY_YEAR[year]?.[TIER_CODES.indexOf(tier)];
}

export function targetRows(): Insertable<TargetsTable>[] {
  const rows: Insertable<TargetsTable>[] = [];
  for (const [year, counts] of Object.entries(TARGETS_BY_YEAR)) {
    TIER_CODES.forEach((tier_code, i) => {
      rows.push({
        year: Number(year),
        tier_code,
        target_count: counts[i]!,
        updated_by: null,
        updated_at: targetsUpdatedAt(Number(year)),
      });
    });
  }
  return rows;
}

/** Inserts towns, industries, tiers and targets; rows that already exist are left unchanged. */
export async function seedReference(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("towns")
      .values(TOWNS.map((t) => ({ ...t })))
      .onConflict((oc) => oc.column("code").doNothing())
      .execute();
    await trx
      .insertInto("industries")
      .values(INDUSTRIES.map((i) => ({ ...i })))
      .onConflict((oc) => oc.column("code").doNothing())
      .execute();
    await trx
      .insertInto("tiers")
      .values(
        TIERS.map((t) => ({
          code: t.code,
          name_zh: t.nameZh,
          name_en: t.nameEn,
          counting_level: t.countingLevel,
          sort: t.sort,
        })),
      )
      .onConflict((oc) => oc.column("code").doNothing())
      .execute();
    await trx
      .insertInto("targets")
      .values(targetRows())
      .onConflict((oc) => oc.columns(["year", "tier_code"]).doNothing())
      .execute();
  });
}
