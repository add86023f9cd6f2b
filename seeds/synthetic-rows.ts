/**
 * The rows of the benchmark's synthetic data sets, produced once for every database: the
 * generator proper (seeded PRNG streams, fixed timestamps) hands each row's values, in the order
 * of the column lists below, to the sinks a writer gives it. seeds/synthetic.ts writes them into
 * SQLite, seeds/synthetic-pg.ts into PostgreSQL; same size → same rows on both.
 */
import { TIERS, TIER_CODES, type Level, type TierCode } from "../app/domain/tiers";
import { generateUscc } from "../app/domain/uscc";
import { DEMO_ENTERPRISE_NAMES, DEMO_ENTERPRISE_USCC, planDemo } from "./demo";
import { INDUSTRIES, PLATFORMS, TOWNS } from "./reference";
import { chance, deriveSeed, int, mulberry32, pick, type Rng } from "./random";

/**
 * Bump when the generated rows change: data sets of another version are rebuilt. 3: a tier of
 * one level is sought at that level, as the application form records it (it was NULL, which
 * the dashboard counts as "level undecided" and reads row by row: 285,000 rows at L).
 */
export const SYNTHETIC_VERSION = 3;

export const SYNTHETIC_SIZES = {
  XS: { firms: 300, applications: 900, towns: 13 },
  S: { firms: 2_000, applications: 6_000, towns: 13 },
  M: { firms: 100_000, applications: 500_000, towns: 60 },
  L: { firms: 1_000_000, applications: 3_000_000, towns: 100 },
} as const;
export type SyntheticSize = keyof typeof SYNTHETIC_SIZES;

export function isSyntheticSize(x: string): x is SyntheticSize {
  return Object.hasOwn(SYNTHETIC_SIZES, x);
}

export interface SyntheticMeta {
  version: number;
  size: SyntheticSize;
  counts: { towns: number; enterprises: number; applications: number; awards: number; events: number; users: number };
  seconds: number;
}

const SEED = 0x5e1ec7ed;
/** "Now" of the synthetic data: nothing is dated after it. */
export const SYNTHETIC_NOW = "2026-11-27T09:00:00.000Z";
const NOW_MS = Date.parse(SYNTHETIC_NOW);
const DAY = 86_400_000;
const YEARS = [2022, 2023, 2024, 2025, 2026] as const;

// ───────────────────────────── pools ─────────────────────────────

const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严";
const GIVEN = [
  "伟",
  "芳",
  "娜",
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
  "涛",
  "明",
  "超",
  "秀英",
  "华",
  "建国",
  "海波",
  "志强",
  "晓东",
  "国平",
  "雪梅",
  "丹",
  "斌",
  "浩",
  "宁",
  "亮",
  "辉",
];
const WORDS = "海舟定金盐岑双白干东南北新华瑞恒泰丰宏达鑫源利昌盛安信诚远航宇晨星蓝洋港湾岛峰山川禾嘉润博通凯隆腾锦富和祥顺德兴隆宝成俊创科";
const CORES = ["科技", "实业", "工贸", "机械", "制造", "新材料", "海洋", "船舶", "电子", "生物", "食品", "精工", "智能", "能源", "化工", "装备", "水产", "粮油", "环保", "模具"];
const INDUSTRY_WORDS: Record<string, string[]> = {
  "petrochem-new-materials": ["石化", "新材料", "化工", "高分子"],
  "shipbuilding-offshore": ["船舶", "海工", "船业", "修造船"],
  machinery: ["塑机", "螺杆", "机械", "汽配"],
  "grain-oil": ["粮油", "油脂", "饲料"],
  "aquatic-processing": ["水产", "海产", "远洋渔业", "食品"],
  "high-end-equipment": ["装备", "智能装备", "精密机械"],
  "marine-electronics": ["海洋电子", "通信", "导航"],
  "marine-biomedicine": ["生物", "医药", "海洋生物"],
  "other-manufacturing": ["制品", "工艺", "包装", "服饰"],
};
const FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"];
const ROADS = ["海宇道", "昌国路", "人民路", "解放路", "临港路", "工业路", "兴港路", "新港路", "东海路", "环城路"];

