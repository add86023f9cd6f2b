/**
 * A scheduled job runs in one process at a time: of several processes on one database (SQLite
 * under `npm test`, PostgreSQL under `npm run test:pg`) asking together, the one holding the
 * lease runs it and the others are turned away; a lease left by a process that died expires.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { runWithLease } from "~/models/job-lease.server";
import { db } from "~/utils/db.server";

const root = path.resolve(import.meta.dirname, "../..");

interface Attempt {
  ran: boolean;
  start: number;
  end: number;
}

/**
 * A process that asks for the lease of `name` at the moment `at` (so that processes started one
 * after another ask together) and, holding it, works 1.5 s; prints when it asked and ended.
 */
function contender(name: string, at: number): Promise<Attempt> {
  const script = `import("./db/client.ts").then(async (c) => {
    const { runWithLease } = await import("./app/models/job-lease.server.ts");
    const d = c.openDatabase();
    await d.check();
    await new Promise((res) => setTimeout(res, Math.max(0, ${at} - Date.now())));
    const start = Date.now();
    const r = await runWithLease(d.db, ${JSON.stringify(name)}, 60_000, () => new Promise((res) => setTimeout(res, 1500)));
    console.log(JSON.stringify({ ran: r.ran, start, end: Date.now() }));
    await d.db.destroy();
  })`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, env: process.env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(out))));
  });
}

describe("job leases", () => {
  it("let one process at a time run the job, and turn away those asking meanwhile", async () => {
    const { closeDb } = await import("~/utils/db.server");
    await closeDb(); // SQLite: the children write the same file
    const at = Date.now() + 8000;
    const attempts = await Promise.all([contender("digest", at), contender("digest", at), contender("digest", at)]);
    const ran = attempts.filter((a) => a.ran).sort((a, b) => a.start - b.start);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    // Never two at once: each run ends before the next begins.
    for (let i = 1; i < ran.length; i++) expect(ran[i]!.start).toBeGreaterThanOrEqual(ran[i - 1]!.end - 50);
    // Whoever asked while a run was under way was turned away.
    for (const skipped of attempts.filter((a) => !a.ran)) {
      expect(ran.some((r) => skipped.start >= r.start - 50 && skipped.start <= r.end)).toBe(true);
    }
    // Released when done: the next run takes it again.
    expect(await runWithLease(db(), "digest", 60_000, async () => 42)).toEqual({ ran: true, result: 42 });
  }, 60_000);

  it("is taken over once the lease of a process that died has expired", async () => {
    await sql`INSERT INTO job_leases (name, holder, acquired_at, expires_at)
      VALUES ('expiry', 'a-dead-process', ${new Date(Date.now() - 120_000).toISOString()}, ${new Date(Date.now() + 60_000).toISOString()})`.execute(db());
    expect(await runWithLease(db(), "expiry", 60_000, async () => "no")).toEqual({ ran: false });
    await sql`UPDATE job_leases SET expires_at = ${new Date(Date.now() - 1000).toISOString()} WHERE name = 'expiry'`.execute(db());
    expect(await runWithLease(db(), "expiry", 60_000, async () => "yes")).toEqual({ ran: true, result: "yes" });
  });
});
