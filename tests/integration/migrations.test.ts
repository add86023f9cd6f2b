/**
 * The migration list on the suite's database (SQLite under `npm test`, PostgreSQL under
 * `npm run test:pg`): two processes starting at once migrate once; a schema newer than the code
 * stops the start with one line; a migration killed halfway leaves the database as it was, and
 * the next start completes it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase, type OpenDatabase } from "../../db/client";
import { migrationProvider } from "../../db/migrations/index";
import { createDatabase, testDatabaseUrl } from "../support/test-db";

const root = path.resolve(import.meta.dirname, "../..");
const base = testDatabaseUrl();
/** A process that migrates the database its environment names and prints what it applied. */
const MIGRATE_AND_PRINT = `import("./db/client.ts").then(async (c) => { const d = c.openDatabase(); console.log(JSON.stringify(await c.migrateToLatest(d.db))); await d.db.destroy(); })`;

/** A fresh, empty database of the suite's kind, with the settings to reach it from another process. */
async function freshDatabase(): Promise<{ open: () => OpenDatabase; env: Record<string, string> }> {
  if (base) {
    const url = await createDatabase(base, `${process.env.REGISTRY_TEST_PREFIX}_mig`);
    return { open: () => openDatabase({ dialect: "postgres", url, poolSize: 2 }), env: { DATABASE_URL: url } };
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "registry-mig-")), "registry.db");
  return { open: () => openDatabase({ dialect: "sqlite", path: file }), env: { DATABASE_URL: "", DATABASE_PATH: file } };
}

async function appliedMigrations(database: OpenDatabase): Promise<string[]> {
  return (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.db)).rows.map((r) => r.name);
}

describe("migrations", () => {
  it("run once when two processes start on a fresh database at the same moment", async () => {
    const fresh = await freshDatabase();
    const migrate = () =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "-e", MIGRATE_AND_PRINT], { cwd: root, env: { ...process.env, ...fresh.env } });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(out))));
      });
    const [a, b] = await Promise.all([migrate(), migrate()]);
    const database = fresh.open();
    try {
      const all = await appliedMigrations(database);
      expect(all).toHaveLength(Object.keys(await migrationProvider.getMigrations()).length);
      // Each migration was applied by exactly one of the two.
      expect([...a, ...b].sort()).toEqual(all);
      expect(await migrateToLatest(database.db)).toEqual([]);
    } finally {
      await database.db.destroy();
    }
  }, 60_000);

  it("refuse a database migrated by a newer version, in one line", async () => {
    const fresh = await freshDatabase();
    const database = fresh.open();
    try {
      await migrateToLatest(database.db);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', ${new Date().toISOString()})`.execute(database.db);
      await expect(migrateToLatest(database.db)).rejects.toThrow(/newer schema .*9999_from_the_future/);
    } finally {
      await database.db.destroy();
    }
  });

  it("leave the database before or after the list when killed halfway, and complete it on the next start", async () => {
    for (const delayMs of [150, 400, 700, 1000]) {
      const fresh = await freshDatabase();
      const child = spawn(process.execPath, ["--import", "tsx", "-e", MIGRATE_AND_PRINT], {
        cwd: root,
        env: { ...process.env, ...fresh.env },
        stdio: "ignore",
      });
      // Listened for at once: a child quicker than the delay has exited before the kill.
      const exited = new Promise((r) => child.once("exit", r));
      await new Promise((r) => setTimeout(r, delayMs));
      // On an idle machine the whole list can finish before the later delays: then there is nothing to kill.
      child.kill("SIGKILL");
      await exited;
      const database = fresh.open();
      try {
        let before: string[] = [];
        try {
          before = await appliedMigrations(database);
        } catch {
          before = []; // not even the migration table yet
        }
        // One transaction for the whole list: none of it, or all of it.
        const all = Object.keys(await migrationProvider.getMigrations()).length;
        expect([0, all]).toContain(before.length);
        await migrateToLatest(database.db);
        expect(await appliedMigrations(database)).toHaveLength(all);
        await sql`SELECT count(*) FROM award_level_totals`.execute(database.db);
      } finally {
        await database.db.destroy();
      }
    }
  }, 60_000);
});