/** Zhejiang prefecture codes, for the credit codes of firms outside Dinghai. */
const CITY_CODES = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"];

function personName(rng: Rng): string {
  return SURNAMES[Math.floor(rng() * SURNAMES.length)]! + pick(rng, GIVEN);
}
function mobile(rng: Rng): string {
  let s = pick(rng, ["13", "15", "18"]) + String(int(rng, 0, 9));
  for (let i = 0; i < 8; i++) s += String(int(rng, 0, 9));
  return s;
}
/**
 * `new Date(ms).toISOString()`, character for character, without a Date per call: ~15 million
 * timestamps at L. The date part is cached per day, the time of day is built from two-digit
 * strings (every synthetic instant falls on a whole minute, which has its own cache).
 */
const dayStrings: string[] = [];
const minuteStrings: string[] = [];
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
function dayString(day: number): string {
  return (dayStrings[day] ??= new Date(day * DAY).toISOString().slice(0, 10));
}
function iso(ms: number): string {
  if (!(ms >= 0 && ms < 253_402_300_800_000 && Number.isInteger(ms))) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY);
  const t = ms - day * DAY;
  if (t % 60_000 === 0) {
    const minute = t / 60_000;
    return dayString(day) + (minuteStrings[minute] ??= `T${PAD2[Math.floor(minute / 60)]}:${PAD2[minute % 60]}:00.000Z`);
  }
  const s = Math.floor(t / 1000);
  return `${dayString(day)}T${PAD2[Math.floor(s / 3600)]}:${PAD2[Math.floor(s / 60) % 60]}:${PAD2[s % 60]}.${String(t % 1000).padStart(3, "0")}Z`;
}
/** `JSON.stringify({ [key]: value })` of the few small objects in event data, built once each. */
const jsonStrings = new Map<string, Map<string, string>>();
function jsonOf(key: string, value: string): string {
  let byValue = jsonStrings.get(key);
  if (byValue === undefined) jsonStrings.set(key, (byValue = new Map()));
  let json = byValue.get(value);
  if (json === undefined) byValue.set(value, (json = JSON.stringify({ [key]: value })));
  return json;
}
/** Midnight Asia/Shanghai of a date, as UTC milliseconds. */
function cstMidnight(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) - 8 * 3_600_000;
}
function cstDate(ms: number): string {
  const local = ms + 8 * 3_600_000;
  return local >= 0 && Number.isFinite(local) ? dayString(Math.floor(local / DAY)) : new Date(local).toISOString().slice(0, 10);
}
/** An instant of office hours (08:30–17:30 CST) on a day between from and to. */
function officeInstant(rng: Rng, from: number, to: number): number {
  const day = Math.floor((from + rng() * Math.max(0, to - from) + 8 * 3_600_000) / DAY);
  const ms = day * DAY - 8 * 3_600_000 + 8.5 * 3_600_000 + int(rng, 0, 9 * 60) * 60_000;
  return Math.min(ms, NOW_MS);
}

// ───────────────────────────── towns ─────────────────────────────

interface TownPlan {
  code: string;
  region: string;
  weight: number;
  pickIndustry: (rng: Rng) => string;
  short: string;
}

/**
 * A weighted choice over a fixed list, by binary search over cumulative weights: the generator
 * draws tens of millions of times, so no per-call allocation.
 */
function picker<T>(items: readonly T[], weights: readonly number[]): (rng: Rng) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += Math.max(0, w)));
  return (rng) => {
    const r = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
}
const INDUSTRY_CODES = INDUSTRIES.map((i) => i.code);

