/**
 * Money: stored as integer yuan, shown and typed as 万元 (¥10,000) with at most 2 decimals.
 * Parsing works on digit strings so that "0.07" is exactly 700 yuan, never 699.9999.
 */

export const YUAN_PER_WAN = 10_000;
/** Largest accepted amount: ¥1,000,000,000,000 (100,000,000 万元). */
export const MAX_YUAN = 1_000_000_000_000;

export type ParseWanErrorCode = "empty" | "format" | "negative" | "precision" | "too-large";

export type ParseWanResult = { ok: true; yuan: number } | { ok: false; code: ParseWanErrorCode; message: string; messageEn: string };

function fail(code: ParseWanErrorCode, message: string, messageEn: string): ParseWanResult {
  return { ok: false, code, message, messageEn };
}

const NUMBER_PATTERN = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/;

/**
 * Parses an amount in 万元 into integer yuan. Accepts surrounding spaces, full-width digits and
 * punctuation, thousands separators in the right places, and a trailing 万 / 万元.
 */
export function parseWan(input: string): ParseWanResult {
  const text = input
    .replace(/[\uFF10-\uFF19\uFF0B\uFF0C\uFF0D\uFF0E]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3002/gu, ".")
    .replace(/\s+/gu, "")
    .replace(/万元?$/u, "");

  if (text === "") {
    return fail("empty", "请填写金额（万元）", "Enter an amount in units of ¥10,000 (万元)");
  }
  const match = NUMBER_PATTERN.exec(text);
  const intDigits = match?.[2] ?? "";
  const fracDigits = match?.[3] ?? "";
  if (!match || (intDigits === "" && fracDigits === "")) {
    return fail("format", "金额格式不正确，请填写数字，如 12.34（单位：万元）", "Not a valid amount: enter a number such as 12.34 (in units of ¥10,000)");
  }
  const intPart = intDigits.replace(/,/g, "").replace(/^0+/, "");
  const fracPart = fracDigits.replace(/0+$/, "");
  const isZero = intPart === "" && fracPart === "";

  if (match[1] === "-" && !isZero) {
    return fail("negative", "金额不能为负数", "The amount cannot be negative");
  }
  if (fracPart.length > 2) {
    return fail("precision", "金额最多保留两位小数（即精确到百元）", "Use at most 2 decimal places (i.e. to the nearest ¥100)");
  }
  // 10 integer digits of 万元 already exceed MAX_YUAN; checking length first keeps Number exact.
  if (intPart.length > 9) return tooLarge();
  const yuan = Number(intPart || "0") * YUAN_PER_WAN + Number(fracPart.padEnd(2, "0")) * 100;
  if (yuan > MAX_YUAN) return tooLarge();
  return { ok: true, yuan };
}

function tooLarge(): ParseWanResult {
  return fail("too-large", "金额超出上限（最多 100,000,000 万元）", "The amount is too large (at most 100,000,000 in units of ¥10,000)");
}

export interface FormatWanOptions {
  /** Insert thousands separators ("1,234.5"). Default false. */
  grouping?: boolean;
}

/**
 * Formats integer yuan as 万元 with up to 2 decimals, trailing zeros trimmed ("12.3", "12").
 * Amounts finer than ¥100 are rounded half away from zero.
 */
export function formatWan(yuan: number, options: FormatWanOptions = {}): string {
  if (!Number.isFinite(yuan)) throw new RangeError(`Not a finite amount: ${yuan}`);
  const negative = yuan < 0;
  const abs = Math.round(Math.abs(yuan));
  const rest = abs % 100;
  const hundreds = (abs - rest) / 100 + (rest >= 50 ? 1 : 0);
  const frac = hundreds % 100;
  const whole = (hundreds - frac) / 100;
  let wholeText = String(whole);
  if (options.grouping) wholeText = wholeText.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fracText = frac === 0 ? "" : "." + String(frac).padStart(2, "0").replace(/0$/, "");
  const sign = negative && hundreds !== 0 ? "-" : "";
  return sign + wholeText + fracText;
}

/**
 * Formats integer yuan as 万元 exactly: up to 4 decimals (one yuan), trailing zeros trimmed
 * ("999.9999", "1,000"). For an amount that must not read as equal to a line it falls short of.
 */
export function formatWanExact(yuan: number, options: FormatWanOptions = {}): string {
  if (!Number.isSafeInteger(yuan)) return formatWan(yuan, options);
  const abs = Math.abs(yuan);
  const frac = abs % YUAN_PER_WAN;
  let wholeText = String((abs - frac) / YUAN_PER_WAN);
  if (options.grouping) wholeText = wholeText.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fracText = frac === 0 ? "" : "." + String(frac).padStart(4, "0").replace(/0+$/, "");
  return (yuan < 0 ? "-" : "") + wholeText + fracText;
}

/** "12.34 万元" */
export function formatYuanAsWanZh(yuan: number, options: FormatWanOptions = {}): string {
  return `${formatWan(yuan, options)} 万元`;
}
