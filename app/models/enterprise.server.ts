/**
 * The registry's firms: the scope condition every enterprise query shares, one firm read within
 * the caller's scope, and the commands (create, edit, archive). The list and its exports are in
 * enterprise-list.server.ts, the profile page's read in enterprise-profile.server.ts.
 */
import { sql, type Expression, type SqlBool } from "kysely";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/dialect/sql";
import { transact } from "../../db/dialect/transact";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import { recordAudit } from "~/models/audit.server";
import { todayInShanghai } from "~/utils/format";

// ───────────────────────────── scope ─────────────────────────────

/** The caller's scope as SQL over `enterprises as e`. */
export function scopeCondition(caller: Caller): Expression<SqlBool> | null {
  if (seesEverything(caller)) return null;
  if (caller.role === "town_officer" && caller.townCode) return sql<SqlBool>`e.town_code = ${caller.townCode}`;
  if (caller.role === "enterprise" && caller.enterpriseId !== null) return sql<SqlBool>`e.id = ${caller.enterpriseId}`;
  return sql<SqlBool>`0 = 1`;
}

export function whereAll(conditions: Expression<SqlBool>[]): Expression<SqlBool> {
  return conditions.length ? sql<SqlBool>`${sql.join(conditions, sql` AND `)}` : sql<SqlBool>`1 = 1`;
}

// ───────────────────────────── one firm ─────────────────────────────

export interface EnterpriseDetail {
  id: number;
  uscc: string;
  name: string;
  townCode: string;
  industryCode: string;
  platform: string | null;
  aboveScale: boolean;
  address: string | null;
  legalRep: string | null;
  contactName: string | null;
  contactPhone: string | null;
  employees: number | null;
  revenueYuan: number | null;
  rdExpenseYuan: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

/** The :id of an enterprise URL as a number, or null for anything that cannot be an id. */
export function parseEnterpriseId(param: string | undefined): number | null {
  if (!param || !/^[1-9]\d{0,15}$/.test(param)) return null;
  const id = Number(param);
  return Number.isSafeInteger(id) ? id : null;
}

/** One firm within the caller's scope, or null (missing and out of scope look the same). */
export async function getEnterprise(db: Db, caller: Caller, id: number): Promise<EnterpriseDetail | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const scope = scopeCondition(caller);
  const row = await db
    .selectFrom("enterprises as e")
    .select([
      "e.id",
      "e.uscc",
      "e.name",
      "e.town_code",
      "e.industry_code",
      "e.platform",
      "e.above_scale",
      "e.address",
      "e.legal_rep",
      "e.contact_name",
      "e.contact_phone",
      "e.employees",
      "e.revenue_yuan",
      "e.rd_expense_yuan",
      "e.version",
      "e.created_at",
      "e.updated_at",
      "e.archived_at",
    ])
    .where("e.id", "=", id)
    .where(whereAll(scope ? [scope] : []))
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    uscc: row.uscc,
    name: row.name,
    townCode: row.town_code,
    industryCode: row.industry_code,
    platform: row.platform,
    aboveScale: row.above_scale === 1,
    address: row.address,
    legalRep: row.legal_rep,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
    employees: row.employees,
    revenueYuan: row.revenue_yuan,
    rdExpenseYuan: row.rd_expense_yuan,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

// ───────────────────────────── create, edit, archive ─────────────────────────────

/** What an enterprise user may change on its own firm: contacts and figures. */
export interface EnterpriseProfileInput {
  address: string | null;
  legalRep: string | null;
  contactName: string | null;
  contactPhone: string | null;
  employees: number | null;
  revenueYuan: number | null;
  rdExpenseYuan: number | null;
}

/** Everything a reviewer sets. */
export interface EnterpriseInput extends EnterpriseProfileInput {
  uscc: string;
  name: string;
  townCode: string;
  industryCode: string;
  platform: string | null;
  aboveScale: boolean;
}

export interface DuplicateFirm {
  id: number;
  name: string;
}

export type CreateResult = { ok: true; id: number } | { ok: false; reason: "duplicate"; duplicate: DuplicateFirm } | { ok: false; reason: "forbidden" };

export type UpdateResult =
  { ok: true; version: number; changed: string[] } | { ok: false; reason: "not-found" | "forbidden" | "conflict" } | { ok: false; reason: "duplicate"; duplicate: DuplicateFirm };

/** The firm holding a credit code, whatever the caller's scope (used to answer "already registered"). */
export async function findEnterpriseByUscc(db: Db, uscc: string): Promise<DuplicateFirm | null> {
  const row = await db.selectFrom("enterprises").select(["id", "name"]).where("uscc", "=", uscc).executeTakeFirst();
  return row ?? null;
}

/** A firm's credit code whatever the caller's scope (the admins' account form), or null. */
export async function enterpriseUsccOf(db: Db, id: number): Promise<string | null> {
  const row = await db.selectFrom("enterprises").select("uscc").where("id", "=", id).executeTakeFirst();
  return row?.uscc ?? null;
}

const PROFILE_COLUMNS = {
  address: "address",
  legalRep: "legal_rep",
  contactName: "contact_name",
  contactPhone: "contact_phone",
  employees: "employees",
  revenueYuan: "revenue_yuan",
  rdExpenseYuan: "rd_expense_yuan",
} as const;

const IDENTITY_COLUMNS = {
  uscc: "uscc",
  name: "name",
  townCode: "town_code",
  industryCode: "industry_code",
  platform: "platform",
  aboveScale: "above_scale",
} as const;

function toColumns(input: Partial<EnterpriseInput>, columns: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    if (!(key in input)) continue;
    const value = (input as Record<string, unknown>)[key];
    values[column] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  }
  return values;
}

