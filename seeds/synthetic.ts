/**
 * Deterministic synthetic data sets for the province-scale benchmark: the registry as
 * it would look serving a whole province. Sizes:
 *
 *   XS     300 firms       900 applications    13 towns   (tests)
 *   S    2,000 firms     6,000 applications    13 towns   (Dinghai today)
 *   M  100,000 firms   500,000 applications    60 towns
 *   L 1,000,000 firms 3,000,000 applications   100 towns (a province: ~90 county-level units)
 *
 * with awards (from approved and revoked applications, plus recognitions recorded without one),
 * each application's history events, and the demo accounts (one argon2 hash, reused).
 *
 * Same size → same rows on every machine (seeded PRNGs per size, one for each of the towns, firms
 * and applications streams; fixed timestamps). The file is built on demand under data/bench/ and
 * reused while its sidecar `<size>.json` names the same generator version. Bulk load: multi-row
 * prepared better-sqlite3 statements, one transaction per chunk, journal off, CHECK constraints
 * skipped, secondary indexes and triggers dropped during the load and recreated after. Two
 * threads: a worker thread writes the firms into a file of their own and indexes them while the
 * main thread writes everything else; the firms are then copied in, indexes and all. What the
 * dropped insert triggers would have counted is tallied while generating or rebuilt once at the
 * end, then ANALYZE.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { hash as argon2Hash } from "@node-rs/argon2";
import { createDb, migrateToLatest, openSqlite } from "../db/client";
import { REBUILD_COVERAGE_SQL } from "../db/migrations/0005_performance";
import { REBUILD_AWARD_SLOTS_SQL, REBUILD_STATUS_SLOTS_SQL } from "../db/migrations/0008_counter_slots";
import { TIERS, TIER_CODES, type Level, type TierCode } from "../app/domain/tiers";
import { generateUscc } from "../app/domain/uscc";
import { DEMO_ENTERPRISE_NAMES, DEMO_ENTERPRISE_USCC, DEMO_PASSWORD, planDemo } from "./demo";
import { INDUSTRIES, PLATFORMS, TOWNS, seedReference } from "./reference";
import { chance, deriveSeed, int, mulberry32, pick, type Rng } from "./random";

/** Bump when the generated rows change: data sets of another version are rebuilt. */
export const SYNTHETIC_VERSION = 2;

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

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严";
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "建国", "海波", "志强", "晓东", "国平", "雪梅", "丹", "斌", "浩", "宁", "亮", "辉"];
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

