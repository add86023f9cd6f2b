/**
 * Demo cultivation data, written after the firms, applications and awards exist (called from
 * seedDemo in its transaction): about 60 pool entries of 2026 in every status — each status taken
 * from the firm's real standing (an application in review → applied, a counting award →
 * recognized), so the pool agrees with the applications — with plans (some tasks overdue on the
 * demo's "today", 2026-11-27), visits, a few exits, and 2026 town targets whose sum meets the
 * district target for every tier but 绿色工厂, which falls one short.
 *
 * Deterministic: one PRNG derived from the demo seed, fixed dates, explicit ids, rows read in id order.
 */
import type { Kysely } from "kysely";
import type { DB, PoolEntriesTable, PoolTasksTable, PoolVisitsTable, TownTargetsTable } from "../db/schema";

type Row<T> = Omit<T, "id" | "version"> & { id: number };
type Entry = Row<PoolEntriesTable> & { version: number };
import { EXIT_REASONS, POOL_ROUTES, type PoolStatus } from "../app/domain/pool";
import { countsTowardTarget, isLevel, TIER_CODES, type TierCode } from "../app/domain/tiers";
import { deriveSeed, int, mulberry32, pick, shuffle, type Rng } from "./random";
import { TARGETS_2026 } from "./reference";
import { insertChunks } from "./demo-common";

export const POOL_YEAR = 2026;
/** Per tier: how many entries of each status the demo pool holds. */
const PLAN: Record<TierCode, { recognized: number; applied: number; cultivating: number; exited: number }> = {
  "specialized-new": { recognized: 2, applied: 3, cultivating: 6, exited: 1 },
  "scaled-up": { recognized: 2, applied: 2, cultivating: 7, exited: 1 },
  "green-factory": { recognized: 1, applied: 1, cultivating: 3, exited: 1 },
  listed: { recognized: 0, applied: 1, cultivating: 2, exited: 0 },
  "demonstration-factory": { recognized: 1, applied: 2, cultivating: 4, exited: 1 },
  "quality-factory": { recognized: 1, applied: 2, cultivating: 4, exited: 0 },
  "clean-beauty-factory": { recognized: 2, applied: 2, cultivating: 5, exited: 1 },
};
/** The tier whose town split falls short of the district target in the demo (by one). */
export const SHORT_SPLIT_TIER: TierCode = "green-factory";

const TASKS: readonly string[] = [
  "完成研发费用归集与专项审计",
  "补齐知识产权（发明专利）申请",
  "对标评价指标开展自评",
  "整理近两年财务审计报告",
  "完成能源审计与碳排放核算",
  "推进车间数字化改造项目",
  "落实规上入库统计报表培训",
  "完善质量管理体系（ISO 9001）认证",
  "厂区环境整治与6S管理",
  "对接券商完成股改辅导",
  "申报材料初审与补正",
  "走访对接上下游配套企业",
];
const OWNERS: readonly string[] = ["企业", "镇（街道）", "区经信局", "企业 / 第三方机构"];
const FINDINGS: readonly string[] = [
  "企业生产经营正常，今年营收预计同比增长约15%。",
  "研发投入占比接近3%，需补充研发人员台账。",
  "新生产线已试产，预计下季度达产。",
  "企业对申报流程不熟悉，已现场讲解材料要求。",
  "厂区环境改善明显，仓储区仍需整理。",
  "企业反映融资困难，已对接区金融服务中心。",
];

