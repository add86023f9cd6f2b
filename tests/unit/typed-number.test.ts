import { describe, expect, it } from "vitest";
import { normalizeTypedNumber } from "~/domain/typed-number";
import { buildPayload } from "~/schemas/application.server";

describe("normalizeTypedNumber", () => {
  it.each([
    ["45%", ["%"], "45"],
    ["45.5 %", ["%"], "45.5"],
    ["４５．５％", ["%"], "45.5"],
    ["12年", ["年"], "12"],
    ["１２ 年", ["年"], "12"],
    ["6,835", [], "6835"],
    ["6，835人", ["人"], "6835"],
    ["1,234,567.5", [], "1234567.5"],
  ] as const)("reads %j as %j", (input, units, expected) => {
    expect(normalizeTypedNumber(input, units)).toBe(expected);
  });

  it.each([
    ["6,83", [], "6,83"],
    ["45%", [], "45%"],
    ["%", ["%"], "%"],
    ["12月", ["年"], "12月"],
  ] as const)("leaves %j for the field's check to refuse", (input, units, expected) => {
    expect(normalizeTypedNumber(input, units)).toBe(expected);
  });
});

describe("application figures typed with their unit", () => {
  const draft = { mode: "draft" as const, checklist: [] };

  it("accepts 45% as a debt ratio, 12年 as years in the niche and 1,200人 as staff", () => {
    const built = buildPayload("zh", "specialized-new", { debtRatioPercent: "45%", nicheYears: "12年", employees: "1,200人", rdStaff: "８０" }, draft);
    expect(built.issues).toEqual([]);
    expect(built.payload).toMatchObject({ debtRatioPercent: 45, nicheYears: 12, employees: 1200, rdStaff: 80 });
  });

  it("still refuses a unit that is not the field's, with a message by the field", () => {
    const built = buildPayload("zh", "specialized-new", { nicheYears: "12%", debtRatioPercent: "45年" }, draft);
    expect(built.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["nicheYears", expect.stringMatching(/请填写整数/)],
      ["debtRatioPercent", expect.stringMatching(/请填写数字/)],
    ]);
  });
});
