/**
 * The demo's plan, in memory: which firm gets which award and files which application, year by
 * year from 2022, keeping the domain's rules (one open application per firm and tier, levels
 * climbed in order, batches with their document numbers), and the two demo-account firms' stories.
 */
import { TIER_CODES, levelRank, type Level, type TierCode } from "../app/domain/tiers";
import type { ReasonCode, Status, TownOpinion } from "../app/domain/state-machine";
import { chance, int, pick, roundTo, shuffle, weightedPick, type Rng } from "./random";
import { CST, DAY, HOUR, MINUTE, NOW_CAP, cstDate, cstMidnight, officeTime, randomTime } from "./demo-common";
import { INDUSTRY_CODES, type Firm } from "./demo-firms";

// ───────────────────────────── awards and applications: the plan ─────────────────────────────

type LevelCounts = [Level, number][];
/** Recognitions per year, tier and level (before the scripted demo firms and revocations). */
const AWARD_PLAN: Record<number, Record<TierCode, LevelCounts>> = {
  2022: {
    "specialized-new": [
      ["national", 1],
      ["provincial", 9],
      ["municipal", 6],
    ],
    "scaled-up": [["district", 10]],
    "green-factory": [
      ["provincial", 1],
      ["municipal", 2],
    ],
    listed: [],
    "demonstration-factory": [["district", 6]],
    "quality-factory": [["district", 8]],
    "clean-beauty-factory": [["district", 20]],
  },
  2023: {
    "specialized-new": [
      ["national", 2],
      ["provincial", 15],
      ["municipal", 7],
    ],
    "scaled-up": [["district", 13]],
    "green-factory": [
      ["national", 1],
      ["provincial", 1],
      ["municipal", 2],
    ],
    listed: [["district", 1]],
    "demonstration-factory": [["district", 7]],
    "quality-factory": [["district", 11]],
    "clean-beauty-factory": [["district", 22]],
  },
  2024: {
    "specialized-new": [
      ["national", 3],
      ["provincial", 18],
      ["municipal", 6],
    ],
    "scaled-up": [["district", 10]],
    "green-factory": [
      ["provincial", 2],
      ["municipal", 2],
    ],
    listed: [["district", 1]],
    "demonstration-factory": [["district", 5]],
    "quality-factory": [["district", 9]],
    "clean-beauty-factory": [["district", 16]],
  },
  2025: {
    "specialized-new": [
      ["national", 1],
      ["provincial", 15],
      ["municipal", 5],
    ],
    "scaled-up": [["district", 12]],
    "green-factory": [
      ["national", 1],
      ["provincial", 1],
      ["municipal", 1],
    ],
    listed: [],
    "demonstration-factory": [["district", 5]],
    "quality-factory": [["district", 10]],
    "clean-beauty-factory": [["district", 13]],
  },
  2026: {
    "specialized-new": [
      ["national", 2],
      ["provincial", 10],
      ["municipal", 4],
    ],
    "scaled-up": [["district", 8]],
    "green-factory": [
      ["provincial", 1],
      ["municipal", 1],
    ],
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
  "specialized-new",
  "specialized-new",
  "specialized-new",
  "scaled-up",
  "scaled-up",
  "green-factory",
  "green-factory",
  "listed",
  "demonstration-factory",
  "quality-factory",
  "quality-factory",
  "clean-beauty-factory",
  "clean-beauty-factory",
];

/** Awards revoked later, per recognition year. */
const REVOCATIONS: Record<number, number> = { 2022: 2, 2023: 2, 2024: 1, 2025: 1 };

export const LADDER_TIERS = new Set<TierCode>(["specialized-new", "green-factory"]);

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

const REVOKE_REASONS = ["企业发生较大安全生产事故，按规定撤销认定", "复核发现申报材料存在弄虚作假情况", "企业因环境违法行为受到行政处罚", "企业主动申请放弃认定", "年度复核不合格"];

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
    "*": ["请补充近两年经审计的财务报表", "缺少研发费用专项审计报告，请补充后重新提交", "请补充知识产权证书扫描件", "申报承诺书未加盖企业公章，请重新上传"],
    "green-factory": ["请上传排污许可证及第三方能源审计报告"],
    "clean-beauty-factory": ["请补充厂区整治前后对比照片"],
    "quality-factory": ["请补充质量管理体系认证证书及近一年内审记录", "请补充整改完成情况说明及现场照片"],
  },
  "data-inconsistent": {
    "*": ["申报表营业收入与审计报告不一致，请核实后修改", "从业人员数与社保缴纳人数差异较大，请说明", "研发费用数据与税务加计扣除申报数据不一致"],
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

export function reasonComment(rng: Rng, reason: ReasonCode, tier: TierCode): string {
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
export interface Case {
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

export class Planner {
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
      else if (tier === "specialized-new") no = level === "national" ? `工信厅企业函〔${year}〕${int(this.rng, 150, 380)}号` : `浙经信企业〔${year}〕${int(this.rng, 60, 260)}号`;
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
    return weightedPick(this.rng, this.firms, (f) => (this.eligible(f, tier, year, level, mode, viaApp) && (!extra || extra(f)) ? this.weight(f, tier, level) : 0));
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
    const end = external ? officeTime(batch.ms + int(rng, 1, 10) * DAY + rng() * DAY) : batch.ms + 9 * HOUR + (index % 20) * 17 * MINUTE;
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
    const start = status === "draft" ? end : officeTime(Math.max(cstMidnight(year, 1, 6), end - int(rng, 12, 110) * DAY));
    const returnFirst = status === "returned" ? false : status === "draft" ? false : chance(rng, status === "withdrawn" ? 0.4 : status === "rejected" ? 0.3 : 0.2);
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
      (c) => !c.firm.named && c.tier !== "scaled-up" && c.tier !== "listed" && c.firm.createdAt < c.batch!.ms && (year === 2022 || c.status === "approved"),
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
          const f = this.pickFirm(tier, year, null, "app", true, (x) => (status !== "rejected" || !x.named) && (!LADDER_TIERS.has(tier) || this.canClimb(x, tier)));
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
      return status === "draft" ? randomTime(rng, cstMidnight(2026, 6, 1), NOW_CAP - HOUR) : randomTime(rng, cstMidnight(2026, 8, 15), NOW_CAP - DAY);
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
export function planDemoFirms(p: Planner, jintang: Firm, yancang: Firm) {
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
