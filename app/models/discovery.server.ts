/**
 * Discovery (主动发现) as a stored run: which firms of a scope meet, or nearly meet, a tier's
 * rule set in force, judged by app/domain/discovery.ts (eligibility.ts and standing.ts) over
 * their yearly figures, and kept in discovery_results so that the page, its export and
 * /api/candidates read a table, never judge a province's firms in a request.
 *
 * A run's life: `startDiscoveryRun` inserts it queued (the caller's scope: the bureau the
 * district, a town officer its town) and returns at once; a worker in the server process
 * (`kickDiscoveryWorker` in discovery-worker.server.ts, and the scheduler's `discovery-runs` job) claims it under a lease held
 * on the run's own row, judges the firms in keyset batches (`id > cursor ORDER BY id`), and
 * commits each batch's results with its progress and cursor, yielding to the event loop between
 * batches. A worker that loses its lease stops; a run whose holder died is claimed again after
 * the lease expires and resumes after its cursor, and after three attempts it is failed, never
 * left "running". The run that finishes supersedes the older runs of its tier, year and scope.
 */
import type { Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import { discoveryRuleVersion, parseCriteriaDictionary, parseStoredCriteria, type DiscoveryVerdict } from "~/domain/discovery";
import { seesEverything, type Caller } from "~/domain/scope";
import type { MissingCriterion } from "~/domain/standing";
import type { TierCode } from "~/domain/tiers";
import { recordAudit } from "~/models/audit.server";
import { todayInShanghai } from "~/utils/format";
import { assertPoolCaller } from "./pool.server";

/** Town officers (their town) and the bureau (the district); a firm's own account sees nothing. */
export const assertDiscoveryCaller = assertPoolCaller;

export const DISCOVERY_SORTS = ["name", "town", "industry", "verdict", "missing"] as const;
export type DiscoverySort = (typeof DISCOVERY_SORTS)[number];

export interface DiscoveryQuery {
  tier: TierCode;
  year: number;
  town?: string;
  industry?: string;
  verdict?: DiscoveryVerdict;
  sort?: DiscoverySort;
  dir?: "asc" | "desc";
}

export interface Candidate {
  enterpriseId: number;
  uscc: string;
  name: string;
  townCode: string;
  townNameZh: string;
  townNameEn: string;
  industryCode: string;
  industryNameZh: string;
  industryNameEn: string;
  verdict: DiscoveryVerdict;
  missing: MissingCriterion[];
  toConfirm: MissingCriterion[];
  /** The firm's active pool entry of the tier, when it has one now (added since the run, say). */
  poolEntryId: number | null;
}

export type DiscoveryRunStatus = "queued" | "running" | "done" | "failed";

export interface DiscoveryRunView {
  id: number;
  tier: TierCode;
  year: number;
  /** "district", or the town code of a town officer's run. */
  scope: string;
  ruleVersion: string;
  status: DiscoveryRunStatus;
  done: number;
  total: number;
  meets: number;
  near: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Whether the run is queued, or running under a lease that has expired (its worker died). */
  stalled: boolean;
}

function scopeOf(caller: Caller): string {
  return seesEverything(caller) ? "district" : caller.townCode!;
}

/** The scopes whose runs a caller may read: the district's for the bureau; its town's and the district's for a town officer. */
function readableScopes(caller: Caller): string[] {
  return seesEverything(caller) ? ["district"] : [caller.townCode!, "district"];
}

export type RunRow = {
  id: number;
  tier_code: string;
  year: number;
  scope: string;
  rule_version: string;
  status: DiscoveryRunStatus;
  done: number;
  total: number;
  meets: number;
  near: number;
  cursor: number;
  criteria: string;
  attempts: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  lease_holder: string | null;
  lease_expires_at: string | null;
};

export const RUN_COLUMNS = [
  "id",
  "tier_code",
  "year",
  "scope",
  "rule_version",
  "status",
  "done",
  "total",
  "meets",
  "near",
  "cursor",
  "criteria",
  "attempts",
  "started_at",
  "finished_at",
  "error",
  "lease_holder",
  "lease_expires_at",
] as const;

function viewOf(row: RunRow, now: Date): DiscoveryRunView {
  return {
    id: Number(row.id),
    tier: row.tier_code as TierCode,
    year: Number(row.year),
    scope: row.scope,
    ruleVersion: row.rule_version,
    status: row.status,
    done: Number(row.done),
    total: Number(row.total),
    meets: Number(row.meets),
    near: Number(row.near),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    stalled: row.status === "queued" || (row.status === "running" && (row.lease_expires_at ?? "") < now.toISOString()),
  };
}

// ───────────────────────────── starting and reading runs ─────────────────────────────

/**
 * Queues a run for the caller's scope, or answers the one already queued or running for the same
 * tier, year and scope (`created: false`). Audited in the same transaction. Returns at once:
 * the judging is the worker's.
 */
export async function startDiscoveryRun(db: Db, caller: Caller, query: { tier: TierCode; year: number }, now = new Date()): Promise<{ run: DiscoveryRunView; created: boolean }> {
  assertDiscoveryCaller(caller);
  const scope = scopeOf(caller);
  const ruleVersion = discoveryRuleVersion(query.tier, todayInShanghai(now), query.year);
  return transact(db, async (trx) => {
    const active = await trx
      .selectFrom("discovery_runs")
      .select(RUN_COLUMNS)
      .where("tier_code", "=", query.tier)
      .where("year", "=", query.year)
      .where("scope", "=", scope)
      .where("status", "in", ["queued", "running"])
      .orderBy("id", "desc")
      .executeTakeFirst();
    if (active) return { run: viewOf(active as RunRow, now), created: false };
    const inserted = await trx
      .insertInto("discovery_runs")
      .values({
        tier_code: query.tier,
        year: query.year,
        scope,
        rule_version: ruleVersion,
        status: "queued",
        started_by: caller.id,
        started_at: now.toISOString(),
        finished_at: null,
        error: null,
        lease_holder: null,
        lease_expires_at: null,
      })
      .returning(RUN_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: caller.id,
      action: "discovery.run",
      subject: `discovery_run:${inserted.id}`,
      data: { tier: query.tier, year: query.year, scope, ruleVersion },
    });
    return { run: viewOf(inserted as RunRow, now), created: true };
  });
}