export function planTowns(rng: Rng, count: number) {
  const rows = TOWNS.map((t) => ({ ...t }));
  const plans: TownPlan[] = TOWNS.map((t) => ({
    code: t.code,
    region: "330902",
    weight: t.code === "jintang" || t.code === "yancang" ? 1.6 : 0.6 + rng(),
    pickIndustry: picker(
      INDUSTRY_CODES,
      INDUSTRIES.map(() => 0.2 + rng() * 3),
    ),
    short: t.name_zh.replace(/(街道|镇)$/u, ""),
  }));
  // At province scale a "town" row stands for a county-level unit (Zhejiang has about 90), the
  // unit a province-wide registry would be run and filtered by.
  for (let i = TOWNS.length + 1; i <= count; i++) {
    const code = `town-${String(i).padStart(4, "0")}`;
    const street = chance(rng, 0.6);
    rows.push({
      code,
      name_zh: `合成${street ? "街道" : "镇"}${String(i).padStart(4, "0")}`,
      name_en: `Synthetic ${street ? "Subdistrict" : "Town"} ${String(i).padStart(4, "0")}`,
      kind: street ? "street" : "town",
      managed_by: "district",
      sort: i,
    });
    // Skewed sizes: a few big industrial towns, many small ones.
    const u = rng();
    plans.push({
      code,
      region: `33${pick(rng, CITY_CODES)}${String(int(rng, 2, 83)).padStart(2, "0")}`,
      weight: 0.2 + 3 * u * u * u,
      pickIndustry: picker(
        INDUSTRY_CODES,
        INDUSTRIES.map(() => 0.2 + rng() * 3),
      ),
      short: pick(rng, ["浙东", "之江", "钱塘", "甬江", "瓯江", "东阳", "新安", "南湖"]),
    });
  }
  return { rows, plans };
}

// ───────────────────────────── applications ─────────────────────────────

const TIER_WEIGHT: Record<TierCode, number> = {
  "specialized-new": 20,
  "scaled-up": 15,
  "green-factory": 10,
  listed: 4,
  "demonstration-factory": 10,
  "quality-factory": 15,
  "clean-beauty-factory": 26,
};
const YEAR_WEIGHT = [14, 17, 20, 23, 26];

type Status = "draft" | "submitted" | "returned" | "approved" | "rejected" | "withdrawn" | "revoked";
const STATUS_BY_AGE: Record<"old" | "last" | "current", [Status, number][]> = {
  old: [
    ["approved", 50],
    ["rejected", 25],
    ["withdrawn", 15],
    ["revoked", 3],
    ["returned", 2],
    ["submitted", 1],
    ["draft", 4],
  ],
  last: [
    ["approved", 45],
    ["rejected", 20],
    ["withdrawn", 10],
    ["revoked", 1],
    ["returned", 5],
    ["submitted", 9],
    ["draft", 10],
  ],
  current: [
    ["approved", 20],
    ["rejected", 8],
    ["withdrawn", 5],
    ["returned", 10],
    ["submitted", 35],
    ["draft", 22],
  ],
};
const REASONS = ["threshold-not-met", "evidence-missing", "wrong-tier", "outside-district"];
const LEVEL_WEIGHT: Record<Level, number> = { national: 1, provincial: 4, municipal: 10, district: 10 };
const pickTier = picker(
  TIER_CODES,
  TIER_CODES.map((t) => TIER_WEIGHT[t]),
);
const pickYear = picker(YEARS, YEAR_WEIGHT);
const pickStatus = {
  old: picker(
    STATUS_BY_AGE.old.map(([s]) => s),
    STATUS_BY_AGE.old.map(([, w]) => w),
  ),
  last: picker(
    STATUS_BY_AGE.last.map(([s]) => s),
    STATUS_BY_AGE.last.map(([, w]) => w),
  ),
  current: picker(
    STATUS_BY_AGE.current.map(([s]) => s),
    STATUS_BY_AGE.current.map(([, w]) => w),
  ),
};
const TIER_BY_CODE = new Map(TIERS.map((t) => [t.code, t]));
const pickLevel = Object.fromEntries(
  TIERS.map((t) => [
    t.code,
    picker(
      t.levels,
      t.levels.map((l) => LEVEL_WEIGHT[l]),
    ),
  ]),
) as Record<TierCode, (rng: Rng) => Level>;

/** Complete payloads of each tier, taken from the demo plan so forms and pages show real fields. */
function payloadTemplates(): Map<TierCode, string[]> {
  const map = new Map<TierCode, string[]>(TIER_CODES.map((t) => [t, []]));
  for (const b of planDemo().built) {
    if (b.app.status === "draft") continue;
    map.get(b.app.tier_code as TierCode)!.push(b.app.payload as string);
  }
  for (const [tier, list] of map) {
    if (list.length === 0) {
      list.push("{}");
      console.warn(`no payload template for ${tier}`);
    }
  }
  return map;
}

