import { describe, expect, it } from "vitest";
import { addCalendarDays, addWorkingDays, exceptionMap, isWorkingDay, weekday, workingDaysBetween } from "~/domain/calendar";
import { CALENDAR_2026 } from "../../seeds/calendar";

const cal = exceptionMap(CALENDAR_2026);
const none = exceptionMap([]);

describe("the 2026 calendar as published", () => {
  it("has the seven holidays with their lengths and make-up days on the weekdays the notice names", () => {
    const holidays = (nameZh: string) => CALENDAR_2026.filter((r) => r.kind === "holiday" && r.nameZh === nameZh).map((r) => r.date);
    expect(holidays("元旦")).toEqual(["2026-01-01", "2026-01-02", "2026-01-03"]);
    expect(holidays("春节")).toHaveLength(9);
    expect(holidays("春节")[0]).toBe("2026-02-15");
    expect(holidays("春节").at(-1)).toBe("2026-02-23");
    expect(holidays("清明节")).toEqual(["2026-04-04", "2026-04-05", "2026-04-06"]);
    expect(holidays("劳动节")).toHaveLength(5);
    expect(holidays("端午节")).toEqual(["2026-06-19", "2026-06-20", "2026-06-21"]);
    expect(holidays("中秋节")).toEqual(["2026-09-25", "2026-09-26", "2026-09-27"]);
    expect(holidays("国庆节")).toHaveLength(7);
    const workdays = CALENDAR_2026.filter((r) => r.kind === "workday").map((r) => [r.date, weekday(r.date)]);
    // 1月4日周日, 2月14日周六, 2月28日周六, 5月9日周六, 9月20日周日, 10月10日周六
    expect(workdays.sort()).toEqual([
      ["2026-01-04", 0],
      ["2026-02-14", 6],
      ["2026-02-28", 6],
      ["2026-05-09", 6],
      ["2026-09-20", 0],
      ["2026-10-10", 6],
    ]);
    // The weekdays the notice gives for the first and last day of each holiday.
    expect([
      weekday("2026-01-01"),
      weekday("2026-02-15"),
      weekday("2026-02-23"),
      weekday("2026-05-01"),
      weekday("2026-05-05"),
      weekday("2026-10-01"),
      weekday("2026-10-07"),
    ]).toEqual([4, 0, 1, 5, 2, 4, 3]);
    expect(new Set(CALENDAR_2026.map((r) => r.date)).size).toBe(CALENDAR_2026.length);
  });
});

describe("isWorkingDay", () => {
  it("counts Monday to Friday, not weekends, without exceptions", () => {
    expect(isWorkingDay("2026-12-07", none)).toBe(true); // Monday
    expect(isWorkingDay("2026-12-05", none)).toBe(false); // Saturday
    expect(isWorkingDay("2026-12-06", none)).toBe(false); // Sunday
  });
  it("works a make-up Saturday and rests a weekday holiday", () => {
    expect(weekday("2026-10-10")).toBe(6);
    expect(isWorkingDay("2026-10-10", cal)).toBe(true);
    expect(isWorkingDay("2026-10-10", none)).toBe(false);
    expect(isWorkingDay("2026-02-14", cal)).toBe(true);
    expect(isWorkingDay("2026-10-02", cal)).toBe(false); // Friday in the 国庆 week
  });
});

describe("addWorkingDays", () => {
  it("counts the start when it is a working day", () => {
    expect(addWorkingDays("2026-12-07", 1, cal)).toBe("2026-12-07");
    expect(addWorkingDays("2026-12-07", 5, cal)).toBe("2026-12-11");
    expect(addWorkingDays("2026-12-05", 1, cal)).toBe("2026-12-07"); // from a Saturday: Monday
  });
  it("uses a make-up Saturday", () => {
    // Thursday 8, Friday 9, make-up Saturday 10 October, Monday 12.
    expect(addWorkingDays("2026-10-08", 3, cal)).toBe("2026-10-10");
    expect(addWorkingDays("2026-10-08", 3, none)).toBe("2026-10-12");
  });
  it("skips a holiday spanning a weekend (清明 Saturday to Monday)", () => {
    // Friday 3 April, then Tuesday 7 April.
    expect(addWorkingDays("2026-04-03", 2, cal)).toBe("2026-04-07");
    expect(addWorkingDays("2026-04-03", 2, none)).toBe("2026-04-06");
  });
  it("skips the 国庆 week: 5 working days from Monday 28 September end on Friday 9 October", () => {
    // 28, 29, 30 September, then 8 and 9 October.
    expect(addWorkingDays("2026-09-28", 5, cal)).toBe("2026-10-09");
    expect(addWorkingDays("2026-09-28", 6, cal)).toBe("2026-10-10");
    expect(addWorkingDays("2026-10-01", 1, cal)).toBe("2026-10-08");
  });
  it("crosses the year boundary into 元旦 and its make-up Sunday", () => {
    // Wednesday 31 December 2025, holidays 1–3 January, make-up Sunday 4 January, Monday 5.
    expect(addWorkingDays("2025-12-31", 2, cal)).toBe("2026-01-04");
    expect(addWorkingDays("2025-12-31", 3, cal)).toBe("2026-01-05");
    // Into 2027, where no exceptions are recorded: plain weekdays.
    expect(addWorkingDays("2026-12-31", 2, cal)).toBe("2027-01-01");
  });
  it("refuses a window of no days", () => {
    expect(() => addWorkingDays("2026-01-05", 0, cal)).toThrow(RangeError);
  });
});

describe("workingDaysBetween", () => {
  it("counts the working days after the start up to the end", () => {
    expect(workingDaysBetween("2026-12-04", "2026-12-07", cal)).toBe(1); // Friday → Monday
    expect(workingDaysBetween("2026-12-07", "2026-12-07", cal)).toBe(0);
    expect(workingDaysBetween("2026-12-08", "2026-12-07", cal)).toBe(0);
  });
  it("is the inverse of addWorkingDays from a working day", () => {
    for (const start of ["2026-09-28", "2026-02-12", "2025-12-31", "2026-04-30"]) {
      for (const n of [1, 3, 10, 25]) {
        const end = addWorkingDays(start, n, cal);
        expect(workingDaysBetween(addCalendarDays(start, -1), end, cal)).toBe(n);
      }
    }
  });
  it("counts the Spring Festival fortnight with its two make-up Saturdays", () => {
    // 13 February (Friday) to 28 February: Sat 14 worked, 15–23 off, 24–27 worked, Sat 28 worked.
    expect(workingDaysBetween("2026-02-13", "2026-02-28", cal)).toBe(6);
    expect(workingDaysBetween("2026-02-13", "2026-02-28", none)).toBe(10);
  });
});
