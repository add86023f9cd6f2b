import Database from "better-sqlite3";
import pg from "pg";
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

/** The registry's cursor format (app/models/enterprise-list.server.ts): base64url of [sortValue, id]. */
export function enterpriseCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id]), "utf8").toString("base64url");
}

/** The first year the fixtures use: the generator writes 2022–2026 only. */
export const FIXTURE_FIRST_YEAR = 2027;

/**
 * The fixtures' statements, on either database: `?` placeholders (numbered for PostgreSQL),
 * one connection, transactions around awaited statements.
 */
export interface FixtureDb {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A statement's count of changed rows. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` (inside a transaction) with the history's append-only guard lifted. */
  withoutHistoryGuard(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export function sqliteFixtureDb(file: string): FixtureDb {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  const prepare = (sql: string) => sqlite.prepare(sql);
  return {
    async all<T>(sql: string, params: readonly unknown[] = []) {
      const stmt = prepare(sql);
      return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
    },
    async run(sql, params = []) {
      return prepare(sql).run(...params).changes;
    },
    async transaction(fn) {
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn();
        sqlite.exec("COMMIT");
        return out;
      } catch (error) {
        sqlite.exec("ROLLBACK");
        throw error;
      }
    },
    async withoutHistoryGuard(fn) {
      const guard = sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'application_events_no_delete'`).pluck().get() as string | undefined;
      if (guard) sqlite.exec(`DROP TRIGGER application_events_no_delete`);
      await fn();
      if (guard) sqlite.exec(guard);
    },
    async close() {
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
      sqlite.close();
    },
  };
}

export async function postgresFixtureDb(url: string): Promise<FixtureDb> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const query = (sql: string, params: readonly unknown[]) => client.query(numbered(sql), params as unknown[]);
  return {
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return (await query(sql, params)).rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" && /^(id|n)$/.test(k) ? Number(v) : v])),
      ) as T[];
    },
    async run(sql, params = []) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async transaction(fn) {
      await client.query("BEGIN");
      try {
        const out = await fn();
        await client.query("COMMIT");
        return out;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    async withoutHistoryGuard(fn) {
      // Inside the caller's transaction: the guard is off for it alone, back on at its end.
      const { rows } = await client.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'application_events_no_delete'`);
      if (rows.length) await client.query(`ALTER TABLE application_events DISABLE TRIGGER application_events_no_delete`);
      await fn();
      if (rows.length) await client.query(`ALTER TABLE application_events ENABLE TRIGGER application_events_no_delete`);
    },
    async close() {
      await client.query("ANALYZE applications, application_events, awards");
      await client.end();
    },
  };
}

/** The fixtures' database: a SQLite file, or a PostgreSQL database by its postgres:// URL. */
export function openFixtureDb(target: string): Promise<FixtureDb> {
  return /^postgres(ql)?:\/\//i.test(target) ? postgresFixtureDb(target) : Promise.resolve(sqliteFixtureDb(target));
}

/**
 * Removes what earlier runs' fixtures left in a reused data set: their applications (years from
 * FIXTURE_FIRST_YEAR on), with their events and attachments, and the awards their approval
 * created. Deleted with the counting triggers on, so the counters stay right. Without this, each run
 * added some 6,600 applications: S, generated with 6,000, had 25,800 after a few runs.
 */
export function removeEarlierFixtures(db: FixtureDb): Promise<{ applications: number; awards: number }> {
  return db.transaction(async () => {
    const mine = `SELECT id FROM applications WHERE year >= ${FIXTURE_FIRST_YEAR}`;
    const awards = await db.run(`DELETE FROM awards WHERE year >= ${FIXTURE_FIRST_YEAR} OR application_id IN (${mine})`);
    // History is append-only in a registry; a synthetic data set's bench rows are not history.
    await db.withoutHistoryGuard(async () => void (await db.run(`DELETE FROM application_events WHERE application_id IN (${mine})`)));
    await db.run(`DELETE FROM attachments WHERE application_id IN (${mine})`);
    const applications = await db.run(`DELETE FROM applications WHERE year >= ${FIXTURE_FIRST_YEAR}`);
    return { applications, awards };
  });
}

/**
 * Picks what the scenarios read and creates what they consume: drafts to submit and submitted
 * applications to approve, each on a firm/tier/year with no application yet (a year after the
 * generated ones), written with the triggers on so the counters stay right. What earlier runs
 * created is removed first, so every run measures the data set as generated plus its own targets.
 * `target` is the SQLite file or the PostgreSQL URL of the data set.
 */
