/**
 * Eligibility pre-check (资格预审): the published thresholds of each tier as versioned rule sets.
 *
 * It warns, it never decides: a reviewer reads the result beside the evidence. The rule set in
 * force on a date is chosen by its effective date, and the version is stored with the snapshot
 * taken at submission, so a later revision of the rules never rewrites an old application.
 *
 * Plain TypeScript (no zod, no node imports): the same function runs in the browser as the firm
 * types. Money is integer yuan (see money.ts); ratios are compared in integers (BigInt), never as
 * floats, so 3% of ¥33,333,334 is decided exactly.
 */
import { formatWan, formatWanExact } from "./money";
import type { Level, TierCode } from "./tiers";

/**
 * "invalid": the criterion reads a figure the form refuses (not well-formed, or contradicting
 * another). "doubtful": it reads an amount the plausibility check doubts (e.g. typed in 元 into
 * a 万元 field), which the firm has to confirm.
 */
export type CriterionOutcome = "met" | "not-met" | "unknown" | "invalid" | "doubtful";
export type EligibilitySummary = "met" | "not-met" | "incomplete" | "invalid" | "doubtful" | "no-rules";

export interface EligibilityCriterion {
  key: string;
  labelZh: string;
  labelEn: string;
  /** The value the firm entered, formatted for a Chinese reader; null when not entered. */
  valueText: string | null;
  /** The same value for an English reader, when it reads differently (money, ticks). */
  valueTextEn?: string | null;
  thresholdZh: string;
  thresholdEn: string;
  outcome: CriterionOutcome;
  /** Advisory criteria are shown but do not change the summary (e.g. ISO 14001 for green factories). */
  advisory?: boolean;
}

export interface EligibilityNote {
  zh: string;
  en: string;
}

export interface EligibilityResult {
  ruleVersion: string;
  ruleNameZh: string;
  ruleNameEn: string;
  criteria: EligibilityCriterion[];
  summary: EligibilitySummary;
  /** Rules taken from secondary sources, not yet confirmed against the published text. */
  provisional?: boolean;
  /** The date the rule set was chosen for (YYYY-MM-DD). */
  evaluatedOn?: string;
  notes?: EligibilityNote[];
}

export interface ChecklistItemInput {
  code: string;
  labelZh: string;
  labelEn: string;
  required: boolean;
}

export interface RuleSetInfo {
  version: string;
  effectiveFrom: string;
  nameZh: string;
  nameEn: string;
  provisional?: boolean;
  /** Set when the rule set applies only to applications seeking this level. */
  levelSought?: Level;
}

/** Tiers whose criteria are the bureau-kept checklist (data, not code). */
export const CHECKLIST_TIERS = ["demonstration-factory", "quality-factory", "clean-beauty-factory"] as const;
export type ChecklistTierCode = (typeof CHECKLIST_TIERS)[number];

export function usesChecklist(tierCode: string): tierCode is ChecklistTierCode {
  return (CHECKLIST_TIERS as readonly string[]).includes(tierCode);
}

// ───────────────────────────── reading the payload ─────────────────────────────

type Payload = Record<string, unknown>;

/** Money never exceeds this (money.ts MAX_YUAN); larger values are treated as not entered. */
const MAX_YUAN = 1_000_000_000_000;

function numberOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  // The browser form may hand over what was typed; accept plain decimal text.
  if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** A non-negative whole number of yuan, or null when absent or malformed. */
function yuanOf(payload: Payload, key: string): number | null {
  const n = numberOf(payload[key]);
  if (n === null || !Number.isSafeInteger(n) || n < 0 || n > MAX_YUAN) return null;
  return n;
}

/** A non-negative whole count (years, patents, score). */
function countOf(payload: Payload, key: string): number | null {
  const n = numberOf(payload[key]);
  if (n === null || !Number.isSafeInteger(n) || n < 0) return null;
  return n;
}

/** A non-negative decimal scaled to an integer number of `1/scale` units (0.52 → 520 at 1000). */
function scaledOf(payload: Payload, key: string, scale: number): number | null {
  const n = numberOf(payload[key]);
  if (n === null || n < 0 || n > 1e9) return null;
  return Math.round(n * scale);
}

// ───────────────────────────── formatting ─────────────────────────────

const wanCache = new Map<number, string>();

function wanZh(yuan: number): string {
  let text = wanCache.get(yuan);
  if (text === undefined) {
    text = `${formatWan(yuan, { grouping: true })} 万元`;
    // Thresholds and round amounts repeat; a firm's own amount rarely does.
    if (wanCache.size < 4096) wanCache.set(yuan, text);
  }
  return text;
}

