import { describe, expect, it } from "vitest";
import { exceptionMap } from "~/domain/calendar";
import { defaultNoticeSetting, noticeEndDate, noticeWindow } from "~/domain/notice";
import { inPipeline } from "~/domain/counting";
import { TIERS } from "~/domain/tiers";
import { CALENDAR_2026 } from "../../seeds/calendar";

const cal = exceptionMap(CALENDAR_2026);
const none = exceptionMap([]);

describe("the window of a public notice", () => {
  it("skips the National Day holiday and counts the make-up Saturday 2026-10-10", () => {
    // Wed 09-30 (1), holidays 10-01…10-07, Thu 10-08 (2), Fri 10-09 (3), Sat 10-10 make-up (4), Mon 10-12 (5).
    expect(noticeEndDate("2026-09-30", 5, cal)).toBe("2026-10-12");
    // Without the calendar it would end on Tuesday 10-06, in the middle of the holiday.
    expect(noticeEndDate("2026-09-30", 5, none)).toBe("2026-10-06");
  });

  it("starting on a holiday, begins counting at the next working day", () => {
    // 10-03 is a holiday: 10-08, 10-09, 10-10 (make-up), 10-12, 10-13.
    expect(noticeEndDate("2026-10-03", 5, cal)).toBe("2026-10-13");
  });

  it("counts the make-up Sunday 2026-09-20 and skips the Mid-Autumn holiday", () => {
    // Fri 09-18 (1), Sun 09-20 make-up (2), Mon 09-21 … Thu 09-24 (3–6), 09-25…27 holiday, Mon 09-28 (7).
    expect(noticeEndDate("2026-09-18", 7, cal)).toBe("2026-09-28");
  });

  it("is a window of whole Shanghai days, first and last day included", () => {
    expect(noticeWindow("2026-09-30", "2026-10-12", "2026-09-29")).toBe("upcoming");
    expect(noticeWindow("2026-09-30", "2026-10-12", "2026-09-30")).toBe("open");
    expect(noticeWindow("2026-09-30", "2026-10-12", "2026-10-12")).toBe("open");
    expect(noticeWindow("2026-09-30", "2026-10-12", "2026-10-13")).toBe("closed");
  });

  it("is on by default for the district's own factories only, 5 working days", () => {
    const on = TIERS.filter((t) => defaultNoticeSetting(t.code).enabled).map((t) => t.code);
    expect(on).toEqual(["demonstration-factory", "quality-factory", "clean-beauty-factory"]);
    expect(TIERS.every((t) => defaultNoticeSetting(t.code).workingDays === 5)).toBe(true);
  });

  it("keeps an application in notice in the pipeline", () => {
    expect(inPipeline("publicized")).toBe(true);
  });
});
