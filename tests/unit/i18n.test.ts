import { describe, expect, it } from "vitest";
import { translate } from "~/utils/i18n";

describe("translate", () => {
  it("chooses the English singular for one and the plural otherwise", () => {
    expect(translate("en", "bulk.selected", { n: 1 })).toBe("1 application selected");
    expect(translate("en", "bulk.selected", { n: 0 })).toBe("0 applications selected");
    expect(translate("en", "apps.err.summarySubmit", { count: 1, parts: "x" })).toBe("1 field needs attention before you can submit: x.");
    expect(translate("en", "users.count", { n: 12 })).toBe("12 accounts");
  });

  it("leaves Chinese, which has no plural, as written", () => {
    expect(translate("zh", "bulk.selected", { n: 1 })).not.toMatch(/[|:]/);
  });
});