/** The row a new firm is inserted as (one form, or many rows of an import). */
export function newEnterpriseRow(input: EnterpriseInput, at: string) {
  return {
    uscc: input.uscc,
    name: input.name,
    town_code: input.townCode,
    industry_code: input.industryCode,
    platform: input.platform,
    above_scale: input.aboveScale ? 1 : 0,
    address: input.address,
    legal_rep: input.legalRep,
    contact_name: input.contactName,
    contact_phone: input.contactPhone,
    employees: input.employees,
    revenue_yuan: input.revenueYuan,
    rd_expense_yuan: input.rdExpenseYuan,
    version: 1,
    created_at: at,
    updated_at: at,
    archived_at: null,
  };
}

/** Registers a firm (reviewers and admins). A taken credit code answers with the firm holding it. */
export async function createEnterprise(db: Db, caller: Caller, input: EnterpriseInput, now = new Date()): Promise<CreateResult> {
  if (!seesEverything(caller)) return { ok: false, reason: "forbidden" };
  const existing = await findEnterpriseByUscc(db, input.uscc);
  if (existing) return { ok: false, reason: "duplicate", duplicate: existing };
  const at = now.toISOString();
  try {
    const id = await transact(db, async (trx) => {
      const row = await trx.insertInto("enterprises").values(newEnterpriseRow(input, at)).returning("id").executeTakeFirstOrThrow();
      await recordNewFirmFigures(trx, caller, [{ id: row.id, employees: input.employees, revenue_yuan: input.revenueYuan, rd_expense_yuan: input.rdExpenseYuan }], now);
      await recordAudit(trx, { actorId: caller.id, action: "enterprise.create", subject: `enterprise:${row.id}`, data: { uscc: input.uscc } });
      return row.id;
    });
    return { ok: true, id };
  } catch (error) {
    // Two reviewers registering the same code at once: the unique index decides, the loser is told.
    if (isUniqueViolation(error)) {
      const winner = await findEnterpriseByUscc(db, input.uscc);
      if (winner) return { ok: false, reason: "duplicate", duplicate: winner };
    }
    throw error;
  }
}

/**
 * Saves an edit if nobody changed the firm since `expectedVersion` was read (compare-and-set on
 * enterprises.version). Reviewers change everything; an enterprise user only the profile fields
 * of its own firm (anything else it sends is ignored); town officers nothing.
 */
export async function updateEnterprise(
  db: Db,
  caller: Caller,
  id: number,
  expectedVersion: number,
  input: EnterpriseInput | EnterpriseProfileInput,
  now = new Date(),
): Promise<UpdateResult> {
  if (caller.role === "town_officer") return { ok: false, reason: "forbidden" };
  const current = await getEnterprise(db, caller, id);
  if (!current) return { ok: false, reason: "not-found" };
  if (current.version !== expectedVersion) return { ok: false, reason: "conflict" };

  const columns = seesEverything(caller) ? { ...IDENTITY_COLUMNS, ...PROFILE_COLUMNS } : PROFILE_COLUMNS;
  const values = toColumns(input, columns);
  if ("uscc" in values && values.uscc !== current.uscc) {
    const holder = await findEnterpriseByUscc(db, values.uscc as string);
    if (holder && holder.id !== id) return { ok: false, reason: "duplicate", duplicate: holder };
  }
  const before: Record<string, unknown> = {
    uscc: current.uscc,
    name: current.name,
    town_code: current.townCode,
    industry_code: current.industryCode,
    platform: current.platform,
    above_scale: current.aboveScale ? 1 : 0,
    address: current.address,
    legal_rep: current.legalRep,
    contact_name: current.contactName,
    contact_phone: current.contactPhone,
    employees: current.employees,
    revenue_yuan: current.revenueYuan,
    rd_expense_yuan: current.rdExpenseYuan,
  };
  const changed = Object.keys(values).filter((column) => before[column] !== values[column]);
  if (changed.length === 0) return { ok: true, version: current.version, changed };

  // Revenue, R&D and employees are the latest year's figures: they are written there too, so the
  // database's copy onto the firm (migration 0011) finds them equal and leaves the version alone.
  const direct = values;
  const figures = Object.fromEntries(changed.filter((column) => FIGURE_COLUMNS.includes(column)).map((column) => [column, values[column]]));
  const write = async (trx: Db): Promise<UpdateResult> => {
    const result = await trx
      .updateTable("enterprises")
      .set({ ...direct, version: expectedVersion + 1, updated_at: now.toISOString() })
      .where("id", "=", id)
      .where("version", "=", expectedVersion)
      .executeTakeFirst();
    // Someone saved between our read and this write: the version no longer matches.
    if (Number(result.numUpdatedRows) === 0) return { ok: false, reason: "conflict" };
    let version = expectedVersion + 1;
    if (Object.keys(figures).length > 0) {
      await writeLatestFigures(trx, caller, id, figures, now);
      const after = await trx.selectFrom("enterprises").select("version").where("id", "=", id).executeTakeFirstOrThrow();
      version = Number(after.version);
    }
    await recordAudit(trx, { actorId: caller.id, action: "enterprise.update", subject: `enterprise:${id}`, data: { changed } });
    return { ok: true, version, changed };
  };
  try {
    return db.isTransaction ? await write(db) : await transact(db, write);
  } catch (error) {
    if (isUniqueViolation(error) && typeof values.uscc === "string") {
      const holder = await findEnterpriseByUscc(db, values.uscc);
      if (holder) return { ok: false, reason: "duplicate", duplicate: holder };
    }
    throw error;
  }
}