/**
 * An amount held against a minimum: rounded to ¥100 as usual, but exact (to the yuan) when
 * rounding would lift an amount under the minimum onto it (¥9,999,999 reads 999.9999 万元
 * against ≥ 1,000 万元, never 1,000 万元).
 */
function wanZhAgainst(yuan: number, min: number): string {
  if (yuan < min && Math.round(yuan / 100) * 100 >= min) return `${formatWanExact(yuan, { grouping: true })} 万元`;
  return wanZh(yuan);
}

/** Thousands separators on a whole number, without a regular expression (it runs per firm). */
function grouped(n: number): string {
  const digits = String(n);
  if (digits.length <= 3) return digits;
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += "," + digits.slice(i, i + 3);
  return out;
}

function yuanEn(yuan: number): string {
  return yuan < 0 ? `¥-${grouped(-yuan)}` : `¥${grouped(yuan)}`;
}

/** a/b as a percentage with two decimals, rounded down so a value under a line never shows on it. */
function percentText(numerator: number, denominator: number): string {
  if (denominator === 0) return "—";
  const bp = floorDiv(numerator * 10000, numerator, 10000, denominator);
  const frac = bp % 100;
  return `${(bp - frac) / 100}.${frac < 10 ? "0" : ""}${frac}%`;
}

/** numerator / denominator ≥ pct / 100, exactly. */
function ratioAtLeast(numerator: number, denominator: number, pct: number): boolean {
  if (numerator < SAFE_FACTOR && denominator < SAFE_FACTOR) return numerator * 100 >= denominator * pct;
  return BigInt(numerator) * 100n >= BigInt(denominator) * BigInt(pct);
}

/** Below this, an amount times 10,000 stays an exact double, so plain arithmetic is exact. */
const SAFE_FACTOR = 900_000_000_000;

/**
 * ⌊numerator × factor / denominator⌋ exactly: in doubles (corrected by one where the division
 * rounded across a whole number) while the product is exact, else in BigInt. `product` is
 * numerator × factor, computed by the caller.
 */
function floorDiv(product: number, numerator: number, factor: number, denominator: number): number {
  if (numerator >= SAFE_FACTOR || denominator >= SAFE_FACTOR) return Number((BigInt(numerator) * BigInt(factor)) / BigInt(denominator));
  let q = Math.floor(product / denominator);
  if (q * denominator > product) q -= 1;
  else if ((q + 1) * denominator <= product) q += 1;
  return q;
}

function scaledText(scaled: number, scale: number, decimals: number): string {
  const whole = Math.floor(scaled / scale);
  const frac = scaled % scale;
  return decimals === 0 ? String(whole) : `${whole}.${String(frac).padStart(decimals, "0")}`;
}

// ───────────────────────────── the years named ─────────────────────────────

/**
 * The actual years the criteria speak of, never "上年度": `prior` is the year before the
 * application's year (the last full year of figures), `before` the one before that, and
 * `current` the calendar year of the evaluation date (revenue "to date").
 */
export interface CriterionYears {
  prior: number;
  before: number;
  current: number;
}

export function criterionYears(on: string, applicationYear?: number): CriterionYears {
  const current = Number(on.slice(0, 4));
  const year = applicationYear !== undefined && Number.isSafeInteger(applicationYear) ? applicationYear : current;
  return { prior: year - 1, before: year - 2, current };
}

/** The rule set of a tier on a date, remembered: discovery asks the same question per firm. */
const ruleSetMemo = new Map<string, { set: RuleSet; beforeFirst: boolean } | null>();

function ruleSetOnMemo(tierCode: TierCode, on: string, levelSought: Level | undefined): { set: RuleSet; beforeFirst: boolean } | null {
  const key = `${tierCode}|${on}|${levelSought ?? ""}`;
  let found = ruleSetMemo.get(key);
  if (found === undefined) {
    found = ruleSetOn(tierCode, on, levelSought);
    if (ruleSetMemo.size > 256) ruleSetMemo.clear();
    ruleSetMemo.set(key, found);
  }
  return found;
}

// ───────────────────────────── criterion builders ─────────────────────────────

interface Labels {
  key: string;
  labelZh: string;
  labelEn: string;
  thresholdZh: string;
  thresholdEn: string;
  advisory?: boolean;
}

function criterion(labels: Labels, outcome: CriterionOutcome, valueText: string | null, valueTextEn?: string | null): EligibilityCriterion {
  // Built field by field (no spread, no delete): discovery judges a province's firms through this,
  // and an object that loses a property turns slow for every later read.
  const c: EligibilityCriterion = {
    key: labels.key,
    labelZh: labels.labelZh,
    labelEn: labels.labelEn,
    thresholdZh: labels.thresholdZh,
    thresholdEn: labels.thresholdEn,
    valueText,
    outcome,
  };
  if (valueTextEn !== undefined && valueTextEn !== valueText) c.valueTextEn = valueTextEn;
  if (labels.advisory) c.advisory = true;
  return c;
}

