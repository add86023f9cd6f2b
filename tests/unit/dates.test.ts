import { describe, expect, it } from "vitest";
import { calendarDate, parseIsoDate } from "~/domain/dates";
import { parseDateCell } from "~/domain/import/cells";

describe("the one date parser", () => {
  it("takes real calendar days between 1990 and 2100", () => {
    expect(parseIsoDate("2026-06-30")).toBe("2026-06-30");
    expect(parseIsoDate("2024-02-29")).toBe("2024-02-29");
    expect(parseIsoDate("1990-01-01")).toBe("1990-01-01");
    expect(parseIsoDate("2100-12-31")).toBe("2100-12-31");
  });

  it("refuses impossible days, years outside the range and other shapes", () => {
    for (const bad of [
      "2026-02-30",
      "2025-02-29",
      "2100-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-06-00",
      "0001-06-30",
      "1989-12-31",
      "2101-01-01",
      "9999-12-31",
      "2026-6-30",
      " 2026-06-30",
      "2026-06-30T00:00",
      "",
      "明天",
    ]) {
      expect(parseIsoDate(bad), bad).toBeNull();
    }
    for (const notText of [null, undefined, 20260630, new Date()]) expect(parseIsoDate(notText)).toBeNull();
    expect(calendarDate(2026, 2, 29)).toBeNull();
    expect(calendarDate(2026.5, 2, 1)).toBeNull();
  });

  it("is what spreadsheet cells go through too", () => {
    expect(parseDateCell("2026年2月30日")).toBeNull();
    expect(parseDateCell("0001-01-01")).toBeNull();
    expect(parseDateCell(new Date(Date.UTC(1, 0, 1)))).toBeNull();
    expect(parseDateCell(new Date(Date.UTC(2026, 1, 28)))).toBe("2026-02-28");
    expect(parseDateCell(2)).toBeNull(); // serial 2 is 1900-01-02
    expect(parseDateCell("2026/2/28")).toBe("2026-02-28");
  });
});