function day(rng: Rng, from: string, spanDays: number): string {
  const ms = Date.parse(`${from}T00:00:00Z`) + int(rng, 0, spanDays) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

export async function seedDemoPool(trx: Kysely<DB>, users: { reviewer: number; officers: Record<string, number> }): Promise<void> {
  const rng = mulberry32(deriveSeed(0x0d1a2023, "demo-pool"));
  const [firms, apps, awards] = await Promise.all([
    trx.selectFrom("enterprises").select(["id", "town_code"]).where("archived_at", "is", null).orderBy("id").execute(),
    trx.selectFrom("applications").select(["enterprise_id", "tier_code", "level_sought", "status"]).where("year", "=", POOL_YEAR).orderBy("id").execute(),
    trx.selectFrom("awards").select(["enterprise_id", "tier_code", "level"]).where("year", "=", POOL_YEAR).where("revoked_on", "is", null).orderBy("id").execute(),
  ]);
  const townOf = new Map(firms.map((f) => [f.id, f.town_code]));
  const entries: Entry[] = [];
  const used = new Set<string>();
  const take = (firm: number, tier: TierCode) => used.add(`${firm}/${tier}`);
  const free = (firm: number, tier: TierCode) => !used.has(`${firm}/${tier}`);

  for (const tier of TIER_CODES) {
    const plan = PLAN[tier];
    const recognized = awards
      .filter((a) => a.tier_code === tier && isLevel(a.level) && countsTowardTarget(tier, a.level) && townOf.has(a.enterprise_id))
      .map((a) => a.enterprise_id);
    // Applications in review whose level can count come first (they are what the funnel shows).
    const inReview = apps
      .filter((a) => a.tier_code === tier && (a.status === "submitted" || a.status === "returned") && townOf.has(a.enterprise_id))
      .sort(
        (a, b) =>
          Number(!(a.level_sought && isLevel(a.level_sought) && countsTowardTarget(tier, a.level_sought))) -
          Number(!(b.level_sought && isLevel(b.level_sought) && countsTowardTarget(tier, b.level_sought))),
      )
      .map((a) => a.enterprise_id);
    // In the Jintang demo town, one entry in review is always there (the browser journey approves it).
    const reviewJintang = inReview.filter((id) => townOf.get(id) === "jintang");
    const reviewOrder = [...reviewJintang.slice(0, 1), ...inReview.filter((id) => id !== reviewJintang[0])];
    const busy = new Set([
      ...recognized,
      ...apps.filter((a) => a.tier_code === tier && ["draft", "submitted", "returned", "approved"].includes(a.status)).map((a) => a.enterprise_id),
      ...awards.filter((a) => a.tier_code === tier).map((a) => a.enterprise_id),
    ]);
    const quiet = shuffle(
      rng,
      firms.map((f) => f.id).filter((id) => !busy.has(id)),
    );
    const chosen: { id: number; status: PoolStatus }[] = [];
    for (const id of recognized) {
      if (chosen.filter((c) => c.status === "recognized").length < plan.recognized && free(id, tier)) {
        chosen.push({ id, status: "recognized" });
        take(id, tier);
      }
    }
    for (const id of reviewOrder) {
      if (chosen.filter((c) => c.status === "applied").length < plan.applied && free(id, tier)) {
        chosen.push({ id, status: "applied" });
        take(id, tier);
      }
    }
    for (const id of quiet) {
      const n = (s: PoolStatus) => chosen.filter((c) => c.status === s).length;
      if (!free(id, tier)) continue;
      if (n("cultivating") < plan.cultivating) chosen.push({ id, status: "cultivating" });
      else if (n("exited") < plan.exited) chosen.push({ id, status: "exited" });
      else break;
      take(id, tier);
    }
    for (const c of chosen) {
      const town = townOf.get(c.id)!;
      const entered = day(rng, "2025-11-01", 200);
      const exitReason = c.status === "exited" ? pick(rng, EXIT_REASONS) : null;
      entries.push({
        id: 0,
        enterprise_id: c.id,
        tier_code: tier,
        target_year: POOL_YEAR,
        route: tier === "scaled-up" ? pick(rng, POOL_ROUTES) : null,
        officer_id: users.officers[town] ?? users.reviewer,
        entered_on: entered,
        status: c.status,
        exit_reason: exitReason,
        exit_note: exitReason === "other" ? "企业合并重组，暂缓培育" : null,
        exited_on: c.status === "exited" ? day(rng, "2026-07-01", 120) : null,
        notes: null,
        version: 1,
        created_by: users.officers[town] ?? users.reviewer,
        created_at: `${entered}T02:00:00.000Z`,
        updated_at: `${entered}T02:00:00.000Z`,
      });
    }
  }
  entries.forEach((e, i) => (e.id = i + 1));

  const tasks: Row<PoolTasksTable>[] = [];
  const visits: Row<PoolVisitsTable>[] = [];
  for (const e of entries) {
    const n = int(rng, 1, 3);
    for (let k = 0; k < n; k++) {
      // Due dates from mid-2026 into 2027: those before 2026-11-27 and not done are overdue.
      const due = day(rng, "2026-06-01", 330);
      const done = e.status === "recognized" || (due < "2026-11-27" && rng() < 0.55);
      const inProgress = !done && rng() < 0.4;
      tasks.push({
        id: tasks.length + 1,
        entry_id: e.id,
        title: pick(rng, TASKS),
        owner: pick(rng, OWNERS),
        due_on: due,
        status: done ? "done" : inProgress ? "in-progress" : "open",
        notes: null,
        done_on: done ? (due < "2026-11-27" ? due : "2026-11-20") : null,
        created_by: e.created_by,
        created_at: e.created_at,
        updated_at: e.created_at,
      });
    }
    const v = int(rng, 0, 2);
    for (let k = 0; k < v; k++) {
      const on = day(rng, e.entered_on, 150);
      visits.push({
        id: visits.length + 1,
        entry_id: e.id,
        visited_on: on < "2026-11-27" ? on : "2026-11-26",
        visitor: e.officer_id === users.reviewer ? "区经信局 审核员" : "镇（街道）联络员",
        findings: pick(rng, FINDINGS),
        created_by: e.created_by,
        created_at: `${on < "2026-11-27" ? on : "2026-11-26"}T08:00:00.000Z`,
      });
    }
  }

  // Town targets: each tier's district target spread over the towns by their number of firms
  // (largest remainders), one short for SHORT_SPLIT_TIER.
  const towns = await trx.selectFrom("towns").select("code").orderBy("sort").orderBy("code").execute();
  const weight = towns.map((t) => firms.filter((f) => f.town_code === t.code).length + 1);
  const totalWeight = weight.reduce((a, b) => a + b, 0);
  const townTargets: TownTargetsTable[] = [];
  TIER_CODES.forEach((tier, i) => {
    const target = (TARGETS_2026[i] ?? 0) - (tier === SHORT_SPLIT_TIER ? 1 : 0);
    const exact = weight.map((w) => (w * target) / totalWeight);
    const counts = exact.map(Math.floor);
    let left = target - counts.reduce((a, b) => a + b, 0);
    const order = exact.map((x, j) => ({ j, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.j - b.j);
    for (const { j } of order) {
      if (left <= 0) break;
      counts[j]! += 1;
      left -= 1;
    }
    towns.forEach((t, j) =>
      townTargets.push({ year: POOL_YEAR, tier_code: tier, town_code: t.code, target_count: counts[j]!, updated_by: users.reviewer, updated_at: "2026-01-15T02:00:00.000Z" }),
    );
  });

  await insertChunks(trx, "pool_entries", entries);
  await insertChunks(trx, "pool_tasks", tasks);
  await insertChunks(trx, "pool_visits", visits);
  await insertChunks(trx, "town_targets", townTargets);
}
