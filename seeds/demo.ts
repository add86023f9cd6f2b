/**
 * Deterministic demo data: ~300 firms of 定海区, their awards 2022–2026, applications in every
 * status with a consistent event history, and the demo accounts the README lists.
 *
 * Deterministic means identical rows on every machine: one seeded PRNG (seeds/random.ts), fixed
 * timestamps (never the clock), explicit ids. Only password hashes differ (argon2 salts).
 *
 * The whole data set is planned in memory first (firms → awards and applications year by year,
 * respecting the domain rules), then written in one transaction with batched inserts.
 */
import { syncIdSequences } from "../db/dialect/sql";
import type { Insertable, Kysely } from "kysely";
import type {
  ApplicationEventsTable,
  ApplicationsTable,
  AwardsTable,
  DB,
  EnterprisesTable,
  UsersTable,
} from "../db/schema";
import { hash as argon2Hash } from "@node-rs/argon2";
import { LEVEL_NAMES, TIER_CODES, getTier, levelRank, type Level, type TierCode } from "../app/domain/tiers";
import { generateUscc } from "../app/domain/uscc";
import { nextStatus, type Action, type ReasonCode, type Status, type TownOpinion } from "../app/domain/state-machine";
import { DEFAULT_CHECKLISTS, INDUSTRIES, TOWNS, seedReference } from "./reference";
import { seedDemoNotifications } from "./demo-notifications";
import { seedDemoPool } from "./demo-pool";
import { seedDemoLifecycle } from "./demo-lifecycle";
import { demoEvidence } from "./evidence";
import { seedDemoFigures } from "./demo-figures";
import { chance, deriveSeed, int, mulberry32, pick, roundTo, shuffle, weightedPick, type Rng } from "./random";

// ───────────────────────────── public constants ─────────────────────────────

export const DEMO_SEED = 0x0d1a2023;
export const DEMO_PASSWORD = "demo-password";

/** Credit codes of the two firms behind the `ent-jintang` and `ent-yancang` accounts. */
export const DEMO_ENTERPRISE_USCC = {
  jintang: "91330902MA2A0JT58C",
  yancang: "91330902MA2A1YC376",
} as const;

export const DEMO_ENTERPRISE_NAMES = {
  jintang: "舟山金塘塑机螺杆科技有限公司",
  yancang: "浙江盐仓海洋装备有限公司",
} as const;

/** "Today" of the demo data: nothing is dated after this instant (2026-11-27 17:00 CST). */
export const DEMO_NOW = "2026-11-27T09:00:00.000Z";

export interface SeedDemoOptions {
  /** Password hasher for the demo accounts; default argon2id with @node-rs/argon2 defaults. */
  passwordHash?: (password: string) => Promise<string>;
  /** Where the demo's evidence PDFs are written; without it only their rows are (tests). */
  uploadsDir?: string;
}

// ───────────────────────────── time helpers ─────────────────────────────

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;
const NOW_CAP = Date.parse(DEMO_NOW);

/** Midnight Asia/Shanghai of a calendar date, as UTC milliseconds. */
function cstMidnight(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) - CST;
}
/** Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
function cstDate(ms: number): string {
  return new Date(ms + CST).toISOString().slice(0, 10);
}
function iso(ms: number): string {
  return new Date(ms).toISOString();
}
/** Maps an instant into office hours (08:30–17:30 CST) of the same day, keeping order within the day. */
function officeTime(ms: number): number {
  const dayStart = Math.floor((ms + CST) / DAY) * DAY - CST;
  const frac = (ms - dayStart) / DAY;
  return dayStart + 8.5 * HOUR + Math.round(frac * 9 * 60) * MINUTE;
}
function randomTime(rng: Rng, from: number, to: number): number {
  const t = officeTime(from + rng() * Math.max(0, to - from));
  return Math.min(t, NOW_CAP);
}
function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const md = date.slice(5) === "02-29" ? "02-28" : date.slice(5);
  return `${y}-${md}`;
}

// ───────────────────────────── name and profile pools ─────────────────────────────

const TOWN_NAME = new Map(TOWNS.map((t) => [t.code, t.name_zh]));
const INDUSTRY_CODES = INDUSTRIES.map((i) => i.code);

/** Generated firms per town (the 12 named firms come on top: 300 in all). */
const TOWN_COUNTS: Record<string, number> = {
  jintang: 49,
  yancang: 42,
  lincheng: 34,
  shuangqiao: 26,
  cengang: 22,
  xiaosha: 20,
  ganlan: 20,
  baiquan: 18,
  qiandao: 15,
  maao: 14,
  chengdong: 11,
  huannan: 9,
  changguo: 8,
};

/** Industry weights per town, in INDUSTRIES order. */
const URBAN = [0.3, 1, 1, 1, 1.5, 1, 3, 2, 4];
const TOWN_INDUSTRY: Record<string, number[]> = {
  jintang: [5, 2, 7, 0.5, 1, 2, 0.5, 0.5, 1.5],
  yancang: [1, 3, 3, 1.5, 1, 5, 1.5, 0.5, 2],
  lincheng: [0.5, 0.5, 1, 0.5, 1, 2, 5, 4, 2],
  qiandao: [0.5, 0.5, 0.5, 1, 1.5, 1.5, 4, 3, 2],
  shuangqiao: [1.5, 2, 4, 1, 1, 5, 1, 0.5, 2],
  xiaosha: [0.5, 7, 2, 0.5, 1, 2, 0.5, 0.2, 1],
  ganlan: [0.3, 1.5, 0.5, 1, 7, 0.5, 0.5, 1.5, 1],
  cengang: [2, 4, 1.5, 4, 1.5, 2, 0.5, 0.5, 1],
  baiquan: [1, 1, 3, 1, 2, 2, 1, 1, 3],
  maao: [0.5, 1, 1.5, 2, 3, 1, 0.5, 1, 3],
  chengdong: URBAN,
  huannan: URBAN,
  changguo: URBAN,
};

/** Platform of a firm by town and industry ("*" = any industry), with the chance of belonging. */
const PLATFORM_RULES: { towns: string[]; industries: string[] | "*"; platform: string; p: number }[] = [
  { towns: ["jintang"], industries: ["petrochem-new-materials"], platform: "金塘新材料产业园", p: 0.8 },
  { towns: ["jintang"], industries: ["machinery"], platform: "金塘塑机螺杆小微园", p: 0.75 },
  { towns: ["yancang", "shuangqiao"], industries: ["high-end-equipment", "machinery"], platform: "盐仓双桥高端装备制造基地", p: 0.7 },
  { towns: ["lincheng", "qiandao"], industries: ["marine-electronics", "marine-biomedicine", "high-end-equipment"], platform: "定海海洋科学城", p: 0.7 },
  { towns: ["cengang", "yancang"], industries: ["grain-oil"], platform: "舟山粮食产业园", p: 0.75 },
  { towns: ["xiaosha"], industries: ["shipbuilding-offshore"], platform: "小沙船舶海工基地", p: 0.8 },
  { towns: ["ganlan"], industries: ["aquatic-processing"], platform: "干览远洋渔业小镇", p: 0.8 },
  { towns: ["baiquan"], industries: ["high-end-equipment", "shipbuilding-offshore", "machinery"], platform: "万马海洋装备制造园", p: 0.6 },
  { towns: ["shuangqiao", "cengang"], industries: "*", platform: "定海工业园区", p: 0.5 },
];

const ROADS: Record<string, string[]> = {
  changguo: ["昌国路", "人民北路", "解放西路"],
  huannan: ["环城南路", "南珍路", "东港路"],
  chengdong: ["东海西路", "文化路", "城东路"],
  yancang: ["盐仓路", "海天大道", "西山路", "虹桥路"],
  lincheng: ["体育路", "翁山路", "新城大道", "海景道"],
  qiandao: ["千岛路", "海宇道", "定沈路"],
  cengang: ["岑港大道", "老塘山路", "烟墩路"],
  maao: ["马岙路", "三江路", "北海路"],
  shuangqiao: ["双桥路", "紫微路", "临港路", "工业园路"],
  xiaosha: ["小沙大道", "庙桥路", "光华路"],
  jintang: ["沥港路", "大浦路", "金塘大道", "柳行路", "西堠路"],
  baiquan: ["白泉路", "万马路", "金山路"],
  ganlan: ["干览路", "西码头路", "远洋路"],
};

