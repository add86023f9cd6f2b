import { describe, it, expect } from "vitest";
import { USCC_ALPHABET, USCC_WEIGHTS, computeCheckChar, generateUscc, isValidUscc, normalizeUscc, validateUscc } from "../../app/domain/uscc";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STANDARD_EXAMPLE = "91350100M000100Y43";
const DINGHAI_EXAMPLE = "91330902719524024G";

describe("alphabet and weights", () => {
  it("has 31 characters without I O Z S V", () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    for (const c of "IOZSV") expect(USCC_ALPHABET).not.toContain(c);
  });
  it("uses the published weights", () => {
    expect(USCC_WEIGHTS).toEqual([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
  });
});

describe("validateUscc", () => {
  it.each([STANDARD_EXAMPLE, DINGHAI_EXAMPLE])("accepts the worked example %s", (code) => {
    expect(validateUscc(code)).toEqual({ ok: true, value: code });
    expect(computeCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it("accepts lower case and returns the normalised code", () => {
    expect(validateUscc("91330902719524024g")).toEqual({ ok: true, value: DINGHAI_EXAMPLE });
    expect(validateUscc("91350100m000100y43")).toEqual({ ok: true, value: STANDARD_EXAMPLE });
  });

  it("accepts surrounding and inner spaces, including the full-width space", () => {
    expect(validateUscc("  9133 0902 7195 2402 4G\t")).toEqual({ ok: true, value: DINGHAI_EXAMPLE });
    expect(validateUscc("\u30009135 0100M000100Y43\u3000")).toEqual({ ok: true, value: STANDARD_EXAMPLE });
  });

  it("accepts full-width digits and letters", () => {
    expect(validateUscc("９１３５０１００Ｍ０００１００Ｙ４３")).toEqual({ ok: true, value: STANDARD_EXAMPLE });
    expect(validateUscc("９１３３０９０２７１９５２４０２４ｇ")).toEqual({ ok: true, value: DINGHAI_EXAMPLE });
  });

  it("reports empty input", () => {
    for (const input of ["", "   ", "\u3000"]) {
      const r = validateUscc(input);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe("empty");
        expect(r.message).toContain("统一社会信用代码");
      }
    }
  });

  it("reports 17 characters", () => {
    const r = validateUscc(DINGHAI_EXAMPLE.slice(0, 17));
    expect(r).toMatchObject({ ok: false, code: "length" });
    if (!r.ok) {
      expect(r.message).toBe("统一社会信用代码应为18位，当前为17位");
      expect(r.messageEn).toContain("17");
    }
  });

  it("reports 19 characters", () => {
    const r = validateUscc(DINGHAI_EXAMPLE + "1");
    expect(r).toMatchObject({ ok: false, code: "length" });
    if (!r.ok) expect(r.message).toBe("统一社会信用代码应为18位，当前为19位");
  });

  it.each([
    ["I", 3],
    ["O", 9],
    ["Z", 12],
    ["S", 17],
    ["V", 18],
  ] as const)("names the forbidden letter %s at position %i", (letter, position) => {
    const chars = DINGHAI_EXAMPLE.split("");
    chars[position - 1] = letter;
    const r = validateUscc(chars.join(""));
    expect(r).toMatchObject({ ok: false, code: "char", position, char: letter });
    if (!r.ok) {
      expect(r.message).toContain(`第${position}位`);
      expect(r.message).toContain(`“${letter}”`);
      expect(r.message).toContain("I、O、Z、S、V");
      expect(r.messageEn).toContain(`position ${position}`);
    }
  });

  it("names the forbidden letter when typed in lower case", () => {
    const r = validateUscc("91330902719524024o".replace(/^9/, "o"));
    expect(r).toMatchObject({ ok: false, code: "char", position: 1, char: "O" });
  });

  it("names other invalid characters such as a hyphen", () => {
    const r = validateUscc("91330902-719524024G");
    expect(r).toMatchObject({ ok: false, code: "char", position: 9, char: "-" });
    if (!r.ok) expect(r.message).toContain("第9位");
  });

  it("names the expected check character on a mismatch", () => {
    const r = validateUscc("91330902719524024H");
    expect(r).toMatchObject({ ok: false, code: "check", position: 18, expected: "G", char: "H" });
    if (!r.ok) {
      expect(r.message).toContain("校验位应为 G，实际为 H");
      expect(r.messageEn).toContain("G");
    }
  });

  it("detects every single-character substitution in the first 17 positions", () => {
    for (let i = 0; i < 17; i++) {
      for (const c of USCC_ALPHABET) {
        if (c === DINGHAI_EXAMPLE[i]) continue;
        const typo = DINGHAI_EXAMPLE.slice(0, i) + c + DINGHAI_EXAMPLE.slice(i + 1);
        expect(isValidUscc(typo)).toBe(false);
      }
    }
  });
});

describe("normalizeUscc", () => {
  it("upper-cases, strips whitespace and folds full-width characters", () => {
    expect(normalizeUscc(" ａｂ１２ cd\u3000\n")).toBe("AB12CD");
  });
  it("leaves other characters for validation to name", () => {
    expect(normalizeUscc("12-3")).toBe("12-3");
  });
});

describe("computeCheckChar", () => {
  it("rejects input that is not 17 alphabet characters", () => {
    expect(() => computeCheckChar("123")).toThrow(RangeError);
    expect(() => computeCheckChar("9133090271952402O")).toThrow(RangeError);
  });
});

describe("generateUscc", () => {
  it("yields 1000 distinct valid Dinghai company codes from a seeded rng", () => {
    const rng = mulberry32(20230101);
    const codes = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const code = generateUscc(rng);
      expect(code).toMatch(/^91330902[0-9A-Z]{10}$/);
      expect(validateUscc(code)).toEqual({ ok: true, value: code });
      codes.add(code);
    }
    expect(codes.size).toBe(1000);
  });

  it("is deterministic for a given seed", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect(Array.from({ length: 5 }, () => generateUscc(a))).toEqual(Array.from({ length: 5 }, () => generateUscc(b)));
  });

  it("honours region and type", () => {
    const code = generateUscc(mulberry32(1), "330903", "2");
    expect(code.slice(0, 8)).toBe("92330903");
    expect(isValidUscc(code)).toBe(true);
  });

  it("rejects a malformed region or type", () => {
    expect(() => generateUscc(Math.random, "33090", "1")).toThrow(RangeError);
    expect(() => generateUscc(Math.random, "330902", "O")).toThrow(RangeError);
  });
});
