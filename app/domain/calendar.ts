/**
 * Working days (工作日) as the State Council's holiday calendar makes them: Monday to Friday,
 * except the statutory holidays (法定节假日), plus the weekend days moved into work around them
 * (调休上班). Pure: the exceptions are given by the caller (the calendar_exceptions table).
 * Dates are "YYYY-MM-DD" calendar dates (Shanghai).
 */

export type CalendarExceptionKind = "holiday" | "workday";

export interface CalendarException {
  date: string;
  kind: CalendarExceptionKind;
}

/** The exceptions by date, as every function here reads them. */
export type CalendarExceptions = ReadonlyMap<string, CalendarExceptionKind>;

export function exceptionMap(list: readonly CalendarException[]): CalendarExceptions {
  return new Map(list.map((e) => [e.date, e.kind]));
}

/** Day of the week of a date, 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The date `days` calendar days after `date` (before it when negative). */
export function addCalendarDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A holiday is never worked, a make-up day always is; otherwise Monday to Friday. */
export function isWorkingDay(date: string, exceptions: CalendarExceptions): boolean {
  const kind = exceptions.get(date);
  if (kind === "holiday") return false;
  if (kind === "workday") return true;
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

/**
 * The last day of a window of `n` working days that begins on `start`: `start` counts as the
 * first when it is a working day, otherwise the window begins on the next working day. A 5-day
 * window from Monday 2026-09-28 ends on Friday 2026-10-09: the 国庆 week is skipped and the
 * make-up Saturday 2026-10-10 is not needed. n must be at least 1.
 */
export function addWorkingDays(start: string, n: number, exceptions: CalendarExceptions): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`addWorkingDays: n must be a whole number ≥ 1, got ${n}`);
  let date = start;
  let counted = isWorkingDay(date, exceptions) ? 1 : 0;
  while (counted < n) {
    date = addCalendarDays(date, 1);
    if (isWorkingDay(date, exceptions)) counted++;
  }
  return date;
}

/**
 * The working days after `from` up to and including `to` (0 when `to` is not after `from`): how
 * many working days have passed since `from`. Something submitted on a Friday has waited 1
 * working day on the Monday after.
 */
export function workingDaysBetween(from: string, to: string, exceptions: CalendarExceptions): number {
  let n = 0;
  for (let date = addCalendarDays(from, 1); date <= to; date = addCalendarDays(date, 1)) {
    if (isWorkingDay(date, exceptions)) n++;
  }
  return n;
}