function minMoney(labels: Labels, yuan: number | null, min: number): EligibilityCriterion {
  if (yuan === null) return criterion(labels, "unknown", null);
  return criterion(labels, yuan >= min ? "met" : "not-met", wanZhAgainst(yuan, min), yuanEn(yuan));
}

function minCount(labels: Labels, n: number | null, min: number, unitZh = "", unitEn = ""): EligibilityCriterion {
  if (n === null) return criterion(labels, "unknown", null);
  return criterion(labels, n >= min ? "met" : "not-met", `${n}${unitZh}`, `${n}${unitEn}`);
}

/** part / whole ≥ pct %, both in yuan. */
function minShare(labels: Labels, part: number | null, whole: number | null, pct: number): EligibilityCriterion {
  if (part === null || whole === null) return criterion(labels, "unknown", null);
  const text = percentText(part, whole);
  return criterion(labels, ratioAtLeast(part, whole, pct) ? "met" : "not-met", text, text);
}

/** Revenue ≥ `min`, or equity financing in the last 2 years ≥ ¥20,000,000 (optional field). */
function revenueOrEquity(payload: Payload, min: number, y: CriterionYears): EligibilityCriterion {
  const revenue = yuanOf(payload, "revenueYuan");
  const equity = yuanOf(payload, "equityFinancingYuan");
  const labels: Labels = {
    key: "revenue-or-equity",
    labelZh: `${y.prior}年营业收入或近2年股权融资`,
    labelEn: `Revenue in ${y.prior}, or equity financing in the last 2 years`,
    thresholdZh: `营业收入 ≥ ${wanZh(min)}，或股权融资 ≥ ${wanZh(EQUITY_MIN)}`,
    thresholdEn: `Revenue ≥ ${yuanEn(min)}, or equity financing ≥ ${yuanEn(EQUITY_MIN)}`,
  };
  const parts: string[] = [];
  const partsEn: string[] = [];
  if (revenue !== null) {
    parts.push(`营业收入 ${wanZhAgainst(revenue, min)}`);
    partsEn.push(`revenue ${yuanEn(revenue)}`);
  }
  if (equity !== null && equity > 0) {
    parts.push(`股权融资 ${wanZhAgainst(equity, EQUITY_MIN)}`);
    partsEn.push(`equity ${yuanEn(equity)}`);
  }
  const valueText = parts.length ? parts.join("；") : null;
  const valueTextEn = partsEn.length ? partsEn.join("; ") : null;
  if ((revenue !== null && revenue >= min) || (equity !== null && equity >= EQUITY_MIN)) {
    return criterion(labels, "met", valueText, valueTextEn);
  }
  // Equity financing is optional on the form: with revenue known, a blank means none.
  if (revenue === null) return criterion(labels, "unknown", valueText, valueTextEn);
  return criterion(labels, "not-met", valueText, valueTextEn);
}

const EQUITY_MIN = 20_000_000;
const RD_MIN = 1_000_000;

function nicheYears(payload: Payload, min: number): EligibilityCriterion {
  return minCount(
    {
      key: "niche-years",
      labelZh: "从事特定细分市场年限",
      labelEn: "Years in its niche market",
      thresholdZh: `≥ ${min} 年`,
      thresholdEn: `≥ ${min} years`,
    },
    countOf(payload, "nicheYears"),
    min,
    " 年",
    " years",
  );
}

function rdAmount(payload: Payload, key: "rdExpenseYuan" | "rdExpensePrevYuan", y: CriterionYears): EligibilityCriterion {
  const prior = key === "rdExpenseYuan";
  return minMoney(
    {
      key: prior ? "rd-amount" : "rd-amount-prev",
      labelZh: `${prior ? y.prior : y.before}年研发费用总额`,
      labelEn: `R&D expense in ${prior ? y.prior : y.before}`,
      thresholdZh: `≥ ${wanZh(RD_MIN)}`,
      thresholdEn: `≥ ${yuanEn(RD_MIN)}`,
    },
    yuanOf(payload, key),
    RD_MIN,
  );
}

function rdRatio(payload: Payload, prev: boolean, y: CriterionYears): EligibilityCriterion {
  return minShare(
    {
      key: prev ? "rd-ratio-prev" : "rd-ratio",
      labelZh: `${prev ? y.before : y.prior}年研发费用占营业收入比重`,
      labelEn: `R&D expense as a share of revenue in ${prev ? y.before : y.prior}`,
      thresholdZh: "≥ 3%",
      thresholdEn: "≥ 3%",
    },
    yuanOf(payload, prev ? "rdExpensePrevYuan" : "rdExpenseYuan"),
    yuanOf(payload, prev ? "revenuePrevYuan" : "revenueYuan"),
    3,
  );
}