/**
 * The runs a caller's page shows for a tier and year: the latest finished one it may read
 * (`done`, whose results the page lists), a run queued or running (`active`), and the latest
 * failed one newer than `done` (`failed`).
 */
export async function discoveryRunsFor(
  db: Db,
  caller: Caller,
  query: { tier: TierCode; year: number },
  now = new Date(),
): Promise<{ done: DiscoveryRunView | null; active: DiscoveryRunView | null; failed: DiscoveryRunView | null }> {
  assertDiscoveryCaller(caller);
  const rows = (await db
    .selectFrom("discovery_runs")
    .select(RUN_COLUMNS)
    .where("tier_code", "=", query.tier)
    .where("year", "=", query.year)
    .where("scope", "in", readableScopes(caller))
    .orderBy("id", "desc")
    .limit(20)
    .execute()) as RunRow[];
  const views = rows.map((r) => viewOf(r, now));
  const done = views.filter((r) => r.status === "done").sort((a, b) => (a.finishedAt! < b.finishedAt! ? 1 : -1))[0] ?? null;
  const own = scopeOf(caller);
  const active = views.find((r) => (r.status === "queued" || r.status === "running") && r.scope === own) ?? null;
  const failed = views.find((r) => r.status === "failed" && r.scope === own && (!done || r.id > done.id)) ?? null;
  return { done, active, failed };
}

export interface StoredCandidates {
  run: DiscoveryRunView | null;
  /** Candidates matching the filters in the caller's scope (all pages). */
  total: number;
  meets: number;
  near: number;
  candidates: Candidate[];
}

/**
 * The candidates of the latest finished run the caller may read, in its scope, filtered, sorted
 * (default: verdict, then fewest missing) and paged (`limit` null: all of them).
 */
