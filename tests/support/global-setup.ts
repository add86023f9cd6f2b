import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import { createDb, migrateToLatest, openDatabase, openSqlite } from "../../db/client";
import { seedIfEmpty } from "../../seeds/index";
import { buildIfNeeded } from "../../app/server/build";
import { createDatabase, dropDatabasesWithPrefix, testDatabaseUrl } from "./test-db";

// Cheaper argon2 parameters: the template is rebuilt on every run, and the hashes still verify.
const passwordHash = (pw: string) => hash(pw, { memoryCost: 1024, timeCost: 1 });

/**
 * Builds one migrated, seeded database once per run; each test file then works on its own copy
 * (tests/support/per-file-db.ts), so files never see each other's writes. On PostgreSQL
 * (`npm run test:pg`) the template is a database, and each copy is a database made from it.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  // HTTP tests start real servers from the production build: make it once, before any starts.
  buildIfNeeded();
  const base = testDatabaseUrl();
  if (base) {
    const prefix = `registry_test_${process.pid}`;
    await dropDatabasesWithPrefix(base, prefix);
    const templateUrl = await createDatabase(base, `${prefix}_tpl`);
    const template = openDatabase({ dialect: "postgres", url: templateUrl, poolSize: 2 });
    await template.check();
    await migrateToLatest(template.db);
    await seedIfEmpty(template.db, { passwordHash });
    await template.db.destroy();
    provide("templateDb", new URL(templateUrl).pathname.slice(1));
    provide("testPrefix", prefix);
    return () => dropDatabasesWithPrefix(base, prefix);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-test-"));
  const template = path.join(dir, "template.db");
  const sqlite = openSqlite(template);
  const db = createDb(sqlite);
  await migrateToLatest(db);
  await seedIfEmpty(db, { passwordHash });
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await db.destroy();
  provide("templateDb", template);
  provide("testPrefix", "");
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    /** SQLite: the template file; PostgreSQL: the template database's name. */
    templateDb: string;
    /** PostgreSQL: the prefix of this run's databases. */
    testPrefix: string;
  }
}