function mainBusinessShare(payload: Payload, pct: number): EligibilityCriterion {
  return minShare(
    {
      key: "main-business-share",
      labelZh: "主营业务收入占营业收入比重",
      labelEn: "Main business as a share of revenue",
      thresholdZh: `≥ ${pct}%`,
      thresholdEn: `≥ ${pct}%`,
    },
    yuanOf(payload, "mainBusinessRevenueYuan"),
    yuanOf(payload, "revenueYuan"),
    pct,
  );
}

function evaluationScore(min: number, payload: Payload, directRoute: boolean): EligibilityCriterion {
  return minCount(
    {
      key: "evaluation-score",
      labelZh: "评价得分",
      labelEn: "Evaluation score",
      thresholdZh: directRoute ? `≥ ${min} 分（或符合直通条件）` : `≥ ${min} 分`,
      thresholdEn: directRoute ? `≥ ${min} points (or a direct route)` : `≥ ${min} points`,
    },
    countOf(payload, "evaluationScore"),
    min,
    " 分",
    " points",
  );
}

function ipClass1(payload: Payload, min: number): EligibilityCriterion {
  return minCount(
    {
      key: "ip-class1",
      labelZh: "Ⅰ类知识产权（如发明专利）",
      labelEn: "Class-I intellectual property (e.g. invention patents)",
      thresholdZh: `≥ ${min} 项`,
      thresholdEn: `≥ ${min}`,
    },
    countOf(payload, "ipClass1"),
    min,
    " 项",
    "",
  );
}

// ───────────────────────────── rule sets ─────────────────────────────

interface RuleSet extends RuleSetInfo {
  tier: TierCode;
  criteria(payload: Payload, on: string, years: CriterionYears): EligibilityCriterion[];
  notes?: EligibilityNote[] | ((years: CriterionYears) => EligibilityNote[]);
}

const PROVISIONAL_NOTE: EligibilityNote = {
  zh: "本规则依据二手资料整理，正式文件公布前仅供参考。",
  en: "These rules come from secondary sources and are provisional until the official text is confirmed.",
};

const SPECIALIZED_2022: RuleSet = {
  tier: "specialized-new",
  version: "specialized-new/2022",
  effectiveFrom: "2022-08-01",
  nameZh: "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）专精特新中小企业认定条件",
  nameEn: "MIIT 2022 interim measures (工信部企业〔2022〕63号): specialized & innovative SME criteria",
  criteria: (p, _on, y) => [nicheYears(p, 2), rdAmount(p, "rdExpenseYuan", y), rdRatio(p, false, y), revenueOrEquity(p, 10_000_000, y), evaluationScore(60, p, true)],
};

const SPECIALIZED_2026: RuleSet = {
  tier: "specialized-new",
  version: "specialized-new/2026",
  effectiveFrom: "2026-04-01",
  provisional: true,
  nameZh: "《优质中小企业梯度培育管理办法》（工信部企业〔2026〕2号）专精特新中小企业认定条件（暂定）",
  nameEn: "MIIT 2026 measures (工信部企业〔2026〕2号): specialized & innovative SME criteria (provisional)",
  criteria: (p, _on, y) => [
    nicheYears(p, 3),
    revenueOrEquity(p, 15_000_000, y),
    mainBusinessShare(p, 80),
    debtRatio(p, y),
    rdAmount(p, "rdExpenseYuan", y),
    rdRatio(p, false, y),
    rdAmount(p, "rdExpensePrevYuan", y),
    rdRatio(p, true, y),
    ipClass1(p, 1),
    evaluationScore(50, p, false),
  ],
  notes: (y) => [
    PROVISIONAL_NOTE,
    {
      zh: `${y.before}年研发费用占比需要该年度营业收入；未填写时显示为“数据不足”，请审核时对照审计报告。`,
      en: `The R&D share for ${y.before} needs that year's revenue; without it the line shows as “not enough data” — check it against the audit report.`,
    },
  ],
};

