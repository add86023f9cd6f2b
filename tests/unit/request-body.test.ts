import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { trustProxySetting } from "~/server/app";
import { countMultipartParts, parseContentType } from "~/server/request-body";

const root = path.resolve(import.meta.dirname, "../..");

describe("request bodies", () => {
  it("counts multipart parts by their delimiter lines only", () => {
    const body = Buffer.from("--b\r\nA: 1\r\n\r\nx--b\r\n--b\r\nA: 2\r\n\r\ny\r\n--b--\r\n");
    expect(countMultipartParts(body, "b")).toBe(2);
    expect(countMultipartParts(Buffer.from(""), "b")).toBe(0);
  });

  it("reads the media type and a quoted boundary", () => {
    expect(parseContentType('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toEqual({ type: "multipart/form-data", boundary: "a b" });
    expect(parseContentType(undefined)).toEqual({ type: "", boundary: null });
  });
});

describe("proxy trust", () => {
  it("believes no forwarded header unless TRUST_PROXY names the proxies", () => {
    for (const off of [undefined, "", " ", "0", "false", "off"]) expect(trustProxySetting(off)).toBe(false);
    expect(trustProxySetting("127.0.0.1")).toBe("127.0.0.1");
    expect(trustProxySetting("loopback, 10.0.0.0/8")).toBe("loopback, 10.0.0.0/8");
    for (const everyone of ["true", "1", "*", "yes"]) expect(() => trustProxySetting(everyone)).toThrow(/name the proxies/);
  });
});

describe("the last-resort guard", () => {
  it("logs an exception and a rejection that escaped every handler, and the process serves on", async () => {
    // A child process installs the guard, then throws from a timer and rejects a promise that
    // nobody awaits; it must still answer on stdout afterwards and exit by itself with 0.
    const script = `
      import { installLastResortGuard } from "./app/server/last-resort.ts";
      installLastResortGuard((...args) => console.log("LOGGED", String(args[0]), String(args[1])));
      setTimeout(() => { throw new Error("boom from a timer"); }, 5);
      setTimeout(() => { Promise.reject(new Error("boom from a promise")); }, 10);
      setTimeout(() => console.log("STILL SERVING"), 50);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(out).toContain("boom from a timer");
    expect(out).toContain("boom from a promise");
    expect(out).toContain("STILL SERVING");
    expect(code).toBe(0);
  });
});
