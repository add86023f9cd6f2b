import { describe, expect, it } from "vitest";
import { checkPassword } from "../../app/domain/password";

describe("password policy", () => {
  it("asks for at least 10 characters, counted as characters not bytes", () => {
    expect(checkPassword("short")).toBe("too-short");
    expect(checkPassword("abcdefghi")).toBe("too-short");
    expect(checkPassword("定海区梯度培育登记系")).toBeNull(); // 10 Chinese characters
    expect(checkPassword("x".repeat(129))).toBe("too-long");
  });
  it("refuses common passwords whatever their case", () => {
    expect(checkPassword("1234567890")).toBe("common");
    expect(checkPassword("Password123")).toBe("common");
    expect(checkPassword("demo-password")).toBe("common");
  });
  it("refuses a password containing the username", () => {
    expect(checkPassword("reviewer-is-me-2026", "reviewer")).toBe("contains-username");
    expect(checkPassword("harbour-lights-2026", "reviewer")).toBeNull();
  });
});
