/**
 * Discovery (主动发现): the firms in the caller's scope that meet, or nearly meet, a tier's rule
 * set in force, from their yearly figures, awards and applications. The judging is
 * app/domain/discovery.ts (which runs eligibility.ts and standing.ts); this module only reads.
 * Discovery never changes anything: adding a firm to the pool is pool.server.ts `addToPool`.
 *
 * Firms are read in batches by keyset (`id > last ORDER BY id LIMIT n`), each batch's figures,
 * awards and open applications in a few `IN (…)` queries, so memory holds one batch and the
 * findings, never the district's figures at once.
 */
import type { Db } from "../../db/client";
import { discoverFirm, discoveryRuleVersion, type DiscoveryVerdict } from "~/domain/discovery";
import type { MissingCriterion } from "~/domain/standing";
import { seesEverything, type Caller } from "~/domain/scope";
import type { Level, TierCode } from "~/domain/tiers";
import { todayInShanghai } from "~/utils/format";
import { figuresOfRow, figuresRowsOf } from "./figures.server";
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
}

export interface DiscoveryResult {
  tier: TierCode;
  year: number;
  ruleVersion: string;
  asOf: string;
  /** Firms read (in scope, not archived, matching the town and industry filters). */
  scanned: number;
  candidates: Candidate[];
}

/** Firms read per batch. */
export const DISCOVERY_BATCH = 1000;

const OPEN = ["draft", "submitted", "returned"] as const;

/**
 * Runs discovery over the caller's firms, batch by batch, handing each batch's candidates to
 * `onBatch` with the number of firms read so far. Returns the rule version applied.
 */
export async function scanCandidates(
  db: Db,
  caller: Caller,
  query: Pick<DiscoveryQuery, "tier" | "year" | "town" | "industry">,
  today: string,
  onBatch: (candidates: Candidate[], scanned: number) => void | Promise<void>,
  batchSize = DISCOVERY_BATCH,
): Promise<{ ruleVersion: string; scanned: number }> {
  assertDiscoveryCaller(caller);
  const ruleVersion = discoveryRuleVersion(query.tier, today, query.year);
  const ownTown = seesEverything(caller) ? null : caller.townCode!;
  let last = 0;
  let scanned = 0;
  for (;;) {
    const firms = await db
      .selectFrom("enterprises as e")
      .innerJoin("towns as t", "t.code", "e.town_code")
      .innerJoin("industries as i", "i.code", "e.industry_code")
      .select([
        "e.id",
        "e.uscc",
        "e.name",
        "e.town_code",
        "e.industry_code",
        "e.above_scale",
        "t.name_zh as town_zh",
        "t.name_en as town_en",
        "i.name_zh as industry_zh",
        "i.name_en as industry_en",
      ])
      .where("e.id", ">", last)
      .where("e.archived_at", "is", null)
      .$if(ownTown !== null, (q) => q.where("e.town_code", "=", ownTown!))
      .$if(query.town !== undefined, (q) => q.where("e.town_code", "=", query.town!))
      .$if(query.industry !== undefined, (q) => q.where("e.industry_code", "=", query.industry!))
      .orderBy("e.id")
      .limit(batchSize)
      .execute();
    if (firms.length === 0) break;
    last = firms[firms.length - 1].id;
    scanned += firms.length;
    const ids = firms.map((f) => f.id);
    const [figures, awards, applications] = await Promise.all([
      figuresRowsOf(db, ids, [query.year - 1, query.year - 2]),
      db
        .selectFrom("awards")
        .select(["enterprise_id", "level", "year", "recognized_on", "valid_until"])
        .where("enterprise_id", "in", ids)
        .where("tier_code", "=", query.tier)
        .where("revoked_on", "is", null)
        .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">=", today)]))
        .execute(),
      db
        .selectFrom("applications")
        .select(["id", "enterprise_id", "year", "status"])
        .where("enterprise_id", "in", ids)
        .where("tier_code", "=", query.tier)
        .where("status", "in", OPEN)
        .execute(),
    ]);
    const heldBy = new Set(awards.map((a) => a.enterprise_id));
    const openBy = new Map<number, { id: number; year: number; status: (typeof OPEN)[number] }[]>();
    for (const a of applications) {
      const list = openBy.get(a.enterprise_id) ?? [];
      list.push({ id: a.id, year: a.year, status: a.status as (typeof OPEN)[number] });
      openBy.set(a.enterprise_id, list);
    }
    const found: Candidate[] = [];
    for (const f of firms) {
      const current = figures.get(`${f.id}:${query.year - 1}`);
      if (!current) continue;
      const before = figures.get(`${f.id}:${query.year - 2}`);
      const finding = discoverFirm({
        tierCode: query.tier,
        year: query.year,
        today,
        figures: figuresOfRow(current),
        previous: before ? figuresOfRow(before) : null,
        holdings: heldBy.has(f.id)
          ? awards
              .filter((a) => a.enterprise_id === f.id)
              .map((a) => ({ level: a.level as Level, year: a.year, recognizedOn: a.recognized_on, validUntil: a.valid_until }))
          : [],
        applications: openBy.get(f.id) ?? [],
        aboveScale: f.above_scale === 1,
      });
      if (!finding) continue;
      found.push({
        enterpriseId: f.id,
        uscc: f.uscc,
        name: f.name,
        townCode: f.town_code,
        townNameZh: f.town_zh,
        townNameEn: f.town_en,
        industryCode: f.industry_code,
        industryNameZh: f.industry_zh,
        industryNameEn: f.industry_en,
        verdict: finding.verdict,
        missing: finding.missing,
        toConfirm: finding.toConfirm,
      });
    }
    await onBatch(found, scanned);
    if (firms.length < batchSize) break;
  }
  return { ruleVersion, scanned };
}

const VERDICT_ORDER: Record<DiscoveryVerdict, number> = { meets: 0, near: 1 };

function compare(a: Candidate, b: Candidate, sort: DiscoverySort): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  switch (sort) {
    case "name":
      return text(a.name, b.name);
    case "town":
      return text(a.townCode, b.townCode);
    case "industry":
      return text(a.industryCode, b.industryCode);
    case "verdict":
      return VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict];
    case "missing":
      return a.missing.length - b.missing.length || a.toConfirm.length - b.toConfirm.length;
  }
}

/** The candidates of a tier and year in the caller's scope, filtered and sorted (default: verdict, then fewest missing). */
export async function listCandidates(db: Db, caller: Caller, query: DiscoveryQuery, now = new Date(), today?: string): Promise<DiscoveryResult> {
  const day = today ?? todayInShanghai(now);
  const candidates: Candidate[] = [];
  const { ruleVersion, scanned } = await scanCandidates(db, caller, query, day, (batch) => {
    for (const c of batch) if (!query.verdict || c.verdict === query.verdict) candidates.push(c);
  });
  const sort = query.sort ?? "verdict";
  const sign = query.dir === "desc" ? -1 : 1;
  candidates.sort((a, b) => sign * compare(a, b, sort) || (sort === "verdict" ? compare(a, b, "missing") : 0) || a.enterpriseId - b.enterpriseId);
  return { tier: query.tier, year: query.year, ruleVersion, asOf: now.toISOString(), scanned, candidates };
}
