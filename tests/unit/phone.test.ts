import { describe, expect, it } from "vitest";
import { validatePhone } from "~/domain/phone";

describe("validatePhone", () => {
  it.each([
    ["13857201368", "13857201368"],
    [" 138 5720 1368 ", "13857201368"],
    ["１３８５７２０１３６８", "13857201368"],
    ["+86 13857201368", "13857201368"],
    ["0580-2061835", "0580-2061835"],
    ["05802061835", "0580-2061835"],
    ["(0580) 2061835", "0580-2061835"],
    ["0580－2061835", "0580-2061835"],
    ["010-12345678".replace("1234", "5234"), "010-52345678"],
    ["02152345678", "021-52345678"],
  ])("accepts %s as %s", (input, value) => {
    expect(validatePhone(input)).toMatchObject({ ok: true, value });
  });

  it.each([
    ["", "empty"],
    ["1385720136", "mobile-length"],
    ["138572013680", "mobile-length"],
    ["12857201368", "mobile-prefix"],
    ["2061835", "format"],
    ["0580-061835", "landline"],
    ["0580-206183512", "landline"],
    ["0211-2061835", "landline"],
    ["0580-20-61835", "landline"],
    ["<script>", "format"],
    ["13857201368; DROP TABLE", "format"],
    ["phone", "format"],
  ])("rejects %s (%s)", (input, code) => {
    const result = validatePhone(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(0);
      expect(result.messageEn.length).toBeGreaterThan(0);
    }
  });

  it("names the digit count of a short mobile", () => {
    expect(validatePhone("138572013")).toMatchObject({ ok: false, message: "手机号码应为11位，当前为9位" });
  });
});
