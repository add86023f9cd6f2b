import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { createDatabase, testDatabaseUrl } from "./test-db";

// Each test file gets its own copy of the seeded template before any app module opens it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-file-"));
process.env.DATA_DIR = dir;
process.env.DATABASE_PATH = path.join(dir, "registry.db");
process.env.UPLOADS_DIR = path.join(dir, "uploads");
const base = testDatabaseUrl();
if (base) {
  process.env.REGISTRY_TEST_PREFIX = inject("testPrefix");
  process.env.DATABASE_URL = await createDatabase(base, `${inject("testPrefix")}_file`, inject("templateDb"));
} else {
  delete process.env.DATABASE_URL;
  fs.copyFileSync(inject("templateDb"), path.join(dir, "registry.db"));
}

afterAll(async () => {
  const { closeDb } = await import("~/utils/db.server");
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});
