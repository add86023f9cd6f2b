/**
 * Reading the statistics office's sheets of yearly figures: which column holds which figure
 * (their headers vary: 上年营业收入, 营业收入（千元）, R&D经费支出, 年末从业人员, 从业人员期末人数, …)
 * and in which unit a money column is written. A money column must say its unit (元, 千元 or
 * 万元, in brackets): one that does not is refused by name, never guessed, since a guess off by
 * a factor of 1,000 would pass every other check.
 */
import { FIGURE_FIELD, type FigureKey } from "../figures";
import { toHalfWidth } from "../typed-number";
import type { FieldSpec } from "./headers";

export type FiguresImportKey = "uscc" | "name" | FigureKey;

/** Header words for each figure; 上年/上年度/本年/年末/全年 in front of any of them are read too. */
const BASE_SYNONYMS: Record<FigureKey, readonly string[]> = {
  revenueYuan: ["营业收入", "营业收入合计", "营业总收入", "营收", "销售收入", "营业收入总额"],
  mainBusinessRevenueYuan: ["主营业务收入", "主营收入", "主营业务收入合计"],
  rdExpenseYuan: ["研发费用", "研发费用合计", "R&D经费支出", "R&D经费", "研发经费支出", "研发经费", "研究开发费用", "研发投入", "研究与试验发展经费支出"],
  employees: ["从业人员", "从业人员期末人数", "从业人员平均人数", "从业人数", "期末从业人数", "从业人员数", "职工人数", "员工人数"],
  rdStaff: ["研发人员", "R&D人员", "研发人员数", "研究开发人员", "R&D人员合计", "研发人员数量"],
  totalAssetsYuan: ["资产总计", "资产总额", "总资产"],
  totalLiabilitiesYuan: ["负债合计", "负债总额", "总负债", "负债总计"],
  netProfitYuan: ["净利润", "利润净额", "净利润总额"],
  equityFinancingYuan: ["股权融资", "股权融资额", "新增股权融资", "股权融资金额"],
  inventionPatents: ["发明专利", "发明专利数", "有效发明专利数", "拥有发明专利", "有效发明专利"],
  ipClass1: ["Ⅰ类知识产权", "I类知识产权", "一类知识产权", "Ⅰ类知识产权数", "I类知识产权数"],
  ipClass2: ["Ⅱ类知识产权", "II类知识产权", "二类知识产权", "Ⅱ类知识产权数", "II类知识产权数"],
  nicheYears: ["细分市场年限", "从事细分市场年限", "细分领域年限", "从事特定细分市场时间"],
};

const PREFIXES = ["", "上年", "上年度", "本年", "本年度", "年末", "全年", "期末"];

export const FIGURES_IMPORT_FIELDS: readonly FieldSpec<FiguresImportKey>[] = [
  { key: "uscc", label: "统一社会信用代码", synonyms: ["信用代码", "社会信用代码", "统一代码", "USCC", "组织机构代码/统一社会信用代码", "纳税人识别号"], required: true },
  { key: "name", label: "企业名称", synonyms: ["单位名称", "企业全称", "单位全称", "名称", "单位详细名称", "公司名称"] },
  ...(Object.keys(BASE_SYNONYMS) as FigureKey[]).map((key) => {
    const words = BASE_SYNONYMS[key];
    return {
      key,
      label: FIGURE_FIELD[key].labelZh,
      synonyms: words.flatMap((w) => PREFIXES.map((p) => p + w)),
    };
  }),
];

export type MoneyUnitRead = "yuan" | "thousand" | "wan";

/** Yuan per unit. */
export const YUAN_PER_UNIT: Record<MoneyUnitRead, number> = { yuan: 1, thousand: 1_000, wan: 10_000 };

/**
 * The unit a money column's header states in brackets, or null when it states none or one that
 * is not 元, 千元 or 万元 (亿元, 美元, a bare 金额): the column is then refused by name.
 */
