import { describe, it, expect } from "vitest";
import { MAX_YUAN, formatWan, formatWanExact, formatYuanAsWanZh, parseWan } from "../../app/domain/money";

function yuanOf(input: string): number {
  const r = parseWan(input);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got ${r.code}`);
  return r.yuan;
}

function errorOf(input: string): string {
  const r = parseWan(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to fail, got ${r.yuan}`);
  expect(r.message).toMatch(/[\u4e00-\u9fff]/);
  expect(r.messageEn).not.toBe("");
  return r.code;
}

describe("parseWan", () => {
  it.each([
    ["12", 120000],
    ["12.5", 125000],
    ["12.34", 123400],
    ["0", 0],
    ["0.00", 0],
    ["-0", 0],
    ["-0.0", 0],
    ["+3", 30000],
    [".5", 5000],
    ["12.", 120000],
    ["007", 70000],
    ["12.50", 125000],
    ["12.3400", 123400],
  ])("parses %j as %i yuan", (input, yuan) => {
    expect(yuanOf(input)).toBe(yuan);
  });

  it.each([
    ["0.07", 700],
    ["0.1", 1000],
    ["0.2", 2000],
    ["0.3", 3000],
    ["1.15", 11500],
    ["4.35", 43500],
    ["1234.56", 12345600],
    ["8.29", 82900],
    ["99999999.99", 999999999900],
  ])("parses %j without floating-point drift", (input, yuan) => {
    expect(yuanOf(input)).toBe(yuan);
    expect(Number.isInteger(yuanOf(input))).toBe(true);
  });

  it("accepts spaces, thousands separators and full-width characters", () => {
    expect(yuanOf(" 1,234.5 ")).toBe(12345000);
    expect(yuanOf("1,234,567")).toBe(12345670000);
    expect(yuanOf("\u3000１２．３４\u3000")).toBe(123400);
    expect(yuanOf("１，２３４")).toBe(12340000);
    expect(yuanOf("12.5万元")).toBe(125000);
    expect(yuanOf("12.5 万")).toBe(125000);
  });

  it("rejects empty input", () => {
    expect(errorOf("")).toBe("empty");
    expect(errorOf("   ")).toBe("empty");
  });

  it("rejects negative amounts", () => {
    expect(errorOf("-1")).toBe("negative");
    expect(errorOf("-0.01")).toBe("negative");
    expect(errorOf("－５")).toBe("negative");
  });

  it("rejects more than two decimals", () => {
    expect(errorOf("1.234")).toBe("precision");
    expect(errorOf("0.001")).toBe("precision");
    expect(errorOf("0.075")).toBe("precision");
  });

  it.each(["abc", "12a", "1.2.3", "NaN", "Infinity", "-Infinity", "1e3", "0x10", ".", "-", "1,23", "12,3456", "1 2 3.4.5", "12元", "¥12", "--1", "12%"])(
    "rejects %j as not a number",
    (input) => {
      expect(errorOf(input)).toBe("format");
    },
  );

  it("rejects amounts above the ceiling and accepts the ceiling", () => {
    expect(yuanOf("100000000")).toBe(MAX_YUAN);
    expect(errorOf("100000000.01")).toBe("too-large");
    expect(errorOf("1000000000")).toBe("too-large");
    expect(errorOf("99999999999999999999999")).toBe("too-large");
  });
});

describe("formatWan", () => {
  it.each([
    [0, "0"],
    [120000, "12"],
    [125000, "12.5"],
    [123400, "12.34"],
    [700, "0.07"],
    [100, "0.01"],
    [12345600, "1234.56"],
    [MAX_YUAN, "100000000"],
  ])("formats %i yuan as %j", (yuan, text) => {
    expect(formatWan(yuan)).toBe(text);
  });

  it("groups thousands on request", () => {
    expect(formatWan(12345600, { grouping: true })).toBe("1,234.56");
    expect(formatWan(12345670000, { grouping: true })).toBe("1,234,567");
    expect(formatWan(9990000, { grouping: true })).toBe("999");
  });

  it("rounds amounts finer than ¥100 half away from zero", () => {
    expect(formatWan(149)).toBe("0.01");
    expect(formatWan(150)).toBe("0.02");
    expect(formatWan(12345678)).toBe("1234.57");
    expect(formatWan(999950)).toBe("100");
    expect(formatWan(-150)).toBe("-0.02");
    expect(formatWan(-49)).toBe("0");
  });

  it("throws on a non-finite amount", () => {
    expect(() => formatWan(Number.NaN)).toThrow(RangeError);
    expect(() => formatWan(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("round-trips through parseWan for many values", () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const values = [0, 100, 900, 1000, 9900, 10000, 10100, 999999999900, MAX_YUAN];
    for (let i = 0; i < 2000; i++) values.push((next() % 10_000_000) * 100);
    for (let i = 0; i < 500; i++) values.push(((next() * 4096 + (next() % 4096)) % (MAX_YUAN / 100)) * 100);
    for (const yuan of values) {
      expect(yuanOf(formatWan(yuan))).toBe(yuan);
      expect(yuanOf(formatWan(yuan, { grouping: true }))).toBe(yuan);
    }
  });
});

describe("formatYuanAsWanZh", () => {
  it("appends the unit", () => {
    expect(formatYuanAsWanZh(123400)).toBe("12.34 万元");
    expect(formatYuanAsWanZh(12345670000, { grouping: true })).toBe("1,234,567 万元");
  });
});

describe("formatWanExact", () => {
  it("shows every yuan: 999.9999 万元 is not 1,000", () => {
    expect(formatWanExact(9_999_999)).toBe("999.9999");
    expect(formatWanExact(9_999_950, { grouping: true })).toBe("999.995");
    expect(formatWanExact(10_000_000, { grouping: true })).toBe("1,000");
    expect(formatWanExact(12_345_678_901, { grouping: true })).toBe("1,234,567.8901");
    expect(formatWanExact(-5)).toBe("-0.0005");
    expect(formatWanExact(0)).toBe("0");
  });
});