export async function prepareFixtures(target: string, perScenario: number): Promise<BenchFixtures> {
  const db = await openFixtureDb(target);
  try {
    await removeEarlierFixtures(db);
    const one = async <T>(sql: string, params: readonly unknown[] = []) => (await db.all<T>(sql, params))[0]!;
    const listTown = "jintang";
    const townCount = Number((await one<{ n: number }>(`SELECT count(*) AS n FROM enterprises WHERE town_code = ? AND archived_at IS NULL`, [listTown])).n);
    const page = `SELECT name, id FROM enterprises WHERE town_code = ? AND archived_at IS NULL ORDER BY name, id LIMIT 2 OFFSET ?`;
    const [deep, afterDeep] = await db.all<{ name: string; id: number }>(page, [listTown, Math.floor(townCount * 0.8)]);
    const [first] = await db.all<{ name: string; id: number }>(page, [listTown, 0]);

    // The export: every firm when there are at most 100,000, else the industry nearest that size.
    const firms = Number((await one<{ n: number }>(`SELECT count(*) AS n FROM enterprises`)).n);
    const industries = (await db.all<{ code: string; n: number }>(`SELECT industry_code AS code, count(*) AS n FROM enterprises GROUP BY industry_code`)).map((r) => ({
      code: r.code,
      n: Number(r.n),
    }));
    const nearest = industries.sort((a, b) => Math.abs(a.n - 100_000) - Math.abs(b.n - 100_000) || (a.code < b.code ? -1 : 1))[0]!;
    const exportAll = firms <= 100_000;

    const rng = mulberry32(0xbe1c);
    const maxFirm = Number((await one<{ n: number }>(`SELECT max(id) AS n FROM enterprises`)).n);
    const profileIds = Array.from({ length: 200 }, () => 1 + Math.floor(rng() * maxFirm));
    const submitted = await db.all<{ id: number }>(`SELECT id FROM applications WHERE status IN ('submitted', 'approved') AND id % 97 = 0 ORDER BY id LIMIT 2000`);
    const detailIds = Array.from({ length: 200 }, () => Number(submitted[Math.floor(rng() * submitted.length)]!.id));

    const admin = Number((await one<{ id: number }>(`SELECT id FROM users WHERE username = 'reviewer'`)).id);
    const now = new Date().toISOString();
    const insertApp = `INSERT INTO applications (enterprise_id, tier_code, year, level_sought, status, payload, submitted_at, version, created_by, created_at, updated_at)
       VALUES (?, ?, ?, 'district', ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
    const insertEvent = `INSERT INTO application_events (application_id, at, actor_id, action, from_status, to_status, comment) VALUES (?, ?, ?, ?, ?, ?, ?)`;
    const freeFirms = `SELECT e.id FROM enterprises e
       WHERE e.archived_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.enterprise_id = e.id AND a.tier_code = ? AND a.year = ?)
       ORDER BY e.id LIMIT ?`;
    // A submission needs a live file of every kind its tier requires (0013): the drafts get one
    // row each (the submit scenario measures the form, not the upload, so no file is written).
    const insertAttachment = `INSERT INTO attachments (application_id, kind, original_name, mime, size, sha256, storage_key, uploaded_by, uploaded_at)
       VALUES (?, ?, ?, 'application/pdf', 1, ?, ?, ?, ?)`;
    const requiredKinds = async (tier: string) =>
      (await db.all<{ kind: string }>(`SELECT kind FROM tier_evidence_kinds WHERE tier_code = ? AND required = 1 ORDER BY kind`, [tier])).map((r) => r.kind);
    const make = async (status: "draft" | "submitted", count: number): Promise<Target[]> => {
      const out: Target[] = [];
      let year = FIXTURE_FIRST_YEAR;
      let tierIndex = 0;
      while (out.length < count && year <= 2100) {
        const tier = TARGET_TIERS[tierIndex]!;
        const payload =
          (await db.all<{ payload: string }>(`SELECT payload FROM applications WHERE tier_code = ? AND status = 'approved' ORDER BY id LIMIT 1`, [tier]))[0]?.payload ?? "{}";
        const free = await db.all<{ id: number }>(freeFirms, [tier, year, count - out.length]);
        const kinds = status === "draft" ? await requiredKinds(tier) : [];
        await db.transaction(async () => {
          for (const f of free) {
            const version = status === "draft" ? 1 : 2;
            const [row] = await db.all<{ id: number }>(insertApp, [f.id, tier, year, status, payload, status === "draft" ? null : now, version, admin, now, now]);
            const id = Number(row!.id);
            await db.run(insertEvent, [id, now, admin, "create", null, "draft", "bench"]);
            for (const kind of kinds) await db.run(insertAttachment, [id, kind, `${kind}.pdf`, "0".repeat(64), `bench-${id}-${kind}`, admin, now]);
            if (status === "submitted") await db.run(insertEvent, [id, now, admin, "submit", "draft", "submitted", "bench"]);
            out.push({ id, tier, version });
          }
        });
        tierIndex = (tierIndex + 1) % TARGET_TIERS.length;
        if (tierIndex === 0) year++;
      }
      return out;
    };
    const submitTargets = await make("draft", perScenario);
    const approveTargets = await make("submitted", perScenario);
    return {
      listTown,
      deepCursor: enterpriseCursor(deep!.name, Number(deep!.id)),
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
    await db.close();
  }
}