const LITTLE_GIANT_2026: RuleSet = {
  tier: "specialized-new",
  version: "little-giant/2026",
  effectiveFrom: "2026-04-01",
  provisional: true,
  levelSought: "national",
  nameZh: "《优质中小企业梯度培育管理办法》（工信部企业〔2026〕2号）专精特新“小巨人”企业认定条件（暂定）",
  nameEn: "MIIT 2026 measures (工信部企业〔2026〕2号): “Little giant” criteria (provisional)",
  criteria: (p, _on, y) => [
    minMoney(
      {
        key: "revenue",
        labelZh: `${y.prior}年营业收入`,
        labelEn: `Revenue in ${y.prior}`,
        thresholdZh: `≥ ${wanZh(50_000_000)}`,
        thresholdEn: `≥ ${yuanEn(50_000_000)}`,
      },
      yuanOf(p, "revenueYuan"),
      50_000_000,
    ),
    mainBusinessShare(p, 90),
    rdTwoYears(p, 12_000_000, y),
    ipClass1(p, 4),
    evaluationScore(60, p, false),
  ],
  notes: [PROVISIONAL_NOTE, { zh: "申报“小巨人”须已是省级专精特新中小企业。", en: "A “little giant” applicant must already be a provincial specialized & innovative SME." }],
};

function debtRatio(p: Payload, y: CriterionYears): EligibilityCriterion {
  const labels: Labels = {
    key: "debt-ratio",
    labelZh: `${y.prior}年末资产负债率`,
    labelEn: `Debt-to-asset ratio at the end of ${y.prior}`,
    thresholdZh: "≤ 80%",
    thresholdEn: "≤ 80%",
  };
  const tenths = scaledOf(p, "debtRatioPercent", 10);
  if (tenths === null || tenths > 1000) return criterion(labels, "unknown", null);
  const text = `${scaledText(tenths, 10, 1)}%`;
  return criterion(labels, tenths <= 800 ? "met" : "not-met", text, text);
}

function rdTwoYears(p: Payload, min: number, y: CriterionYears): EligibilityCriterion {
  const labels: Labels = {
    key: "rd-two-years",
    labelZh: `${y.before}–${y.prior}年研发费用总额`,
    labelEn: `R&D expense in ${y.before}–${y.prior}`,
    thresholdZh: `≥ ${wanZh(min)}`,
    thresholdEn: `≥ ${yuanEn(min)}`,
  };
  const a = yuanOf(p, "rdExpenseYuan");
  const b = yuanOf(p, "rdExpensePrevYuan");
  if (a === null || b === null) return criterion(labels, "unknown", null);
  return minMoney(labels, a + b, min);
}

/** Above-scale line for industry since 2011: main-business revenue ≥ ¥20,000,000 a year. */
const ABOVE_SCALE_MIN = 20_000_000;

const SCALED_UP_2011: RuleSet = {
  tier: "scaled-up",
  version: "scaled-up/2011",
  effectiveFrom: "2011-01-01",
  nameZh: "规模以上工业企业标准（年主营业务收入 2000 万元及以上，2011 年起执行）",
  nameEn: "Above-scale industrial enterprise line (main-business revenue ≥ ¥20,000,000 a year, since 2011)",
  criteria: (p, on, y) => [aboveScaleRevenue(p, on, y)],
  notes: (y) => [
    {
      zh: `${y.prior}年主营业务收入或${y.current}年累计收入按已过完整月份年化（累计 ÷ 已过月数 × 12），任一达到 2000 万元即视为达标。`,
      en: `Either the main-business revenue of ${y.prior}, or the revenue of ${y.current} to date annualised over the completed months (to date ÷ months × 12), reaching ¥20,000,000 meets the line.`,
    },
  ],
};

/** Whole months of the year completed before `on` (at least 1, so January counts as one month). */
function completedMonths(on: string): number {
  return Math.max(1, Number(on.slice(5, 7)) - 1);
}

function aboveScaleRevenue(p: Payload, on: string, y: CriterionYears): EligibilityCriterion {
  const labels: Labels = {
    key: "main-business-revenue",
    labelZh: `主营业务收入（${y.prior}年或${y.current}年累计年化）`,
    labelEn: `Main-business revenue (${y.prior}, or ${y.current} to date annualised)`,
    thresholdZh: `≥ ${wanZh(ABOVE_SCALE_MIN)}`,
    thresholdEn: `≥ ${yuanEn(ABOVE_SCALE_MIN)}`,
  };
  const prior = yuanOf(p, "priorYearRevenueYuan");
  const ytd = yuanOf(p, "ytdRevenueYuan");
  const months = completedMonths(on);
  const parts: string[] = [];
  const partsEn: string[] = [];
  let met = false;
  if (prior !== null) {
    const ok = prior >= ABOVE_SCALE_MIN;
    met ||= ok;
    parts.push(`${y.prior}年 ${wanZh(prior)}${ok ? "（达标）" : ""}`);
    partsEn.push(`${y.prior}: ${yuanEn(prior)}${ok ? " (meets the line)" : ""}`);
  }
  if (ytd !== null) {
    // ytd × 12 / months ≥ min, kept in integers: ytd × 12 ≥ min × months.
    const ok = ytd * 12 >= ABOVE_SCALE_MIN * months;
    met ||= ok;
    const annual = Math.floor((ytd * 12) / months);
    const range = months === 1 ? "1 月" : `1–${months} 月`;
    parts.push(`${y.current}年累计 ${wanZh(ytd)}（${range}，年化 ${wanZh(annual)}）${ok ? "（达标）" : ""}`);
    partsEn.push(`${y.current} to date ${yuanEn(ytd)} (${months} month${months === 1 ? "" : "s"}, annualised ${yuanEn(annual)})${ok ? " (meets the line)" : ""}`);
  }
  if (prior === null && ytd === null) return criterion(labels, "unknown", null);
  return criterion(labels, met ? "met" : "not-met", parts.join("；"), partsEn.join("; "));
}

