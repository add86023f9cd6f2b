/**
 * Finding the header row of a spreadsheet and which column holds which field. Offices' lists
 * carry a title row or two, merged group headers, units in brackets and their own words for
 * each column; the headers are matched on their core words against a list of synonyms.
 */
import { cellText, isBlankRow, type CellValue } from "./cells";

export interface FieldSpec<K extends string = string> {
  key: K;
  /** The canonical header (the template's). */
  label: string;
  /** Other headers meaning the same, compared after normalizeHeader. */
  synonyms: readonly string[];
  required?: boolean;
}

/**
 * The core words of a header: no spaces, no required-marks (*), no bracketed units or hints
 * ("营业收入（万元）" → "营业收入"), upper-case Latin letters.
 */
export function normalizeHeader(text: string): string {
  return text
    .replace(/[\uFF08\u3010\uFF3B]/g, "(")
    .replace(/[\uFF09\u3011\uFF3D]/g, ")")
    .replace(/\([^()]*\)/g, "")
    .replace(/[\s*＊:：]/g, "")
    .toUpperCase();
}

export interface ColumnMatch<K extends string> {
  key: K;
  /** 0-based column index. */
  col: number;
  /** The header as written in the file, used to name cells in messages. */
  header: string;
}

export interface HeaderMatch<K extends string> {
  /** 0-based index of the header row. */
  headerRow: number;
  /** 0-based index of the first data row (below a second header row, when there is one). */
  dataStart: number;
  columns: ColumnMatch<K>[];
  /** Headers that name no known field (kept out of the import, listed in the preview). */
  ignored: string[];
  /** Required fields with no column. */
  missing: FieldSpec<K>[];
}

function keyOf<K extends string>(header: string, specs: readonly FieldSpec<K>[]): K | null {
  const core = normalizeHeader(header);
  if (core === "") return null;
  for (const spec of specs) {
    if (normalizeHeader(spec.label) === core) return spec.key;
    if (spec.synonyms.some((s) => normalizeHeader(s) === core)) return spec.key;
  }
  return null;
}

function matchRow<K extends string>(row: readonly CellValue[], specs: readonly FieldSpec<K>[]) {
  const columns: ColumnMatch<K>[] = [];
  const ignored: string[] = [];
  const seen = new Set<K>();
  row.forEach((cell, col) => {
    const header = cellText(cell);
    if (header === "") return;
    const key = keyOf(header, specs);
    // The first column of a field wins; a repeated one is ignored rather than guessed at.
    if (key && !seen.has(key)) {
      seen.add(key);
      columns.push({ key, col, header });
    } else if (!/^序号|^编号$|^NO\.?$/i.test(normalizeHeader(header))) {
      ignored.push(header);
    }
  });
  return { columns, ignored };
}

/**
 * The header at row `index`, completed from the row below when that row only names fields under
 * cells the header row does not use: a group header merged over several columns
 * ("财务指标（万元）" above 营业收入 and 研发费用) leaves the field names one row down.
 */
function withSecondRow<K extends string>(rows: readonly (readonly CellValue[])[], index: number, specs: readonly FieldSpec<K>[]) {
  const { columns, ignored } = matchRow(rows[index]!, specs);
  const found = new Set(columns.map((c) => c.key));
  const used = new Set(columns.map((c) => c.col));
  const below = rows[index + 1];
  const extra: ColumnMatch<K>[] = [];
  let qualifies = columns.length > 0 && below !== undefined;
  below?.forEach((cell, col) => {
    const header = cellText(cell);
    if (header === "" || !qualifies) return;
    const key = keyOf(header, specs);
    if (used.has(col) || !key || found.has(key)) qualifies = false;
    else extra.push({ key, col, header });
  });
  if (!qualifies || extra.length === 0) return { index, columns, ignored, dataStart: index + 1 };
  const groups = new Set(extra.map((e) => cellText(rows[index]![e.col] ?? null)));
  return {
    index,
    columns: [...columns, ...extra].sort((a, b) => a.col - b.col),
    ignored: ignored.filter((h) => !groups.has(h)),
    dataStart: index + 2,
  };
}

/**
 * The header row is the one among the first `scan` rows that names the most fields, with the
 * row below it when that completes it (ties: the upper one). The XLSX reader fills merged cells;
 * in a CSV a merged group header sits in its first cell only, and both layouts are read.
 */
export function findHeader<K extends string>(rows: readonly (readonly CellValue[])[], specs: readonly FieldSpec<K>[], scan = 10): HeaderMatch<K> | null {
  let best: { index: number; columns: ColumnMatch<K>[]; ignored: string[]; dataStart: number } | null = null;
  for (let i = 0; i < Math.min(scan, rows.length); i++) {
    const candidate = withSecondRow(rows, i, specs);
    if (candidate.columns.length === 0) continue;
    if (!best || candidate.columns.length > best.columns.length) best = candidate;
  }
  if (!best) return null;
  const found = new Set(best.columns.map((c) => c.key));
  const dataStart = best.dataStart;
  return {
    dataStart,
    headerRow: best.index,
    columns: best.columns,
    ignored: best.ignored,
    missing: specs.filter((s) => s.required && !found.has(s.key)),
  };
}

