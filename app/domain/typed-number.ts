/**
 * Numbers as people type them into a figure's field: full-width digits and punctuation
 * ("４５．５"), spaces, thousands separators in the right places ("6,835") and the field's own
 * unit after the number ("45%", "12年", "30人"). What is left is plain ASCII for the field's
 * own check (integer, decimals, range); anything else is left as typed so that check refuses it.
 */

/** Full-width digits, + , - . % and the ideographic full stop, as ASCII. */
export function toHalfWidth(input: string): string {
  return input.replace(/[\uFF10-\uFF19\uFF0B\uFF0C\uFF0D\uFF0E\uFF05]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3002/gu, ".");
}

const GROUPED = /^([+]?)(\d{1,3}(?:,\d{3})+)((?:\.\d*)?)$/;

/**
 * Normalises a typed number. `units` are the suffixes the field accepts after the number (the
 * first one that matches is removed once). "6,835" loses its separators; "6,83" keeps its comma
 * and so stays invalid.
 */
export function normalizeTypedNumber(input: string, units: readonly string[] = []): string {
  let text = toHalfWidth(input).replace(/\s+/gu, "");
  const unit = units.find((u) => text.length > u.length && text.endsWith(u));
  if (unit) text = text.slice(0, -unit.length);
  const grouped = GROUPED.exec(text);
  return grouped ? grouped[1]! + grouped[2]!.replace(/,/g, "") + grouped[3]! : text;
}