/**
 * 0002's progress counters, tallied as the rows are generated: what its insert triggers would
 * have added up. (A GROUP BY over the joined tables took half a minute at L.) Keys are numbers,
 * year and three small codes packed: a string key per row cost more than the rest of the tally.
 */
export class ProgressTally {
  private readonly applications = new Map<number, number>();
  private readonly awards = new Map<number, number>();
  private readonly codes: string[] = [];
  private readonly codeIds = new Map<string, number>();
  private code(value: string): number {
    let id = this.codeIds.get(value);
    if (id === undefined) {
      id = this.codes.length;
      if (id === 256) throw new Error("ProgressTally: more than 256 codes");
      this.codes.push(value);
      this.codeIds.set(value, id);
    }
    return id;
  }
  private key(year: number, tier: string, town: string, last: string): number {
    return year * 16_777_216 + this.code(tier) * 65_536 + this.code(town) * 256 + this.code(last);
  }
  application(year: number, tier: string, town: string, status: string) {
    const key = this.key(year, tier, town, status);
    this.applications.set(key, (this.applications.get(key) ?? 0) + 1);
  }
  /** Only live awards (revoked_on IS NULL) are counted. */
  liveAward(year: number, tier: string, town: string, level: string) {
    const key = this.key(year, tier, town, level);
    this.awards.set(key, (this.awards.get(key) ?? 0) + 1);
  }
  /** The counter rows: [table, year, tier_code, town_code, status or level, n]. */
  rows(): { table: "progress_application_counts" | "progress_award_counts"; values: [number, string, string, string, number] }[] {
    const out: ReturnType<ProgressTally["rows"]> = [];
    const code = (key: number, shift: number) => this.codes[Math.floor(key / shift) % 256]!;
    const add = (table: "progress_application_counts" | "progress_award_counts", counts: Map<number, number>) => {
      for (const [key, n] of counts) out.push({ table, values: [Math.floor(key / 16_777_216), code(key, 65_536), code(key, 256), code(key, 1), n] });
    };
    add("progress_application_counts", this.applications);
    add("progress_award_counts", this.awards);
    return out;
  }
}

// ───────────────────────────── firms ─────────────────────────────

export const stream = (size: SyntheticSize, label: string) => mulberry32(deriveSeed(SEED, `${size}/${label}`));

/** Each table's columns, in the order the generator hands over a row's values. */
export const FIRM_COLUMNS = [
  "id",
  "uscc",
  "name",
  "town_code",
  "industry_code",
  "platform",
  "above_scale",
  "address",
  "legal_rep",
  "contact_name",
  "contact_phone",
  "employees",
  "revenue_yuan",
  "rd_expense_yuan",
  "version",
  "created_at",
  "updated_at",
  "archived_at",
] as const;
export const APPLICATION_COLUMNS = [
  "id",
  "enterprise_id",
  "tier_code",
  "year",
  "level_sought",
  "status",
  "payload",
  "town_opinion",
  "town_comment",
  "submitted_at",
  "decided_at",
  "decided_by",
  "decision_reason",
  "decision_comment",
  "version",
  "created_by",
  "created_at",
  "updated_at",
] as const;
export const AWARD_COLUMNS = [
  "id",
  "enterprise_id",
  "tier_code",
  "level",
  "year",
  "recognized_on",
  "valid_until",
  "document_no",
  "application_id",
  "revoked_on",
  "revoked_reason",
  "created_by",
  "created_at",
] as const;
export const EVENT_COLUMNS = ["id", "application_id", "at", "actor_id", "action", "from_status", "to_status", "comment", "data"] as const;
export const TOWN_COLUMNS = ["code", "name_zh", "name_en", "kind", "managed_by", "sort"] as const;
export const USER_COLUMNS = ["id", "username", "display_name", "role", "enterprise_id", "town_code", "password_hash", "must_change_password", "created_at"] as const;

/**
 * The firm stream, from its own PRNG: called for ids 1, 2, … in order, it draws firm `id`, hands
 * its row's values to `sink` (when given) and returns what the applications stream needs of it.
 */