const ENERGY_MAX_THOUSANDTHS = 520;

const GREEN_2024: RuleSet = {
  tier: "green-factory",
  version: "green-factory/2024",
  effectiveFrom: "2023-01-01",
  nameZh: "绿色工厂预审条件（工信部节〔2024〕13号、GB/T 36132 及本区能耗强度控制线）",
  nameEn: "Green factory pre-check (工信部节〔2024〕13号, GB/T 36132 and the district energy-intensity line)",
  criteria: (p) => [energyIntensity(p), dischargePermit(p), certificate(p, "iso14001"), certificate(p, "iso50001")],
  notes: [
    {
      zh: "ISO 14001 环境管理体系、ISO 50001 能源管理体系认证为参考项，不影响预审结论。",
      en: "ISO 14001 (environment) and ISO 50001 (energy) certificates are advisory and do not change the summary.",
    },
  ],
};

function energyIntensity(p: Payload): EligibilityCriterion {
  const labels: Labels = {
    key: "energy-intensity",
    labelZh: "单位工业增加值能耗",
    labelEn: "Energy intensity per ¥10,000 of value added",
    thresholdZh: "≤ 0.52 吨标准煤/万元",
    thresholdEn: "≤ 0.52 tonnes of standard coal per ¥10,000",
  };
  const thousandths = scaledOf(p, "energyIntensity", 1000);
  if (thousandths === null) return criterion(labels, "unknown", null);
  const value = scaledText(thousandths, 1000, 3);
  return criterion(labels, thousandths <= ENERGY_MAX_THOUSANDTHS ? "met" : "not-met", `${value} 吨标准煤/万元`, `${value} tce per ¥10,000`);
}

function dischargePermit(p: Payload): EligibilityCriterion {
  const labels: Labels = {
    key: "discharge-permit",
    labelZh: "排污许可证",
    labelEn: "Pollutant discharge permit",
    thresholdZh: "持有",
    thresholdEn: "Held",
  };
  const v = p.dischargePermit;
  if (typeof v !== "boolean") return criterion(labels, "unknown", null);
  return criterion(labels, v ? "met" : "not-met", v ? "已持有" : "未持有", v ? "Held" : "Not held");
}

const CERT_NAMES: Record<string, { zh: string; en: string }> = {
  iso14001: { zh: "ISO 14001 环境管理体系认证", en: "ISO 14001 environmental management certificate" },
  iso50001: { zh: "ISO 50001 能源管理体系认证", en: "ISO 50001 energy management certificate" },
};

function certificate(p: Payload, code: "iso14001" | "iso50001"): EligibilityCriterion {
  const labels: Labels = {
    key: code,
    labelZh: CERT_NAMES[code].zh,
    labelEn: CERT_NAMES[code].en,
    thresholdZh: "建议持有",
    thresholdEn: "Recommended",
    advisory: true,
  };
  const list = p.certificates;
  if (!Array.isArray(list)) return criterion(labels, "unknown", null);
  const held = list.includes(code);
  return criterion(labels, held ? "met" : "not-met", held ? "已持有" : "未持有", held ? "Held" : "Not held");
}

const LISTED_NONE: RuleSet = {
  tier: "listed",
  version: "listed/none",
  effectiveFrom: "2000-01-01",
  nameZh: "上市（挂牌）：无可预审的数值门槛",
  nameEn: "Listing / quotation: no numeric thresholds to pre-check",
  criteria: () => [],
  notes: [
    {
      zh: "上市（挂牌）条件因板块而异，由证券交易所、全国股转系统或区域股权市场审核；本系统只登记所处阶段和结果。",
      en: "Listing conditions differ by board and are examined by the exchange, NEEQ or the regional equity market; the registry records the stage and the outcome only.",
    },
  ],
};

const RULE_SETS: readonly RuleSet[] = [SPECIALIZED_2022, SPECIALIZED_2026, LITTLE_GIANT_2026, SCALED_UP_2011, GREEN_2024, LISTED_NONE];

