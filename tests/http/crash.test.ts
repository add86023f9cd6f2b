import { sql } from "kysely";
import { openDatabase } from "../../db/client";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { closeDb } from "~/utils/db.server";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs the writer until it has acknowledged a few writes, then kills it with SIGKILL mid-stream. */
function runAndKill(round: number, killAfterAcks: number): Promise<{ created: number[]; approved: number[] }> {
  return new Promise((resolve, reject) => {
    // One process (node with tsx's loader), so SIGKILL reaches the writer itself, not a wrapper.
    const child = spawn(process.execPath, ["--import", "tsx", "tests/support/crash-writer.ts"], {
      cwd: root,
      env: { ...process.env, CRASH_SEED: String(round) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const created: number[] = [];
    const approved: number[] = [];
    let buffer = "";
    let errors = "";
    let acks = 0;
    child.stderr.on("data", (d) => (errors += d));
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const [, kind, id] = buffer.slice(0, nl).split(" ");
        buffer = buffer.slice(nl + 1);
        (kind === "create" ? created : approved).push(Number(id));
        acks += 1;
        if (acks === killAfterAcks) child.kill("SIGKILL");
      }
    });
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve({ created, approved });
      else reject(new Error(`writer ended on its own (${code}): ${errors}`));
    });
  });
}

describe("crash safety", () => {
  it("survives SIGKILL mid-write 10 times: nothing acknowledged is lost, nothing half-written", async () => {
    // The writer opens the same file; this process must not hold it open meanwhile.
    await closeDb();
    const allCreated: number[] = [];
    const allApproved: number[] = [];
    for (let round = 1; round <= 10; round++) {
      // A different moment each round: after 3 to 30 acknowledged writes.
      const { created, approved } = await runAndKill(round, 3 + ((round * 7) % 28));
      allCreated.push(...created);
      allApproved.push(...approved);

      const database = openDatabase();
      try {
        if (database.sqlite) {
          expect(database.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
          expect(database.sqlite.pragma("foreign_key_check")).toEqual([]);
        }
        const rows = async <T>(query: { execute: (db: typeof database.db) => Promise<{ rows: T[] }> }) => (await query.execute(database.db)).rows;
        // Every acknowledged write is there.
        for (const id of created) {
          const [row] = await rows(sql<{ status: string }>`SELECT status FROM applications WHERE id = ${id}`);
          expect(row, `application ${id}`).toBeDefined();
        }
        for (const id of approved) {
          const [award] = await rows(sql<{ n: number }>`SELECT count(*) AS n FROM awards WHERE application_id = ${id}`);
          expect(Number(award!.n), `award of ${id}`).toBe(1);
          const [app] = await rows(sql<{ status: string }>`SELECT status FROM applications WHERE id = ${id}`);
          expect(app!.status).toBe("approved");
        }
        // Nothing half-written: every application has its history, its last event matches its
        // status, and every approved one has its award.
        const orphans = await rows(sql<{ id: number }>`SELECT a.id FROM applications a
          WHERE NOT EXISTS (SELECT 1 FROM application_events e WHERE e.application_id = a.id AND e.action = 'create')
             OR a.status <> (SELECT e.to_status FROM application_events e WHERE e.application_id = a.id ORDER BY e.id DESC LIMIT 1)`);
        expect(orphans).toEqual([]);
        const approvedWithoutAward = await rows(
          sql<{ id: number }>`SELECT id FROM applications a WHERE status = 'approved' AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.application_id = a.id)`,
        );
        expect(approvedWithoutAward).toEqual([]);
      } finally {
        await database.db.destroy();
      }
    }
    expect(allCreated.length).toBeGreaterThanOrEqual(30);
    expect(allApproved.length).toBeGreaterThan(0);
  }, 240_000);
});
