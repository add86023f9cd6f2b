import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import { createDb, migrateToLatest, openSqlite } from "../../db/client";
import { seedIfEmpty } from "../../seeds/index";
import { buildIfNeeded } from "../../app/server/build";

/**
 * Builds one migrated, seeded database once per run; each test file then works on its own copy
 * (tests/support/per-file-db.ts), so files never see each other's writes.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  // HTTP tests start real servers from the production build: make it once, before any starts.
  buildIfNeeded();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-test-"));
  const template = path.join(dir, "template.db");
  const sqlite = openSqlite(template);
  const db = createDb(sqlite);
  await migrateToLatest(db);
  // Cheaper argon2 parameters: the template is rebuilt on every run, and the hashes still verify.
  await seedIfEmpty(db, { passwordHash: (pw: string) => hash(pw, { memoryCost: 1024, timeCost: 1 }) });
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await db.destroy();
  provide("templateDb", template);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}
