import Database from "better-sqlite3";
import { mulberry32 } from "../../seeds/random";

/** District tiers: one level, so an approve form is the same for each of them. */
export const TARGET_TIERS = ["quality-factory", "demonstration-factory", "clean-beauty-factory", "scaled-up"] as const;

export interface Target {
  id: number;
  tier: string;
  version: number;
}

export interface BenchFixtures {
  listTown: string;
  /** Keyset cursor about 80% down the town's list, and the first firm expected after it. */
  deepCursor: string;
  deepFirstName: string;
  firstPageName: string;
  profileIds: number[];
  detailIds: number[];
  submitTargets: Target[];
  approveTargets: Target[];
  /** The registry filter of the export scenario (about 100,000 firms at L), and its firm count. */
  exportQuery: string;
  exportFirms: number;
}

/** The registry's cursor format (app/models/enterprise.server.ts): base64url of [sortValue, id]. */
export function enterpriseCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id]), "utf8").toString("base64url");
}

/** The first year the fixtures use: the generator writes 2022–2026 only. */
export const FIXTURE_FIRST_YEAR = 2027;

/**
 * Removes what earlier runs' fixtures left in a reused data set: their applications (years from
 * FIXTURE_FIRST_YEAR on), with their events and attachments, and the awards their approval
 * created. Deleted with the counting triggers on, so the counters stay right. Without this, each run
 * added some 6,600 applications: S, generated with 6,000, had 25,800 after a few runs.
 */
export function removeEarlierFixtures(sqlite: Database.Database): { applications: number; awards: number } {
  return sqlite.transaction(() => {
    const mine = `SELECT id FROM applications WHERE year >= ${FIXTURE_FIRST_YEAR}`;
    const awards = sqlite.prepare(`DELETE FROM awards WHERE year >= ${FIXTURE_FIRST_YEAR} OR application_id IN (${mine})`).run().changes;
    // History is append-only in a registry; a synthetic data set's bench rows are not history.
    const guard = sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'application_events_no_delete'`).pluck().get() as string | undefined;
    if (guard) sqlite.exec(`DROP TRIGGER application_events_no_delete`);
    sqlite.prepare(`DELETE FROM application_events WHERE application_id IN (${mine})`).run();
    if (guard) sqlite.exec(guard);
    sqlite.prepare(`DELETE FROM attachments WHERE application_id IN (${mine})`).run();
    const applications = sqlite.prepare(`DELETE FROM applications WHERE year >= ${FIXTURE_FIRST_YEAR}`).run().changes;
    return { applications, awards };
  })();
}

/**
 * Picks what the scenarios read and creates what they consume: drafts to submit and submitted
 * applications to approve, each on a firm/tier/year with no application yet (a year after the
 * generated ones), written with the triggers on so the counters stay right. What earlier runs
 * created is removed first, so every run measures the data set as generated plus its own targets.
 */
export function prepareFixtures(file: string, perScenario: number): BenchFixtures {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  try {
    removeEarlierFixtures(sqlite);
    const listTown = "jintang";
    const townCount = (sqlite.prepare(`SELECT count(*) AS n FROM enterprises WHERE town_code = ? AND archived_at IS NULL`).get(listTown) as { n: number }).n;
    const page = sqlite.prepare(
      `SELECT name, id FROM enterprises WHERE town_code = ? AND archived_at IS NULL ORDER BY name, id LIMIT 2 OFFSET ?`,
    );
    const [deep, afterDeep] = page.all(listTown, Math.floor(townCount * 0.8)) as { name: string; id: number }[];
    const [first] = page.all(listTown, 0) as { name: string; id: number }[];

    // The export: every firm when there are at most 100,000, else the industry nearest that size.
    const firms = (sqlite.prepare(`SELECT count(*) AS n FROM enterprises`).get() as { n: number }).n;
    const industries = sqlite
      .prepare(`SELECT industry_code AS code, count(*) AS n FROM enterprises GROUP BY industry_code`)
      .all() as { code: string; n: number }[];
    const nearest = industries.sort((a, b) => Math.abs(a.n - 100_000) - Math.abs(b.n - 100_000))[0]!;
    const exportAll = firms <= 100_000;

    const rng = mulberry32(0xbe1c);
    const maxFirm = (sqlite.prepare(`SELECT max(id) AS n FROM enterprises`).get() as { n: number }).n;
    const profileIds = Array.from({ length: 200 }, () => 1 + Math.floor(rng() * maxFirm));
    const submitted = sqlite
      .prepare(`SELECT id FROM applications WHERE status IN ('submitted', 'approved') AND id % 97 = 0 LIMIT 2000`)
      .all() as { id: number }[];
    const detailIds = Array.from({ length: 200 }, () => submitted[Math.floor(rng() * submitted.length)]!.id);

    const admin = (sqlite.prepare(`SELECT id FROM users WHERE username = 'reviewer'`).get() as { id: number }).id;
    const now = new Date().toISOString();
    const insertApp = sqlite.prepare(
      `INSERT INTO applications (enterprise_id, tier_code, year, level_sought, status, payload, submitted_at, version, created_by, created_at, updated_at)
       VALUES (?, ?, ?, 'district', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = sqlite.prepare(
      `INSERT INTO application_events (application_id, at, actor_id, action, from_status, to_status, comment) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const payloadOf = sqlite.prepare(`SELECT payload FROM applications WHERE tier_code = ? AND status = 'approved' LIMIT 1`);
    const freeFirms = sqlite.prepare(
      `SELECT e.id FROM enterprises e
       WHERE e.archived_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.enterprise_id = e.id AND a.tier_code = ? AND a.year = ?)
       LIMIT ?`,
    );
    const make = (status: "draft" | "submitted", count: number): Target[] => {
      const out: Target[] = [];
      let year = FIXTURE_FIRST_YEAR;
      let tierIndex = 0;
      while (out.length < count && year <= 2100) {
        const tier = TARGET_TIERS[tierIndex]!;
        const payload = (payloadOf.get(tier) as { payload: string } | undefined)?.payload ?? "{}";
        const firms = freeFirms.all(tier, year, count - out.length) as { id: number }[];
        sqlite.transaction(() => {
          for (const f of firms) {
            const version = status === "draft" ? 1 : 2;
            const r = insertApp.run(f.id, tier, year, status, payload, status === "draft" ? null : now, version, admin, now, now);
            const id = Number(r.lastInsertRowid);
            insertEvent.run(id, now, admin, "create", null, "draft", "bench");
            if (status === "submitted") insertEvent.run(id, now, admin, "submit", "draft", "submitted", "bench");
            out.push({ id, tier, version });
          }
        })();
        tierIndex = (tierIndex + 1) % TARGET_TIERS.length;
        if (tierIndex === 0) year++;
      }
      return out;
    };
    const submitTargets = make("draft", perScenario);
    const approveTargets = make("submitted", perScenario);
    return {
      listTown,
      deepCursor: enterpriseCursor(deep!.name, deep!.id),
      deepFirstName: afterDeep!.name,
      firstPageName: first!.name,
      profileIds,
      detailIds,
      submitTargets,
      approveTargets,
      exportQuery: exportAll ? "archived=1" : `archived=1&industry=${nearest.code}`,
      exportFirms: exportAll ? firms : nearest.n,
    };
  } finally {
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    sqlite.close();
  }
}
