/**
 * Reference data: the towns and industries of 定海区, the seven tiers and the yearly targets.
 * Loaded on every start; idempotent (existing rows are left alone, so targets the bureau has
 * edited are never overwritten).
 */
import type { Insertable, Kysely } from "kysely";
import type { DB, IndustriesTable, TargetsTable, TierChecklistItemsTable, TierEvidenceKindsTable, TownsTable } from "../db/schema";
import { ATTACHMENT_KINDS, DEFAULT_REQUIRED_EVIDENCE } from "../app/domain/attachments";
import { TIERS, TIER_CODES, type TierCode } from "../app/domain/tiers";
import { seedCalendar } from "./calendar";
import { defaultTierValidity } from "../app/domain/validity";

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
/** Demo values (a later district report mentions 示范 5 / 品质 10 / 洁美 15; unconfirmed). */
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

/**
 * Default checklists of the district factory tiers (no public criteria exist): a starting point
 * the bureau edits at /admin/checklists. Written once; edits and archives are never overwritten.
 */
export const DEFAULT_CHECKLISTS: Readonly<
  Record<"demonstration-factory" | "quality-factory" | "clean-beauty-factory", readonly [code: string, zh: string, en: string, required: boolean][]>
> = {
  "clean-beauty-factory": [
    ["site-tidy", "厂区环境整洁，道路硬化、绿化到位", "Tidy site, with paved roads and greenery", true],
    ["fixed-position", "车间物品定置管理，标识清晰", "Workshop items kept in fixed, clearly marked places", true],
    ["safety-standard", "安全生产标准化达标", "Work-safety standardisation attained", true],
    ["no-violations", "近三年无重大安全、环保事故和违法违规记录", "No major safety or environmental accident or violation in the last 3 years", true],
    ["rain-sewage", "雨污分流，污染物规范收集处置", "Storm water and sewage separated; pollutants collected and disposed of properly", true],
    ["appearance", "厂容厂貌统一整洁，无违章搭建", "Uniform, clean appearance with no unauthorised structures", false],
  ],
  "quality-factory": [
    ["quality-system", "通过 ISO 9001 质量管理体系认证", "ISO 9001 quality management certificate", true],
    ["standardised-production", "推行标准化生产，主导或参与制定标准", "Standardised production; leads or takes part in setting standards", true],
    ["brand-building", "品牌建设：拥有自主品牌或注册商标", "Brand building: an own brand or registered trademark", true],
    ["testing-capability", "具备质量检测能力（实验室或检测设备）", "Quality testing capability (laboratory or equipment)", true],
    ["chief-quality-officer", "建立首席质量官制度", "A chief quality officer system", false],
    ["lean-production", "推行精益生产或开展质量对标提升", "Lean production or quality benchmarking", false],
  ],
  "demonstration-factory": [
    ["smart-manufacturing", "完成智能化改造或建成数字化车间", "Smart-manufacturing upgrade done, or a digital workshop built", true],
    ["green-low-carbon", "绿色低碳：单位能耗持续下降或已获评绿色工厂", "Green and low-carbon: falling energy intensity, or a green-factory award", true],
    ["per-mu-benefit", "亩均效益综合评价领先（A 类）", "Leading per-mu benefit evaluation (class A)", true],
    ["rd-investment", "研发投入占营业收入比重不低于 3%", "R&D expense at least 3% of revenue", true],
    ["own-brand", "拥有自主品牌，品牌影响力突出", "An own brand with a strong reputation", false],
    ["clean-beauty-base", "已获评洁美工厂", "Already recognised as a clean & beautiful factory", false],
  ],
};

/** Rows of DEFAULT_CHECKLISTS, with a fixed timestamp so the seed stays deterministic. */
export function checklistRows(): Insertable<TierChecklistItemsTable>[] {
  return Object.entries(DEFAULT_CHECKLISTS).flatMap(([tier_code, items]) =>
    items.map(([code, label_zh, label_en, required], i) => ({
      tier_code,
      code,
      label_zh,
      label_en,
      required: required ? 1 : 0,
      sort: i + 1,
      archived_at: null,
      created_at: "2023-03-01T02:00:00.000Z",
      updated_at: "2023-03-01T02:00:00.000Z",
      updated_by: null,
    })),
  );
}

/**
 * One row per tier and evidence kind, required as DEFAULT_REQUIRED_EVIDENCE says. Written once:
 * the bureau's later choices (required or not) are never overwritten.
 */
export function evidenceRows(): Insertable<TierEvidenceKindsTable>[] {
  return TIERS.flatMap((tier) =>
    ATTACHMENT_KINDS.map((kind) => ({
      tier_code: tier.code,
      kind,
      required: (DEFAULT_REQUIRED_EVIDENCE[tier.code] ?? []).includes(kind) ? 1 : 0,
      updated_at: "2023-03-01T02:00:00.000Z",
      updated_by: null,
    })),
  );
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
    await trx
      .insertInto("tier_checklist_items")
      .values(checklistRows())
      .onConflict((oc) => oc.columns(["tier_code", "code"]).doNothing())
      .execute();
    await seedCalendar(trx);
    await trx
      .insertInto("tier_evidence_kinds")
      .values(evidenceRows())
      .onConflict((oc) => oc.columns(["tier_code", "kind"]).doNothing())
      .execute();
    await trx
      .insertInto("tier_validity")
      .values(
        defaultTierValidity().map((v) => ({
          tier_code: v.tierCode,
          validity_months: v.validityMonths,
          renew_before_days: v.renewBeforeDays,
          renew_after_days: v.renewAfterDays,
          updated_by: null,
          updated_at: "2023-03-01T02:00:00.000Z",
        })),
      )
      .onConflict((oc) => oc.column("tier_code").doNothing())
      .execute();
  });
}
