/**
 * Towns, industries, tiers and levels named in Chinese as offices write them, matched to codes.
 */
import { LEVELS, LEVEL_NAMES, TIERS, type Level, type TierCode } from "../tiers";

export interface NamedCode {
  code: string;
  nameZh: string;
  nameEn: string;
}

/** Folds 干览 to the official 干𬒗, drops the district prefix and spaces. */
function placeCore(text: string): string {
  return text
    .replace(/\s/g, "")
    .replace(/^(?:浙江省)?(?:舟山市)?(?:定海区)?/, "")
    .replace(/览/g, "𬒗");
}

function stripSuffix(text: string): string {
  return text.replace(/(?:街道办事处|街道|镇人民政府|镇)$/, "");
}

/** A town by its Chinese name (with or without 镇/街道, 干览 or 干𬒗), English name or code. */
export function matchTown(text: string, towns: readonly NamedCode[]): string | null {
  const core = placeCore(text);
  if (core === "") return null;
  const lower = text.trim().toLowerCase();
  for (const t of towns) {
    if (t.code === lower || t.nameEn.toLowerCase() === lower) return t.code;
    const name = placeCore(t.nameZh);
    if (name === core || stripSuffix(name) === stripSuffix(core)) return t.code;
  }
  return null;
}

/** Words offices use for the "143" clusters, beyond the catalogue names. */
const INDUSTRY_WORDS: Record<string, readonly string[]> = {
  "petrochem-new-materials": ["石化", "新材料", "石油化工", "化工"],
  "shipbuilding-offshore": ["船舶", "海工", "船舶修造", "海洋工程"],
  machinery: ["机械", "塑机", "螺杆", "塑机螺杆", "汽配", "汽车零部件"],
  "grain-oil": ["粮油", "粮食"],
  "aquatic-processing": ["水产", "水产品加工", "预制菜", "远洋渔业"],
  "high-end-equipment": ["高端装备", "装备制造"],
  "marine-electronics": ["海洋电子", "电子信息"],
  "marine-biomedicine": ["生物医药", "海洋生物"],
  "other-manufacturing": ["其他", "其它", "其他制造"],
};

export function matchIndustry(text: string, industries: readonly NamedCode[]): string | null {
  const core = text.replace(/\s/g, "");
  if (core === "") return null;
  const lower = core.toLowerCase();
  for (const i of industries) {
    if (i.code === lower || i.nameZh === core || i.nameEn.toLowerCase() === text.trim().toLowerCase()) return i.code;
  }
  for (const i of industries) {
    if ((INDUSTRY_WORDS[i.code] ?? []).includes(core)) return i.code;
  }
  return null;
}

/** 国家级 / 省级 / 市级 / 区级, also 国家 / 省 / 市 / 区(县) and the English codes. */
export function matchLevel(text: string): Level | null {
  const core = text.replace(/\s/g, "").toLowerCase();
  if (core === "") return null;
  for (const level of LEVELS) {
    const zh = LEVEL_NAMES[level].zh;
    if (core === level || core === zh || core === zh.replace(/级$/, "") || core === LEVEL_NAMES[level].en.toLowerCase()) return level;
  }
  if (core === "县级" || core === "区县级") return "district";
  return null;
}

/**
 * A tier by the words of a recognition list. "小巨人" also fixes the level (national); the
 * caller applies it when the row names no level.
 */
export function matchTier(text: string): { tier: TierCode; level?: Level } | null {
  const core = text.replace(/[\s"“”'‘’]/g, "");
  if (core === "") return null;
  for (const t of TIERS) if (core === t.nameZh || core === t.code || core === t.nameEn) return { tier: t.code };
  if (/小巨人/.test(core)) return { tier: "specialized-new", level: "national" };
  if (/专精特新/.test(core)) return { tier: "specialized-new" };
  if (/绿色(?:低碳)?工厂/.test(core)) return { tier: "green-factory" };
  if (/升规|小升规|规上入库/.test(core)) return { tier: "scaled-up" };
  if (/上市|挂牌/.test(core)) return { tier: "listed" };
  if (/示范工厂/.test(core)) return { tier: "demonstration-factory" };
  if (/品质工厂/.test(core)) return { tier: "quality-factory" };
  if (/洁美工厂/.test(core)) return { tier: "clean-beauty-factory" };
  return null;
}

/** Firm names compared across lists: no spaces, half-width brackets. */
export function firmNameKey(name: string): string {
  return name.replace(/\s/g, "").replace(/（/g, "(").replace(/）/g, ")");
}
