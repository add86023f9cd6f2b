import { addDays } from "~/domain/validity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { verify } from "@node-rs/argon2";
import { createDb, migrateToLatest, openSqlite, type Db } from "../../db/client";
import { DEMO_ENTERPRISE_NAMES, DEMO_ENTERPRISE_USCC, DEMO_NOW, DEMO_PASSWORD, seedIfEmpty } from "../../seeds/demo";
import { INDUSTRIES, TARGETS_2023, TOWNS } from "../../seeds/reference";
import { mulberry32 } from "../../seeds/random";
import { validateUscc } from "../../app/domain/uscc";
import { STATUSES, nextStatus, isAction, isReasonCode, type Status } from "../../app/domain/state-machine";
import { TIER_CODES, countsTowardTarget, getTier, type Level, type TierCode } from "../../app/domain/tiers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dinghai-seed-"));
const opened: { db: Db; sqlite: Database.Database }[] = [];

async function freshDb(name: string) {
  const sqlite = openSqlite(path.join(tmp, `${name}.db`));
  const db = createDb(sqlite);
  await migrateToLatest(db);
  const handle = { db, sqlite };
  opened.push(handle);
  return handle;
}

afterAll(async () => {
  for (const { db } of opened) await db.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Fast deterministic stand-in for argon2 where only the other tables matter. */
const stubHash = async (pw: string) => `stub$${pw}`;

const TABLES = ["towns", "industries", "tiers", "targets", "enterprises", "users", "applications", "application_events", "awards"] as const;

function counts(sqlite: Database.Database): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

/** Every seeded row except password hashes, for the determinism check. */
function snapshot(sqlite: Database.Database): string {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const rows = sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Record<string, unknown>[];
    out[t] = rows.map((r) => {
      const { password_hash: _ignored, ...rest } = r;
      return rest;
    });
  }
  return JSON.stringify(out);
}

interface AppRow {
  id: number;
  enterprise_id: number;
  tier_code: TierCode;
  year: number;
  level_sought: Level | null;
  status: Status;
  payload: string;
  town_opinion: string | null;
  submitted_at: string | null;
  decided_at: string | null;
  decided_by: number | null;
  decision_reason: string | null;
  decision_comment: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}
interface EventRow {
  id: number;
  application_id: number;
  at: string;
  actor_id: number | null;
  action: string;
  from_status: Status | null;
  to_status: Status | null;
}
interface AwardRow {
  id: number;
  enterprise_id: number;
  tier_code: TierCode;
  level: Level;
  year: number;
  recognized_on: string | null;
  valid_until: string | null;
  document_no: string | null;
  application_id: number | null;
  revoked_on: string | null;
  revoked_reason: string | null;
}

describe("seedIfEmpty (real argon2)", () => {
  let sqlite: Database.Database;
  let db: Db;
  let first: { seeded: boolean };
  let second: { seeded: boolean };
  let countsAfterFirst: Record<string, number>;
  let countsAfterSecond: Record<string, number>;
  let seedMs = 0;

  const all = <T>(query: string, ...params: unknown[]) => sqlite.prepare(query).all(...params) as T[];

  beforeAll(async () => {
    ({ sqlite, db } = await freshDb("main"));
    const t0 = performance.now();
    first = await seedIfEmpty(db);
    seedMs = performance.now() - t0;
    countsAfterFirst = counts(sqlite);
    second = await seedIfEmpty(db);
    countsAfterSecond = counts(sqlite);
  }, 60_000);

  it("seeds an empty database once, and the second call changes nothing", () => {
    expect(first).toEqual({ seeded: true });
    expect(second).toEqual({ seeded: false });
    expect(countsAfterSecond).toEqual(countsAfterFirst);
    expect(seedMs).toBeLessThan(10_000); // ~1 s in practice; generous for slow CI machines
  });

  it("loads the reference data", () => {
    expect(countsAfterFirst.towns).toBe(13);
    expect(countsAfterFirst.industries).toBe(9);
    expect(countsAfterFirst.tiers).toBe(7);
    const xincheng = all<{ code: string }>("SELECT code FROM towns WHERE managed_by = 'xincheng' ORDER BY code");
    expect(xincheng.map((r) => r.code)).toEqual(["lincheng", "qiandao"]);
    const tiers = all<{ code: string; counting_level: string }>("SELECT code, counting_level FROM tiers ORDER BY sort");
    expect(tiers.map((t) => t.code)).toEqual([...TIER_CODES]);
    expect(tiers.map((t) => t.counting_level)).toEqual(TIER_CODES.map((c) => getTier(c).countingLevel));

    const targets2023 = all<{ tier_code: string; target_count: number }>(
      "SELECT t.tier_code, t.target_count FROM targets t JOIN tiers ti ON ti.code = t.tier_code WHERE t.year = 2023 ORDER BY ti.sort",
    );
    expect(targets2023.map((t) => t.target_count)).toEqual([20, 12, 3, 1, 10, 10, 20]);
    expect(TARGETS_2023).toEqual([20, 12, 3, 1, 10, 10, 20]);
    for (const year of [2024, 2025, 2026]) {
      expect(all(`SELECT 1 FROM targets WHERE year = ?`, year)).toHaveLength(7);
    }
  });

  it("has ~300 firms in every town and industry with valid, unique Dinghai credit codes", () => {
    const firms = all<{
      id: number;
      uscc: string;
      name: string;
      town_code: string;
      industry_code: string;
      above_scale: number;
      contact_phone: string | null;
      revenue_yuan: number | null;
      rd_expense_yuan: number | null;
      version: number;
      created_at: string;
      archived_at: string | null;
    }>("SELECT * FROM enterprises");
    expect(firms.length).toBeGreaterThanOrEqual(280);
    expect(new Set(firms.map((f) => f.town_code))).toEqual(new Set(TOWNS.map((t) => t.code)));
    expect(new Set(firms.map((f) => f.industry_code))).toEqual(new Set(INDUSTRIES.map((i) => i.code)));
    expect(new Set(firms.map((f) => f.uscc)).size).toBe(firms.length);
    expect(new Set(firms.map((f) => f.name)).size).toBe(firms.length);
    for (const f of firms) {
      expect(validateUscc(f.uscc), f.uscc).toMatchObject({ ok: true });
      expect(f.uscc.startsWith("91330902")).toBe(true);
      expect(f.contact_phone).toMatch(/^(1[358]\d{9}|0580-\d{7})$/);
      if (f.revenue_yuan !== null) expect(f.revenue_yuan % 100).toBe(0);
      if (f.rd_expense_yuan !== null) expect(f.rd_expense_yuan % 100).toBe(0);
      expect(f.version).toBe(1);
      expect(f.created_at >= "2022-01-01" && f.created_at < "2025-01-01").toBe(true);
    }
    const aboveShare = firms.filter((f) => f.above_scale === 1).length / firms.length;
    expect(aboveShare).toBeGreaterThan(0.3);
    expect(aboveShare).toBeLessThan(0.5);
    expect(firms.filter((f) => f.archived_at !== null).length).toBeGreaterThan(0);
  });

  it("includes the firms named in the seed document and the two demo firms", () => {
    for (const fragment of ["荣盛新材料", "华康生物", "中天", "聚泰", "7412", "南北海工", "太平洋海", "大洋世家", "森森集团", "华业"]) {
      expect(all("SELECT id FROM enterprises WHERE name LIKE ?", `%${fragment}%`).length, fragment).toBeGreaterThanOrEqual(1);
    }
    for (const town of ["jintang", "yancang"] as const) {
      const firm = all<{ name: string; town_code: string }>("SELECT name, town_code FROM enterprises WHERE uscc = ?", DEMO_ENTERPRISE_USCC[town]);
      expect(firm).toEqual([{ name: DEMO_ENTERPRISE_NAMES[town], town_code: town }]);
    }
  });

  it("creates the six demo accounts with their roles and bindings", async () => {
    const users = all<{
      username: string;
      role: string;
      town_code: string | null;
      enterprise_id: number | null;
      firm_town: string | null;
      firm_uscc: string | null;
      password_hash: string;
    }>(
      `SELECT u.username, u.role, u.town_code, u.enterprise_id, e.town_code AS firm_town, e.uscc AS firm_uscc, u.password_hash
       FROM users u LEFT JOIN enterprises e ON e.id = u.enterprise_id`,
    );
    const by = new Map(users.map((u) => [u.username, u]));
    expect(by.get("admin")).toMatchObject({ role: "admin", town_code: null, enterprise_id: null });
    expect(by.get("reviewer")).toMatchObject({ role: "reviewer", town_code: null, enterprise_id: null });
    expect(by.get("officer-jintang")).toMatchObject({ role: "town_officer", town_code: "jintang", enterprise_id: null });
    expect(by.get("officer-yancang")).toMatchObject({ role: "town_officer", town_code: "yancang", enterprise_id: null });
    expect(by.get("ent-jintang")).toMatchObject({ role: "enterprise", firm_town: "jintang", firm_uscc: DEMO_ENTERPRISE_USCC.jintang });
    expect(by.get("ent-yancang")).toMatchObject({ role: "enterprise", firm_town: "yancang", firm_uscc: DEMO_ENTERPRISE_USCC.yancang });
    const hash = by.get("ent-jintang")!.password_hash;
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await verify(hash, DEMO_PASSWORD)).toBe(true);
    expect(await verify(hash, "wrong-password")).toBe(false);
  });

  it("has applications in every status, tier and year, with consistent decision fields", () => {
    const apps = all<AppRow>("SELECT * FROM applications");
    // Every status, publicized (公示中) included: the demo's open public notice (demo-notices.ts).
    expect(new Set(apps.map((a) => a.status))).toEqual(new Set(STATUSES));
    expect(new Set(apps.map((a) => a.tier_code))).toEqual(new Set(TIER_CODES));
    for (const year of [2023, 2024, 2025, 2026]) expect(apps.some((a) => a.year === year)).toBe(true);
    // A live pipeline in the current year.
    expect(apps.filter((a) => a.year === 2026 && (a.status === "submitted" || a.status === "returned")).length).toBeGreaterThanOrEqual(10);

    const archived = new Set(all<{ id: number }>("SELECT id FROM enterprises WHERE archived_at IS NOT NULL").map((r) => r.id));
    for (const a of apps) {
      expect(() => JSON.parse(a.payload)).not.toThrow();
      expect(typeof JSON.parse(a.payload)).toBe("object");
      const levels = getTier(a.tier_code).levels;
      if (levels.length > 1) expect(levels).toContain(a.level_sought);
      if (a.status === "draft") expect(a.submitted_at).toBeNull();
      else expect(a.submitted_at).not.toBeNull();
      if (a.status === "rejected" || a.status === "returned") {
        expect(isReasonCode(a.decision_reason), `app ${a.id}`).toBe(true);
        expect(a.decision_comment).toBeTruthy();
        expect(a.decided_by).not.toBeNull();
      }
      if (a.status === "approved") expect(a.decided_at).not.toBeNull();
      expect(archived.has(a.enterprise_id)).toBe(false);
      expect(a.updated_at <= DEMO_NOW).toBe(true);
    }
    expect(apps.some((a) => a.town_opinion === "recommend")).toBe(true);
  });

  it("gives every application a history that replays to its status", () => {
    const apps = all<AppRow>("SELECT * FROM applications ORDER BY id");
    const events = all<EventRow>("SELECT * FROM application_events ORDER BY application_id, id");
    const byApp = new Map<number, EventRow[]>();
    for (const e of events) {
      const list = byApp.get(e.application_id) ?? [];
      list.push(e);
      byApp.set(e.application_id, list);
    }
    for (const a of apps) {
      const list = byApp.get(a.id) ?? [];
      expect(list.length, `app ${a.id} has no events`).toBeGreaterThan(0);
      expect(list[0]).toMatchObject({ action: "create", from_status: null, to_status: "draft", at: a.created_at });
      expect(list.filter((e) => e.action === "create")).toHaveLength(1);
      let status: Status = "draft";
      for (const e of list.slice(1)) {
        expect(isAction(e.action), e.action).toBe(true);
        expect(e.from_status).toBe(status);
        expect(e.to_status).toBe(nextStatus(status, e.action as never));
        status = e.to_status!;
      }
      for (let i = 1; i < list.length; i++) expect(list[i]!.at > list[i - 1]!.at, `app ${a.id} event order`).toBe(true);
      expect(list[list.length - 1]!.to_status).toBe(a.status);
      expect(list[list.length - 1]!.at).toBe(a.updated_at);
      expect(a.version).toBe(list.length);
      for (const e of list) {
        // Only the notice-closing job decides without an actor (the demo's closed notice).
        if (!(e.action === "approve" && e.from_status === "publicized")) expect(e.actor_id).not.toBeNull();
        expect(e.at <= DEMO_NOW).toBe(true);
      }
    }
    // Ids follow time: the log reads in order, but for the public notices' steps, which
    // demo-notices.ts writes after the rest of the history.
    const noticed = new Set(all<{ application_id: number }>("SELECT application_id FROM notice_items").map((r) => r.application_id));
    const ordered = all<EventRow>("SELECT * FROM application_events ORDER BY id").filter((e) => !noticed.has(e.application_id));
    for (let i = 1; i < ordered.length; i++) expect(ordered[i]!.at >= ordered[i - 1]!.at).toBe(true);
  });

  it("links awards and applications: one award per approved/revoked application", () => {
    const apps = all<AppRow>("SELECT * FROM applications");
    const awards = all<AwardRow>("SELECT * FROM awards");
    const awardsByApp = new Map<number, AwardRow[]>();
    for (const w of awards) {
      if (w.application_id === null) continue;
      awardsByApp.set(w.application_id, [...(awardsByApp.get(w.application_id) ?? []), w]);
    }
    for (const a of apps) {
      const linked = awardsByApp.get(a.id) ?? [];
      if (a.status === "approved" || a.status === "revoked") {
        expect(linked, `app ${a.id}`).toHaveLength(1);
        const w = linked[0]!;
        expect(w).toMatchObject({ enterprise_id: a.enterprise_id, tier_code: a.tier_code, year: a.year });
        if (a.level_sought) expect(w.level).toBe(a.level_sought);
        if (a.status === "revoked") expect(w.revoked_on).not.toBeNull();
        else expect(w.revoked_on).toBeNull();
      } else {
        expect(linked, `app ${a.id}`).toHaveLength(0);
      }
    }
    expect(awards.some((w) => w.application_id === null)).toBe(true);
    expect(all("SELECT enterprise_id FROM awards GROUP BY enterprise_id, tier_code, year HAVING count(*) > 1")).toEqual([]);
  });

  it("records awards of every tier across 2022–2026 with plausible levels, dates and 文号", () => {
    const awards = all<AwardRow>("SELECT * FROM awards");
    for (const tier of TIER_CODES) {
      for (const year of [2022, 2023, 2024, 2025, 2026]) {
        if (tier === "listed" && (year === 2022 || year === 2025)) continue;
        expect(
          awards.some((w) => w.tier_code === tier && w.year === year),
          `${tier} ${year}`,
        ).toBe(true);
      }
    }
    const levels = (t: TierCode) => new Set(awards.filter((w) => w.tier_code === t).map((w) => w.level));
    expect(levels("specialized-new")).toEqual(new Set(["national", "provincial", "municipal"]));
    expect(levels("green-factory")).toEqual(new Set(["national", "provincial", "municipal"]));
    for (const w of awards) {
      const tier = getTier(w.tier_code);
      expect(tier.levels).toContain(w.level);
      expect(w.recognized_on!.slice(0, 4)).toBe(String(w.year));
      if (tier.validityYears) {
        expect(w.valid_until).toBe(`${w.year + tier.validityYears}${w.recognized_on!.slice(4)}`);
      } else {
        expect(w.valid_until).toBeNull();
      }
      expect(w.document_no).toMatch(new RegExp(`〔${w.year}〕\\d+号$`));
      if (w.revoked_on) {
        expect(w.revoked_reason).toBeTruthy();
        expect(w.revoked_on > w.recognized_on!).toBe(true);
      }
    }
    expect(awards.filter((w) => w.revoked_on).length).toBeGreaterThanOrEqual(3);
  });

  it("makes the 2023 dashboard interesting and clean-beauty coverage meaningful", () => {
    const awards = all<AwardRow>("SELECT * FROM awards WHERE year = 2023 AND revoked_on IS NULL");
    const achieved = TIER_CODES.map((t) => new Set(awards.filter((w) => w.tier_code === t && countsTowardTarget(t, w.level)).map((w) => w.enterprise_id)).size);
    const met = achieved.filter((n, i) => n >= TARGETS_2023[i]!).length;
    expect(met).toBeGreaterThan(0);
    expect(met).toBeLessThan(TIER_CODES.length);
    // Municipal 专精特新 recognitions exist but do not count.
    expect(all("SELECT 1 FROM awards WHERE year = 2023 AND tier_code = 'specialized-new' AND level = 'municipal'").length).toBeGreaterThan(0);

    const { total, covered } = sqlite
      .prepare(
        `SELECT count(*) AS total,
                sum(EXISTS (SELECT 1 FROM awards a WHERE a.enterprise_id = e.id
                            AND a.tier_code = 'clean-beauty-factory' AND a.revoked_on IS NULL)) AS covered
         FROM enterprises e JOIN industries i ON i.code = e.industry_code
         WHERE e.above_scale = 1 AND e.archived_at IS NULL AND i.manufacturing = 1`,
      )
      .get() as { total: number; covered: number };
    expect(covered / total).toBeGreaterThanOrEqual(0.5);
    expect(covered / total).toBeLessThanOrEqual(0.7);
  });

  it("gives both demo firms awards and applications in several states", () => {
    for (const town of ["jintang", "yancang"] as const) {
      const apps = all<{ status: string }>("SELECT a.status FROM applications a JOIN enterprises e ON e.id = a.enterprise_id WHERE e.uscc = ?", DEMO_ENTERPRISE_USCC[town]);
      expect(new Set(apps.map((a) => a.status)).size).toBeGreaterThanOrEqual(4);
      expect(apps.some((a) => a.status === "submitted" || a.status === "returned")).toBe(true);
      const awards = all("SELECT a.id FROM awards a JOIN enterprises e ON e.id = a.enterprise_id WHERE e.uscc = ?", DEMO_ENTERPRISE_USCC[town]);
      expect(awards.length).toBeGreaterThanOrEqual(3);
    }
  });

  it("passes the database's own integrity checks", () => {
    expect(sqlite.pragma("foreign_key_check")).toEqual([]);
    expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
  });

  it("spreads titles over their validity and holds renewals in every state (demo-lifecycle)", () => {
    const today = DEMO_NOW.slice(0, 10);
    const days = (d: string) => Math.round((Date.parse(d) - Date.parse(today)) / 86_400_000);
    const current = all<{ valid_until: string }>("SELECT valid_until FROM awards WHERE revoked_on IS NULL AND ended_on IS NULL AND valid_until >= ?", today);
    for (const within of [30, 90, 180])
      expect(
        current.some((w) => days(w.valid_until) <= within && days(w.valid_until) > within / 3),
        `within ${within}`,
      ).toBe(true);
    const renewals = all<{ status: string; linked: number | null; ended_on: string | null }>(
      `SELECT a.status, r.id AS linked, old.ended_on FROM applications a JOIN awards old ON old.id = a.renews_award_id
       LEFT JOIN awards r ON r.application_id = a.id AND r.renews_award_id = old.id ORDER BY a.id`,
    );
    expect(renewals.map((r) => r.status).sort()).toEqual(["approved", "draft", "submitted"]);
    const approved = renewals.find((r) => r.status === "approved")!;
    expect(approved.linked).not.toBeNull();
    expect(approved.ended_on).not.toBeNull();
    // A lapsed title: ended more than 90 days ago, never renewed.
    expect(
      all(
        "SELECT id FROM awards w WHERE valid_until < ? AND ended_on IS NULL AND revoked_on IS NULL AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.renews_award_id = w.id)",
        addDays(today, -90),
      ).length,
    ).toBeGreaterThan(0);
    // The renewal account has its expiry reminder unread; a town officer heard of the submitted renewal.
    const reminder = all<{ read_at: string | null }>(
      "SELECT n.read_at FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.username = 'ent-renewal' AND n.kind = 'award.expiring'",
    );
    expect(reminder).toEqual([{ read_at: null }]);
    expect(
      all(
        "SELECT n.id FROM notifications n JOIN users u ON u.id = n.recipient_id JOIN applications a ON n.event_key = 'application:' || a.id || ':v2' WHERE u.role = 'town_officer' AND a.renews_award_id IS NOT NULL",
      ).length,
    ).toBe(1);
  });

  it("is deterministic: two fresh databases get identical rows (password hashes aside)", async () => {
    const a = await freshDb("det-a");
    const b = await freshDb("det-b");
    expect(await seedIfEmpty(a.db, { passwordHash: stubHash })).toEqual({ seeded: true });
    expect(await seedIfEmpty(b.db, { passwordHash: stubHash })).toEqual({ seeded: true });
    const snapA = snapshot(a.sqlite);
    expect(snapshot(b.sqlite)).toBe(snapA);
    // The hasher does not influence anything else: same rows as the argon2-seeded database.
    expect(snapshot(sqlite)).toBe(snapA);
    const stubbed = a.sqlite.prepare("SELECT DISTINCT password_hash AS h FROM users").all() as { h: string }[];
    expect(stubbed).toEqual([{ h: `stub$${DEMO_PASSWORD}` }]);
  }, 60_000);
});

describe("mulberry32", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const take = (seed: number) => {
      const r = mulberry32(seed);
      return Array.from({ length: 5 }, () => r());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    for (const x of take(7)) expect(x >= 0 && x < 1).toBe(true);
  });
});
