/**
 * Chinese phone numbers as typed on forms: an 11-digit mobile number, or a landline with its
 * area code. Like uscc.ts and money.ts, results carry the message in both languages.
 */

export type PhoneErrorCode = "empty" | "mobile-length" | "mobile-prefix" | "landline" | "format";

export type PhoneResult = { ok: true; value: string; kind: "mobile" | "landline" } | { ok: false; code: PhoneErrorCode; message: string; messageEn: string };

/** Folds full-width digits and dashes, drops spaces, brackets and a +86 / 0086 prefix. */
export function normalizePhone(input: string): string {
  return input
    .replace(/[\uFF10-\uFF19]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0D\u2010-\u2015\u2212]/gu, "-")
    .replace(/[\s()（）]/gu, "")
    .replace(/^(?:\+86|0086)-?/u, "");
}

/**
 * Validates and normalises a phone number. Mobiles come back as 11 digits; landlines as
 * "area-number" (e.g. "0580-2061835"): 010 and 02x are 3-digit area codes, all others 4 digits.
 */
export function validatePhone(input: string): PhoneResult {
  const text = normalizePhone(input);
  if (text === "") {
    return { ok: false, code: "empty", message: "请填写联系电话", messageEn: "Enter a phone number" };
  }
  if (/^1\d*$/.test(text)) {
    if (text.length !== 11) {
      return {
        ok: false,
        code: "mobile-length",
        message: `手机号码应为11位，当前为${text.length}位`,
        messageEn: `A mobile number has 11 digits; this one has ${text.length}`,
      };
    }
    if (!/^1[3-9]/.test(text)) {
      return {
        ok: false,
        code: "mobile-prefix",
        message: "手机号码应以 13–19 开头",
        messageEn: "A mobile number starts with 13 to 19",
      };
    }
    return { ok: true, value: text, kind: "mobile" };
  }
  if (/^0[\d-]*$/.test(text)) {
    let area: string;
    let number: string;
    const hyphen = /^(0\d{2,3})-(\d+)$/.exec(text);
    if (hyphen) {
      area = hyphen[1]!;
      number = hyphen[2]!;
    } else if (/^0\d+$/.test(text)) {
      const areaLength = /^0[12]/.test(text) ? 3 : 4;
      area = text.slice(0, areaLength);
      number = text.slice(areaLength);
    } else {
      return landlineError();
    }
    if (/^0[12]/.test(area) !== (area.length === 3) || !/^[2-9]\d{6,7}$/.test(number)) {
      return landlineError();
    }
    return { ok: true, value: `${area}-${number}`, kind: "landline" };
  }
  return {
    ok: false,
    code: "format",
    message: "请填写11位手机号码，或带区号的固定电话，如 0580-2061835",
    messageEn: "Enter an 11-digit mobile number, or a landline with its area code such as 0580-2061835",
  };
}

function landlineError(): PhoneResult {
  return {
    ok: false,
    code: "landline",
    message: "固定电话请写成“区号-号码”，如 0580-2061835（区号3–4位，号码7–8位）",
    messageEn: "Write a landline as area code-number, e.g. 0580-2061835 (3–4 digit area code, 7–8 digit number)",
  };
}
