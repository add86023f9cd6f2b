/**
 * The cultivation pool (培育库): statuses of an entry, the 升规 routes, exit reasons, task
 * statuses, and the rules that move an entry — by hand, or following its firm's application of
 * the same tier and year. Pure: no I/O, unit-tested in tests/unit/pool.test.ts.
 */
import type { Action, Status } from "./state-machine";
import type { TierCode } from "./tiers";

export const POOL_STATUSES = ["cultivating", "applied", "recognized", "exited"] as const;
export type PoolStatus = (typeof POOL_STATUSES)[number];

/** Statuses of an entry still in the pool. */
export const ACTIVE_POOL_STATUSES = ["cultivating", "applied", "recognized"] as const satisfies readonly PoolStatus[];

/** The plan's four routes to 升规: 培育扶持 / 引进投产 / 改造提升 / 引导促进 (一批 each). */
export const POOL_ROUTES = ["nurture", "introduce", "upgrade", "guide"] as const;
export type PoolRoute = (typeof POOL_ROUTES)[number];

/** Why an entry left the pool: 晋级到更高梯度 / 不再符合 / 企业放弃 / 迁出 / 其他 (with text). */
export const EXIT_REASONS = ["promoted", "no-longer-eligible", "firm-declined", "moved-out", "other"] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const TASK_STATUSES = ["open", "in-progress", "done"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Only 升规 entries take a route, and every 升规 entry has one. */
export function routeRequired(tier: TierCode): boolean {
  return tier === "scaled-up";
}

export function isPoolStatus(x: unknown): x is PoolStatus {
  return typeof x === "string" && (POOL_STATUSES as readonly string[]).includes(x);
}

/**
 * The entry's status after its firm's application of the same tier and target year took
 * `action` (ending in `to`): submitting makes it applied, approval recognized; withdrawal,
 * rejection (and a return later abandoned, which is a withdrawal of a returned application)
 * bring an applied entry back to cultivating, and revocation a recognized one. A return for
 * revision keeps it applied. An exited entry never moves. Null: nothing changes.
 */
export function poolStatusAfterApplication(current: PoolStatus, action: Action, to: Status): PoolStatus | null {
  if (current === "exited") return null;
  let next: PoolStatus | null = null;
  switch (action) {
    case "submit":
    case "resubmit":
      next = current === "cultivating" ? "applied" : null;
      break;
    case "approve":
      next = to === "approved" ? "recognized" : null;
      break;
    case "withdraw":
    case "reject":
      next = current === "applied" ? "cultivating" : null;
      break;
    case "revoke":
      next = current === "recognized" ? "cultivating" : null;
      break;
    default:
      next = null;
  }
  return next === current ? null : next;
}

/**
 * The status a new entry starts in, from its firm's standing in that tier and year: a live
 * award that counts → recognized; an application in review → applied; else cultivating.
 */
export function initialPoolStatus(standing: { recognized: boolean; inReview: boolean }): PoolStatus {
  if (standing.recognized) return "recognized";
  if (standing.inReview) return "applied";
  return "cultivating";
}

export type PoolChangeError = "exited" | "same" | "reason-required" | "note-required" | "reason-not-allowed";

/**
 * Whether an entry may be moved by hand from `from` to `to`. Any active status may move to any
 * other (a 升规 firm is recognised by entering the statistics, without an application; a
 * national tier is applied for elsewhere); exiting needs a reason, "other" a note. An exited
 * entry is final: a firm that comes back is added again.
 */
export function checkPoolChange(from: PoolStatus, to: PoolStatus, exit: { reason: ExitReason | null; note: string | null }): { ok: true } | { ok: false; error: PoolChangeError } {
  if (from === "exited") return { ok: false, error: "exited" };
  if (from === to) return { ok: false, error: "same" };
  if (to === "exited") {
    if (!exit.reason) return { ok: false, error: "reason-required" };
    if (exit.reason === "other" && !(exit.note && exit.note.trim())) return { ok: false, error: "note-required" };
  } else if (exit.reason) {
    return { ok: false, error: "reason-not-allowed" };
  }
  return { ok: true };
}

/** A task is overdue when it is not done and its due date is before today (Shanghai date). */
export function isOverdue(task: { status: TaskStatus; dueOn: string | null }, today: string): boolean {
  return task.status !== "done" && task.dueOn !== null && task.dueOn < today;
}

export interface FunnelInput {
  target: number;
  achieved: number;
  /** Applications in review that can count. */
  pipeline: number;
  /** Pool entries of the year still cultivating (not yet applied). */
  pool: number;
}

export interface Funnel extends FunnelInput {
  gap: number;
  /** pipeline + pool: the most that could still be achieved from what is in sight. */
  inSight: number;
  /** Whether what is in sight could close the gap (true when there is none). */
  enough: boolean;
  /** How many more candidates are needed (0 when enough). */
  short: number;
}

/**
 * The funnel of one tier: pool → in review → achieved, against the target. What is in sight
 * covers the gap when every firm in review and in the pool would succeed: a necessary, not a
 * sufficient, condition, which is what the bureau needs to see early.
 */
export function funnel(input: FunnelInput): Funnel {
  const gap = Math.max(input.target - input.achieved, 0);
  const inSight = input.pipeline + input.pool;
  return { ...input, gap, inSight, enough: inSight >= gap, short: Math.max(gap - inSight, 0) };
}

/** The towns' split of a district target: their sum, and by how much it falls short (0 when it does not). */
export function splitShortfall(districtTarget: number, townTargets: readonly number[]): { sum: number; shortfall: number } {
  const sum = townTargets.reduce((a, b) => a + b, 0);
  return { sum, shortfall: Math.max(districtTarget - sum, 0) };
}
