import Database from "better-sqlite3";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { REBUILD_COVERAGE_SQL } from "../../db/migrations/0005_performance";
import { REBUILD_STATUS_SLOTS_SQL } from "../../db/migrations/0008_counter_slots";
import { isValidUscc } from "~/domain/uscc";
import { verifyCounters } from "~/models/progress-check.server";
import { SYNTHETIC_SIZES, generateSynthetic } from "../../seeds/synthetic";
import { prepareFixtures } from "../bench/fixtures";

/** The benchmark's synthetic data (seeds/synthetic.ts) at its smallest size: deterministic and valid. */

const cheapHash = async () => "synthetic-test-hash";
let dir: string;
let a: Database.Database;

function digest(sqlite: Database.Database): string {
  const h = crypto.createHash("sha256");
  for (const table of ["towns", "enterprises", "applications", "awards", "application_events"]) {
    for (const row of sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().iterate()) h.update(JSON.stringify(row));
  }
  for (const row of sqlite.prepare(`SELECT username, role, enterprise_id, town_code FROM users ORDER BY username`).raw().iterate()) h.update(JSON.stringify(row));
  return h.digest("hex");
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-synthetic-"));
  await generateSynthetic(path.join(dir, "a.db"), "XS", { passwordHash: cheapHash });
  a = new Database(path.join(dir, "a.db"));
});

afterAll(() => {
  a?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("synthetic data sets", () => {
  it("are the same rows every time", async () => {
    await generateSynthetic(path.join(dir, "b.db"), "XS", { passwordHash: cheapHash });
    const b = new Database(path.join(dir, "b.db"), { readonly: true });
    try {
      expect(digest(b)).toBe(digest(a));
    } finally {
      b.close();
    }
  });

  it("have the size's counts, valid distinct credit codes and the demo accounts", () => {
    const n = (sql: string) => (a.prepare(sql).get() as { n: number }).n;
    expect(n(`SELECT count(*) AS n FROM enterprises`)).toBe(SYNTHETIC_SIZES.XS.firms);
    expect(n(`SELECT count(*) AS n FROM applications`)).toBe(SYNTHETIC_SIZES.XS.applications);
    expect(n(`SELECT count(*) AS n FROM awards`)).toBeGreaterThan(0);
    expect(n(`SELECT count(*) AS n FROM application_events`)).toBeGreaterThan(SYNTHETIC_SIZES.XS.applications);
    const usccs = a.prepare(`SELECT uscc FROM enterprises`).pluck().all() as string[];
    expect(usccs.filter((u) => !isValidUscc(u))).toEqual([]);
    expect(new Set(usccs).size).toBe(usccs.length);
    const users = a.prepare(`SELECT username FROM users`).pluck().all();
    for (const u of ["admin", "reviewer", "officer-jintang", "officer-yancang", "ent-jintang", "ent-yancang"]) expect(users).toContain(u);
    // Every status and tier occurs; every approved application has its award.
    expect(n(`SELECT count(DISTINCT status) AS n FROM applications`)).toBe(7);
    expect(n(`SELECT count(DISTINCT tier_code) AS n FROM applications`)).toBe(7);
    expect(n(`SELECT count(*) AS n FROM applications a WHERE status IN ('approved','revoked') AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.application_id = a.id)`)).toBe(0);
    expect(a.pragma("foreign_key_check")).toEqual([]);
    expect(a.pragma("integrity_check", { simple: true })).toBe("ok");
  });

  it("keep every counter equal to a recount, and the triggers keep them so afterwards", async () => {
    const db = createDb(a);
    expect(await verifyCounters(db)).toEqual([]);
    const snapshot = () => ({
      coverage: a.prepare(`SELECT * FROM progress_coverage_counts WHERE total > 0 ORDER BY town_code`).all(),
      totals: a.prepare(`SELECT * FROM application_status_totals WHERE n > 0 ORDER BY year, tier_code, status, slot`).all(),
    });
    const recount = () => {
      const saved = snapshot();
      a.exec(REBUILD_COVERAGE_SQL);
      a.exec(REBUILD_STATUS_SLOTS_SQL);
      return saved;
    };
    expect(recount()).toEqual(snapshot());
    // Changes through ordinary writes: a firm leaves, an award is revoked, an application moves on.
    // (Triggers keep rows that fall to zero; a recount drops them: both are compared without them.)
    a.exec(`UPDATE enterprises SET archived_at = '2026-11-01T00:00:00.000Z' WHERE id = (SELECT id FROM enterprises WHERE above_scale = 1 AND archived_at IS NULL LIMIT 1)`);
    a.exec(`UPDATE awards SET revoked_on = '2026-11-02' WHERE id = (SELECT id FROM awards WHERE tier_code = 'clean-beauty-factory' AND revoked_on IS NULL LIMIT 1)`);
    a.exec(`UPDATE applications SET status = 'withdrawn', version = version + 1 WHERE id = (SELECT id FROM applications WHERE status = 'submitted' LIMIT 1)`);
    const before = snapshot();
    expect(recount()).toEqual(before);
    expect(snapshot()).toEqual(before);
    expect(await verifyCounters(db)).toEqual([]);
  });

  it("the bench's fixtures replace those of the run before, and leave the counters right", async () => {
    const file = path.join(dir, "fixtures.db");
    await generateSynthetic(file, "XS", { passwordHash: cheapHash });
    const count = (table: string) => {
      const sqlite = new Database(file, { readonly: true });
      try {
        return (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      } finally {
        sqlite.close();
      }
    };
    const generated = { applications: count("applications"), awards: count("awards"), events: count("application_events") };
    const first = await prepareFixtures(file, 40);
    expect(first.submitTargets).toHaveLength(40);
    expect(first.approveTargets).toHaveLength(40);
    // A run approves some: the award and the events it writes go with the next run's cleanup.
    const sqlite = new Database(file);
    sqlite.pragma("foreign_keys = ON");
    const target = first.approveTargets[0]!;
    const app = sqlite.prepare(`SELECT enterprise_id AS firm, tier_code AS tier, year FROM applications WHERE id = ?`).get(target.id) as {
      firm: number;
      tier: string;
      year: number;
    };
    sqlite.prepare(`UPDATE applications SET status = 'approved' WHERE id = ?`).run(target.id);
    sqlite
      .prepare(`INSERT INTO awards (enterprise_id, tier_code, level, year, application_id, created_at) VALUES (?, ?, 'district', ?, ?, '2026-11-28T00:00:00Z')`)
      .run(app.firm, app.tier, app.year, target.id);
    sqlite.prepare(`INSERT INTO application_events (application_id, at, action) VALUES (?, '2026-11-28T00:00:00Z', 'approve')`).run(target.id);
    sqlite.close();

    await prepareFixtures(file, 40);
    expect(count("applications")).toBe(generated.applications + 80);
    expect(count("awards")).toBe(generated.awards);
    // Two events per submitted target (create, submit), one per draft.
    expect(count("application_events")).toBe(generated.events + 40 * 3);
    const check = new Database(file);
    // The history's append-only guard is back in place.
    expect(() => check.prepare(`DELETE FROM application_events WHERE id = (SELECT min(id) FROM application_events)`).run()).toThrow(/append-only/);
    const db = createDb(check);
    try {
      expect(await verifyCounters(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
