/**
 * A wrong DATABASE_URL stops the start with one clear line that never shows the password:
 * an unreachable server, a database that does not exist, something that is not PostgreSQL.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDatabaseUrl, urlOfDatabase } from "../support/test-db";

const root = path.resolve(import.meta.dirname, "../..");

function start(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-url-"));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/server/main.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", REGISTRY_SKIP_BUILD: "1", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("a wrong DATABASE_URL", () => {
  it("says in one line that the server cannot be reached, without the password", async () => {
    const { code, output } = await start("postgres://registry:s3cret-Passw0rd@127.0.0.1:1/registry");
    expect(code).toBe(1);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe("Cannot use the PostgreSQL database at postgres://registry:***@127.0.0.1:1/registry: the server cannot be reached.");
    expect(output).not.toContain("s3cret-Passw0rd");
  }, 60_000);

  it("refuses a URL that is not PostgreSQL's", async () => {
    const { code, output } = await start("mysql://root:hunter2@127.0.0.1/registry");
    expect(code).toBe(1);
    expect(output.trim()).toBe("DATABASE_URL must start with postgres:// (got mysql://root:***@127.0.0.1/registry); leave it unset for SQLite");
  }, 60_000);

  it.runIf(testDatabaseUrl() !== null)(
    "says that a database does not exist",
    async () => {
      const { code, output } = await start(urlOfDatabase(testDatabaseUrl()!, "registry_no_such_database"));
      expect(code).toBe(1);
      expect(output.trim()).toMatch(/^Cannot use the PostgreSQL database at .*registry_no_such_database: the database does not exist\.$/);
    },
    60_000,
  );
});
