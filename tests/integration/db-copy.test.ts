/**
 * `npm run db:copy`: a SQLite registry (the demo data, and a bench S data set) moved into an
 * empty PostgreSQL database without loss: every table's rows, every counter against a recount,
 * and ids that keep counting after the copy. Needs PostgreSQL: part of `npm run test:pg`.
 */
import { hash } from "@node-rs/argon2";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../db/client";
import { copyRegistry } from "../../db/copy";
import { seedIfEmpty } from "../../seeds/index";
import { generateSynthetic } from "../../seeds/synthetic";
import { createDatabase, testDatabaseUrl } from "../support/test-db";

const base = testDatabaseUrl();

async function copyAndCheck(file: string) {
  const url = await createDatabase(base!, `${process.env.REGISTRY_TEST_PREFIX}_copy`);
  const report = await copyRegistry({ from: file, to: url });
  expect(report.tables.filter((t) => t.source !== t.copied)).toEqual([]);
  expect(report.counterDifferences).toBe(0);
  expect(report.ok).toBe(true);
  expect(report.to).not.toContain("password");
  const target = openDatabase({ dialect: "postgres", url, poolSize: 2 });
  try {
    // Ids go on from the copied ones.
    const maxId = Number((await sql<{ n: number }>`SELECT max(id) AS n FROM audit_log`.execute(target.db)).rows[0]!.n ?? 0);
    const inserted = await target.db
      .insertInto("audit_log")
      .values({ at: new Date().toISOString(), action: "copy.check", subject: null } as never)
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(Number(inserted.id)).toBeGreaterThan(maxId);
    // A second copy into the same database is refused: it is no longer empty.
    await expect(copyRegistry({ from: file, to: url })).rejects.toThrow(/not empty/);
  } finally {
    await target.db.destroy();
  }
  return report;
}

describe.runIf(base !== null)("copying a SQLite registry into PostgreSQL", () => {
  it("moves the demo registry without loss", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "registry-copy-")), "registry.db");
    const source = openDatabase({ dialect: "sqlite", path: file });
    await migrateToLatest(source.db);
    await seedIfEmpty(source.db, { passwordHash: (pw: string) => hash(pw, { memoryCost: 1024, timeCost: 1 }) });
    await source.db.destroy();
    const report = await copyAndCheck(file);
    expect(report.tables.find((t) => t.table === "enterprises")!.copied).toBeGreaterThan(250);
  }, 120_000);

  it("moves a bench S registry without loss", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "registry-copy-s-")), "S.db");
    await generateSynthetic(file, "S", { passwordHash: async () => "not-a-real-hash-for-the-copy" });
    const report = await copyAndCheck(file);
    expect(report.tables.find((t) => t.table === "enterprises")!.copied).toBe(2000);
    expect(report.tables.find((t) => t.table === "applications")!.copied).toBe(6000);
  }, 180_000);
});
