import { describe, expect, it } from "vitest";
import { withoutNulBytes } from "~/entry.server";

describe("withoutNulBytes", () => {
  it("returns a document without NUL bytes as it is", () => {
    const page = Buffer.from("<p>修改</p>");
    expect(withoutNulBytes(page)).toBe(page);
  });

  it("restores 修改 from the renderer's 修\\0改", () => {
    const broken = Buffer.concat([Buffer.from("aria-label=\"修"), Buffer.from([0]), Buffer.from("改\"")]);
    expect(withoutNulBytes(broken).toString("utf8")).toBe("aria-label=\"修改\"");
  });

  it("drops every NUL, at the start, the end and side by side, and nothing else", () => {
    const broken = Buffer.concat([Buffer.from([0]), Buffer.from("定海"), Buffer.from([0, 0, 0]), Buffer.from("区"), Buffer.from([0])]);
    const fixed = withoutNulBytes(broken);
    expect(fixed.toString("utf8")).toBe("定海区");
    expect(fixed.indexOf(0)).toBe(-1);
  });
});