export function firmStream(size: SyntheticSize, plans: TownPlan[]) {
  const rng = stream(size, "firms");
  const usccs = new Set<string>([DEMO_ENTERPRISE_USCC.jintang, DEMO_ENTERPRISE_USCC.yancang]);
  const pickTown = picker(
    plans,
    plans.map((p) => p.weight),
  );
  return (id: number, sink?: (...values: unknown[]) => void): { created: number; town: string } => {
    // Demo accounts: the two demo firms are the first two firms (ids 1 and 2) in their towns.
    const demo = id === 1 ? "jintang" : id === 2 ? "yancang" : null;
    const town = demo ? plans.find((p) => p.code === demo)! : pickTown(rng);
    const industry = town.pickIndustry(rng);
    let uscc: string;
    if (demo) uscc = DEMO_ENTERPRISE_USCC[demo];
    else {
      do uscc = generateUscc(rng, town.region, "1");
      while (usccs.has(uscc));
      usccs.add(uscc);
    }
    const name = demo
      ? DEMO_ENTERPRISE_NAMES[demo]
      : `${chance(rng, 0.5) ? town.short : pick(rng, ["浙江", "舟山", "定海"])}${WORDS[Math.floor(rng() * WORDS.length)]}${WORDS[Math.floor(rng() * WORDS.length)]}${pick(rng, INDUSTRY_WORDS[industry] ?? CORES)}${pick(rng, CORES)}${pick(rng, FORMS)}`;
    const above = demo ? true : chance(rng, 0.16);
    const revenue = above ? int(rng, 2_000, 80_000) * 10_000 : int(rng, 50, 1_999) * 10_000;
    const employees = above ? int(rng, 40, 900) : int(rng, 3, 120);
    const created = cstMidnight(int(rng, 2008, 2021), int(rng, 1, 12), int(rng, 1, 28)) + int(rng, 9, 17) * 3_600_000;
    const updated = Math.min(NOW_MS, created + int(rng, 0, 2_000) * DAY);
    const archived = !demo && chance(rng, 0.03) ? Math.min(NOW_MS, updated + int(rng, 1, 300) * DAY) : null;
    // Drawn whether or not the row is wanted, in the order of the row's columns.
    const platform = town.region === "330902" && chance(rng, 0.3) ? pick(rng, PLATFORMS) : null;
    const address = `${town.short}${pick(rng, ROADS)}${int(rng, 1, 999)}号`;
    const legalRep = personName(rng);
    const contactName = personName(rng);
    const contactPhone = mobile(rng);
    const rdExpense = chance(rng, 0.6) ? Math.round((revenue * (int(rng, 5, 60) / 1000)) / 100) * 100 : null;
    sink?.(
      id,
      uscc,
      name,
      town.code,
      industry,
      platform,
      above ? 1 : 0,
      address,
      legalRep,
      contactName,
      contactPhone,
      employees,
      revenue,
      rdExpense,
      1,
      iso(created),
      iso(Math.max(updated, archived ?? 0)),
      archived === null ? null : iso(archived),
    );
    return { created, town: town.code };
  };
}

// ───────────────────────────── the rows ─────────────────────────────

type Sink = (...values: unknown[]) => void;

/** Where the generator hands each row (values in the order of the table's column list). */
export interface SyntheticSinks {
  /** Omitted when a writer produces the firm rows elsewhere (the SQLite writer's worker thread). */
  firm?: Sink;
  application: Sink;
  award: Sink;
  event: Sink;
}

const USERS_CREATED_AT = "2022-12-20T01:00:00.000Z";
const ADMIN_ID = 1;
const REVIEWER_ID = 2;

/**
 * The demo accounts, with their ids (the users table is empty before them): admin, reviewer and
 * one officer per real town first, since applications name their creator and decider; the two
 * enterprise accounts last, as their firms are written with the rest. One password hash for all.
 */