function planTowns(rng: Rng, count: number) {
  const rows = TOWNS.map((t) => ({ ...t }));
  const plans: TownPlan[] = TOWNS.map((t) => ({
    code: t.code,
    region: "330902",
    weight: t.code === "jintang" || t.code === "yancang" ? 1.6 : 0.6 + rng(),
    pickIndustry: picker(INDUSTRY_CODES, INDUSTRIES.map(() => 0.2 + rng() * 3)),
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
      pickIndustry: picker(INDUSTRY_CODES, INDUSTRIES.map(() => 0.2 + rng() * 3)),
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
  old: [["approved", 50], ["rejected", 25], ["withdrawn", 15], ["revoked", 3], ["returned", 2], ["submitted", 1], ["draft", 4]],
  last: [["approved", 45], ["rejected", 20], ["withdrawn", 10], ["revoked", 1], ["returned", 5], ["submitted", 9], ["draft", 10]],
  current: [["approved", 20], ["rejected", 8], ["withdrawn", 5], ["returned", 10], ["submitted", 35], ["draft", 22]],
};
const REASONS = ["threshold-not-met", "evidence-missing", "wrong-tier", "outside-district"];
const LEVEL_WEIGHT: Record<Level, number> = { national: 1, provincial: 4, municipal: 10, district: 10 };
const pickTier = picker(TIER_CODES, TIER_CODES.map((t) => TIER_WEIGHT[t]));
const pickYear = picker(YEARS, YEAR_WEIGHT);
const pickStatus = {
  old: picker(STATUS_BY_AGE.old.map(([s]) => s), STATUS_BY_AGE.old.map(([, w]) => w)),
  last: picker(STATUS_BY_AGE.last.map(([s]) => s), STATUS_BY_AGE.last.map(([, w]) => w)),
  current: picker(STATUS_BY_AGE.current.map(([s]) => s), STATUS_BY_AGE.current.map(([, w]) => w)),
};
const TIER_BY_CODE = new Map(TIERS.map((t) => [t.code, t]));
const pickLevel = Object.fromEntries(
  TIERS.map((t) => [t.code, picker(t.levels, t.levels.map((l) => LEVEL_WEIGHT[l]))]),
) as Record<TierCode, (rng: Rng) => Level>;

/** Complete payloads of each tier, taken from the demo plan so forms and pages show real fields. */
function payloadTemplates(): Map<TierCode, string[]> {
  const map = new Map<TierCode, string[]>(TIER_CODES.map((t) => [t, []]));
  for (const b of planDemo().built) {
    if (b.app.status === "draft") continue;
    map.get(b.app.tier_code as TierCode)!.push(b.app.payload as string);
  }
  for (const [tier, list] of map) if (list.length === 0) list.push("{}"), console.warn(`no payload template for ${tier}`);
  return map;
}

// ───────────────────────────── bulk load helpers ─────────────────────────────

const BIG_TABLES = ["enterprises", "applications", "awards", "application_events"];

/** Drops the secondary indexes and triggers of the big tables; returns the SQL to recreate them. */
function dropForLoad(sqlite: Database.Database): { indexes: { table: string; sql: string }[]; triggers: string[] } {
  const list = (type: string) =>
    sqlite
      .prepare(`SELECT name, tbl_name AS "table", sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND tbl_name IN (${BIG_TABLES.map(() => "?").join(",")})`)
      .all(type, ...BIG_TABLES) as { name: string; table: string; sql: string }[];
  const indexes = list("index");
  const triggers = list("trigger");
  checkInsertTriggers(triggers);
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  for (const i of indexes) sqlite.exec(`DROP INDEX "${i.name}"`);
  return { indexes: indexes.map((i) => ({ table: i.table, sql: i.sql })), triggers: triggers.map((t) => t.sql) };
}

/**
 * The insert triggers on the big tables whose counters the generator puts right after the load
 * (the others only refuse updates and deletes, or fire on changes a load does not make).
 */
const REBUILT_INSERT_TRIGGERS = new Set([
  "progress_applications_insert", // 0002: tallied while generating (ProgressTally)
  "progress_awards_insert", // 0002: tallied while generating (ProgressTally)
  "coverage_enterprises_insert", // 0005: REBUILD_COVERAGE_SQL
  "coverage_awards_insert", // 0005: REBUILD_COVERAGE_SQL
  "status_totals_insert", // 0008: REBUILD_STATUS_SLOTS_SQL
  "award_totals_insert", // 0008: REBUILD_AWARD_SLOTS_SQL
]);

/**
 * A trigger that maintains something on insert and that the generator does not know would be
 * silently left out of the data set: refuse to generate instead.
 */
function checkInsertTriggers(triggers: { name: string; sql: string }[]) {
  for (const t of triggers) {
    if (/\b(?:BEFORE|AFTER|INSTEAD\s+OF)\s+INSERT\b/i.test(t.sql) && !REBUILT_INSERT_TRIGGERS.has(t.name)) {
      throw new Error(`seeds/synthetic.ts drops trigger ${t.name} for the bulk load but does not rebuild what it maintains`);
    }
  }
}

/**
 * 0002's progress counters, tallied as the rows are generated: what its insert triggers would
 * have added up. (A GROUP BY over the joined tables took half a minute at L.) Keys are numbers,
 * year and three small codes packed: a string key per row cost more than the rest of the tally.
 */
class ProgressTally {
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
  write(sqlite: Database.Database) {
    sqlite.exec(`DELETE FROM progress_application_counts; DELETE FROM progress_award_counts;`);
    const rows = (table: string, column: string, counts: Map<number, number>) => {
      const insert = sqlite.prepare(`INSERT INTO ${table} (year, tier_code, town_code, ${column}, n) VALUES (?, ?, ?, ?, ?)`);
      const code = (key: number, shift: number) => this.codes[Math.floor(key / shift) % 256];
      for (const [key, n] of counts) insert.run(Math.floor(key / 16_777_216), code(key, 65_536), code(key, 256), code(key, 1), n);
    };
    rows("progress_application_counts", "status", this.applications);
    rows("progress_award_counts", "level", this.awards);
  }
}

/** The counters kept by insert triggers, as the triggers would have kept them. */
function rebuildProgressCounters(sqlite: Database.Database, tally: ProgressTally) {
  tally.write(sqlite);
  sqlite.exec(REBUILD_COVERAGE_SQL);
  sqlite.exec(REBUILD_STATUS_SLOTS_SQL);
}

/**
 * Buffers rows and writes them `rows` at a time with one multi-row INSERT: a tenth of the calls
 * into SQLite, which is most of the load time at 10 million rows. The values are passed as the
 * call's arguments (`run(...buffer)`), not as one array: better-sqlite3 binds those faster (about
 * a tenth off the load).
 */
function batcher(sqlite: Database.Database, head: string, columns: number, rows = 64) {
  const one = `(${Array(columns).fill("?").join(",")})`;
  const sql = (count: number) => `${head} VALUES ${Array(count).fill(one).join(",")}`;
  const full = sqlite.prepare(sql(rows));
  const size = rows * columns;
  const buffer: unknown[] = new Array(size);
  let n = 0;
  const flush = () => {
    if (n === size) full.run(...buffer);
    else if (n > 0) sqlite.prepare(sql(n / columns)).run(...buffer.slice(0, n));
    n = 0;
  };
  return {
    add(...values: unknown[]) {
      for (let i = 0; i < values.length; i++) buffer[n++] = values[i];
      if (n === size) flush();
    },
    flush,
  };
}

/** Firms per transaction. */
const CHUNK = 5_000;

/** Settings of a connection that bulk-loads a file nobody else has open. */
function bulkLoadSettings(sqlite: Database.Database, log: (line: string) => void) {
  // better-sqlite3 runs SQLite in defensive mode, which silently refuses journal_mode=OFF.
  sqlite.unsafeMode(true);
  const mode = sqlite.pragma("journal_mode = OFF", { simple: true });
  if (mode !== "off") log(`  journal_mode stayed ${String(mode)}`);
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("foreign_keys = OFF");
  // The only connection to the file while it is built: no lock to take, no cache to revalidate
  // at each transaction.
  sqlite.pragma("locking_mode = EXCLUSIVE");
  // The generator's rows are valid by construction (tests/integration/synthetic.test.ts runs
  // integrity_check, which checks them): skip the CHECK constraints during the load, json_valid()
  // of every payload and event among them.
  sqlite.pragma("ignore_check_constraints = ON");
  // Rows go in in rowid order, so the load needs few pages at hand besides the credit-code index
  // (~30 MB at L); a larger cache only cost page faults.
  sqlite.pragma("cache_size = -65536");
}

/** Back to CHECK constraints, and a cache and threads for CREATE INDEX. */
function indexSettings(sqlite: Database.Database, threads: number) {
  sqlite.pragma("ignore_check_constraints = OFF");
  // SQLite's sorter sorts runs of cache_size each, in worker threads (PRAGMA threads), and merges
  // them: 16 MB runs took a third of the time of one run of 500 MB, which sorts in a single thread
  // and misses the CPU cache. Worker threads also need temp_store at its default (files): with
  // temp_store = MEMORY the sorter uses none.
  sqlite.pragma("cache_size = -16000");
  sqlite.pragma(`threads = ${threads}`);
}

// ───────────────────────────── firms ─────────────────────────────

const stream = (size: SyntheticSize, label: string) => mulberry32(deriveSeed(SEED, `${size}/${label}`));

const FIRM_INSERT = `INSERT INTO enterprises (id, uscc, name, town_code, industry_code, platform, above_scale, address,
  legal_rep, contact_name, contact_phone, employees, revenue_yuan, rd_expense_yuan, version, created_at, updated_at, archived_at)`;

/**
 * The firm stream, from its own PRNG: called for ids 1, 2, … in order, it draws firm `id`, hands
 * its row's values to `sink` (when given) and returns what the applications stream needs of it.
 */
function firmStream(size: SyntheticSize, plans: TownPlan[]) {
  const rng = stream(size, "firms");
  const usccs = new Set<string>([DEMO_ENTERPRISE_USCC.jintang, DEMO_ENTERPRISE_USCC.yancang]);
  const pickTown = picker(plans, plans.map((p) => p.weight));
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
    const rdExpense = chance(rng, 0.6) ? Math.round(revenue * (int(rng, 5, 60) / 1000) / 100) * 100 : null;
    sink?.(
      id, uscc, name, town.code, industry, platform, above ? 1 : 0, address, legalRep, contactName, contactPhone,
      employees, revenue, rdExpense, 1, iso(created), iso(Math.max(updated, archived ?? 0)), archived === null ? null : iso(archived),
    );
    return { created, town: town.code };
  };
}

/** What the firm worker is given: it writes the enterprises of `size` into `file`, then indexes them. */
interface FirmWorkerData {
  job: "synthetic-firms";
  file: string;
  size: SyntheticSize;
  /** CREATE TABLE enterprises, as the migrations wrote it. */
  table: string;
  /** The CREATE INDEX statements of its secondary indexes. */
  indexes: string[];
}
interface FirmWorkerResult {
  loadSeconds: number;
  indexSeconds: number;
}

/** The firm worker's job (in a worker thread; see generateSynthetic). */
function writeFirmFile(data: FirmWorkerData): FirmWorkerResult {
  const started = Date.now();
  const spec = SYNTHETIC_SIZES[data.size];
  const nextFirm = firmStream(data.size, planTowns(stream(data.size, "towns"), spec.towns).plans);
  for (const suffix of ["", "-journal"]) fs.rmSync(data.file + suffix, { force: true });
  const sqlite = new Database(data.file);
  bulkLoadSettings(sqlite, () => {});
  sqlite.exec(data.table);
  const firms = batcher(sqlite, FIRM_INSERT, 18);
  for (let from = 1; from <= spec.firms; from += CHUNK) {
    const to = Math.min(spec.firms, from + CHUNK - 1);
    sqlite.transaction(() => {
      for (let id = from; id <= to; id++) nextFirm(id, firms.add);
      firms.flush();
    })();
  }
  const loaded = Date.now();
  // These indexes are built while the main thread still loads: no sorter threads to compete with it.
  indexSettings(sqlite, 0);
  for (const statement of data.indexes) sqlite.exec(statement);
  sqlite.close();
  return { loadSeconds: (loaded - started) / 1000, indexSeconds: (Date.now() - loaded) / 1000 };
}

/** Starts the firm worker: a worker thread running this module, which then runs writeFirmFile. */
function startFirmWorker(data: FirmWorkerData) {
  // Node 20 gives a worker none of the parent's module hooks, so the worker registers tsx itself
  // (resolved from here, whatever the working directory) to load this TypeScript module.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const self = JSON.stringify(import.meta.url);
  const worker = new Worker(`import(${tsx}).then(({ tsImport }) => tsImport(${self}, ${self}));`, { eval: true, workerData: data });
  const done = new Promise<FirmWorkerResult>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the firm worker exited (${code}) without a result`)));
  });
  // Awaited only after the main thread's own load: a failure meanwhile must not count as unhandled.
  done.catch(() => {});
  return { done, stop: () => worker.terminate() };
}

// ───────────────────────────── the generator ─────────────────────────────

export interface GenerateOptions {
  /** Password hasher for the demo accounts (tests pass a cheap one). */
  passwordHash?: (password: string) => Promise<string>;
  log?: (line: string) => void;
}

/** Writes a fresh synthetic database of `size` into `file` (replacing it). */
export async function generateSynthetic(file: string, size: SyntheticSize, options: GenerateOptions = {}): Promise<SyntheticMeta> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  /** Logs the time since the previous lap, for each phase. */
  let lapStart = started;
  const lap = (what: string) => {
    const now = Date.now();
    log(`  ${what}: ${((now - lapStart) / 1000).toFixed(1)} s`);
    lapStart = now;
  };
  const spec = SYNTHETIC_SIZES[size];
  for (const suffix of ["", "-wal", "-shm", "-journal", "-firms"]) fs.rmSync(file + suffix, { force: true });

  // Schema and reference data through the app's own migrations and seed.
  {
    const sqlite = openSqlite(file);
    const db = createDb(sqlite);
    await migrateToLatest(db);
    await seedReference(db);
    await db.destroy();
  }
  const passwordHash = await (options.passwordHash ?? ((pw: string) => argon2Hash(pw)))(DEMO_PASSWORD);
  lap("schema and reference data");

  const sqlite = new Database(file);
  bulkLoadSettings(sqlite, log);
  const saved = dropForLoad(sqlite);

  // Two threads: a worker thread writes the enterprises into a file of their own and indexes
  // them while this one writes everything else; the worker's table and indexes are then copied
  // in as they are (see below). The firm stream has its own PRNG, so this thread replays it
  // without writing, for what each firm's applications need (its town and creation date).
  const firmFile = `${file}-firms`;
  const firmIndexes = saved.indexes.filter((i) => i.table === "enterprises").map((i) => i.sql);
  const firmWorker = startFirmWorker({
    job: "synthetic-firms",
    file: firmFile,
    size,
    table: (sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'enterprises'`).get() as { sql: string }).sql,
    indexes: firmIndexes,
  });
  const tally = new ProgressTally();
  try {
    const { rows: townRows, plans } = planTowns(stream(size, "towns"), spec.towns);
    const insertTown = sqlite.prepare(
      `INSERT OR IGNORE INTO towns (code, name_zh, name_en, kind, managed_by, sort) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    sqlite.transaction(() => {
      for (const t of townRows) insertTown.run(t.code, t.name_zh, t.name_en, t.kind, t.managed_by, t.sort);
    })();

    // Users first: applications name their creator and decider.
    const insertUser = sqlite.prepare(
      `INSERT INTO users (username, display_name, role, enterprise_id, town_code, password_hash, must_change_password, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, '2022-12-20T01:00:00.000Z')`,
    );
    const userId = (username: string) => (sqlite.prepare(`SELECT id FROM users WHERE username = ?`).get(username) as { id: number }).id;

    const templates = payloadTemplates();
    const apps = batcher(
      sqlite,
      `INSERT INTO applications (id, enterprise_id, tier_code, year, level_sought, status, payload, town_opinion, town_comment,
         submitted_at, decided_at, decided_by, decision_reason, decision_comment, version, created_by, created_at, updated_at)`,
      18,
    );
    const awards = batcher(
      sqlite,
      `INSERT INTO awards (id, enterprise_id, tier_code, level, year, recognized_on, valid_until, document_no, application_id,
         revoked_on, revoked_reason, created_by, created_at)`,
      13,
    );
    const events = batcher(
      sqlite,
      `INSERT INTO application_events (id, application_id, at, actor_id, action, from_status, to_status, comment, data)`,
      9,
    );
    const flushAll = () => [apps, awards, events].forEach((b) => b.flush());

    sqlite.transaction(() => {
      insertUser.run("admin", "系统管理员", "admin", null, null, passwordHash);
      insertUser.run("reviewer", "区经信局 审核员", "reviewer", null, null, passwordHash);
      for (const t of TOWNS) insertUser.run(`officer-${t.code}`, `${t.name_zh} 联络员`, "town_officer", null, t.code, passwordHash);
    })();
    const reviewerId = userId("reviewer");
    const adminId = userId("admin");

    const nextFirm = firmStream(size, plans);
    const appRng = stream(size, "applications");

    let appId = 0;
    let awardId = 0;
    let eventId = 0;
    let appsLeft: number = spec.applications;

    const event = (appIdValue: number, at: number, actor: number, action: string, from: Status | null, to: Status, comment: string | null, data: string | null) => {
      events.add(++eventId, appIdValue, iso(at), actor, action, from, to, comment, data);
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
      const levelSought = t.levels.length > 1 ? level : null;
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
            awards.add(
              ++awardId, firmId, tier, level, year, recognized,
              t.validityYears ? `${Number(recognized.slice(0, 4)) + t.validityYears}${recognized.slice(4)}` : null,
              `定经信〔${year}〕${int(rng, 1, 99)}号`, id, revokedOn, revokedOn ? "企业已迁出本区" : null, decider, iso(decidedAt),
            );
            break;
          }
          default:
            break;
        }
      }
      tally.application(year, tier, town, current);
      apps.add(
        id, firmId, tier, year, levelSought, current, pick(rng, templates.get(tier)!), opinion,
        opinion === null ? null : opinion === "recommend" ? "经初审，同意推荐" : "暂不推荐",
        submittedAt === null ? null : iso(submittedAt), decidedAt === null ? null : iso(decidedAt), decidedBy, reason, comment,
        version, actor, iso(created), iso(at),
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
      awards.add(
        ++awardId, firmId, tier, level, year, recognized,
        t.validityYears ? `${year + t.validityYears}${recognized.slice(4)}` : null,
        `定经信〔${year}〕${int(rng, 1, 99)}号`, null, null, null, reviewerId, `${recognized}T02:00:00.000Z`,
      );
    };

    for (let from = 1; from <= spec.firms; from += CHUNK) {
      const to = Math.min(spec.firms, from + CHUNK - 1);
      sqlite.transaction(() => {
        for (let id = from; id <= to; id++) {
          const { created, town } = nextFirm(id);
          writeDirectAwards(id, created, town);
          writeApplications(id, spec.firms - id + 1, town);
        }
        flushAll();
      })();
      if (to % 100_000 === 0) log(`  ${to.toLocaleString()} firms, ${appId.toLocaleString()} applications (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    sqlite.transaction(() => {
      insertUser.run("ent-jintang", DEMO_ENTERPRISE_NAMES.jintang, "enterprise", 1, null, passwordHash);
      insertUser.run("ent-yancang", DEMO_ENTERPRISE_NAMES.yancang, "enterprise", 2, null, passwordHash);
    })();

    lap("applications, awards and events loaded");
    // The firm worker has usually finished by now (at L it takes half as long as this load), so
    // the sorter gets two threads.
    indexSettings(sqlite, 2);
    // 0006's district totals before the indexes: without them the planner reads awards in one pass,
    // with them it walks awards_tier_year and fetches every row (4 s instead of 1.5 at L).
    sqlite.exec(REBUILD_AWARD_SLOTS_SQL);
    lap("award totals");
    for (const { table, sql } of saved.indexes) if (table !== "enterprises") sqlite.exec(sql);
    lap("indexes");
    const firmJob = await firmWorker.done;
    lap(`waiting for the firm worker (it loaded in ${firmJob.loadSeconds.toFixed(1)} s, indexed in ${firmJob.indexSeconds.toFixed(1)} s)`);
    // SQLite's transfer optimization: with the same table definition and the same indexes on both
    // sides, foreign keys off and no triggers, `INSERT INTO t SELECT * FROM other.t` into an empty
    // table copies the records of the table and of each index as they are, in order, rather than
    // inserting row by row; the indexes are created first, on the empty table, to be copied into.
    for (const statement of firmIndexes) sqlite.exec(statement);
    sqlite.prepare(`ATTACH DATABASE ? AS firms`).run(firmFile);
    sqlite.exec(`INSERT INTO main.enterprises SELECT * FROM firms.enterprises`);
    sqlite.exec(`DETACH DATABASE firms`);
    lap("firms copied in");
  } finally {
    await firmWorker.stop();
    for (const suffix of ["", "-journal"]) fs.rmSync(firmFile + suffix, { force: true });
  }
  for (const statement of saved.triggers) sqlite.exec(statement);
  lap("triggers");
  rebuildProgressCounters(sqlite, tally);
  lap("counters");
  // A bounded ANALYZE: exact enough for the planner, seconds instead of minutes at L.
  sqlite.pragma("analysis_limit = 2000");
  sqlite.exec("ANALYZE");
  lap("analyze");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("locking_mode = NORMAL");
  sqlite.pragma("journal_mode = WAL");
  sqlite.unsafeMode(false);

  const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const meta: SyntheticMeta = {
    version: SYNTHETIC_VERSION,
    size,
    counts: {
      towns: count("towns"),
      enterprises: count("enterprises"),
      applications: count("applications"),
      awards: count("awards"),
      events: count("application_events"),
      users: count("users"),
    },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  sqlite.close();
  return meta;
}

/** Where a size's database lives (DATA_DIR/bench/<size>.db, default data/bench/). */
export function syntheticPath(size: SyntheticSize, dir = path.resolve(process.env.DATA_DIR ?? "data", "bench")): string {
  return path.join(dir, `${size}.db`);
}

/** The data set of `size`, generated unless a file of the current generator version exists. */
export async function ensureSynthetic(size: SyntheticSize, options: GenerateOptions & { dir?: string } = {}): Promise<{ file: string; meta: SyntheticMeta; reused: boolean }> {
  const file = syntheticPath(size, options.dir);
  const metaFile = file.replace(/\.db$/, ".json");
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as SyntheticMeta;
    if (meta.version === SYNTHETIC_VERSION && meta.size === size) return { file, meta, reused: true };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(metaFile, { force: true });
  const meta = await generateSynthetic(file, size, options);
  // Written last: a generation cut short leaves no sidecar and is redone next time.
  fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  return { file, meta, reused: false };
}

// The firm worker (startFirmWorker) runs this module: last, once every constant above exists.
if (!isMainThread && (workerData as FirmWorkerData | undefined)?.job === "synthetic-firms") {
  parentPort!.postMessage(writeFirmFile(workerData as FirmWorkerData));
}