const NAME_PREFIX: [string, number][] = [
  ["舟山", 45],
  ["浙江", 25],
  ["舟山市", 10],
  ["舟山市定海区", 8],
  ["定海", 7],
  ["<town>", 5],
];
const TOWN_SHORT: Record<string, string> = {
  changguo: "昌国", huannan: "环南", chengdong: "城东", yancang: "盐仓", lincheng: "临城",
  qiandao: "千岛", cengang: "岑港", maao: "马岙", shuangqiao: "双桥", xiaosha: "小沙",
  jintang: "金塘", baiquan: "白泉", ganlan: "干览",
};
const BRAND_A = Array.from("海金宏恒东永鑫瑞兴新正远博浩嘉舜德诚佳凯隆安明宁润驰航蓝星峰源通和富鸿立广信汇晨展越腾美丰益众欣茂");
const BRAND_B = Array.from("达利升通源丰成华洋航宇辉晟昌弘远鑫泽顺康祥瑞锐创和润旺诚隆业");
const INDUSTRY_WORDS: Record<string, string[]> = {
  "petrochem-new-materials": ["新材料科技", "化工", "石化", "新能源材料", "高分子材料", "精细化工", "复合材料"],
  "shipbuilding-offshore": ["船舶修造", "造船", "海洋工程", "船舶配件", "船舶设备", "海工装备", "船业"],
  machinery: ["塑料机械", "螺杆", "机械制造", "塑机螺杆", "汽车配件", "精密机械", "机械设备", "液压机械"],
  "grain-oil": ["粮油", "粮油食品", "油脂", "饲料", "粮食加工", "米业"],
  "aquatic-processing": ["水产", "水产食品", "海洋食品", "远洋渔业", "冷链食品", "海产品加工", "预制菜食品"],
  "high-end-equipment": ["海洋装备", "智能装备", "重工", "电气设备", "海洋科技", "装备制造", "动力设备"],
  "marine-electronics": ["海洋电子", "电子科技", "通信技术", "导航技术", "智能科技", "海洋信息技术", "光电科技"],
  "marine-biomedicine": ["海洋生物", "生物科技", "生物医药", "药业", "海洋健康科技", "医疗器械"],
  "other-manufacturing": ["包装", "纺织", "服饰", "印务", "家具", "建材", "水族器材", "五金制品", "工艺品", "环保科技"],
};
const MAIN_PRODUCTS: Record<string, string[]> = {
  "petrochem-new-materials": ["高性能聚酯切片", "锂电池正极前驱体材料", "特种工程塑料", "聚烯烃新材料", "精细化工中间体"],
  "shipbuilding-offshore": ["散货船修理与改装", "海洋工程平台模块", "船舶舾装件", "LNG船舶配套设备", "船用管系"],
  machinery: ["注塑机螺杆机筒", "双合金螺杆", "精密液压部件", "汽车零部件", "塑料挤出机组"],
  "grain-oil": ["食用植物油", "大豆精深加工产品", "饲料原料", "玉米深加工健康食品", "大米及米制品"],
  "aquatic-processing": ["远洋金枪鱼制品", "冷冻鱿鱼及制品", "海洋预制菜", "鱼粉鱼油", "即食海产品"],
  "high-end-equipment": ["海洋工程装备", "智能船用甲板机械", "港口起重装备", "海上风电安装装备", "船用推进系统"],
  "marine-electronics": ["船舶导航通信设备", "海洋环境监测传感器", "水下机器人控制系统", "渔船北斗终端", "海洋数据采集设备"],
  "marine-biomedicine": ["鱼胶原蛋白肽", "海洋生物活性物质", "甲壳素衍生物", "海藻功能食品", "海洋医用敷料"],
  "other-manufacturing": ["水族器材", "包装材料", "环保建材", "针织服装", "五金配件"],
};
const SURNAMES = Array.from("王李陈张林徐胡周叶刘俞应虞邬乐孙毛夏朱金郑方吴杨黄贺翁傅蔡沈袁董严余邵钱洪丁姚江");
const GIVEN = [
  "建国", "海军", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
  "明", "超", "秀英", "霞", "平", "刚", "海波", "建华", "国平", "志刚", "晓燕", "丹", "斌", "波",
  "红", "辉", "鹏", "飞", "佳", "琳", "宇", "浩", "婷", "雪", "慧", "亮", "峰", "立新", "永康",
  "海燕", "文杰", "国强", "建平", "晓东", "雅琴", "春燕", "玲", "萍", "振宇", "亚飞", "素芬", "益民",
];

function personName(rng: Rng): string {
  return pick(rng, SURNAMES) + pick(rng, GIVEN);
}
function digits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(int(rng, 0, 9));
  return s;
}
function mobile(rng: Rng): string {
  const head = pick(rng, ["13", "15", "18"]);
  const third = head === "15" ? pick(rng, ["0", "1", "2", "3", "5", "6", "7", "8", "9"]) : String(int(rng, 0, 9));
  return head + third + digits(rng, 8);
}
function phone(rng: Rng): string {
  return chance(rng, 0.8) ? mobile(rng) : `0580-${pick(rng, ["2", "3", "8"])}${digits(rng, 6)}`;
}

// ───────────────────────────── firms ─────────────────────────────

interface Firm {
  id: number;
  uscc: string;
  name: string;
  town: string;
  industry: string;
  platform: string | null;
  above: boolean;
  address: string;
  legalRep: string;
  contactName: string;
  contactPhone: string;
  employees: number;
  revenue: number;
  rd: number | null;
  createdAt: number;
  updatedAt: number;
  archivedAt: number | null;
  /** One of the firms named in the seed document (real names: never rejected or revoked). */
  named: boolean;
  /** "jintang" / "yancang" for the two demo-account firms (fully scripted). */
  demo: "jintang" | "yancang" | null;
}

interface FirmSpec {
  name: string;
  town: string;
  industry: string;
  platform: string | null;
  employees: number;
  revenue: number;
  rd: number;
  uscc?: string;
  demo?: "jintang" | "yancang";
  legalRep?: string;
  contactName?: string;
  contactPhone?: string;
  address?: string;
}

/** The two demo-account firms, then the ten firms named in the seed document (二(五) and 5.). */
const SPECIFIC_FIRMS: FirmSpec[] = [
  {
    name: DEMO_ENTERPRISE_NAMES.jintang, town: "jintang", industry: "machinery", platform: "金塘塑机螺杆小微园",
    employees: 186, revenue: 68_350_000, rd: 2_460_000, uscc: DEMO_ENTERPRISE_USCC.jintang, demo: "jintang",
    legalRep: "邬建国", contactName: "邬晓燕", contactPhone: "13857201368", address: "浙江省舟山市定海区金塘镇沥港路218号",
  },
  {
    name: DEMO_ENTERPRISE_NAMES.yancang, town: "yancang", industry: "high-end-equipment", platform: "盐仓双桥高端装备制造基地",
    employees: 142, revenue: 45_800_000, rd: 1_920_000, uscc: DEMO_ENTERPRISE_USCC.yancang, demo: "yancang",
    legalRep: "应海波", contactName: "虞丽", contactPhone: "0580-2061835", address: "浙江省舟山市定海区盐仓街道海天大道66号",
  },
  { name: "荣盛新材料（舟山）有限公司", town: "jintang", industry: "petrochem-new-materials", platform: "金塘新材料产业园", employees: 1860, revenue: 12_600_000_000, rd: 315_000_000 },
  { name: "浙江华康生物科技有限公司", town: "cengang", industry: "grain-oil", platform: "舟山粮食产业园", employees: 620, revenue: 1_850_000_000, rd: 46_000_000 },
  { name: "舟山中天重工有限公司", town: "shuangqiao", industry: "high-end-equipment", platform: "盐仓双桥高端装备制造基地", employees: 780, revenue: 2_360_000_000, rd: 71_000_000 },
  { name: "浙江聚泰新材料有限公司", town: "jintang", industry: "petrochem-new-materials", platform: "金塘新材料产业园", employees: 350, revenue: 980_000_000, rd: 31_000_000 },
  { name: "国营第7412工厂", town: "huannan", industry: "shipbuilding-offshore", platform: null, employees: 1200, revenue: 1_450_000_000, rd: 38_000_000 },
  { name: "舟山南北海工装备有限公司", town: "xiaosha", industry: "shipbuilding-offshore", platform: "小沙船舶海工基地", employees: 420, revenue: 560_000_000, rd: 17_500_000 },
  { name: "太平洋海洋工程（舟山）有限公司", town: "cengang", industry: "shipbuilding-offshore", platform: "定海工业园区", employees: 1500, revenue: 2_900_000_000, rd: 64_000_000 },
  { name: "大洋世家（浙江）股份公司", town: "ganlan", industry: "aquatic-processing", platform: "干览远洋渔业小镇", employees: 980, revenue: 3_400_000_000, rd: 42_000_000 },
  { name: "森森集团股份有限公司", town: "shuangqiao", industry: "other-manufacturing", platform: "定海工业园区", employees: 1350, revenue: 1_680_000_000, rd: 58_000_000 },
  { name: "浙江华业塑料机械股份有限公司", town: "jintang", industry: "machinery", platform: "金塘塑机螺杆小微园", employees: 520, revenue: 620_000_000, rd: 24_000_000 },
];

function address(rng: Rng, town: string): string {
  const suffix = chance(rng, 0.2) ? `${int(rng, 1, 12)}幢` : "";
  return `浙江省舟山市定海区${TOWN_NAME.get(town)}${pick(rng, ROADS[town]!)}${int(rng, 1, 888)}号${suffix}`;
}

