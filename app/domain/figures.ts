/**
 * A firm's business figures of one year (年度经营数据): the fields, their checks, the ratios the
 * profile shows, and what the eligibility pre-check reads of them. Pure: no I/O, no app imports
 * beyond the domain, so the browser and the unit tests run it as the server does.
 *
 * Money is integer yuan (money.ts). Ratios are computed in integers (BigInt basis points), never
 * as floats, like the eligibility rules.
 */
import { YUAN_PER_WAN } from "./money";

export type FigureKind = "money" | "signed-money" | "count" | "years";

export interface FigureField {
  key: FigureKey;
  kind: FigureKind;
  /** The column of enterprise_figures. */
  column: string;
  labelZh: string;
  labelEn: string;
}

export const FIGURE_KEYS = [
  "revenueYuan",
  "mainBusinessRevenueYuan",
  "rdExpenseYuan",
  "employees",
  "rdStaff",
  "totalAssetsYuan",
  "totalLiabilitiesYuan",
  "netProfitYuan",
  "equityFinancingYuan",
  "inventionPatents",
  "ipClass1",
  "ipClass2",
  "nicheYears",
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** One year's figures; null where not known. */
export type Figures = Record<FigureKey, number | null>;

export const FIGURE_FIELDS: readonly FigureField[] = [
  { key: "revenueYuan", kind: "money", column: "revenue_yuan", labelZh: "营业收入", labelEn: "Revenue" },
  { key: "mainBusinessRevenueYuan", kind: "money", column: "main_business_revenue_yuan", labelZh: "主营业务收入", labelEn: "Main-business revenue" },
  { key: "rdExpenseYuan", kind: "money", column: "rd_expense_yuan", labelZh: "研发费用", labelEn: "R&D expense" },
  { key: "employees", kind: "count", column: "employees", labelZh: "从业人员", labelEn: "Employees" },
  { key: "rdStaff", kind: "count", column: "rd_staff", labelZh: "研发人员", labelEn: "R&D staff" },
  { key: "totalAssetsYuan", kind: "money", column: "total_assets_yuan", labelZh: "资产总计", labelEn: "Total assets" },
  { key: "totalLiabilitiesYuan", kind: "money", column: "total_liabilities_yuan", labelZh: "负债合计", labelEn: "Total liabilities" },
  { key: "netProfitYuan", kind: "signed-money", column: "net_profit_yuan", labelZh: "净利润", labelEn: "Net profit" },
  { key: "equityFinancingYuan", kind: "money", column: "equity_financing_yuan", labelZh: "股权融资", labelEn: "New equity financing" },
  { key: "inventionPatents", kind: "count", column: "invention_patents", labelZh: "发明专利", labelEn: "Invention patents" },
  { key: "ipClass1", kind: "count", column: "ip_class1", labelZh: "Ⅰ类知识产权", labelEn: "Class I IP" },
  { key: "ipClass2", kind: "count", column: "ip_class2", labelZh: "Ⅱ类知识产权", labelEn: "Class II IP" },
  { key: "nicheYears", kind: "years", column: "niche_years", labelZh: "细分市场年限", labelEn: "Years in the niche market" },
];

export const FIGURE_FIELD: Readonly<Record<FigureKey, FigureField>> = Object.fromEntries(FIGURE_FIELDS.map((f) => [f.key, f])) as Record<FigureKey, FigureField>;

export function isMoneyKind(kind: FigureKind): boolean {
  return kind === "money" || kind === "signed-money";
}

/** Money is typed in 万元, so its form field says so: revenueYuan → revenueWan. */
export function figureFormName(key: FigureKey): string {
  return isMoneyKind(FIGURE_FIELD[key].kind) ? key.replace(/Yuan$/, "Wan") : key;
}

export function emptyFigures(): Figures {
  return Object.fromEntries(FIGURE_KEYS.map((k) => [k, null])) as Figures;
}

/** Largest amount: ¥1,000,000,000,000, as money.ts. */
export const MAX_FIGURE_YUAN = 1_000_000_000_000;
/** Largest head count or patent count. */
export const MAX_FIGURE_COUNT = 10_000_000;
/** A year's figure more than this many times the previous year's is doubted (not refused). */
export const JUMP_RATIO = 10;

export interface FigureMessage {
  field: FigureKey;
  zh: string;
  en: string;
}

export interface FiguresCheck {
  /** Refused: the figures cannot be stored as they are. */
  errors: FigureMessage[];
  /** Doubtful: stored once the person confirms them (a jump of more than 10 times). */
  warnings: FigureMessage[];
}

function wan(yuan: number): string {
  const text = (yuan / YUAN_PER_WAN).toFixed(2).replace(/\.?0+$/, "");
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Checks one year's figures on their own and against each other, and against the previous
 * year's when given. Every message names its field, in Chinese and English.
 */
export function checkFigures(figures: Figures, previous: Figures | null = null): FiguresCheck {
  const errors: FigureMessage[] = [];
  const warnings: FigureMessage[] = [];
  const label = (k: FigureKey) => FIGURE_FIELD[k];
  const refuse = (field: FigureKey, zh: string, en: string) => {
    if (!errors.some((e) => e.field === field)) errors.push({ field, zh, en });
  };

  for (const f of FIGURE_FIELDS) {
    const v = figures[f.key];
    if (v === null) continue;
    if (!Number.isSafeInteger(v)) {
      refuse(f.key, `${f.labelZh}：请填写整数`, `${f.labelEn}: enter a whole number`);
    } else if (f.kind === "signed-money") {
      if (Math.abs(v) > MAX_FIGURE_YUAN) refuse(f.key, `${f.labelZh}：金额超出上限`, `${f.labelEn}: the amount is too large`);
    } else if (v < 0) {
      refuse(f.key, `${f.labelZh}：不能为负数`, `${f.labelEn}: cannot be negative`);
    } else if (f.kind === "money" && v > MAX_FIGURE_YUAN) {
      refuse(f.key, `${f.labelZh}：金额超出上限（最多 100,000,000 万元）`, `${f.labelEn}: the amount is too large (at most ¥1,000,000,000,000)`);
    } else if (f.kind === "count" && v > MAX_FIGURE_COUNT) {
      refuse(f.key, `${f.labelZh}：数量超出上限（最多 10,000,000）`, `${f.labelEn}: at most 10,000,000`);
    } else if (f.kind === "years" && v > 200) {
      refuse(f.key, `${f.labelZh}：请填写 0 到 200 之间的年数`, `${f.labelEn}: enter 0 to 200 years`);
    }
  }
  const ok = (k: FigureKey) => !errors.some((e) => e.field === k) && figures[k] !== null;
  const v = (k: FigureKey) => figures[k]!;

  if (ok("rdExpenseYuan") && ok("revenueYuan") && v("rdExpenseYuan") > v("revenueYuan")) {
    refuse(
      "rdExpenseYuan",
      `${label("rdExpenseYuan").labelZh}（${wan(v("rdExpenseYuan"))} 万元）不能高于营业收入（${wan(v("revenueYuan"))} 万元）`,
      `R&D expense cannot exceed revenue`,
    );
  }
  if (ok("mainBusinessRevenueYuan") && ok("revenueYuan") && v("mainBusinessRevenueYuan") > v("revenueYuan")) {
    refuse(
      "mainBusinessRevenueYuan",
      `主营业务收入（${wan(v("mainBusinessRevenueYuan"))} 万元）不能高于营业收入（${wan(v("revenueYuan"))} 万元）`,
      "Main-business revenue cannot exceed revenue",
    );
  }
  if (ok("rdStaff") && ok("employees") && v("rdStaff") > v("employees")) {
    refuse("rdStaff", `研发人员（${v("rdStaff")} 人）不能多于从业人员（${v("employees")} 人）`, "R&D staff cannot outnumber employees");
  }
  // Invention patents are class I IP: a count of class I below them is impossible.
  if (ok("inventionPatents") && ok("ipClass1") && v("inventionPatents") > v("ipClass1")) {
    refuse(
      "ipClass1",
      `Ⅰ类知识产权（${v("ipClass1")} 项）不能少于其中的发明专利（${v("inventionPatents")} 项）`,
      "Class I IP cannot be fewer than the invention patents among them",
    );
  }
  // A firm with no assets cannot owe, and R&D spent with no staff at all is not a real year.
  if (ok("totalAssetsYuan") && ok("totalLiabilitiesYuan") && v("totalAssetsYuan") === 0 && v("totalLiabilitiesYuan") > 0) {
    refuse("totalAssetsYuan", "资产总计为 0 时负债合计应为 0（资产负债率无法计算）", "Total assets of 0 with liabilities: the debt ratio is impossible");
  }
  if (ok("rdStaff") && ok("employees") && v("employees") === 0 && v("rdStaff") > 0) {
    refuse("employees", "从业人员为 0 时不能有研发人员", "No employees but R&D staff: impossible");
  }

  if (previous) {
    for (const f of FIGURE_FIELDS) {
      if (f.kind === "signed-money" || f.kind === "years" || !ok(f.key)) continue;
      const before = previous[f.key];
      const now = v(f.key);
      if (before === null || before <= 0 || now <= before * JUMP_RATIO) continue;
      const times = Math.round(now / before);
      const text = isMoneyKind(f.kind) ? `${wan(now)} 万元，上年 ${wan(before)} 万元` : `${now}，上年 ${before}`;
      warnings.push({
        field: f.key,
        zh: `${f.labelZh}为上年的 ${times} 倍（${text}），请核对是否填错单位`,
        en: `${f.labelEn} is ${times} times the previous year's: check the unit`,
      });
    }
  }
  return { errors, warnings };
}

// ───────────────────────────── ratios and growth ─────────────────────────────

/** part / whole in basis points (1/100 of a percent), rounded down; null when not computable. */
export function shareBp(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole <= 0) return null;
  return Number((BigInt(part) * 10000n) / BigInt(whole));
}

/** (now − before) / before in basis points, rounded toward zero; null when not computable. */
export function growthBp(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before <= 0) return null;
  return Number((BigInt(now - before) * 10000n) / BigInt(before));
}