/** The firm's columns that copy its latest year's figures (migration 0011). */
const FIGURE_COLUMNS: readonly string[] = ["employees", "revenue_yuan", "rd_expense_yuan"];

/**
 * Writes revenue, R&D or employees typed on the firm's own form into its latest year's figures
 * (the reporting year, last year, when it has none yet); the other figures of that year stay.
 */
async function writeLatestFigures(trx: Db, caller: Caller, id: number, values: Record<string, unknown>, now: Date): Promise<void> {
  const latest = await trx.selectFrom("enterprise_figures").select(["id", "year", "version"]).where("enterprise_id", "=", id).orderBy("year", "desc").limit(1).executeTakeFirst();
  const source = seesEverything(caller) ? "bureau" : "enterprise";
  const at = now.toISOString();
  if (latest) {
    await trx
      .updateTable("enterprise_figures")
      .set({ ...values, source, updated_by: caller.id, updated_at: at, version: Number(latest.version) + 1 })
      .where("id", "=", latest.id)
      .execute();
  } else {
    await trx
      .insertInto("enterprise_figures")
      .values({ enterprise_id: id, year: Number(todayInShanghai(now).slice(0, 4)) - 1, ...values, source, updated_by: caller.id, updated_at: at, version: 1 })
      .execute();
  }
}

/** A new firm's revenue, R&D and employees become its figures of the year before `now` (Shanghai). */
export async function recordNewFirmFigures(
  trx: Db,
  caller: Caller,
  rows: { id: number; employees: number | null; revenue_yuan: number | null; rd_expense_yuan: number | null }[],
  now: Date,
  year?: number,
): Promise<void> {
  const at = now.toISOString();
  const y = year ?? Number(todayInShanghai(now).slice(0, 4)) - 1;
  const values = rows
    .filter((r) => r.employees !== null || r.revenue_yuan !== null || r.rd_expense_yuan !== null)
    .map((r) => ({
      enterprise_id: r.id,
      year: y,
      employees: r.employees,
      revenue_yuan: r.revenue_yuan,
      rd_expense_yuan: r.rd_expense_yuan,
      source: "bureau" as const,
      updated_by: caller.id,
      updated_at: at,
      version: 1,
    }));
  for (let i = 0; i < values.length; i += 500)
    await trx
      .insertInto("enterprise_figures")
      .values(values.slice(i, i + 500))
      .execute();
}

/** Archives or restores a firm (reviewers and admins); firms are never deleted. */
export async function setEnterpriseArchived(db: Db, caller: Caller, id: number, archived: boolean, now = new Date()): Promise<"ok" | "unchanged" | "not-found" | "forbidden"> {
  if (!seesEverything(caller)) return "forbidden";
  const current = await getEnterprise(db, caller, id);
  if (!current) return "not-found";
  if ((current.archivedAt !== null) === archived) return "unchanged";
  await transact(db, async (trx) => {
    await trx
      .updateTable("enterprises")
      .set({
        archived_at: archived ? now.toISOString() : null,
        version: sql<number>`version + 1`,
        updated_at: now.toISOString(),
      })
      .where("id", "=", id)
      .execute();
    await recordAudit(trx, {
      actorId: caller.id,
      action: archived ? "enterprise.archive" : "enterprise.restore",
      subject: `enterprise:${id}`,
    });
  });
  return "ok";
}