function generateFirms(rng: Rng): Firm[] {
  const usccs = new Set<string>(Object.values(DEMO_ENTERPRISE_USCC));
  const names = new Set<string>(SPECIFIC_FIRMS.map((f) => f.name));
  const newUscc = () => {
    for (;;) {
      const code = generateUscc(rng);
      if (!usccs.has(code)) {
        usccs.add(code);
        return code;
      }
    }
  };

  const firms: Firm[] = [];
  // The specific firms: registered in the first days of the registry (January 2022).
  SPECIFIC_FIRMS.forEach((s, i) => {
    const createdAt = officeTime(cstMidnight(2022, 1, 4 + Math.floor(i / 3)) + (i % 3) * 3 * HOUR);
    firms.push({
      id: i + 1,
      uscc: s.uscc ?? newUscc(),
      name: s.name,
      town: s.town,
      industry: s.industry,
      platform: s.platform,
      above: true,
      address: s.address ?? address(rng, s.town),
      legalRep: s.legalRep ?? personName(rng),
      contactName: s.contactName ?? personName(rng),
      contactPhone: s.contactPhone ?? phone(rng),
      employees: s.employees,
      revenue: s.revenue,
      rd: s.rd,
      createdAt,
      updatedAt: officeTime(createdAt + int(rng, 30, 700) * DAY),
      archivedAt: null,
      named: !s.demo,
      demo: s.demo ?? null,
    });
  });

  // Generated firms: town by the fixed counts, industry by the town's weights.
  const slots: string[] = [];
  for (const t of TOWNS) for (let i = 0; i < (TOWN_COUNTS[t.code] ?? 0); i++) slots.push(t.code);
  const order = shuffle(rng, slots);
  // Registration times: most firms were entered in the initial roll-out (Q1 2022), the rest later.
  const times = order
    .map(() =>
      chance(rng, 0.65)
        ? randomTime(rng, cstMidnight(2022, 1, 10), cstMidnight(2022, 3, 31))
        : randomTime(rng, cstMidnight(2022, 4, 1), cstMidnight(2024, 12, 20)),
    )
    .sort((a, b) => a - b);

  order.forEach((town, i) => {
    const weights = TOWN_INDUSTRY[town]!;
    const industry = weightedPick(rng, INDUSTRY_CODES, (c) => weights[INDUSTRY_CODES.indexOf(c)]!)!;
    let name = "";
    for (;;) {
      let prefix = weightedPick(rng, NAME_PREFIX, ([, w]) => w)![0];
      if (prefix === "<town>") prefix = `舟山${TOWN_SHORT[town]}`;
      const a = pick(rng, BRAND_A);
      let b = pick(rng, BRAND_B);
      while (b === a) b = pick(rng, BRAND_B);
      const form = chance(rng, 0.08) ? "股份有限公司" : chance(rng, 0.05) ? "有限责任公司" : "有限公司";
      name = `${prefix}${a}${b}${pick(rng, INDUSTRY_WORDS[industry]!)}${form}`;
      if (!names.has(name)) break;
    }
    names.add(name);

    const rule = PLATFORM_RULES.find(
      (r) => r.towns.includes(town) && (r.industries === "*" || r.industries.includes(industry)),
    );
    const platform = rule && chance(rng, rule.p) ? rule.platform : null;
    const above = chance(rng, industry === "other-manufacturing" ? 0.3 : 0.43);
    const r = rng();
    const revenue = above
      ? roundTo(20_500_000 + r * r * r * 1_200_000_000, 100)
      : roundTo(800_000 + r * 19_000_000, 100);
    const employees = above ? 45 + Math.floor(rng() * rng() * 900) : 6 + Math.floor(rng() * 120);
    const rd = chance(rng, 0.04)
      ? null
      : roundTo(revenue * (above ? 0.004 + rng() * 0.05 : rng() * 0.06), 100);
    const createdAt = times[i]!;
    firms.push({
      id: firms.length + 1,
      uscc: newUscc(),
      name,
      town,
      industry,
      platform,
      above,
      address: address(rng, town),
      legalRep: personName(rng),
      contactName: personName(rng),
      contactPhone: phone(rng),
      employees,
      revenue,
      rd,
      createdAt,
      updatedAt: Math.min(officeTime(createdAt + int(rng, 0, 400) * DAY), cstMidnight(2024, 12, 28)),
      archivedAt: null,
      named: false,
      demo: null,
    });
  });

  // A few firms left the registry in 2024 (moved away, deregistered).
  const archivable = firms.filter((f) => !f.named && !f.demo && f.createdAt < cstMidnight(2022, 4, 1));
  for (const f of shuffle(rng, archivable).slice(0, 6)) {
    f.archivedAt = randomTime(rng, cstMidnight(2024, 3, 1), cstMidnight(2024, 11, 30));
    f.updatedAt = f.archivedAt;
  }
  return firms;
}

// ───────────────────────────── awards and applications: the plan ─────────────────────────────

type LevelCounts = [Level, number][];
/** Recognitions per year, tier and level (before the scripted demo firms and revocations). */
const AWARD_PLAN: Record<number, Record<TierCode, LevelCounts>> = {
  2022: {
    "specialized-new": [["national", 1], ["provincial", 9], ["municipal", 6]],
    "scaled-up": [["district", 10]],
    "green-factory": [["provincial", 1], ["municipal", 2]],
    listed: [],
    "demonstration-factory": [["district", 6]],
    "quality-factory": [["district", 8]],
    "clean-beauty-factory": [["district", 20]],
  },
  2023: {
    "specialized-new": [["national", 2], ["provincial", 15], ["municipal", 7]],
    "scaled-up": [["district", 13]],
    "green-factory": [["national", 1], ["provincial", 1], ["municipal", 2]],
    listed: [["district", 1]],
    "demonstration-factory": [["district", 7]],
    "quality-factory": [["district", 11]],
    "clean-beauty-factory": [["district", 22]],
  },
  2024: {
    "specialized-new": [["national", 3], ["provincial", 18], ["municipal", 6]],
    "scaled-up": [["district", 10]],
    "green-factory": [["provincial", 2], ["municipal", 2]],
    listed: [["district", 1]],
    "demonstration-factory": [["district", 5]],
    "quality-factory": [["district", 9]],
    "clean-beauty-factory": [["district", 16]],
  },
  2025: {
    "specialized-new": [["national", 1], ["provincial", 15], ["municipal", 5]],
    "scaled-up": [["district", 12]],
    "green-factory": [["national", 1], ["provincial", 1], ["municipal", 1]],
    listed: [],
    "demonstration-factory": [["district", 5]],
    "quality-factory": [["district", 10]],
    "clean-beauty-factory": [["district", 13]],
  },
  2026: {
    "specialized-new": [["national", 2], ["provincial", 10], ["municipal", 4]],
    "scaled-up": [["district", 8]],
    "green-factory": [["provincial", 1], ["municipal", 1]],
    listed: [["district", 1]],
    "demonstration-factory": [["district", 3]],
    "quality-factory": [["district", 6]],
    "clean-beauty-factory": [["district", 9]],
  },
};

/** Applications that did not (or not yet) end in an award, per year. */
const EXTRA_APPLICATIONS: Record<number, Partial<Record<Status, number>>> = {
  2023: { rejected: 8, withdrawn: 5, draft: 1 },
  2024: { rejected: 8, withdrawn: 5, draft: 2 },
  2025: { rejected: 7, withdrawn: 4, draft: 3, submitted: 4, returned: 3 },
  2026: { rejected: 4, withdrawn: 3, draft: 10, submitted: 26, returned: 10 },
};

/** Tiers of the extra applications, dealt in turn from this deck (shuffled per year). */
const EXTRA_TIER_DECK: TierCode[] = [
  "specialized-new", "specialized-new", "specialized-new", "scaled-up", "scaled-up", "green-factory",
  "green-factory", "listed", "demonstration-factory", "quality-factory", "quality-factory",
  "clean-beauty-factory", "clean-beauty-factory",
];

/** Awards revoked later, per recognition year. */
const REVOCATIONS: Record<number, number> = { 2022: 2, 2023: 2, 2024: 1, 2025: 1 };

const LADDER_TIERS = new Set<TierCode>(["specialized-new", "green-factory"]);

/** Months in which a tier's recognitions (or decisions) usually fall, per level. */
function decisionMonths(tier: TierCode, level: Level | null): [number, number] {
  switch (tier) {
    case "specialized-new":
      return level === "national" ? [7, 8] : level === "municipal" ? [5, 7] : [9, 12];
    case "green-factory":
      return level === "municipal" ? [8, 10] : [10, 12];
    case "scaled-up":
    case "listed":
      return [2, 12];
    default:
      return [9, 12];
  }
}

/** A random instant in the tier's decision window of a year (2026 squeezed before "today"). */
function decisionTime(rng: Rng, tier: TierCode, level: Level | null, year: number): number {
  let [m1, m2] = decisionMonths(tier, level);
  if (year === 2026) {
    m1 = 1 + Math.floor(((m1 - 1) * 10) / 12);
    m2 = 1 + Math.floor(((m2 - 1) * 10) / 12);
  }
  const month = int(rng, m1, m2);
  return officeTime(cstMidnight(year, month, int(rng, 3, 26)) + rng() * DAY);
}

interface Batch {
  date: string;
  ms: number;
  docNo: string;
}

