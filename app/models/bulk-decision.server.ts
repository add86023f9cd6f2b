/**
 * Bulk decisions in the review queue: approve (common level, date, 文号) or return (common
 * reason) several submitted applications at once, through the same commands as one-by-one
 * decisions (approveApplication, decideWithReason), all in ONE transaction: if any application
 * changed since the reviewer's preview, or any command fails, none of the batch is applied.
 */
import { transact } from "../../db/dialect/transact";
import { lockRowsById } from "../../db/dialect/sql";
import { lockFirmsForPool } from "~/models/pool-follow.server";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import type { ReasonCode, Status } from "~/domain/state-machine";
import { pipelineStanding } from "~/domain/counting";
import { countsTowardTarget, getTier, type Level, type TierCode } from "~/domain/tiers";
import { decideWithReason } from "~/models/application.server";
import { approveApplication } from "~/models/application-approval.server";
import { recordAudit } from "~/models/audit.server";
import { loadDistrictProgress } from "~/models/progress.server";

export interface BulkCandidate {
  id: number;
  version: number;
  status: Status;
  enterpriseName: string;
  tierCode: TierCode;
  year: number;
  levelSought: Level | null;
}

/** The selected applications within the caller's scope (the bureau sees all), in queue order. */
export async function loadBulkCandidates(db: Db, caller: Caller, ids: readonly number[]): Promise<BulkCandidate[]> {
  if (!seesEverything(caller) || ids.length === 0) return [];
  const rows = await db
    .selectFrom("applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.version", "a.status", "e.name", "a.tier_code", "a.year", "a.level_sought", "a.submitted_at"])
    .where("a.id", "in", [...ids])
    .orderBy("a.submitted_at")
    .orderBy("a.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    status: r.status,
    enterpriseName: r.name,
    tierCode: r.tier_code as TierCode,
    year: r.year,
    levelSought: r.level_sought,
  }));
}

export interface TierImpact {
  year: number;
  tier: TierCode;
  target: number;
  achievedBefore: number;
  achievedAfter: number;
  pipelineBefore: number;
  pipelineAfter: number;
}

/**
 * Each affected tier's figures before and after the decision, from the dashboard's own
 * counting (loadDistrictProgress). An approval counts when its level reaches the tier's counting level;
 * a return keeps the application in the pipeline.
 */
export async function bulkImpact(db: Db, candidates: readonly BulkCandidate[], decision: "approve" | "return", level: Level | null): Promise<TierImpact[]> {
  const groups = new Map<string, { year: number; tier: TierCode; n: number; inPipeline: number }>();
  for (const c of candidates) {
    if (c.status !== "submitted") continue;
    const key = `${c.year}|${c.tierCode}`;
    const g = groups.get(key) ?? { year: c.year, tier: c.tierCode, n: 0, inPipeline: 0 };
    g.n++;
    // Only applications whose level sought can count are in the pipeline figure.
    if (pipelineStanding(c.tierCode, c.levelSought) === "counts") g.inPipeline++;
    groups.set(key, g);
  }
  const years = [...new Set([...groups.values()].map((g) => g.year))].sort();
  const reports = new Map(await Promise.all(years.map(async (y) => [y, await loadDistrictProgress(db, y)] as const)));
  return [...groups.values()]
    .sort((a, b) => a.year - b.year || getTier(a.tier).sort - getTier(b.tier).sort)
    .map((g) => {
      const figures = reports.get(g.year)!.tiers.find((t) => t.tier === g.tier)!;
      const counted = decision === "approve" && level !== null && countsTowardTarget(g.tier, level) ? g.n : 0;
      return {
        year: g.year,
        tier: g.tier,
        target: figures.target,
        achievedBefore: figures.achieved,
        achievedAfter: figures.achieved + counted,
        pipelineBefore: figures.pipeline,
        pipelineAfter: decision === "approve" ? figures.pipeline - g.inPipeline : figures.pipeline,
      };
    });
}

export type BulkInput =
  { decision: "approve"; level: Level; recognizedOn: string; documentNo: string; comment: string | null } | { decision: "return"; reasonCode: ReasonCode; comment: string };

export type BulkResult =
  | { ok: true; applied: number }
  | { ok: false; reason: "changed"; names: string[] }
  | { ok: false; reason: "award-exists"; name: string }
  | { ok: false; reason: "nothing" | "forbidden" };

class Rollback extends Error {
  constructor(readonly result: BulkResult) {
    super("rollback");
  }
}

/**
 * Applies one decision to every item, each at the version the reviewer previewed. Each
 * application gets its own history row (from the command); one audit row "application.bulk"
 * lists the members.
 */
export async function applyBulkDecision(db: Db, caller: Caller, items: readonly { id: number; version: number }[], input: BulkInput): Promise<BulkResult> {
  if (!seesEverything(caller)) return { ok: false, reason: "forbidden" };
  if (items.length === 0) return { ok: false, reason: "nothing" };
  try {
    return await transact(db, async (trx): Promise<BulkResult> => {
      // The firms first, as every application command locks them (cultivation pool, pool-follow.server.ts).
      const firms = await trx
        .selectFrom("applications")
        .select("enterprise_id")
        .where(
          "id",
          "in",
          items.map((i) => i.id),
        )
        .execute();
      await lockFirmsForPool(
        trx,
        firms.map((f) => f.enterprise_id),
      );
      await lockRowsById(
        trx,
        "applications",
        items.map((i) => i.id),
      );
      const current = await loadBulkCandidates(
        trx,
        caller,
        items.map((i) => i.id),
      );
      const byId = new Map(current.map((c) => [c.id, c]));
      const changed = items.filter((i) => {
        const c = byId.get(i.id);
        return !c || c.status !== "submitted" || c.version !== i.version;
      });
      if (changed.length > 0) {
        throw new Rollback({ ok: false, reason: "changed", names: changed.map((i) => byId.get(i.id)?.enterpriseName ?? `#${i.id}`) });
      }
      for (const item of items) {
        const result =
          input.decision === "approve"
            ? await approveApplication(trx, caller, item.id, {
                version: item.version,
                level: input.level,
                recognizedOn: input.recognizedOn,
                documentNo: input.documentNo,
                comment: input.comment,
              })
            : await decideWithReason(trx, caller, item.id, "return", { version: item.version, reasonCode: input.reasonCode, comment: input.comment });
        if (!result.ok) {
          const name = byId.get(item.id)!.enterpriseName;
          throw new Rollback(result.reason === "award-exists" ? { ok: false, reason: "award-exists", name } : { ok: false, reason: "changed", names: [name] });
        }
      }
      await recordAudit(trx, {
        actorId: caller.id,
        action: "application.bulk",
        subject: `applications:${items.map((i) => i.id).join(",")}`.slice(0, 1000),
        data: { ...input, members: items.map((i) => ({ id: i.id, name: byId.get(i.id)!.enterpriseName })) },
      });
      return { ok: true, applied: items.length };
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
}