const CHECKLIST_NAMES: Record<ChecklistTierCode, { zh: string; en: string }> = {
  "demonstration-factory": { zh: "区经信局示范工厂评价清单", en: "District bureau checklist: demonstration factory" },
  "quality-factory": { zh: "区经信局品质工厂评价清单", en: "District bureau checklist: quality factory" },
  "clean-beauty-factory": { zh: "区经信局洁美工厂评价清单", en: "District bureau checklist: clean & beautiful factory" },
};

/** The rule sets of a tier, oldest first. District factories have one: the bureau's checklist. */
export function ruleSetsFor(tierCode: TierCode): RuleSetInfo[] {
  if (usesChecklist(tierCode)) {
    const names = CHECKLIST_NAMES[tierCode];
    return [{ version: `${tierCode}/checklist`, effectiveFrom: "2023-01-01", nameZh: names.zh, nameEn: names.en }];
  }
  return RULE_SETS.filter((r) => r.tier === tierCode).map(({ version, effectiveFrom, nameZh, nameEn, provisional, levelSought }) => {
    const info: RuleSetInfo = { version, effectiveFrom, nameZh, nameEn };
    if (provisional) info.provisional = true;
    if (levelSought) info.levelSought = levelSought;
    return info;
  });
}

/**
 * The rule set in force on `on` for the level sought: the latest whose effective date is not
 * after `on`. Level-specific sets (小巨人) apply only to that level; before the first set took
 * effect, the earliest applies (with a note), so every date gets an answer.
 */
function ruleSetOn(tierCode: TierCode, on: string, levelSought: Level | undefined): { set: RuleSet; beforeFirst: boolean } | null {
  const candidates = RULE_SETS.filter((r) => r.tier === tierCode && (r.levelSought === undefined || r.levelSought === levelSought)).sort((a, b) =>
    a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0,
  );
  if (!candidates.length) return null;
  const inForce = candidates.filter((r) => r.effectiveFrom <= on);
  if (!inForce.length) return { set: candidates[0], beforeFirst: true };
  // On the same date a level-specific set wins over the general one.
  const latestDate = inForce[inForce.length - 1].effectiveFrom;
  const sameDay = inForce.filter((r) => r.effectiveFrom === latestDate);
  return { set: sameDay.find((r) => r.levelSought !== undefined) ?? sameDay[0], beforeFirst: false };
}

function summarise(criteria: readonly EligibilityCriterion[]): EligibilitySummary {
  const binding = criteria.filter((c) => !c.advisory);
  if (!binding.length) return "no-rules";
  if (binding.some((c) => c.outcome === "invalid")) return "invalid";
  if (binding.some((c) => c.outcome === "doubtful")) return "doubtful";
  if (binding.some((c) => c.outcome === "not-met")) return "not-met";
  if (binding.some((c) => c.outcome === "unknown")) return "incomplete";
  return "met";
}

