/**
 * Public notice (公示) of recognitions: which tiers go through it by default, how its window is
 * computed in working days, and whether a window is open on a given day. Pure.
 */
import { addWorkingDays, type CalendarExceptions } from "./calendar";
import type { TierCode } from "./tiers";

/** The district's own factories are recognized by the district and published first. */
export const NOTICE_TIERS_BY_DEFAULT: readonly TierCode[] = ["demonstration-factory", "quality-factory", "clean-beauty-factory"];
export const DEFAULT_NOTICE_WORKING_DAYS = 5;
export const MAX_NOTICE_WORKING_DAYS = 30;

export interface NoticeSetting {
  tierCode: TierCode;
  enabled: boolean;
  workingDays: number;
}

export function defaultNoticeSetting(tierCode: TierCode): NoticeSetting {
  return { tierCode, enabled: NOTICE_TIERS_BY_DEFAULT.includes(tierCode), workingDays: DEFAULT_NOTICE_WORKING_DAYS };
}

/** The last day of a notice of `workingDays` working days published on `startsOn`. */
export function noticeEndDate(startsOn: string, workingDays: number, exceptions: CalendarExceptions): string {
  return addWorkingDays(startsOn, workingDays, exceptions);
}

export type NoticeWindow = "upcoming" | "open" | "closed";

/** Objections are taken from the first day to the last day inclusive (Shanghai dates). */
export function noticeWindow(startsOn: string, endsOn: string, today: string): NoticeWindow {
  if (today < startsOn) return "upcoming";
  if (today > endsOn) return "closed";
  return "open";
}