/** "12.34%" from basis points. */
export function bpText(bp: number | null): string {
  if (bp === null) return "—";
  const sign = bp < 0 ? "-" : "";
  const abs = Math.abs(bp);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}%`;
}

export interface FigureRatios {
  /** R&D expense ÷ revenue. */
  rdShareBp: number | null;
  /** Total liabilities ÷ total assets. */
  debtRatioBp: number | null;
  /** Main-business revenue ÷ revenue. */
  mainShareBp: number | null;
  /** Revenue growth on the previous year. */
  revenueGrowthBp: number | null;
}

export function figureRatios(figures: Figures, previous: Figures | null): FigureRatios {
  return {
    rdShareBp: shareBp(figures.rdExpenseYuan, figures.revenueYuan),
    debtRatioBp: shareBp(figures.totalLiabilitiesYuan, figures.totalAssetsYuan),
    mainShareBp: shareBp(figures.mainBusinessRevenueYuan, figures.revenueYuan),
    revenueGrowthBp: previous ? growthBp(figures.revenueYuan, previous.revenueYuan) : null,
  };
}

// ───────────────────────────── eligibility payload ─────────────────────────────

/**
 * The eligibility pre-check's payload keys (app/components/application-fields.tsx) a firm's
 * figures of `year` answer, with `previous` the year before (R&D and revenue of the year before,
 * the two-year equity financing). Keys without a figure are left out, as an empty form field.
 * The debt ratio is rounded up to the tenth of a percent the form takes, so that a ratio just
 * over a limit never reads as under it.
 */
export function eligibilityPayloadFromFigures(figures: Figures, previous: Figures | null): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (key: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined) out[key] = value;
  };
  put("revenueYuan", figures.revenueYuan);
  put("mainBusinessRevenueYuan", figures.mainBusinessRevenueYuan);
  put("rdExpenseYuan", figures.rdExpenseYuan);
  put("employees", figures.employees);
  put("rdStaff", figures.rdStaff);
  put("ipClass1", figures.ipClass1);
  put("ipClass2", figures.ipClass2);
  put("nicheYears", figures.nicheYears);
  // 升规 reads the prior year's main-business revenue.
  put("priorYearRevenueYuan", figures.mainBusinessRevenueYuan);
  if (previous) {
    put("rdExpensePrevYuan", previous.rdExpenseYuan);
    put("revenuePrevYuan", previous.revenueYuan);
  }
  const equity = [figures.equityFinancingYuan, previous?.equityFinancingYuan ?? null].filter((x): x is number => x !== null);
  if (equity.length > 0)
    put(
      "equityFinancingYuan",
      equity.reduce((a, b) => a + b, 0),
    );
  const assets = figures.totalAssetsYuan;
  const liabilities = figures.totalLiabilitiesYuan;
  if (assets !== null && liabilities !== null && assets > 0) {
    const tenths = (BigInt(liabilities) * 1000n + BigInt(assets) - 1n) / BigInt(assets);
    put("debtRatioPercent", Number(tenths) / 10);
  }
  return out;
}
