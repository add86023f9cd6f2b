/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015).
 */

export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
export const USCC_LENGTH = 18;
/** Weights of positions 1..17: 3^(i-1) mod 31. */
export const USCC_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

const EXCLUDED_LETTERS = "IOZSV";

export type UsccErrorCode = "empty" | "length" | "char" | "check";

export type UsccResult =
  | { ok: true; value: string }
  | {
      ok: false;
      code: UsccErrorCode;
      message: string;
      messageEn: string;
      /** 1-based position in the normalised code. */
      position?: number;
      char?: string;
      expected?: string;
    };

/**
 * Removes all whitespace (including the full-width space U+3000), folds full-width digits and
 * Latin letters to half-width, and upper-cases. Everything else is left for validation to name.
 */
export function normalizeUscc(input: string): string {
  return input
    .replace(/\s+/gu, "")
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase();
}

/** Check character for the first 17 characters (already normalised, all in the alphabet). */
export function computeCheckChar(first17: string): string {
  if (first17.length !== 17) {
    throw new RangeError(`computeCheckChar needs 17 characters, got ${first17.length}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!);
    if (value < 0) throw new RangeError(`Character not allowed in a credit code: ${first17[i]}`);
    sum += value * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

function charError(char: string, position: number): UsccResult {
  if (EXCLUDED_LETTERS.includes(char)) {
    const hint = char === "O" ? "（是否应为数字 0？）" : char === "I" ? "（是否应为数字 1？）" : "";
    const hintEn = char === "O" ? " (did you mean the digit 0?)" : char === "I" ? " (did you mean the digit 1?)" : "";
    return {
      ok: false,
      code: "char",
      position,
      char,
      message: `第${position}位的字母“${char}”不能使用：统一社会信用代码不使用字母 I、O、Z、S、V${hint}`,
      messageEn: `The letter "${char}" at position ${position} is not allowed: credit codes never use I, O, Z, S or V${hintEn}`,
    };
  }
  return {
    ok: false,
    code: "char",
    position,
    char,
    message: `第${position}位的字符“${char}”无效：只能使用数字 0-9 和大写字母（不含 I、O、Z、S、V）`,
    messageEn: `The character "${char}" at position ${position} is not allowed: use digits 0-9 and capital letters except I, O, Z, S and V`,
  };
}

/**
 * Validates a hand-typed credit code. Forbidden characters are reported before the length,
 * because naming the stray character is the more useful hint when both are wrong.
 */
export function validateUscc(input: string): UsccResult {
  const value = normalizeUscc(input);
  if (value.length === 0) {
    return {
      ok: false,
      code: "empty",
      message: "请填写统一社会信用代码",
      messageEn: "Enter the unified social credit code",
    };
  }
  const chars = Array.from(value);
  for (let i = 0; i < chars.length; i++) {
    if (!USCC_ALPHABET.includes(chars[i]!)) return charError(chars[i]!, i + 1);
  }
  if (value.length !== USCC_LENGTH) {
    return {
      ok: false,
      code: "length",
      message: `统一社会信用代码应为18位，当前为${value.length}位`,
      messageEn: `A unified social credit code has 18 characters; this one has ${value.length}`,
    };
  }
  const expected = computeCheckChar(value.slice(0, 17));
  const actual = value[17]!;
  if (expected !== actual) {
    return {
      ok: false,
      code: "check",
      position: 18,
      char: actual,
      expected,
      message: `校验位应为 ${expected}，实际为 ${actual}，请核对代码是否抄错`,
      messageEn: `The check character should be ${expected}, not ${actual}; please check the code for typing errors`,
    };
  }
  return { ok: true, value };
}

export function isValidUscc(input: string): boolean {
  return validateUscc(input).ok;
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A valid-looking fake code for demo data: "9" + type + region + 8 digit organisation body +
 * its GB 11714 check character + the USCC check character.
 */
export function generateUscc(rng: () => number, region = "330902", type = "1"): string {
  if (!/^\d{6}$/.test(region)) throw new RangeError(`Region must be 6 digits: ${region}`);
  if (type.length !== 1 || !USCC_ALPHABET.includes(type)) {
    throw new RangeError(`Invalid organisation type character: ${type}`);
  }
  let body = "";
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const d = Math.min(9, Math.floor(rng() * 10));
    body += String(d);
    sum += d * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  const orgCheck = c === 10 ? "X" : c === 11 ? "0" : String(c);
  const first17 = `9${type}${region}${body}${orgCheck}`;
  return first17 + computeCheckChar(first17);
}