const REVOKE_REASONS = [
  "企业发生较大安全生产事故，按规定撤销认定",
  "复核发现申报材料存在弄虚作假情况",
  "企业因环境违法行为受到行政处罚",
  "企业主动申请放弃认定",
  "年度复核不合格",
];

const REASON_COMMENTS: Record<ReasonCode, Partial<Record<TierCode | "*", string[]>>> = {
  "threshold-not-met": {
    "specialized-new": [
      "上年度研发费用占营业收入比重不足3%，未达到申报条件",
      "上年度营业收入未达到1000万元，且近两年无股权融资，不符合申报条件",
      "自评得分低于60分，建议加强创新能力建设后再报",
    ],
    "scaled-up": ["截至目前主营业务收入未达到2000万元入库标准", "预计年内无法达到规上入库标准，建议明年再报"],
    "green-factory": ["单位工业增加值能耗高于0.52吨标准煤/万元，未达到绿色工厂评价要求", "尚未取得ISO 14001环境管理体系认证"],
    listed: ["企业尚未完成股份制改造，暂不具备挂牌条件"],
    "demonstration-factory": ["智能化改造投入不足，未达到示范工厂评价要求", "企业尚未获评品质工厂，建议先申报品质工厂"],
    "quality-factory": ["质量管理体系运行不满一年，暂不符合品质工厂条件"],
    "clean-beauty-factory": ["厂区环境整治未达到洁美工厂验收标准"],
  },
  "evidence-missing": {
    "*": [
      "请补充近两年经审计的财务报表",
      "缺少研发费用专项审计报告，请补充后重新提交",
      "请补充知识产权证书扫描件",
      "申报承诺书未加盖企业公章，请重新上传",
    ],
    "green-factory": ["请上传排污许可证及第三方能源审计报告"],
    "clean-beauty-factory": ["请补充厂区整治前后对比照片"],
    "quality-factory": ["请补充质量管理体系认证证书及近一年内审记录", "请补充整改完成情况说明及现场照片"],
  },
  "data-inconsistent": {
    "*": [
      "申报表营业收入与审计报告不一致，请核实后修改",
      "从业人员数与社保缴纳人数差异较大，请说明",
      "研发费用数据与税务加计扣除申报数据不一致",
    ],
  },
  "wrong-tier": {
    "*": ["企业条件更符合洁美工厂申报要求，建议改报"],
    "specialized-new": ["申报层级有误，建议先申报市级专精特新中小企业"],
    "green-factory": ["申报层级有误，建议先申报市级绿色工厂"],
    "demonstration-factory": ["企业条件更符合品质工厂申报要求，建议改报"],
  },
  "outside-district": { "*": ["企业注册地及生产经营地均不在定海区，请向属地申报"] },
  other: { "*": ["现场核查发现厂区整改事项尚未完成，请整改到位后再报", "企业存在未结案的安全生产行政处罚，暂缓认定"] },
};

function reasonComment(rng: Rng, reason: ReasonCode, tier: TierCode): string {
  const pool = REASON_COMMENTS[reason][tier] ?? REASON_COMMENTS[reason]["*"] ?? REASON_COMMENTS[reason][TIER_CODES[0]]!;
  return pick(rng, pool);
}

const RETURN_REASONS: [ReasonCode, number][] = [
  ["evidence-missing", 5],
  ["data-inconsistent", 3],
  ["threshold-not-met", 1],
  ["other", 1],
];
const REJECT_REASONS: [ReasonCode, number][] = [
  ["threshold-not-met", 5],
  ["data-inconsistent", 2],
  ["wrong-tier", 1.5],
  ["evidence-missing", 1],
  ["outside-district", 0.5],
  ["other", 1],
];
function pickReason(rng: Rng, table: [ReasonCode, number][]): ReasonCode {
  return weightedPick(rng, table, ([, w]) => w)![0];
}

/** What happened to one firm for one tier in one year: an award and/or an application. */
interface Case {
  firm: Firm;
  tier: TierCode;
  year: number;
  /** Award level, or level sought for a tier with several levels. */
  level: Level | null;
  /** Final application status; null = an award recorded without an application. */
  status: Status | null;
  batch: Batch | null;
  revoke: { at: number; reason: string } | null;
  /** Application timeline: created at `start`, last action (before any revoke) at `end`. */
  start: number;
  end: number;
  returnFirst: boolean;
  opinion: TownOpinion | null;
  reason: ReasonCode | null;
  returnReason: ReasonCode | null;
  decider: string;
  /** Time of the approve event, once the application is built. */
  approvedAt?: number;
  /** Fixed comments for scripted cases. */
  reasonText?: string;
  opinionText?: string;
}

class Planner {
  readonly cases: Case[] = [];
  private readonly used = new Set<string>();
  /** firm|tier with an application still open: no further cases of that tier for the firm. */
  private readonly open = new Set<string>();
  private readonly holdings = new Map<number, { tier: TierCode; level: Level; year: number }[]>();
  private readonly batches = new Map<string, Batch[]>();
  private readonly docNos = new Set<string>();

  constructor(
    private readonly rng: Rng,
    readonly firms: Firm[],
  ) {}

  key(f: Firm, tier: TierCode, year: number) {
    return `${f.id}|${tier}|${year}`;
  }

  held(f: Firm, tier: TierCode) {
    return (this.holdings.get(f.id) ?? []).filter((h) => h.tier === tier);
  }

  hold(f: Firm, tier: TierCode, level: Level, year: number) {
    const list = this.holdings.get(f.id) ?? [];
    list.push({ tier, level, year });
    this.holdings.set(f.id, list);
  }

  /** True while a ladder tier has a level above the firm's highest. */
  canClimb(f: Firm, tier: TierCode): boolean {
    return !this.held(f, tier).some((h) => h.level === "national");
  }

  /** The next level a firm could seek in a ladder tier, or null when it holds the top one. */
  nextLevel(f: Firm, tier: TierCode): Level | null {
    const top = this.held(f, tier).reduce((m, h) => Math.max(m, levelRank(h.level)), 0);
    if (top >= levelRank("national")) return null;
    if (top === levelRank("provincial")) return "national";
    if (top === levelRank("municipal")) return "provincial";
    if (tier === "specialized-new") return chance(this.rng, 0.7) ? "provincial" : "municipal";
    return chance(this.rng, 0.6) ? "municipal" : "provincial";
  }

  private docNo(tier: TierCode, level: Level, year: number): string {
    for (;;) {
      let no: string;
      if (level === "district") no = `定经信〔${year}〕${int(this.rng, 8, 160)}号`;
      else if (level === "municipal") no = `舟经信〔${year}〕${int(this.rng, 12, 140)}号`;
      else if (tier === "specialized-new")
        no = level === "national" ? `工信厅企业函〔${year}〕${int(this.rng, 150, 380)}号` : `浙经信企业〔${year}〕${int(this.rng, 60, 260)}号`;
      else no = level === "national" ? `工信厅节函〔${year}〕${int(this.rng, 200, 420)}号` : `浙经信资源〔${year}〕${int(this.rng, 40, 180)}号`;
      if (!this.docNos.has(no)) {
        this.docNos.add(no);
        return no;
      }
    }
  }

  /** Recognition batches (published list: one date, one 文号) of a tier, year and level. */
  batchFor(tier: TierCode, year: number, level: Level, index: number, count: number): Batch {
    const k = `${tier}|${year}|${level}`;
    let list = this.batches.get(k);
    if (!list) {
      const planned = AWARD_PLAN[year]?.[tier].find(([l]) => l === level)?.[1] ?? count;
      const n = tier === "listed" ? 1 : tier === "scaled-up" ? 4 : planned > 8 ? 2 : 1;
      list = [];
      for (let i = 0; i < n; i++) {
        let ms: number;
        if (tier === "scaled-up") {
          // Quarterly intake into the above-scale statistics.
          const month = year === 2026 ? [3, 6, 8, 10][i]! : [3, 6, 9, 12][i]!;
          ms = cstMidnight(year, month, int(this.rng, 10, 25));
        } else {
          ms = Math.floor((decisionTime(this.rng, tier, level, year) + CST) / DAY) * DAY - CST;
        }
        list.push({ date: cstDate(ms), ms, docNo: this.docNo(tier, level, year) });
      }
      list.sort((a, b) => a.ms - b.ms);
      this.batches.set(k, list);
    }
    if (tier === "listed" && index > 0) {
      const ms = Math.floor((decisionTime(this.rng, tier, level, year) + CST) / DAY) * DAY - CST;
      const b = { date: cstDate(ms), ms, docNo: this.docNo(tier, level, year) };
      list.push(b);
      return b;
    }
    return list[index % list.length]!;
  }

  profileOk(f: Firm, tier: TierCode, mode: "award" | "app"): boolean {
    switch (tier) {
      case "specialized-new":
        return f.revenue >= (mode === "award" ? 10_000_000 : 5_000_000);
      case "scaled-up":
        return mode === "award" ? f.above && f.revenue <= 300_000_000 : !f.above && f.revenue >= 8_000_000;
      case "listed":
        // Firms named in the seed keep their real capital-market status: not touched here.
        return !f.named && f.above && f.revenue >= (mode === "award" ? 80_000_000 : 50_000_000);
      case "demonstration-factory":
        return f.above;
      case "green-factory":
        return f.revenue >= 5_000_000;
      default:
        return true;
    }
  }