export function syntheticUsers(passwordHash: string): { before: unknown[][]; after: unknown[][] } {
  const user = (id: number, username: string, displayName: string, role: string, enterpriseId: number | null, townCode: string | null) => [
    id,
    username,
    displayName,
    role,
    enterpriseId,
    townCode,
    passwordHash,
    0,
    USERS_CREATED_AT,
  ];
  const before = [
    user(ADMIN_ID, "admin", "系统管理员", "admin", null, null),
    user(REVIEWER_ID, "reviewer", "区经信局 审核员", "reviewer", null, null),
    ...TOWNS.map((t, i) => user(3 + i, `officer-${t.code}`, `${t.name_zh} 联络员`, "town_officer", null, t.code)),
  ];
  const after = [
    user(3 + TOWNS.length, "ent-jintang", DEMO_ENTERPRISE_NAMES.jintang, "enterprise", 1, null),
    user(4 + TOWNS.length, "ent-yancang", DEMO_ENTERPRISE_NAMES.yancang, "enterprise", 2, null),
  ];
  return { before, after };
}

/**
 * The generator of a size's rows. `towns` are the town rows (the 13 real ones, which the
 * reference data already holds, then the synthetic ones); `firms(from, to)` produces firms
 * `from`..`to` (called for consecutive ranges from 1) with their recognitions, applications and
 * events; `tally` adds up what 0002's insert triggers would have counted.
 */