export async function readCandidates(
  db: Db,
  caller: Caller,
  query: DiscoveryQuery,
  page: { offset: number; limit: number | null } = { offset: 0, limit: null },
  now = new Date(),
): Promise<StoredCandidates> {
  const { done } = await discoveryRunsFor(db, caller, query, now);
  if (!done) return { run: null, total: 0, meets: 0, near: 0, candidates: [] };
  const ownTown = seesEverything(caller) ? null : caller.townCode!;
  const filtered = () =>
    db
      .selectFrom("discovery_results as r")
      .where("r.run_id", "=", done.id)
      .$if(ownTown !== null, (q) => q.where("r.town_code", "=", ownTown!))
      .$if(query.town !== undefined, (q) => q.where("r.town_code", "=", query.town!))
      .$if(query.industry !== undefined, (q) => q.where("r.industry_code", "=", query.industry!));
  const counts = await filtered()
    .select(["r.verdict", db.fn.countAll<number>().as("n")])
    .groupBy("r.verdict")
    .execute();
  const meets = Number(counts.find((c) => c.verdict === "meets")?.n ?? 0);
  const near = Number(counts.find((c) => c.verdict === "near")?.n ?? 0);
  const total = query.verdict === "meets" ? meets : query.verdict === "near" ? near : meets + near;
  const dir = query.dir === "desc" ? "desc" : "asc";
  const sort = query.sort ?? "verdict";
  let rows = filtered()
    .$if(query.verdict !== undefined, (q) => q.where("r.verdict", "=", query.verdict!))
    .innerJoin("enterprises as e", "e.id", "r.enterprise_id")
    .innerJoin("towns as t", "t.code", "r.town_code")
    .innerJoin("industries as i", "i.code", "r.industry_code")
    .leftJoin("pool_entries as p", (join) => join.onRef("p.enterprise_id", "=", "r.enterprise_id").on("p.tier_code", "=", done.tier).on("p.status", "<>", "exited"))
    .select([
      "r.enterprise_id",
      "r.verdict",
      "r.missing",
      "r.to_confirm",
      "r.town_code",
      "r.industry_code",
      "r.name",
      "e.uscc",
      "t.name_zh as town_zh",
      "t.name_en as town_en",
      "i.name_zh as industry_zh",
      "i.name_en as industry_en",
      "p.id as pool_entry_id",
    ]);
  if (sort === "name") rows = rows.orderBy("r.name", dir);
  else if (sort === "town") rows = rows.orderBy("r.town_code", dir);
  else if (sort === "industry") rows = rows.orderBy("r.industry_code", dir);
  else if (sort === "verdict") rows = rows.orderBy("r.verdict", dir);
  if (sort === "verdict" || sort === "missing")
    rows = rows.orderBy("r.missing_count", sort === "missing" ? dir : "asc").orderBy("r.confirm_count", sort === "missing" ? dir : "asc");
  rows = rows.orderBy("r.enterprise_id", "asc");
  if (page.limit !== null) rows = rows.limit(page.limit).offset(page.offset);
  const found = await rows.execute();
  const stored = await db.selectFrom("discovery_runs").select("criteria").where("id", "=", done.id).executeTakeFirst();
  const dictionary = parseCriteriaDictionary(stored?.criteria ?? "{}") ?? {};
  return {
    run: done,
    total,
    meets,
    near,
    candidates: found.map((r) => ({
      enterpriseId: Number(r.enterprise_id),
      uscc: r.uscc,
      name: r.name,
      townCode: r.town_code,
      townNameZh: r.town_zh,
      townNameEn: r.town_en,
      industryCode: r.industry_code,
      industryNameZh: r.industry_zh,
      industryNameEn: r.industry_en,
      verdict: r.verdict,
      missing: parseStoredCriteria(r.missing, dictionary) ?? [],
      toConfirm: parseStoredCriteria(r.to_confirm, dictionary) ?? [],
      poolEntryId: r.pool_entry_id === null ? null : Number(r.pool_entry_id),
    })),
  };
}
