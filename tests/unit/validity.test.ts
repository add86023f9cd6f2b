import { describe, expect, it } from "vitest";
import { addDays, addMonths, daysBetween, daysLeft, DEFAULT_VALIDITY, inRenewalWindow, reminderThreshold, renewalWindow, validUntilFrom, validityStart } from "~/domain/validity";

const window = { renewBeforeDays: 180, renewAfterDays: 90 };

describe("validity dates", () => {
  it("adds months, clamping to the end of a shorter month", () => {
    expect(addMonths("2023-06-30", 36)).toBe("2026-06-30");
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonths("2023-01-31", 1)).toBe("2023-02-28");
    expect(addMonths("2023-12-15", 1)).toBe("2024-01-15");
    expect(addMonths("2024-03-31", -1)).toBe("2024-02-29");
  });

  it("handles leap days: 29 February plus a year is 28 February, plus four years 29 February", () => {
    expect(validUntilFrom("2024-02-29", 12)).toBe("2025-02-28");
    expect(validUntilFrom("2024-02-29", 36)).toBe("2027-02-28");
    expect(validUntilFrom("2024-02-29", 48)).toBe("2028-02-29");
    expect(validUntilFrom("2096-02-29", 48)).toBe("2100-02-28"); // 2100 is not a leap year
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2023-02-28", 1)).toBe("2023-03-01");
    expect(daysBetween("2024-02-01", "2024-03-01")).toBe(29);
    expect(daysBetween("2100-02-01", "2100-03-01")).toBe(28);
  });

  it("uses the tier defaults: three years for 专精特新, one for green factories, none for 升规", () => {
    expect(validUntilFrom("2023-06-30", DEFAULT_VALIDITY["specialized-new"])).toBe("2026-06-30");
    expect(validUntilFrom("2023-06-30", DEFAULT_VALIDITY["green-factory"])).toBe("2024-06-30");
    expect(validUntilFrom("2023-06-30", DEFAULT_VALIDITY["clean-beauty-factory"])).toBe("2026-06-30");
    expect(validUntilFrom("2023-06-30", DEFAULT_VALIDITY["scaled-up"])).toBeNull();
    expect(validityStart(null, 2022)).toBe("2022-12-31");
    expect(validityStart("2022-03-01", 2022)).toBe("2022-03-01");
  });

  it("counts days left (0 on the last day, negative once expired)", () => {
    expect(daysLeft("2026-06-30", "2026-06-30")).toBe(0);
    expect(daysLeft("2026-06-30", "2026-07-01")).toBe(-1);
    expect(daysLeft("2027-01-01", "2026-12-31")).toBe(1);
  });

  it("bounds the renewal window inclusively on both ends", () => {
    expect(renewalWindow("2026-06-30", window)).toEqual({ opens: "2026-01-01", closes: "2026-09-28" });
    expect(inRenewalWindow("2026-06-30", "2025-12-31", window)).toBe(false);
    expect(inRenewalWindow("2026-06-30", "2026-01-01", window)).toBe(true);
    expect(inRenewalWindow("2026-06-30", "2026-09-28", window)).toBe(true);
    expect(inRenewalWindow("2026-06-30", "2026-09-29", window)).toBe(false);
    expect(inRenewalWindow("2026-06-30", "2026-06-30", { renewBeforeDays: 0, renewAfterDays: 0 })).toBe(true);
    expect(inRenewalWindow("2026-06-30", "2026-07-01", { renewBeforeDays: 0, renewAfterDays: 0 })).toBe(false);
  });

  it("picks the tightest reminder threshold reached", () => {
    expect(reminderThreshold("2026-06-30", "2025-12-31")).toBeNull(); // 181 days
    expect(reminderThreshold("2026-06-30", "2026-01-01")).toBe(180);
    expect(reminderThreshold("2026-06-30", "2026-04-01")).toBe(90);
    expect(reminderThreshold("2026-06-30", "2026-05-31")).toBe(30);
    expect(reminderThreshold("2026-06-30", "2026-07-01")).toBeNull();
  });

  it("refuses what is not a date", () => {
    expect(() => addMonths("2026-6-30", 1)).toThrow();
  });
});