  /** May this firm get (or apply for) `tier` at `level` in `year`? */
  eligible(f: Firm, tier: TierCode, year: number, level: Level | null, mode: "award" | "app", viaApp: boolean): boolean {
    if (f.demo || f.archivedAt !== null) return false;
    if (this.used.has(this.key(f, tier, year))) return false;
    if (this.open.has(`${f.id}|${tier}`)) return false;
    if (viaApp && f.createdAt >= cstMidnight(year, 1, 1)) return false;
    const held = this.held(f, tier);
    if (LADDER_TIERS.has(tier)) {
      if (level && held.some((h) => levelRank(h.level) >= levelRank(level))) return false;
    } else if (held.length > 0) return false;
    return this.profileOk(f, tier, mode);
  }

  weight(f: Firm, tier: TierCode, level: Level | null): number {
    const ind = INDUSTRY_CODES.indexOf(f.industry);
    let w = 1;
    switch (tier) {
      case "specialized-new":
        w = [2, 1.5, 2.5, 1, 1, 3, 3, 3, 1][ind]! * (f.above ? 1.5 : 1);
        if (level === "national" && this.held(f, tier).some((h) => h.level === "provincial")) w *= 25;
        break;
      case "green-factory":
        w = [3, 1.5, 1, 2, 2, 1.5, 1, 1.5, 1][ind]! * (f.above ? 4 : 0.3);
        break;
      case "listed":
        w = Math.min(f.revenue / 100_000_000, 5);
        break;
      case "demonstration-factory":
        w = this.held(f, "quality-factory").length > 0 ? 5 : 1;
        break;
      case "quality-factory":
        w = (f.above ? 3 : 0.5) * (this.held(f, "clean-beauty-factory").length > 0 ? 3 : 1);
        break;
      case "clean-beauty-factory":
        w = f.above ? 1 : 0.08;
        break;
      default:
        w = 1;
    }
    if (f.named && tier !== "scaled-up") w *= 3;
    return w;
  }

  pickFirm(tier: TierCode, year: number, level: Level | null, mode: "award" | "app", viaApp: boolean, extra?: (f: Firm) => boolean) {
    return weightedPick(this.rng, this.firms, (f) =>
      this.eligible(f, tier, year, level, mode, viaApp) && (!extra || extra(f)) ? this.weight(f, tier, level) : 0,
    );
  }

  /** Adds a case; for awards also records the holding. */
  add(c: Case) {
    const k = this.key(c.firm, c.tier, c.year);
    if (this.used.has(k)) throw new Error(`seed plan: two cases for ${k}`);
    this.used.add(k);
    if (c.status === "draft" || c.status === "submitted" || c.status === "returned") this.open.add(`${c.firm.id}|${c.tier}`);
    if (c.batch && c.level) this.hold(c.firm, c.tier, c.level, c.year);
    this.cases.push(c);
  }

  decider(): string {
    return chance(this.rng, 0.1) ? "admin" : "reviewer";
  }

  /** An approved (or directly recorded) award from a batch. */
  awardCase(f: Firm, tier: TierCode, year: number, level: Level, batch: Batch, viaApp: boolean, index: number): Case {
    const rng = this.rng;
    const external = level !== "district";
    // District tiers are decided on the day of the published list; external results are
    // recorded a few days after they are published.
    const end = external
      ? officeTime(batch.ms + int(rng, 1, 10) * DAY + rng() * DAY)
      : batch.ms + 9 * HOUR + (index % 20) * 17 * MINUTE;
    const span = int(rng, 30, 120) * DAY;
    const start = officeTime(Math.max(cstMidnight(year, 1, 6), end - span) + rng() * DAY * 0.5);
    return {
      firm: f,
      tier,
      year,
      level,
      status: viaApp ? "approved" : null,
      batch,
      revoke: null,
      start: Math.min(start, end - DAY),
      end,
      returnFirst: viaApp && chance(rng, 0.2),
      opinion: viaApp && chance(rng, 0.55) ? "recommend" : null,
      reason: null,
      returnReason: pickReason(rng, RETURN_REASONS),
      decider: this.decider(),
    };
  }

  /** An application that ends without an award (yet). */
  openOrClosedCase(f: Firm, tier: TierCode, year: number, level: Level | null, status: Status, end: number): Case {
    const rng = this.rng;
    const start =
      status === "draft" ? end : officeTime(Math.max(cstMidnight(year, 1, 6), end - int(rng, 12, 110) * DAY));
    const returnFirst =
      status === "returned" ? false : status === "draft" ? false : chance(rng, status === "withdrawn" ? 0.4 : status === "rejected" ? 0.3 : 0.2);
    let opinion: TownOpinion | null = null;
    if (status !== "draft" && chance(rng, 0.55)) opinion = status === "rejected" && chance(rng, 0.35) ? "not-recommend" : "recommend";
    return {
      firm: f,
      tier,
      year,
      level,
      status,
      batch: null,
      revoke: null,
      start: Math.min(start, end),
      end,
      returnFirst,
      opinion,
      reason: status === "rejected" ? pickReason(rng, REJECT_REASONS) : status === "returned" ? pickReason(rng, RETURN_REASONS) : null,
      returnReason: pickReason(rng, RETURN_REASONS),
      decider: this.decider(),
    };
  }

  planYear(year: number) {
    const rng = this.rng;
    const yearAwards: Case[] = [];
    for (const tier of TIER_CODES) {
      for (const [level, count] of AWARD_PLAN[year]![tier]) {
        for (let i = 0; i < count; i++) {
          const viaApp = year >= 2023 && chance(rng, level === "national" ? 0.5 : 0.78);
          let f = this.pickFirm(tier, year, level, "award", viaApp);
          let app = viaApp;
          if (!f && viaApp) {
            f = this.pickFirm(tier, year, level, "award", false);
            app = false;
          }
          if (!f) continue;
          if (tier === "specialized-new") {
            // A recognised SME meets the R&D rule: ≥ ¥1,000,000 and ≥ 3% of revenue.
            const need = roundTo(Math.max(1_000_000 + rng() * 600_000, f.revenue * (0.031 + rng() * 0.03)), 100);
            if ((f.rd ?? 0) < need) f.rd = need;
          }
          const batch = this.batchFor(tier, year, level, i, count);
          const c = this.awardCase(f, tier, year, level, batch, app, i);
          this.add(c);
          yearAwards.push(c);
        }
      }
    }

    // Revocations of this year's awards (never of firms named in the seed document).
    const nRevoke = REVOCATIONS[year] ?? 0;
    const candidates = yearAwards.filter(
      (c) =>
        !c.firm.named &&
        c.tier !== "scaled-up" &&
        c.tier !== "listed" &&
        c.firm.createdAt < c.batch!.ms &&
        (year === 2022 || c.status === "approved"),
    );
    for (const c of shuffle(rng, candidates).slice(0, nRevoke)) {
      let at = officeTime(c.end + int(rng, 90, 420) * DAY);
      if (at > NOW_CAP - 3 * DAY) at = officeTime(NOW_CAP - int(rng, 3, 30) * DAY);
      c.revoke = { at, reason: pick(rng, REVOKE_REASONS) };
      if (c.status === "approved") c.status = "revoked";
    }

    // Applications without an award: decided against, withdrawn, or still open.
    const extra = EXTRA_APPLICATIONS[year];
    if (!extra) return;
    const cycle = shuffle(rng, EXTRA_TIER_DECK);
    let ti = 0;
    for (const status of ["rejected", "withdrawn", "returned", "submitted", "draft"] as Status[]) {
      for (let n = 0; n < (extra[status] ?? 0); n++) {
        for (let attempt = 0; attempt < TIER_CODES.length; attempt++) {
          const tier = cycle[ti++ % cycle.length]!;
          const f = this.pickFirm(tier, year, null, "app", true, (x) =>
            (status !== "rejected" || !x.named) && (!LADDER_TIERS.has(tier) || this.canClimb(x, tier)),
          );
          if (!f) continue;
          const level = LADDER_TIERS.has(tier) ? this.nextLevel(f, tier) : null;
          const end = this.extraEnd(tier, level, year, status);
          this.add(this.openOrClosedCase(f, tier, year, level, status, end));
          break;
        }
      }
    }
  }

  private extraEnd(tier: TierCode, level: Level | null, year: number, status: Status): number {
    const rng = this.rng;
    const open = status === "draft" || status === "submitted" || status === "returned";
    if (!open) return decisionTime(rng, tier, level, year);
    if (year === 2026) {
      return status === "draft"
        ? randomTime(rng, cstMidnight(2026, 6, 1), NOW_CAP - HOUR)
        : randomTime(rng, cstMidnight(2026, 8, 15), NOW_CAP - DAY);
    }
    if (year === 2025 && status !== "draft") return randomTime(rng, cstMidnight(2025, 10, 1), cstMidnight(2025, 12, 20));
    return randomTime(rng, cstMidnight(year, 3, 1), cstMidnight(year, 11, 30));
  }