/** A short, stable fingerprint of a checklist, so a later edit of it gives another version. */
function checklistFingerprint(items: readonly ChecklistItemInput[]): string {
  let h = 0x811c9dc5;
  const text = items.map((i) => `${i.code}:${i.required ? 1 : 0}`).join("|");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function checklistResult(tierCode: ChecklistTierCode, payload: Payload, items: readonly ChecklistItemInput[], on: string): EligibilityResult {
  const names = CHECKLIST_NAMES[tierCode];
  const ticks = payload.checklist;
  const answered = ticks !== null && typeof ticks === "object" && !Array.isArray(ticks);
  const criteria = items.map((item) => {
    const labels: Labels = {
      key: `checklist:${item.code}`,
      labelZh: item.labelZh,
      labelEn: item.labelEn,
      thresholdZh: item.required ? "必备项" : "加分项",
      thresholdEn: item.required ? "Required" : "Optional",
      advisory: !item.required,
    };
    if (!answered) return criterion(labels, "unknown", null);
    const ticked = (ticks as Record<string, unknown>)[item.code] === true;
    // Unticked boxes are simply absent from a submitted form, so absent means "no".
    return criterion(labels, ticked ? "met" : "not-met", ticked ? "已具备" : "未具备", ticked ? "Yes" : "No");
  });
  const result: EligibilityResult = {
    ruleVersion: `${tierCode}/checklist-${checklistFingerprint(items)}`,
    ruleNameZh: names.zh,
    ruleNameEn: names.en,
    criteria,
    summary: summarise(criteria),
    evaluatedOn: on,
  };
  if (!items.length) {
    result.notes = [{ zh: "区经信局尚未设置该类别的评价清单。", en: "The bureau has not set up a checklist for this tier yet." }];
  } else if (!items.some((i) => i.required)) {
    result.notes = [{ zh: "清单中没有必备项，预审不作结论。", en: "The checklist has no required items, so the pre-check draws no conclusion." }];
  }
  return result;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Checks an application's payload against the rule set in force on `on` (YYYY-MM-DD).
 * District factories are checked against `checklist` (the bureau-kept items; archived ones left
 * out by the caller). `levelSought` (or payload.levelSought) selects level-specific rules.
 *
 * `invalid` names the payload keys whose typed values the form refuses, each with a stand-in
 * value of its kind. They are judged as absent, and every criterion that reads one of them (its
 * result changes when the stand-in is put in) is "invalid" instead: a refused figure must never
 * show as met. `doubtful` names payload keys whose (valid) amounts the firm must confirm: the
 * criteria reading them keep their value and are "doubtful" until it does. `applicationYear`
 * names the years in the criteria (its prior year, and the one before); without it, the year
 * of `on`.
 */
export function evaluateEligibility(
  tierCode: TierCode,
  payload: Record<string, unknown>,
  on: string,
  checklist?: { code: string; labelZh: string; labelEn: string; required: boolean }[],
  levelSought?: Level,
  invalid?: Record<string, unknown>,
  doubtful?: readonly string[],
  applicationYear?: number,
): EligibilityResult {
  const p: Payload = payload && typeof payload === "object" ? payload : {};
  const keys = Object.keys(invalid ?? {});
  const doubts = (doubtful ?? []).filter((k) => !keys.includes(k) && p[k] !== undefined);
  if (!keys.length && !doubts.length) return evaluateValid(tierCode, p, on, checklist, levelSought, applicationYear);
  const valid = Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));
  const result = evaluateValid(tierCode, valid, on, checklist, levelSought, applicationYear);
  // A criterion reads a key when putting a stand-in in (or taking the value out) changes it.
  const probe = keys.length ? evaluateValid(tierCode, { ...valid, ...invalid }, on, checklist, levelSought, applicationYear) : result;
  const without = doubts.length
    ? evaluateValid(tierCode, Object.fromEntries(Object.entries(valid).filter(([k]) => !doubts.includes(k))), on, checklist, levelSought, applicationYear)
    : result;
  const differs = (a: EligibilityResult, c: EligibilityCriterion) => {
    const q = a.criteria.find((x) => x.key === c.key);
    return !q || q.outcome !== c.outcome || q.valueText !== c.valueText;
  };
  const criteria = result.criteria.map((c) => {
    if (keys.length && differs(probe, c)) {
      const marked: EligibilityCriterion = { ...c, outcome: "invalid", valueText: null };
      delete marked.valueTextEn;
      return marked;
    }
    if (doubts.length && differs(without, c)) return { ...c, outcome: "doubtful" as const };
    return c;
  });
  return { ...result, criteria, summary: result.criteria.length ? summarise(criteria) : result.summary };
}

function evaluateValid(
  tierCode: TierCode,
  payload: Record<string, unknown>,
  on: string,
  checklist?: { code: string; labelZh: string; labelEn: string; required: boolean }[],
  levelSought?: Level,
  applicationYear?: number,
): EligibilityResult {
  if (!DATE.test(on)) throw new RangeError(`Not a YYYY-MM-DD date: ${on}`);
  const p: Payload = payload && typeof payload === "object" ? payload : {};
  if (usesChecklist(tierCode)) return checklistResult(tierCode, p, checklist ?? [], on);

  const level = levelSought ?? (typeof p.levelSought === "string" ? (p.levelSought as Level) : undefined);
  const chosen = ruleSetOnMemo(tierCode, on, level);
  if (!chosen) {
    return { ruleVersion: `${tierCode}/none`, ruleNameZh: "无预审规则", ruleNameEn: "No pre-check rules", criteria: [], summary: "no-rules", evaluatedOn: on };
  }
  const { set, beforeFirst } = chosen;
  const years = criterionYears(on, applicationYear);
  const criteria = set.criteria(p, on, years);
  const notes = [...(typeof set.notes === "function" ? set.notes(years) : (set.notes ?? []))];
  if (beforeFirst) {
    notes.unshift({
      zh: `该日期早于本规则生效日（${set.effectiveFrom}），按最早的规则预审。`,
      en: `The date is before these rules took effect (${set.effectiveFrom}); the earliest rules are applied.`,
    });
  }
  const result: EligibilityResult = {
    ruleVersion: set.version,
    ruleNameZh: set.nameZh,
    ruleNameEn: set.nameEn,
    criteria,
    summary: summarise(criteria),
    evaluatedOn: on,
  };
  if (set.provisional) result.provisional = true;
  if (notes.length) result.notes = notes;
  return result;
}
