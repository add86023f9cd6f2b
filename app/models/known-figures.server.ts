/**
 * What the registry already knows of a firm, as an application payload (the keys of
 * app/components/application-fields.tsx): the one source the start page's pre-check and the
 * forms' prefill read. Today it reads the enterprise's own columns; when yearly figures are kept
 * per firm, this function reads them instead and nothing else changes.
 */
import type { Db } from "../../db/client";
import { seesEverything, type Caller } from "~/domain/scope";
import { notFound } from "~/utils/auth.server";

export interface KnownFigures {
  /** Payload keys with the values the registry holds; absent when it holds none. */
  payload: Record<string, number>;
  /** The year the figures are of (the year before `year`), for labels. */
  figuresYear: number;
  aboveScale: boolean;
}

/**
 * The firm's known figures for an application of `year`, within the caller's scope (404
 * otherwise). The profile keeps the firm's latest full year: its revenue, R&D expense and staff.
 */
export async function knownEligibilityPayload(db: Db, caller: Caller, enterpriseId: number, year: number): Promise<KnownFigures> {
  if (!Number.isSafeInteger(enterpriseId) || enterpriseId <= 0) throw notFound();
  let query = db
    .selectFrom("enterprises")
    .select(["revenue_yuan", "rd_expense_yuan", "employees", "above_scale"])
    .where("id", "=", enterpriseId)
    .where("archived_at", "is", null);
  if (!seesEverything(caller)) {
    query =
      caller.role === "enterprise"
        ? query.where("id", "=", caller.enterpriseId ?? -1)
        : caller.role === "town_officer"
          ? query.where("town_code", "=", caller.townCode ?? "")
          : query.where("id", "=", -1);
  }
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  const payload: Record<string, number> = {};
  if (row.revenue_yuan !== null) payload.revenueYuan = row.revenue_yuan;
  if (row.rd_expense_yuan !== null) payload.rdExpenseYuan = row.rd_expense_yuan;
  if (row.employees !== null) payload.employees = row.employees;
  return { payload, figuresYear: year - 1, aboveScale: row.above_scale === 1 };
}