  /** A scripted case for the demo-account firms. */
  scripted(
    f: Firm,
    tier: TierCode,
    year: number,
    status: Status | null,
    opts: {
      level?: Level;
      returnFirst?: boolean;
      opinion?: TownOpinion;
      opinionText?: string;
      reason?: ReasonCode;
      reasonText?: string;
      /** CST date of the last action for cases without an award. */
      endDate?: string;
      revoke?: { date: string; reason: string };
    } = {},
  ) {
    const level = opts.level ?? (LADDER_TIERS.has(tier) ? "municipal" : "district");
    let c: Case;
    if (status === "approved" || status === "revoked" || status === null) {
      const batch = this.batchFor(tier, year, level, 0, 1);
      c = this.awardCase(f, tier, year, level, batch, status !== null, 0);
      c.returnFirst = opts.returnFirst ?? false;
      c.opinion = opts.opinion ?? null;
      if (opts.revoke) {
        const [y, m, d] = opts.revoke.date.split("-").map(Number) as [number, number, number];
        c.revoke = { at: officeTime(cstMidnight(y, m, d) + 0.4 * DAY), reason: opts.revoke.reason };
        if (status !== null) c.status = "revoked";
      }
    } else {
      const [y, m, d] = opts.endDate!.split("-").map(Number) as [number, number, number];
      const end = officeTime(cstMidnight(y, m, d) + this.rng() * DAY);
      c = this.openOrClosedCase(f, tier, year, LADDER_TIERS.has(tier) ? level : null, status, end);
      c.returnFirst = opts.returnFirst ?? false;
      c.opinion = opts.opinion ?? null;
      if (opts.reason) c.reason = opts.reason;
    }
    c.reasonText = opts.reasonText;
    c.opinionText = opts.opinionText;
    if (!LADDER_TIERS.has(tier) && status !== null && !c.batch) c.level = null;
    this.add(c);
  }
}

/** The stories of the two demo-account firms: awards, and applications in most states. */
function planDemoFirms(p: Planner, jintang: Firm, yancang: Firm) {
  // 金塘: a plastics-machinery screw maker climbing the ladder.
  p.scripted(jintang, "scaled-up", 2022, null);
  p.scripted(jintang, "clean-beauty-factory", 2022, null);
  p.scripted(jintang, "specialized-new", 2023, "approved", { level: "municipal", opinion: "recommend" });
  p.scripted(jintang, "quality-factory", 2023, "approved", { returnFirst: true, opinion: "recommend" });
  p.scripted(jintang, "green-factory", 2024, "rejected", {
    level: "municipal",
    endDate: "2024-10-16",
    reason: "threshold-not-met",
    reasonText: "单位工业增加值能耗为0.61吨标准煤/万元，高于0.52吨标准煤/万元的要求，建议完成节能改造后再报",
  });
  p.scripted(jintang, "specialized-new", 2025, "approved", { level: "provincial", opinion: "recommend" });
  p.scripted(jintang, "listed", 2025, "withdrawn", { endDate: "2025-09-12", returnFirst: true });
  p.scripted(jintang, "demonstration-factory", 2026, "submitted", {
    endDate: "2026-11-10",
    opinion: "recommend",
    opinionText: "金塘镇初审：企业智能化改造成效明显，材料齐全，同意推荐",
  });
  p.scripted(jintang, "green-factory", 2026, "draft", { level: "municipal", endDate: "2026-11-24" });

  // 盐仓: a marine-equipment maker that became above-scale in 2023.
  p.scripted(yancang, "scaled-up", 2023, "approved");
  p.scripted(yancang, "clean-beauty-factory", 2023, "approved", { opinion: "recommend" });
  p.scripted(yancang, "specialized-new", 2024, "approved", { level: "provincial", returnFirst: true });
  p.scripted(yancang, "quality-factory", 2024, "revoked", {
    opinion: "recommend",
    revoke: { date: "2025-06-18", reason: "企业发生一般安全生产事故，按规定撤销品质工厂认定" },
  });
  p.scripted(yancang, "demonstration-factory", 2025, "rejected", {
    endDate: "2025-11-20",
    reason: "threshold-not-met",
    reasonText: "企业品质工厂认定已撤销，暂不符合示范工厂申报条件，建议先重新申报品质工厂",
  });
  p.scripted(yancang, "quality-factory", 2026, "returned", {
    endDate: "2026-11-18",
    opinion: "recommend",
    reason: "evidence-missing",
    reasonText: "请补充安全生产事故整改完成情况说明、整改后现场照片及第三方安全评估报告",
  });
  p.scripted(yancang, "green-factory", 2026, "submitted", {
    level: "municipal",
    endDate: "2026-11-05",
    opinion: "recommend",
    opinionText: "盐仓街道初审：企业近三年无环境违法记录，同意推荐",
  });
  p.scripted(yancang, "listed", 2026, "draft", { endDate: "2026-11-25" });
}

// ───────────────────────────── payloads ─────────────────────────────

function yearRevenue(rng: Rng, f: Firm, year: number): number {
  const factor = Math.min(1, 0.76 + 0.06 * (year - 2022)) * (0.95 + rng() * 0.1);
  return roundTo(f.revenue * factor, 100);
}

/**
 * An application's payload with the keys of the shared contract (app/components/application-fields.tsx).
 * Every draw from `rng` happens in the same order as when the payloads were first written, so the
 * rest of the demo data stays the same; values added since come from their own sub-stream.
 */
function payloadFor(rng: Rng, f: Firm, tier: TierCode, year: number, level: Level | null, status: Status): Record<string, unknown> {
  const product = pick(rng, MAIN_PRODUCTS[f.industry]!);
  const revenueYuan = yearRevenue(rng, f, year - 1);
  const employees = Math.max(1, f.employees - int(rng, 0, Math.floor(f.employees / 10)));
  const extra = mulberry32(deriveSeed(DEMO_SEED, `payload:${f.id}:${tier}:${year}`));
  const decided = status !== "draft";
  const common: Record<string, unknown> = {
    contactName: f.contactName,
    contactPhone: f.contactPhone,
    description: `企业主要从事${product}的研发、生产和销售。`,
    // Submitted ones carry the ticked declaration; half the drafts have not ticked it yet.
    declaration: decided || chance(extra, 0.5),
  };
  switch (tier) {
    case "specialized-new": {
      const rd = roundTo(Math.max(f.rd ?? 0, revenueYuan * 0.02) * (0.9 + rng() * 0.1), 100);
      return {
        ...common,
        employees,
        revenueYuan,
        mainProduct: product,
        nicheYears: int(rng, 3, 18),
        mainBusinessRevenueYuan: roundTo(revenueYuan * (0.82 + rng() * 0.17), 100),
        rdExpenseYuan: rd,
        rdExpensePrevYuan: roundTo(rd * (0.8 + rng() * 0.2), 100),
        rdStaff: Math.max(2, Math.floor(f.employees * (0.08 + rng() * 0.12))),
        debtRatioPercent: Math.round((25 + rng() * 45) * 10) / 10,
        ipClass1: level === "national" ? int(rng, 4, 15) : int(rng, 0, 6),
        ipClass2: int(rng, 3, 40),
        equityFinancingYuan: chance(rng, 0.15) ? roundTo(20_000_000 + rng() * 60_000_000, 10_000) : 0,
        evaluationScore: int(rng, 58, 92),
        description: `企业深耕${product}细分市场，拥有自主知识产权，产品配套国内重点客户。`,
      };
    }
    case "scaled-up": {
      const payload: Record<string, unknown> = {
        ...common,
        route: pick(rng, ["cultivate", "introduce", "upgrade", "guide"]),
        priorYearRevenueYuan: roundTo(Math.min(revenueYuan, 19_800_000) * (0.7 + rng() * 0.3), 100),
        ytdRevenueYuan: roundTo(Math.max(f.revenue * (0.55 + rng() * 0.3), 12_000_000), 100),
        expectedMonth: `${year}-${String(int(rng, 6, 12)).padStart(2, "0")}`,
        description: `企业${product}产能持续释放，预计年内主营业务收入突破2000万元。`,
      };
      if (status === "approved" || status === "revoked") payload.intakeMonth = payload.expectedMonth;
      return payload;
    }
    case "green-factory": {
      const certs = ["iso9001", "iso14001", "iso45001", "iso50001"].filter((_, i) => i < 2 || chance(rng, 0.5));
      return {
        ...common,
        evaluatingBody: pick(rng, ["中国质量认证中心", "浙江省工业和信息化研究院", "浙江省节能协会", "舟山市节能监察中心"]),
        energyIntensity: Math.round((status === "rejected" ? 0.53 + rng() * 0.2 : 0.18 + rng() * 0.32) * 100) / 100,
        certificates: certs,
        dischargePermit: true,
        description: `企业实施清洁生产和节能降碳改造，${product}单位能耗逐年下降。`,
      };
    }
    case "listed": {
      const listed = status === "approved" || status === "revoked";
      const board = listed ? pick(rng, ["neeq", "regional", "bse"]) : pick(rng, ["regional", "neeq", "bse", "chinext"]);
      const payload: Record<string, unknown> = {
        ...common,
        board,
        stage: listed ? "listed" : pick(rng, ["shareholding-reform", "tutoring", "accepted"]),
      };
      if (listed) {
        payload.stockCode = board === "regional" ? `8${digits(rng, 5)}` : board === "bse" ? `83${digits(rng, 4)}` : `87${digits(rng, 4)}`;
        payload.listingDate = `${year}-${String(int(extra, 3, 11)).padStart(2, "0")}-${String(int(extra, 1, 28)).padStart(2, "0")}`;
      }
      pick(rng, ["财通证券", "浙商证券", "国信证券", "中信建投证券"]); // the sponsor, no longer stored
      payload.description = listed
        ? `企业主营${product}，已完成挂牌（上市），申请登记。`
        : `企业主营${product}，已启动规范化改制，拟在资本市场挂牌（上市）。`;
      return payload;
    }
    default: {
      // Former free-text fields, drawn and dropped to keep the stream: the checklist replaced them.
      shuffle(rng, [0, 1, 2, 3]);
      rng();
      const items = DEFAULT_CHECKLISTS[tier as keyof typeof DEFAULT_CHECKLISTS];
      const met = status === "approved" || status === "revoked";
      const checklist = Object.fromEntries(
        items.map(([code, , , required]) => [
          code,
          met && required ? true : status === "rejected" && required ? chance(extra, 0.6) : chance(extra, 0.75),
        ]),
      );
      return { ...common, checklist };
    }
  }
}

