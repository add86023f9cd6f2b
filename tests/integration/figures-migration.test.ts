/**
 * Migration 0011 on a registry that already holds firms (SQLite under `npm test`, PostgreSQL
 * under `npm run test:pg`): their revenue, R&D and employees become figures of the year before
 * each record's last update, and nothing else of the firm changes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase, type OpenDatabase } from "../../db/client";
import { migrationProvider } from "../../db/migrations/index";
import { INDUSTRIES, TOWNS } from "../../seeds/reference";
import { createDatabase, testDatabaseUrl } from "../support/test-db";
import { freshUscc } from "./import.helpers";

async function fresh(): Promise<OpenDatabase> {
  const base = testDatabaseUrl();
  if (base) return openDatabase({ dialect: "postgres", url: await createDatabase(base, `${process.env.REGISTRY_TEST_PREFIX}_fig`), poolSize: 2 });
  return openDatabase({ dialect: "sqlite", path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "registry-fig-")), "registry.db") });
}

describe("migration 0011", () => {
  it("moves the firms' figures into the year before their last update, keeping the firms as they were", async () => {
    const database = await fresh();
    const db = database.db as any;
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      const to0010 = await migrator.migrateTo("0010_job_leases");
      expect(to0010.error).toBeUndefined();
      // The firms' towns and industries (the whole reference seed needs the latest schema).
      await db
        .insertInto("towns")
        .values(TOWNS.map((t) => ({ ...t })))
        .execute();
      await db
        .insertInto("industries")
        .values(INDUSTRIES.map((i) => ({ ...i })))
        .execute();
      const firm = (n: number, updatedAt: string, money: { revenue_yuan: number | null; rd_expense_yuan: number | null; employees: number | null }) => ({
        uscc: freshUscc(9000 + n),
        name: `迁移测试企业${n}`,
        town_code: "jintang",
        industry_code: "machinery",
        above_scale: 0,
        version: 3,
        created_at: "2022-01-01T00:00:00.000Z",
        updated_at: updatedAt,
        ...money,
      });
      await db
        .insertInto("enterprises")
        .values([
          firm(1, "2024-06-01T02:00:00.000Z", { revenue_yuan: 68_350_000, rd_expense_yuan: 2_460_000, employees: 186 }),
          firm(2, "2026-03-01T02:00:00.000Z", { revenue_yuan: null, rd_expense_yuan: null, employees: 12 }),
          firm(3, "2025-01-01T02:00:00.000Z", { revenue_yuan: null, rd_expense_yuan: null, employees: null }),
        ])
        .execute();
      const before = await db.selectFrom("enterprises").selectAll().orderBy("id").execute();
      expect(await migrateToLatest(db)).toContain("0011_yearly_figures");
      const rows = await db
        .selectFrom("enterprise_figures")
        .select(["enterprise_id", "year", "revenue_yuan", "rd_expense_yuan", "employees", "source", "updated_by"])
        .orderBy("enterprise_id")
        .execute();
      expect(rows).toEqual([
        { enterprise_id: before[0].id, year: 2023, revenue_yuan: 68_350_000, rd_expense_yuan: 2_460_000, employees: 186, source: "bureau", updated_by: null },
        { enterprise_id: before[1].id, year: 2025, revenue_yuan: null, rd_expense_yuan: null, employees: 12, source: "bureau", updated_by: null },
      ]);
      expect(await db.selectFrom("enterprises").selectAll().orderBy("id").execute()).toEqual(before);
    } finally {
      await database.db.destroy();
    }
  }, 120_000);
});
