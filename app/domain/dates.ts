/**
 * The one parser of calendar dates typed into forms, posted by the bulk actions and read from
 * imports: "YYYY-MM-DD", a real day of the calendar (no 2026-02-30), in a year the registry can
 * mean (no 0001, no 9999). Recognitions, validity ends and revocations all fall in this range.
 */
export const DATE_YEARS = { min: 1990, max: 2100 } as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date from its parts, or null when it is not a calendar day within DATE_YEARS. */
export function calendarDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < DATE_YEARS.min || year > DATE_YEARS.max || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** "YYYY-MM-DD" when `text` is exactly such a valid date; otherwise null. */
export function parseIsoDate(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const m = ISO_DATE.exec(text);
  return m ? calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export function isValidIsoDate(text: unknown): text is string {
  return parseIsoDate(text) !== null;
}