// ───────────────────────────── materialising rows ─────────────────────────────

interface EventDraft {
  at: number;
  actor: string;
  action: string;
  from: Status | null;
  to: Status;
  comment: string | null;
  data: Record<string, unknown> | null;
}

interface Built {
  c: Case;
  events: EventDraft[];
  app: Omit<Insertable<ApplicationsTable>, "id" | "created_by" | "decided_by"> & { createdBy: string; decidedBy: string | null };
}

const SUBMIT_COMMENTS = ["提交申报", "已完成自评，提交申报", "提交申报材料，请审核"];
const RESUBMIT_COMMENTS = ["已按要求补充材料，重新提交", "已更正相关数据并补充证明材料"];
const WITHDRAW_COMMENTS = ["企业申请撤回，拟条件成熟后再行申报", "材料准备不足，主动撤回"];
const RECOMMEND_COMMENTS = [
  "经初审，企业情况属实，同意推荐",
  "材料齐全，数据真实，推荐申报",
  "企业近三年无重大安全环保事故，同意推荐",
];
const NOT_RECOMMEND_COMMENTS = ["企业上年度存在安全生产问题，暂不推荐", "经核查申报数据与统计数据差异较大，不予推荐"];

function buildApplication(rng: Rng, c: Case): Built {
  const status = c.status!;
  const applicant = c.firm.demo ? `ent-${c.firm.demo}` : "reviewer";
  const officer = `officer-${c.firm.town}`;

  const actions: Action[] = [];
  if (status !== "draft") {
    actions.push("submit");
    if (c.opinion) actions.push("opinion");
    if (status === "returned") actions.push("return");
    else if (c.returnFirst) actions.push("return", ...(status === "withdrawn" ? [] : (["resubmit"] as Action[])));
    if (status === "approved" || status === "revoked") actions.push("approve");
    if (status === "rejected") actions.push("reject");
    if (status === "withdrawn") actions.push("withdraw");
  }

  // Times: create at start, the last action at end, the others in between, all in office hours.
  const times: number[] = [];
  if (actions.length > 0) {
    const inner = actions.slice(0, -1).map(() => c.start + rng() * (c.end - c.start)).sort((a, b) => a - b);
    for (const t of inner) times.push(officeTime(t));
    times.push(c.end);
  }
  let prev = c.start;
  for (let i = 0; i < times.length; i++) {
    if (times[i]! <= prev) times[i] = prev + MINUTE * int(rng, 5, 90);
    prev = times[i]!;
  }

  const events: EventDraft[] = [
    {
      at: c.start,
      actor: applicant,
      action: "create",
      from: null,
      to: "draft",
      comment: c.firm.demo ? "企业在线填报" : "区经信局根据企业纸质申报材料代为录入",
      data: null,
    },
  ];
  const levelZh = c.batch ? LEVEL_NAMES[c.level!].zh : "";
  let current: Status = "draft";
  let submittedAt: number | null = null;
  let decidedAt: number | null = null;
  let decidedBy: string | null = null;
  let decisionReason: string | null = null;
  let decisionComment: string | null = null;
  let townOpinion: TownOpinion | null = null;
  let townComment: string | null = null;

  const push = (action: Action, at: number, actor: string, comment: string | null, data: Record<string, unknown> | null) => {
    const to = nextStatus(current, action);
    if (!to) throw new Error(`seed plan: ${action} does not apply to ${current}`);
    events.push({ at, actor, action, from: current, to, comment, data });
    current = to;
  };

  actions.forEach((action, i) => {
    const at = times[i]!;
    const isFinal = i === actions.length - 1;
    switch (action) {
      case "submit":
      case "resubmit":
        push(action, at, applicant, pick(rng, action === "submit" ? SUBMIT_COMMENTS : RESUBMIT_COMMENTS), null);
        submittedAt = at;
        decidedAt = decidedBy = decisionReason = decisionComment = null;
        break;
      case "opinion": {
        const opinion = c.opinion!;
        const text = c.opinionText ?? pick(rng, opinion === "recommend" ? RECOMMEND_COMMENTS : NOT_RECOMMEND_COMMENTS);
        push(action, at, officer, text, { opinion });
        townOpinion = opinion;
        townComment = text;
        break;
      }
      case "return":
      case "reject": {
        const reason = isFinal ? c.reason! : c.returnReason!;
        const text = isFinal && c.reasonText ? c.reasonText : reasonComment(rng, reason, c.tier);
        push(action, at, c.decider, text, { reason });
        decidedAt = at;
        decidedBy = c.decider;
        decisionReason = reason;
        decisionComment = text;
        break;
      }
      case "approve": {
        const b = c.batch!;
        const text =
          c.level === "district"
            ? `经审核并公示无异议，同意认定（${b.docNo}）`
            : `${levelZh}认定结果已公布，予以登记（${b.docNo}）`;
        push(action, at, c.decider, text, { level: c.level, recognizedOn: b.date, documentNo: b.docNo });
        c.approvedAt = at;
        decidedAt = at;
        decidedBy = c.decider;
        decisionReason = decisionComment = null;
        break;
      }
      case "withdraw":
        push(action, at, applicant, pick(rng, WITHDRAW_COMMENTS), null);
        decidedAt = decidedBy = decisionReason = decisionComment = null;
        break;
      default:
        throw new Error(`seed plan: unexpected action ${action}`);
    }
  });

  if (c.revoke) {
    const actor = chance(rng, 0.3) ? "admin" : "reviewer";
    push("revoke", c.revoke.at, actor, c.revoke.reason, { revokedOn: cstDate(c.revoke.at) });
    decidedAt = c.revoke.at;
    decidedBy = actor;
    decisionReason = null;
    decisionComment = c.revoke.reason;
  }
  if (current !== status) throw new Error(`seed plan: built ${current}, wanted ${status}`);

  const last = events[events.length - 1]!.at;
  return {
    c,
    events,
    app: {
      enterprise_id: c.firm.id,
      tier_code: c.tier,
      year: c.year,
      level_sought: LADDER_TIERS.has(c.tier) ? c.level : "district",
      status,
      payload: JSON.stringify(payloadFor(rng, c.firm, c.tier, c.year, c.level, status)),
      eligibility: null,
      rule_version: null,
      town_opinion: townOpinion,
      town_comment: townComment,
      submitted_at: submittedAt === null ? null : iso(submittedAt),
      decided_at: decidedAt === null ? null : iso(decidedAt),
      decision_reason: decisionReason,
      decision_comment: decisionComment,
      version: events.length,
      created_at: iso(c.start),
      updated_at: iso(last),
      createdBy: applicant,
      decidedBy,
    },
  };
}

// ───────────────────────────── users ─────────────────────────────

interface UserSpec {
  username: string;
  display_name: string;
  role: UsersTable["role"];
  town_code?: string;
  enterprise?: "jintang" | "yancang";
  created_at: string;
}

function userSpecs(): UserSpec[] {
  const specs: UserSpec[] = [
    { username: "admin", display_name: "系统管理员", role: "admin", created_at: "2022-12-20T01:00:00.000Z" },
    { username: "reviewer", display_name: "区经信局 审核员", role: "reviewer", created_at: "2022-12-20T01:10:00.000Z" },
    { username: "officer-jintang", display_name: "金塘镇 联络员", role: "town_officer", town_code: "jintang", created_at: "2022-12-20T01:20:00.000Z" },
    { username: "officer-yancang", display_name: "盐仓街道 联络员", role: "town_officer", town_code: "yancang", created_at: "2022-12-20T01:30:00.000Z" },
    { username: "ent-jintang", display_name: DEMO_ENTERPRISE_NAMES.jintang, role: "enterprise", enterprise: "jintang", created_at: "2023-01-04T02:00:00.000Z" },
    { username: "ent-yancang", display_name: DEMO_ENTERPRISE_NAMES.yancang, role: "enterprise", enterprise: "yancang", created_at: "2023-01-04T02:10:00.000Z" },
  ];
  // One liaison officer for every other town, so each town's recommendations have an author.
  TOWNS.filter((t) => t.code !== "jintang" && t.code !== "yancang").forEach((t, i) => {
    specs.push({
      username: `officer-${t.code}`,
      display_name: `${t.name_zh} 联络员`,
      role: "town_officer",
      town_code: t.code,
      created_at: iso(Date.parse("2022-12-21T01:00:00.000Z") + i * 10 * MINUTE),
    });
  });
  return specs;
}

