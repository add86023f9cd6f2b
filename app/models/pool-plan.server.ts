/**
 * The cultivation pool (培育库), an entry's plan (一企一策 tasks) and its visit log: in the
 * entry's scope, refused once the entry has exited, audited.
 */
import type { Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import type { TaskStatus } from "~/domain/pool";
import type { Caller } from "~/domain/scope";
import { recordAudit } from "./audit.server";
import { entryInScope, type PoolCommandResult } from "./pool-entry.server";

export interface TaskInput {
  title: string;
  owner: string | null;
  dueOn: string | null;
  notes: string | null;
}

/** Adds a task to an entry's plan (一企一策); audited. */
export async function addPoolTask(db: Db, caller: Caller, entryId: number, input: TaskInput): Promise<{ ok: true; id: number } | { ok: false; reason: "exited" }> {
  const entry = await entryInScope(db, caller, entryId);
  if (entry.status === "exited") return { ok: false, reason: "exited" };
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    const row = await trx
      .insertInto("pool_tasks")
      .values({
        entry_id: entryId,
        title: input.title,
        owner: input.owner,
        due_on: input.dueOn,
        status: "open",
        notes: input.notes,
        done_on: null,
        created_by: caller.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: caller.id, action: "pool.task", subject: `pool:${entryId}`, data: { op: "add", taskId: row.id, ...input } });
    return { ok: true as const, id: row.id };
  });
}

/** Sets a task's status (done records the Shanghai date); audited. */
export async function setPoolTaskStatus(db: Db, caller: Caller, entryId: number, taskId: number, status: TaskStatus, today: string): Promise<PoolCommandResult> {
  await entryInScope(db, caller, entryId);
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    const task = await trx.selectFrom("pool_tasks").select(["status"]).where("id", "=", taskId).where("entry_id", "=", entryId).executeTakeFirst();
    if (!task) return { ok: false, reason: "task-not-found" };
    if (task.status === status) return { ok: true };
    await trx
      .updateTable("pool_tasks")
      .set({ status, done_on: status === "done" ? today : null, updated_at: now })
      .where("id", "=", taskId)
      .where("entry_id", "=", entryId)
      .execute();
    await recordAudit(trx, { actorId: caller.id, action: "pool.task", subject: `pool:${entryId}`, data: { op: "status", taskId, from: task.status, to: status } });
    return { ok: true };
  });
}

/** Records a visit (走访记录); audited. */
export async function addPoolVisit(db: Db, caller: Caller, entryId: number, input: { visitedOn: string; visitor: string; findings: string }): Promise<{ ok: true; id: number }> {
  await entryInScope(db, caller, entryId);
  const now = new Date().toISOString();
  return transact(db, async (trx) => {
    const row = await trx
      .insertInto("pool_visits")
      .values({ entry_id: entryId, visited_on: input.visitedOn, visitor: input.visitor, findings: input.findings, created_by: caller.id, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: caller.id, action: "pool.visit", subject: `pool:${entryId}`, data: { visitId: row.id, visitedOn: input.visitedOn } });
    return { ok: true as const, id: row.id };
  });
}
