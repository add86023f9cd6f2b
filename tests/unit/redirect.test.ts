import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameSitePath } from "~/domain/redirect";

const HOME = "/home";

describe("redirect targets", () => {
  it("keeps paths on this site, percent-encoded", () => {
    expect(sameSitePath("/enterprises?town=jintang&page=2", HOME)).toBe("/enterprises?town=jintang&page=2");
    expect(sameSitePath("/applications/12#attachments", HOME)).toBe("/applications/12#attachments");
    expect(sameSitePath("/企业", HOME)).toBe("/%E4%BC%81%E4%B8%9A");
    expect(sameSitePath("/a/../b", HOME)).toBe("/b");
  });

  it("refuses the usual open-redirect corpus", () => {
    const corpus = [
      "//evil.example",
      "///evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r/evil.example",
      "/ /evil.example",
      "/\u00a0/evil.example",
      "/\u3000/evil.example",
      "/%2F%2Fevil.example",
      "/%2f/evil.example",
      "/%5Cevil.example",
      "/%5c%5cevil.example",
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      " /enterprises",
      "https://evil.example/",
      "http:/evil.example",
      "data:text/html,<script>alert(1)</script>",
      "evil.example",
      "",
      "/\u0000",
      "/\u0001x",
      "/\u007f",
      "/\u200b/evil.example",
      "/\ufeff/evil.example",
      "/" + "a".repeat(2001),
    ];
    for (const target of corpus) expect(sameSitePath(target, HOME), JSON.stringify(target)).toBe(HOME);
    for (const notText of [null, undefined, 42, {}, ["/x"]]) expect(sameSitePath(notText, HOME)).toBe(HOME);
  });

  it("property: whatever comes in, what goes out is a plain-ASCII path on this site", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string({ unit: "binary" }).map((s) => `/${s}`),
          fc.webUrl(),
        ),
        (target) => {
          const out = sameSitePath(target, HOME);
          expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
          expect(/^[\x21-\x7e]+$/.test(out)).toBe(true);
          expect(new URL(out, "https://registry.example").host).toBe("registry.example");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