// ───────────────────────────── the seed ─────────────────────────────

/** The demo data set, planned in memory (no I/O). Exposed for tests and the README's figures. */
export function planDemo(seed = DEMO_SEED) {
  const rng = mulberry32(seed);
  const firms = generateFirms(rng);
  const p = new Planner(rng, firms);
  const jintang = firms.find((f) => f.demo === "jintang")!;
  const yancang = firms.find((f) => f.demo === "yancang")!;
  planDemoFirms(p, jintang, yancang);

  // An archived firm whose 2022 clean-beauty award was revoked when it moved away.
  const gone = firms.find((f) => f.archivedAt !== null)!;
  const goneBatch = p.batchFor("clean-beauty-factory", 2022, "district", 0, 20);
  const goneCase = p.awardCase(gone, "clean-beauty-factory", 2022, "district", goneBatch, false, 0);
  goneCase.revoke = { at: gone.archivedAt! - 10 * DAY, reason: "企业已迁出本区" };
  p.add(goneCase);

  for (let year = 2022; year <= 2026; year++) p.planYear(year);

  const built = p.cases.filter((c) => c.status !== null).map((c) => buildApplication(rng, c));
  return { firms, cases: p.cases, built };
}

async function insertChunks(trx: Kysely<DB>, table: keyof DB, rows: readonly object[], size = 200) {
  for (let i = 0; i < rows.length; i += size) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as any)
      .execute();
  }
}

/**
 * Writes the demo data set. Requires an empty `enterprises` table (use seedIfEmpty); reference
 * data must already be loaded (seedReference).
 */
export async function seedDemo(db: Kysely<DB>, options: SeedDemoOptions = {}): Promise<void> {
  const passwordHash = options.passwordHash ?? ((pw: string) => argon2Hash(pw));
  const { firms, cases, built } = planDemo();
  const specs = userSpecs();
  // Hashed outside the transaction, once: every demo account has the same, published password,
  // so separate salts would protect nothing and cost ~50 ms of argon2 per account.
  const demoHash = await passwordHash(DEMO_PASSWORD);
  const hashes = specs.map(() => demoHash);

  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("enterprises")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    if (Number(existing.n) > 0) throw new Error("seedDemo: the enterprises table is not empty");

    // Enterprises, with explicit ids (the table is empty).
    const enterpriseRows: Insertable<EnterprisesTable>[] = firms.map((f) => ({
      id: f.id,
      uscc: f.uscc,
      name: f.name,
      town_code: f.town,
      industry_code: f.industry,
      platform: f.platform,
      above_scale: f.above ? 1 : 0,
      address: f.address,
      legal_rep: f.legalRep,
      contact_name: f.contactName,
      contact_phone: f.contactPhone,
      employees: f.employees,
      revenue_yuan: f.revenue,
      rd_expense_yuan: f.rd,
      version: 1,
      created_at: iso(f.createdAt),
      updated_at: iso(Math.max(f.updatedAt, f.createdAt)),
      archived_at: f.archivedAt === null ? null : iso(f.archivedAt),
    }));
    await insertChunks(trx, "enterprises", enterpriseRows);
    await seedDemoFigures(trx, firms, DEMO_SEED);

    // Users before applications: events and decisions name them. An account that already
    // exists (e.g. an admin created by hand) is kept as it is and reused.
    const userIds = new Map<string, number>();
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i]!;
      const found = await trx
        .selectFrom("users")
        .select("id")
        .where("username", "=", s.username)
        .executeTakeFirst();
      if (found) {
        userIds.set(s.username, found.id);
        continue;
      }
      const enterpriseId = s.enterprise ? firms.find((f) => f.demo === s.enterprise)!.id : null;
      const row = await trx
        .insertInto("users")
        .values({
          username: s.username,
          display_name: s.display_name,
          role: s.role,
          enterprise_id: enterpriseId,
          town_code: s.town_code ?? null,
          password_hash: hashes[i]!,
          must_change_password: 0,
          disabled_at: null,
          created_at: s.created_at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      userIds.set(s.username, row.id);
    }
    const uid = (name: string | null) => {
      if (name === null) return null;
      const id = userIds.get(name);
      if (id === undefined) throw new Error(`seed plan: unknown actor ${name}`);
      return id;
    };

    // Applications: ids in order of creation.
    const apps = built
      .map((b, i) => ({ b, i }))
      .sort((x, y) => Date.parse(x.b.app.created_at) - Date.parse(y.b.app.created_at) || x.i - y.i);
    const appIdOf = new Map<Case, number>();
    const appRows: Insertable<ApplicationsTable>[] = apps.map(({ b }, i) => {
      appIdOf.set(b.c, i + 1);
      const { createdBy, decidedBy, ...rest } = b.app;
      return { id: i + 1, ...rest, created_by: uid(createdBy), decided_by: uid(decidedBy) };
    });
    await insertChunks(trx, "applications", appRows);
    // Every application that was ever submitted carries its tier's required evidence.
    const evidence = demoEvidence(
      appRows
        .filter((r) => r.submitted_at)
        .map((r) => ({ id: Number(r.id), tierCode: r.tier_code, createdAt: r.created_at, createdBy: r.created_by ?? null })),
      options.uploadsDir,
    );
    await insertChunks(trx, "attachments", evidence.map((row, i) => ({ id: i + 1, ...row })));

    // Events: ids in order of time across all applications (an append-only log).
    const events = apps
      .flatMap(({ b }) => b.events.map((e, seq) => ({ e, appId: appIdOf.get(b.c)!, seq })))
      .sort((x, y) => x.e.at - y.e.at || x.appId - y.appId || x.seq - y.seq);
    const eventRows: Insertable<ApplicationEventsTable>[] = events.map(({ e, appId }, i) => ({
      id: i + 1,
      application_id: appId,
      at: iso(e.at),
      actor_id: uid(e.actor),
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      comment: e.comment,
      data: e.data === null ? null : JSON.stringify(e.data),
    }));
    await insertChunks(trx, "application_events", eventRows);

    // Awards: from approved/revoked applications and recorded directly; ids in order of entry.
    const awardRng = mulberry32(DEMO_SEED ^ 0x5eed);
    const awards = cases
      .filter((c) => c.batch !== null)
      .map((c, i) => {
        const appId = appIdOf.get(c) ?? null;
        const tier = getTier(c.tier);
        const creator = c.status !== null ? c.decider : chance(awardRng, 0.2) ? "admin" : "reviewer";
        const createdAt =
          c.status !== null
            ? c.approvedAt!
            : Math.min(
                NOW_CAP,
                Math.max(
                  officeTime(c.batch!.ms + int(awardRng, 2, 15) * DAY + awardRng() * DAY),
                  c.firm.createdAt + int(awardRng, 1, 48) * HOUR,
                ),
              );
        return {
          i,
          createdAt,
          row: {
            enterprise_id: c.firm.id,
            tier_code: c.tier,
            level: c.level!,
            year: c.year,
            recognized_on: c.batch!.date,
            valid_until: tier.validityYears ? addYears(c.batch!.date, tier.validityYears) : null,
            document_no: c.batch!.docNo,
            application_id: appId,
            revoked_on: c.revoke ? cstDate(c.revoke.at) : null,
            revoked_reason: c.revoke ? c.revoke.reason : null,
            created_by: uid(creator),
            created_at: iso(createdAt),
          },
        };
      })
      .sort((x, y) => x.createdAt - y.createdAt || x.i - y.i);
    const awardRows: Insertable<AwardsTable>[] = awards.map(({ row }, i) => ({ id: i + 1, ...row }));
    await insertChunks(trx, "awards", awardRows);
    await seedDemoPool(trx, {
      reviewer: uid("reviewer")!,
      officers: { jintang: uid("officer-jintang")!, yancang: uid("officer-yancang")! },
    });
    await syncIdSequences(trx);
    await seedDemoNotifications(trx, DEMO_NOW);
    await seedDemoLifecycle(trx, DEMO_NOW, demoHash, Object.values(DEMO_ENTERPRISE_NAMES));
  });
}

/** Loads reference data (always, idempotent) and the demo data when there are no firms yet. */
export async function seedIfEmpty(db: Kysely<DB>, options: SeedDemoOptions = {}): Promise<{ seeded: boolean }> {
  await seedReference(db);
  const row = await db
    .selectFrom("enterprises")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(row.n) > 0) return { seeded: false };
  await seedDemo(db, options);
  return { seeded: true };
}