export function createSyntheticRows(size: SyntheticSize, sinks: SyntheticSinks) {
  const spec = SYNTHETIC_SIZES[size];
  const tally = new ProgressTally();
  const { rows: towns, plans } = planTowns(stream(size, "towns"), spec.towns);
  const templates = payloadTemplates();
  const nextFirm = firmStream(size, plans);
  const appRng = stream(size, "applications");
  const reviewerId = REVIEWER_ID;
  const adminId = ADMIN_ID;

  let appId = 0;
  let awardId = 0;
  let eventId = 0;
  let appsLeft: number = spec.applications;

  const event = (appIdValue: number, at: number, actor: number, action: string, from: Status | null, to: Status, comment: string | null, data: string | null) => {
    sinks.event(++eventId, appIdValue, iso(at), actor, action, from, to, comment, data);
  };

  const writeApplications = (firmId: number, firmsLeft: number, town: string) => {
    const rng = appRng;
    // Budgeted so the total comes out at the size's count: mean = what is left per firm left.
    const mean = appsLeft / firmsLeft;
    let k: number;
    if (firmsLeft === 1) k = Math.min(appsLeft, 20);
    else if (chance(rng, 0.3)) k = 0;
    else {
      const top = (2 * mean) / 0.7 - 1;
      k = Math.min(20, int(rng, 1, Math.max(1, Math.floor(top) + (chance(rng, top - Math.floor(top)) ? 1 : 0))));
    }
    k = Math.min(k, appsLeft);
    appsLeft -= k;
    const used = new Set<string>();
    for (let n = 0; n < k; n++) {
      let tier: TierCode;
      let year: number;
      let key: string;
      let tries = 0;
      do {
        tier = pickTier(rng);
        year = pickYear(rng);
        key = `${tier}/${year}`;
      } while (used.has(key) && ++tries < 50);
      if (used.has(key)) break;
      used.add(key);
      writeApplication(rng, firmId, tier, year, town);
    }
  };

  const writeApplication = (rng: Rng, firmId: number, tier: TierCode, year: number, town: string) => {
    const t = TIER_BY_CODE.get(tier)!;
    const age = year === 2026 ? "current" : year === 2025 ? "last" : "old";
    const status = pickStatus[age](rng);
    const level = pickLevel[tier](rng);
    // The form records the only level of a one-level tier (app/schemas/application.server.ts).
    const levelSought = level;
    const yearStart = cstMidnight(year, 1, 5);
    const yearEnd = Math.min(NOW_MS - 20 * DAY, cstMidnight(year, 12, 20));
    const created = officeInstant(rng, yearStart, yearEnd - 40 * DAY);
    const id = ++appId;
    const actor = reviewerId;
    let at = created;
    let version = 1;
    let current: Status = "draft";
    event(id, at, actor, "create", null, "draft", "区经信局根据企业纸质申报材料代为录入", null);
    let submittedAt: number | null = null;
    let decidedAt: number | null = null;
    let decidedBy: number | null = null;
    let reason: string | null = null;
    let comment: string | null = null;
    let opinion: string | null = null;
    const step = (action: string, to: Status, text: string | null, data: string | null, by = actor) => {
      at = Math.min(NOW_MS, at + int(rng, 1, 25) * DAY + int(rng, 0, 480) * 60_000);
      event(id, at, by, action, current, to, text, data);
      current = to;
      version++;
    };
    if (status !== "draft") {
      step("submit", "submitted", "提交申报", null);
      submittedAt = at;
      if (chance(rng, 0.4)) {
        opinion = chance(rng, 0.85) ? "recommend" : "not-recommend";
        // An opinion is an event without a change of state.
        at = Math.min(NOW_MS, at + int(rng, 1, 7) * DAY);
        event(id, at, actor, "opinion", "submitted", "submitted", opinion === "recommend" ? "经初审，同意推荐" : "暂不推荐", jsonOf("opinion", opinion));
        version++;
      }
      const decider = chance(rng, 0.2) ? adminId : reviewerId;
      switch (status) {
        case "returned":
        case "rejected":
          reason = pick(rng, REASONS);
          comment = status === "returned" ? "请补充近两年审计报告后重新提交" : "经审核，未达到申报条件";
          step(status === "returned" ? "return" : "reject", status, comment, jsonOf("reason", reason), decider);
          decidedAt = at;
          decidedBy = decider;
          break;
        case "withdrawn":
          step("withdraw", "withdrawn", "企业申请撤回", null);
          break;
        case "approved":
        case "revoked": {
          step("approve", "approved", "经审核并公示无异议，同意认定", jsonOf("level", level), decider);
          decidedAt = at;
          decidedBy = decider;
          const recognized = cstDate(at);
          let revokedOn: string | null = null;
          if (status === "revoked") {
            step("revoke", "revoked", "企业已迁出本区", null, decider);
            revokedOn = cstDate(at);
            comment = "企业已迁出本区";
          }
          if (revokedOn === null) tally.liveAward(year, tier, town, level);
          sinks.award(
            ++awardId,
            firmId,
            tier,
            level,
            year,
            recognized,
            t.validityYears ? `${Number(recognized.slice(0, 4)) + t.validityYears}${recognized.slice(4)}` : null,
            `定经信〔${year}〕${int(rng, 1, 99)}号`,
            id,
            revokedOn,
            revokedOn ? "企业已迁出本区" : null,
            decider,
            iso(decidedAt),
          );
          break;
        }
        default:
          break;
      }
    }
    tally.application(year, tier, town, current);
    sinks.application(
      id,
      firmId,
      tier,
      year,
      levelSought,
      current,
      pick(rng, templates.get(tier)!),
      opinion,
      opinion === null ? null : opinion === "recommend" ? "经初审，同意推荐" : "暂不推荐",
      submittedAt === null ? null : iso(submittedAt),
      decidedAt === null ? null : iso(decidedAt),
      decidedBy,
      reason,
      comment,
      version,
      actor,
      iso(created),
      iso(at),
    );
  };

  /** Recognitions recorded without an application (2019–2021: before the registry). */
  const writeDirectAwards = (firmId: number, created: number, town: string) => {
    const rng = appRng;
    if (!chance(rng, 0.08)) return;
    const tier = pickTier(rng);
    const t = TIER_BY_CODE.get(tier)!;
    const year = int(rng, 2019, 2021);
    if (created > cstMidnight(year, 12, 31)) return;
    const level = pickLevel[tier](rng);
    const recognized = `${year}-${String(int(rng, 3, 12)).padStart(2, "0")}-${String(int(rng, 1, 28)).padStart(2, "0")}`;
    tally.liveAward(year, tier, town, level);
    sinks.award(
      ++awardId,
      firmId,
      tier,
      level,
      year,
      recognized,
      t.validityYears ? `${year + t.validityYears}${recognized.slice(4)}` : null,
      `定经信〔${year}〕${int(rng, 1, 99)}号`,
      null,
      null,
      null,
      reviewerId,
      `${recognized}T02:00:00.000Z`,
    );
  };

  return {
    towns,
    tally,
    firms(from: number, to: number) {
      for (let id = from; id <= to; id++) {
        const { created, town } = nextFirm(id, sinks.firm);
        writeDirectAwards(id, created, town);
        writeApplications(id, spec.firms - id + 1, town);
      }
    },
    counts: () => ({ applications: appId, awards: awardId, events: eventId }),
  };
}