export function readMoneyUnit(header: string): MoneyUnitRead | null {
  const units = [...header.matchAll(/[(（【[]([^)）】\]]*)[)）】\]]/g)].map((m) =>
    m[1]!
      .replace(/\s/g, "")
      .replace(/^单位[:：]?/, "")
      .replace(/^人民币/, ""),
  );
  let found: MoneyUnitRead | null = null;
  for (const unit of units) {
    const read: MoneyUnitRead | null = unit === "万元" ? "wan" : unit === "千元" ? "thousand" : unit === "元" ? "yuan" : null;
    if (read === null) continue;
    // Two different units in one header cannot be read either.
    if (found !== null && found !== read) return null;
    found = read;
  }
  return found;
}

/** Units a count column may state ("从业人员（人）", "发明专利（件）"); another unit is refused. */
const COUNT_UNITS = new Set(["人", "名", "个", "项", "件", "年", "数量"]);

/** True when a count column's header states no unit or one a count can have. */
export function countUnitReadable(header: string): boolean {
  const units = [...header.matchAll(/[(（【[]([^)）】\]]*)[)）】\]]/g)].map((m) => m[1]!.replace(/\s/g, "").replace(/^单位[:：]?/, ""));
  return units.every((u) => COUNT_UNITS.has(u));
}

export type AmountResult = { ok: true; yuan: number } | { ok: false; zh: string; en: string };

/**
 * An amount written in `unit` as integer yuan, from the digits (no floating point): 1,234.5 千元
 * is 1,234,500 yuan; fractions of a yuan round half up. Negative only when `signed` (net profit;
 * also written as (123) the accountants' way).
 */
export function amountToYuan(text: string, unit: MoneyUnitRead, signed = false): AmountResult {
  let t = toHalfWidth(text)
    .replace(/\s+/g, "")
    .replace(/(万元|千元|元)$/, "");
  let negative = false;
  const parens = /^\((.*)\)$/.exec(t);
  if (parens) {
    negative = true;
    t = parens[1]!;
  }
  if (t.startsWith("-")) {
    negative = !negative;
    t = t.slice(1);
  } else if (t.startsWith("+")) t = t.slice(1);
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return { ok: false, zh: `“${text}”不是数字`, en: `“${text}” is not a number` };
  const intDigits = m[1]!.replace(/,/g, "").replace(/^0+(?=\d)/, "");
  const frac = m[2] ?? "";
  if (intDigits.length > 13) return { ok: false, zh: "金额超出上限", en: "The amount is too large" };
  const scale = unit === "yuan" ? 0 : unit === "thousand" ? 3 : 4;
  const fracUsed = frac.slice(0, scale).padEnd(scale, "0");
  let yuan = BigInt(intDigits + fracUsed);
  const rest = frac.slice(scale);
  if (rest !== "" && Number(rest[0]) >= 5) yuan += 1n;
  const value = Number(yuan);
  if (value > 1_000_000_000_000) return { ok: false, zh: "金额超出上限（最多 100,000,000 万元）", en: "The amount is too large" };
  if (negative && value !== 0) {
    if (!signed) return { ok: false, zh: "不能为负数", en: "Cannot be negative" };
    return { ok: true, yuan: -value };
  }
  return { ok: true, yuan: value };
}

export type CountResult = { ok: true; value: number } | { ok: false; zh: string; en: string };

/** A whole count from a cell ("120", "120人", "1,200"). */
export function countOfCell(text: string): CountResult {
  const t = toHalfWidth(text)
    .replace(/\s+/g, "")
    .replace(/(人|名|个|项|件|年)$/, "");
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?$/.exec(t);
  if (!m) {
    if (/^-\d/.test(t)) return { ok: false, zh: "不能为负数", en: "Cannot be negative" };
    return { ok: false, zh: `“${text}”不是整数`, en: `“${text}” is not a whole number` };
  }
  const value = Number(m[1]!.replace(/,/g, ""));
  if (!Number.isSafeInteger(value) || value > 10_000_000) return { ok: false, zh: "数量超出上限", en: "Too large" };
  return { ok: true, value };
}