export const ENTERPRISE_FIELDS = [
  { key: "uscc", label: "统一社会信用代码", synonyms: ["信用代码", "社会信用代码", "统一代码", "USCC", "组织机构代码/统一社会信用代码", "纳税人识别号"], required: true },
  { key: "name", label: "企业名称", synonyms: ["单位名称", "企业全称", "单位全称", "名称", "企业名", "公司名称", "单位详细名称"], required: true },
  { key: "town", label: "所在镇（街道）", synonyms: ["镇（街道）", "镇街道", "镇街", "乡镇街道", "乡镇（街道）", "所属镇街", "所属乡镇", "所在乡镇", "街道", "镇"] },
  { key: "industry", label: "所属产业", synonyms: ["产业", "行业", "所属行业", "产业类别", "行业类别", "产业链"] },
  { key: "platform", label: "所在平台", synonyms: ["平台", "园区", "所在园区", "产业平台"] },
  { key: "aboveScale", label: "是否规上", synonyms: ["规上", "规上企业", "是否规上企业", "是否规模以上", "规模以上"] },
  { key: "address", label: "地址", synonyms: ["企业地址", "注册地址", "生产经营地址", "详细地址", "单位地址"] },
  { key: "legalRep", label: "法定代表人", synonyms: ["法人代表", "法人", "法定代表人姓名"] },
  { key: "contactName", label: "联系人", synonyms: ["联系人姓名", "企业联系人"] },
  { key: "contactPhone", label: "联系电话", synonyms: ["电话", "手机", "手机号码", "联系方式", "联系人电话"] },
  { key: "employees", label: "从业人数", synonyms: ["员工人数", "职工人数", "从业人员", "从业人员数", "年末从业人员"] },
  { key: "revenueWan", label: "营业收入（万元）", synonyms: ["营业收入", "营收", "主营业务收入", "销售收入", "年营业收入"] },
  { key: "rdExpenseWan", label: "研发费用（万元）", synonyms: ["研发费用", "研发投入", "研发经费", "R&D经费", "研究开发费用"] },
] as const satisfies readonly FieldSpec[];

export type EnterpriseFieldKey = (typeof ENTERPRISE_FIELDS)[number]["key"];

export const AWARD_FIELDS = [
  { key: "name", label: "企业名称", synonyms: ["单位名称", "企业全称", "名称", "公司名称"] },
  { key: "uscc", label: "统一社会信用代码", synonyms: ["信用代码", "社会信用代码", "统一代码", "USCC"] },
  { key: "tier", label: "认定类别", synonyms: ["类别", "称号", "认定称号", "荣誉称号", "项目类别", "类型"] },
  { key: "level", label: "认定级别", synonyms: ["级别", "层级"] },
  { key: "year", label: "年度", synonyms: ["认定年度", "年份", "批次年度"] },
  { key: "documentNo", label: "文号", synonyms: ["发文文号", "认定文号", "文件号", "批复文号"] },
  { key: "recognizedOn", label: "认定日期", synonyms: ["认定时间", "发文日期", "公布日期", "日期"] },
  { key: "validUntil", label: "有效期至", synonyms: ["有效期", "有效期截止", "到期日期"] },
] as const satisfies readonly FieldSpec[];

export type AwardFieldKey = (typeof AWARD_FIELDS)[number]["key"];

/** Excel's column letters for a 0-based index (0 → A, 26 → AA). */
export function columnLetter(col: number): string {
  let n = col + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export type MoneyUnit = "wan" | "thousand" | "yuan";

/**
 * The unit a money column's header names in brackets: 万元 (the template's), 千元 (the
 * statistics office's usual unit) or 元. Without one, 万元 is assumed, as the template says.
 */
export function moneyUnitOf(header: string): MoneyUnit {
  const units = [...header.matchAll(/[(（【[]([^)）】\]]*)[)）】\]]/g)].map((m) => m[1]!.replace(/\s/g, ""));
  for (const unit of units) {
    if (unit.includes("万元")) return "wan";
    if (unit.includes("千元")) return "thousand";
    if (/^(人民币)?元$|^单位[:：]?元$/.test(unit)) return "yuan";
  }
  return "wan";
}

/**
 * An amount written in `unit` as 万元 text for the form's rules (≤ 2 decimals), by moving the
 * decimal point on the digits (no floating point) and rounding half up to ¥100. Text that is not
 * a plain number is returned unchanged, so the form's rules name what is wrong with it.
 */
export function toWanText(text: string, unit: MoneyUnit): string {
  if (unit === "wan") return text;
  const match = /^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!match) return text;
  const intDigits = match[1]!.replace(/,/g, "");
  const frac = match[2] ?? "";
  const shift = unit === "yuan" ? 4 : 1;
  const digits = (intDigits + frac).replace(/^0+(?=\d)/, "");
  const pointFromRight = frac.length + shift;
  const padded = digits.padStart(pointFromRight + 1, "0");
  const whole = padded.slice(0, padded.length - pointFromRight);
  const decimals = padded.slice(padded.length - pointFromRight);
  // Round to two decimals, half up, with integer arithmetic on the digit strings.
  let cents = BigInt(whole + decimals.slice(0, 2).padEnd(2, "0"));
  if (decimals.length > 2 && Number(decimals[2]) >= 5) cents += 1n;
  const s = cents.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** One data row of a sheet: its 1-based row number, its cells by field, and their text. */
export interface SheetRecord<K extends string> {
  row: number;
  raw: Record<K, CellValue>;
  text: (key: K) => string;
}

/**
 * The data rows under a found header, cells keyed by field. Blank rows are skipped and
 * reported through `onBlank` (the previews count them).
 */
export function* sheetRecords<K extends string>(
  rows: readonly (readonly CellValue[])[],
  header: Pick<HeaderMatch<K>, "dataStart" | "columns">,
  onBlank: () => void,
): Generator<SheetRecord<K>> {
  for (let i = header.dataStart; i < rows.length; i++) {
    const cells = rows[i]!;
    if (isBlankRow(cells)) {
      onBlank();
      continue;
    }
    const raw = {} as Record<K, CellValue>;
    for (const c of header.columns) raw[c.key] = cells[c.col] ?? null;
    yield { row: i + 1, raw, text: (key: K) => (key in raw ? cellText(raw[key]) : "") };
  }
}
