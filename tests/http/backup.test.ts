import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { backup } from "../../db/backup";
import { startServer, type RunningServer } from "../support/server";

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe("backup and restore", () => {
  it("backs up a running app online, and the app boots on the restored copy with the same data", async () => {
    // `npm run backup` is SQLite's online backup; on PostgreSQL a backup is pg_dump's (README).
    const live = await startServer({ env: { DATABASE_URL: "" } });
    servers.push(live);
    // A file in the uploads folder, as an attachment would leave.
    fs.mkdirSync(path.join(live.dataDir, "uploads", "ab"), { recursive: true });
    fs.writeFileSync(path.join(live.dataDir, "uploads", "ab", "abcdef"), "%PDF-1.4 test");

    // Writes go on while the backup runs.
    const writes = Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${live.url}/login`, {
          method: "POST",
          headers: { Origin: live.url },
          body: new URLSearchParams({ username: "reviewer", password: "wrong-password" }),
        }),
      ),
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "registry-backup-"));
    const result = await backup({
      databasePath: path.join(live.dataDir, "registry.db"),
      uploadsDir: path.join(live.dataDir, "uploads"),
      outDir: out,
    });
    await writes;
    expect(result.counts.enterprises).toBeGreaterThan(250);
    expect(result.counts.users).toBeGreaterThanOrEqual(6);
    // The file above, and the demo's evidence PDFs (one per attachment row the seed wrote).
    const liveDb = new Database(path.join(live.dataDir, "registry.db"), { readonly: true });
    const demoFiles = (liveDb.prepare("SELECT count(*) n FROM attachments WHERE storage_key LIKE 'demo-%'").get() as { n: number }).n;
    liveDb.close();
    expect(demoFiles).toBeGreaterThan(100);
    expect(result.files).toBe(1 + demoFiles);

    // Restore: the backup folder's registry.db and uploads/ become a data folder.
    const restored = fs.mkdtempSync(path.join(os.tmpdir(), "registry-restored-"));
    fs.copyFileSync(result.databaseFile, path.join(restored, "registry.db"));
    fs.cpSync(result.uploadsDir, path.join(restored, "uploads"), { recursive: true });
    const again = await startServer({ dataDir: restored, env: { DATABASE_URL: "" } });
    servers.push(again);
    expect(again.output()).toContain("Using ");
    const sqlite = new Database(path.join(restored, "registry.db"), { readonly: true });
    const enterprises = (sqlite.prepare("SELECT count(*) n FROM enterprises").get() as { n: number }).n;
    const demoKey = (sqlite.prepare("SELECT storage_key FROM attachments WHERE storage_key LIKE 'demo-%' LIMIT 1").get() as { storage_key: string }).storage_key;
    sqlite.close();
    expect(fs.readFileSync(path.join(restored, "uploads", demoKey), "latin1")).toMatch(/^%PDF-1\.4/);
    expect(enterprises).toBe(result.counts.enterprises);
    const res = await fetch(`${again.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: again.url },
      body: new URLSearchParams({ username: "reviewer", password: "demo-password" }),
    });
    expect(res.status).toBe(302);
    expect(fs.readFileSync(path.join(restored, "uploads", "ab", "abcdef"), "utf8")).toBe("%PDF-1.4 test");
  }, 120_000); // two real server starts
});
