import { describe, expect, it } from "vitest";
import { messages, translate, type MessageKey } from "../../app/utils/i18n";

/**
 * The English catalogue speaks of money in one way — "¥10,000" as the unit of amounts typed in
 * 万元, "¥12,345,678" for amounts — and counts with the right plural ("1 application",
 * "2 applications"), so a reader never meets "10k", "CNY", "RMB", "wan" or "1 applications".
 */
const en = Object.entries(messages.en) as [MessageKey, string][];

/** Nouns that are counted somewhere in the interface. */
const COUNTED = /\{(\w+)\} (?:more )?(applications?|firms?|enterprises?|files?|rows?|recognitions?|awards?|items?|tiers?|kinds?|amounts?|conditions?|users?|accounts?)\b/;

describe("the English message catalogue", () => {
  it("names money in one unit: ¥10,000 (万元 only explained beside it), never 10k, CNY, RMB or wan", () => {
    const offenders = en.filter(
      ([, v]) =>
        /\b10k\b|\bCNY\b|\bRMB\b|\bwan\b/i.test(v) ||
        // 万元 appears in English only to explain the unit: "¥10,000 (万元)".
        (v.includes("万元") && !/¥10,000 \(万元\)/.test(v)) ||
        // A bare 10,000 (not ¥10,000, not part of a larger number) is a unit written another way.
        /(?<![¥\d,])10,000(?![,\d])/.test(v) ||
        /\byuan\b/i.test(v.replace("Typed in yuan by mistake?", "")),
    );
    expect(offenders.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });

  it("counts with a plural form wherever a number meets a noun, and never writes “(s)”", () => {
    const offenders = en.filter(([, v]) => {
      if (/\w\(s\)/.test(v)) return true;
      const m = COUNTED.exec(v);
      // "{n} applications" must be "{n} {n:application|applications}".
      // Years, tiers and names are not counts ("the 2026 application").
      return m !== null && !/^(year|prior|before|current|tier|status|name|label|field)$/.test(m[1]!);
    });
    expect(offenders.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });

  it("says 1 application and 2 applications", () => {
    expect(translate("en", "bulk.selected", { n: 1 })).toBe("1 application selected");
    expect(translate("en", "bulk.selected", { n: 2 })).toBe("2 applications selected");
    expect(translate("en", "imp.confirm.enterprises", { new: 1, update: 3 })).toBe("1 firm will be added and 3 updated.");
    expect(translate("en", "apps.err.evidenceMissing", { count: 1, kinds: "Business licence" })).toContain("1 required kind of evidence is missing: Business licence");
    expect(translate("en", "apps.err.evidenceMissing", { count: 2, kinds: "a, b" })).toContain("2 required kinds of evidence are missing");
  });

  it("names actual years, never “prior year”, “last year” or “the year before”", () => {
    const offenders = en.filter(([k, v]) => k.startsWith("apps.") && /prior[- ]year|last year|year before/i.test(v));
    expect(offenders.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
    const zhOffenders = (Object.entries(messages.zh) as [MessageKey, string][]).filter(([k, v]) => k.startsWith("apps.") && /上年度|上上年度|前一年度/.test(v));
    expect(zhOffenders.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });
});
