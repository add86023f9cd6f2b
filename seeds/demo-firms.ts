/**
 * The demo's firms: about 300 across the 13 towns (the two demo-account firms and the ten named
 * in the district's plan among them), with names, addresses, profiles and an archived one.
 */
import type { Insertable, Kysely } from "kysely";
import type { DB, EnterprisesTable } from "../db/schema";
import { generateUscc } from "../app/domain/uscc";
import { INDUSTRIES, TOWNS } from "./reference";
import { chance, int, pick, roundTo, shuffle, weightedPick, type Rng } from "./random";
import { DAY, DEMO_ENTERPRISE_NAMES, DEMO_ENTERPRISE_USCC, HOUR, cstMidnight, insertChunks, iso, officeTime, randomTime } from "./demo-common";

// ───────────────────────────── name and profile pools ─────────────────────────────

const TOWN_NAME = new Map(TOWNS.map((t) => [t.code, t.name_zh]));
export const INDUSTRY_CODES = INDUSTRIES.map((i) => i.code);

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
  changguo: "昌国",
  huannan: "环南",
  chengdong: "城东",
  yancang: "盐仓",
  lincheng: "临城",
  qiandao: "千岛",
  cengang: "岑港",
  maao: "马岙",
  shuangqiao: "双桥",
  xiaosha: "小沙",
  jintang: "金塘",
  baiquan: "白泉",
  ganlan: "干览",
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
export const MAIN_PRODUCTS: Record<string, string[]> = {
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
  "建国",
  "海军",
  "伟",
  "芳",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀英",
  "霞",
  "平",
  "刚",
  "海波",
  "建华",
  "国平",
  "志刚",
  "晓燕",
  "丹",
  "斌",
  "波",
  "红",
  "辉",
  "鹏",
  "飞",
  "佳",
  "琳",
  "宇",
  "浩",
  "婷",
  "雪",
  "慧",
  "亮",
  "峰",
  "立新",
  "永康",
  "海燕",
  "文杰",
  "国强",
  "建平",
  "晓东",
  "雅琴",
  "春燕",
  "玲",
  "萍",
  "振宇",
  "亚飞",
  "素芬",
  "益民",
];

function personName(rng: Rng): string {
  return pick(rng, SURNAMES) + pick(rng, GIVEN);
}
export function digits(rng: Rng, n: number): string {
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

export interface Firm {
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
    name: DEMO_ENTERPRISE_NAMES.jintang,
    town: "jintang",
    industry: "machinery",
    platform: "金塘塑机螺杆小微园",
    employees: 186,
    revenue: 68_350_000,
    rd: 2_460_000,
    uscc: DEMO_ENTERPRISE_USCC.jintang,
    demo: "jintang",
    legalRep: "邬建国",
    contactName: "邬晓燕",
    contactPhone: "13857201368",
    address: "浙江省舟山市定海区金塘镇沥港路218号",
  },
  {
    name: DEMO_ENTERPRISE_NAMES.yancang,
    town: "yancang",
    industry: "high-end-equipment",
    platform: "盐仓双桥高端装备制造基地",
    employees: 142,
    revenue: 45_800_000,
    rd: 1_920_000,
    uscc: DEMO_ENTERPRISE_USCC.yancang,
    demo: "yancang",
    legalRep: "应海波",
    contactName: "虞丽",
    contactPhone: "0580-2061835",
    address: "浙江省舟山市定海区盐仓街道海天大道66号",
  },
  {
    name: "荣盛新材料（舟山）有限公司",
    town: "jintang",
    industry: "petrochem-new-materials",
    platform: "金塘新材料产业园",
    employees: 1860,
    revenue: 12_600_000_000,
    rd: 315_000_000,
  },
  { name: "浙江华康生物科技有限公司", town: "cengang", industry: "grain-oil", platform: "舟山粮食产业园", employees: 620, revenue: 1_850_000_000, rd: 46_000_000 },
  {
    name: "舟山中天重工有限公司",
    town: "shuangqiao",
    industry: "high-end-equipment",
    platform: "盐仓双桥高端装备制造基地",
    employees: 780,
    revenue: 2_360_000_000,
    rd: 71_000_000,
  },
  { name: "浙江聚泰新材料有限公司", town: "jintang", industry: "petrochem-new-materials", platform: "金塘新材料产业园", employees: 350, revenue: 980_000_000, rd: 31_000_000 },
  { name: "国营第7412工厂", town: "huannan", industry: "shipbuilding-offshore", platform: null, employees: 1200, revenue: 1_450_000_000, rd: 38_000_000 },
  { name: "舟山南北海工装备有限公司", town: "xiaosha", industry: "shipbuilding-offshore", platform: "小沙船舶海工基地", employees: 420, revenue: 560_000_000, rd: 17_500_000 },
  { name: "太平洋海洋工程（舟山）有限公司", town: "cengang", industry: "shipbuilding-offshore", platform: "定海工业园区", employees: 1500, revenue: 2_900_000_000, rd: 64_000_000 },
  { name: "大洋世家（浙江）股份公司", town: "ganlan", industry: "aquatic-processing", platform: "干览远洋渔业小镇", employees: 980, revenue: 3_400_000_000, rd: 42_000_000 },
  { name: "森森集团股份有限公司", town: "shuangqiao", industry: "other-manufacturing", platform: "定海工业园区", employees: 1350, revenue: 1_680_000_000, rd: 58_000_000 },
  { name: "浙江华业塑料机械股份有限公司", town: "jintang", industry: "machinery", platform: "金塘塑机螺杆小微园", employees: 520, revenue: 620_000_000, rd: 24_000_000 },
];

export function address(rng: Rng, town: string): string {
  const suffix = chance(rng, 0.2) ? `${int(rng, 1, 12)}幢` : "";
  return `浙江省舟山市定海区${TOWN_NAME.get(town)}${pick(rng, ROADS[town]!)}${int(rng, 1, 888)}号${suffix}`;
}

export function generateFirms(rng: Rng): Firm[] {
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
    .map(() => (chance(rng, 0.65) ? randomTime(rng, cstMidnight(2022, 1, 10), cstMidnight(2022, 3, 31)) : randomTime(rng, cstMidnight(2022, 4, 1), cstMidnight(2024, 12, 20))))
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

    const rule = PLATFORM_RULES.find((r) => r.towns.includes(town) && (r.industries === "*" || r.industries.includes(industry)));
    const platform = rule && chance(rng, rule.p) ? rule.platform : null;
    const above = chance(rng, industry === "other-manufacturing" ? 0.3 : 0.43);
    const r = rng();
    const revenue = above ? roundTo(20_500_000 + r * r * r * 1_200_000_000, 100) : roundTo(800_000 + r * 19_000_000, 100);
    const employees = above ? 45 + Math.floor(rng() * rng() * 900) : 6 + Math.floor(rng() * 120);
    const rd = chance(rng, 0.04) ? null : roundTo(revenue * (above ? 0.004 + rng() * 0.05 : rng() * 0.06), 100);
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

/** Writes the firms, with explicit ids (the table is empty). */
export async function insertDemoFirms(trx: Kysely<DB>, firms: readonly Firm[]): Promise<void> {
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
}
