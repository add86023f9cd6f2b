import type { Transaction } from "kysely";
import { Forbidden, type Failure } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import type { Db } from "../../db/client";
import type { DB } from "../../db/schema";
import type { ChecklistTierCode } from "~/domain/eligibility";
import { seesEverything, type Caller } from "~/domain/scope";
import { recordAudit } from "./audit.server";

/** An item of a tier's checklist as the application form and the pre-check use it. */
export interface ChecklistItem {
  code: string;
  labelZh: string;
  labelEn: string;
  required: boolean;
  sort: number;
}

/** An item as the bureau's checklist page shows it, archived ones included. */
export interface ChecklistAdminItem extends ChecklistItem {
  id: number;
  archivedAt: string | null;
  updatedAt: string;
}

/**
 * The bureau-kept checklist of a district factory tier: the items in use, in order. Empty for
 * tiers without a checklist (any tier code is accepted, so callers need not check first).
 */
export async function listChecklist(db: Db, tierCode: string): Promise<ChecklistItem[]> {
  const rows = await db
    .selectFrom("tier_checklist_items")
    .select(["code", "label_zh", "label_en", "required", "sort"])
    .where("tier_code", "=", tierCode)
    .where("archived_at", "is", null)
    .orderBy("sort")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ code: r.code, labelZh: r.label_zh, labelEn: r.label_en, required: r.required === 1, sort: r.sort }));
}

/** Every item of a tier: those in use in order, then the archived ones. */
export async function listChecklistForAdmin(db: Db, tierCode: ChecklistTierCode): Promise<ChecklistAdminItem[]> {
  const rows = await db
    .selectFrom("tier_checklist_items")
    .select(["id", "code", "label_zh", "label_en", "required", "sort", "archived_at", "updated_at"])
    .where("tier_code", "=", tierCode)
    .orderBy((eb) => eb.case().when("archived_at", "is", null).then(0).else(1).end())
    .orderBy("sort")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    labelZh: r.label_zh,
    labelEn: r.label_en,
    required: r.required === 1,
    sort: r.sort,
    archivedAt: r.archived_at,
    updatedAt: r.updated_at,
  }));
}

export type ChecklistChange = { ok: true; label: string } | Failure<"code-taken" | "missing">;

function assertBureau(actor: Caller) {
  if (!seesEverything(actor)) throw new Forbidden("role");
}

type Trx = Transaction<DB>;

async function itemOf(trx: Trx, tierCode: ChecklistTierCode, id: number) {
  return trx
    .selectFrom("tier_checklist_items")
    .select(["id", "code", "label_zh", "label_en", "required", "sort", "archived_at"])
    .where("id", "=", id)
    .where("tier_code", "=", tierCode)
    .executeTakeFirst();
}

async function nextSort(trx: Trx, tierCode: ChecklistTierCode): Promise<number> {
  const row = await trx
    .selectFrom("tier_checklist_items")
    .select((eb) => eb.fn.max("sort").as("max"))
    .where("tier_code", "=", tierCode)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

async function audit(trx: Trx, actor: Caller, tierCode: string, code: string, data: Record<string, unknown>) {
  await recordAudit(trx, { actorId: actor.id, action: "checklist.update", subject: `${tierCode}/${code}`, data });
}

export async function addChecklistItem(
  db: Db,
  actor: Caller,
  tierCode: ChecklistTierCode,
  input: { code: string; labelZh: string; labelEn: string; required: boolean },
): Promise<ChecklistChange> {
  assertBureau(actor);
  return transact(db, async (trx) => {
    const taken = await trx.selectFrom("tier_checklist_items").select("id").where("tier_code", "=", tierCode).where("code", "=", input.code).executeTakeFirst();
    if (taken) return { ok: false, reason: "code-taken" } as const;
    const now = new Date().toISOString();
    await trx
      .insertInto("tier_checklist_items")
      .values({
        tier_code: tierCode,
        code: input.code,
        label_zh: input.labelZh,
        label_en: input.labelEn,
        required: input.required ? 1 : 0,
        sort: await nextSort(trx, tierCode),
        archived_at: null,
        created_at: now,
        updated_at: now,
        updated_by: actor.id,
      })
      .execute();
    await audit(trx, actor, tierCode, input.code, { op: "add", after: input });
    return { ok: true, label: input.labelZh } as const;
  });
}

export async function updateChecklistItem(
  db: Db,
  actor: Caller,
  tierCode: ChecklistTierCode,
  id: number,
  input: { labelZh: string; labelEn: string; required: boolean },
): Promise<ChecklistChange> {
  assertBureau(actor);
  return transact(db, async (trx) => {
    const item = await itemOf(trx, tierCode, id);
    if (!item) return { ok: false, reason: "missing" } as const;
    await trx
      .updateTable("tier_checklist_items")
      .set({
        label_zh: input.labelZh,
        label_en: input.labelEn,
        required: input.required ? 1 : 0,
        updated_at: new Date().toISOString(),
        updated_by: actor.id,
      })
      .where("id", "=", id)
      .execute();
    await audit(trx, actor, tierCode, item.code, {
      op: "update",
      before: { labelZh: item.label_zh, labelEn: item.label_en, required: item.required === 1 },
      after: input,
    });
    return { ok: true, label: input.labelZh } as const;
  });
}

/** Swaps an item in use with its neighbour above or below; the order is renumbered 1..n. */
export async function moveChecklistItem(db: Db, actor: Caller, tierCode: ChecklistTierCode, id: number, direction: "up" | "down"): Promise<ChecklistChange> {
  assertBureau(actor);
  return transact(db, async (trx) => {
    const item = await itemOf(trx, tierCode, id);
    if (!item || item.archived_at) return { ok: false, reason: "missing" } as const;
    const active = await trx
      .selectFrom("tier_checklist_items")
      .select(["id", "code"])
      .where("tier_code", "=", tierCode)
      .where("archived_at", "is", null)
      .orderBy("sort")
      .orderBy("id")
      .execute();
    const from = active.findIndex((r) => r.id === id);
    const to = direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= active.length) return { ok: true, label: item.label_zh } as const;
    [active[from], active[to]] = [active[to], active[from]];
    const now = new Date().toISOString();
    for (const [i, row] of active.entries()) {
      await trx
        .updateTable("tier_checklist_items")
        .set({ sort: i + 1, updated_at: now, updated_by: actor.id })
        .where("id", "=", row.id)
        .execute();
    }
    await audit(trx, actor, tierCode, item.code, { op: "move", direction, order: active.map((r) => r.code) });
    return { ok: true, label: item.label_zh } as const;
  });
}

/** Archives (never deletes) an item, or brings it back at the end of the list. */
export async function setChecklistItemArchived(db: Db, actor: Caller, tierCode: ChecklistTierCode, id: number, archived: boolean): Promise<ChecklistChange> {
  assertBureau(actor);
  return transact(db, async (trx) => {
    const item = await itemOf(trx, tierCode, id);
    if (!item) return { ok: false, reason: "missing" } as const;
    if (Boolean(item.archived_at) === archived) return { ok: true, label: item.label_zh } as const;
    const now = new Date().toISOString();
    await trx
      .updateTable("tier_checklist_items")
      .set({
        archived_at: archived ? now : null,
        ...(archived ? {} : { sort: await nextSort(trx, tierCode) }),
        updated_at: now,
        updated_by: actor.id,
      })
      .where("id", "=", id)
      .execute();
    await audit(trx, actor, tierCode, item.code, { op: archived ? "archive" : "restore" });
    return { ok: true, label: item.label_zh } as const;
  });
}
