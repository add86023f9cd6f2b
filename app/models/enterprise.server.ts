import { daysBetween } from "~/domain/validity";
import { sql, type Expression, type SqlBool } from "kysely";
import type { Db } from "../../db/client";
import { isUniqueViolation, likeInsensitive } from "../../db/dialect/sql";
import { transact } from "../../db/dialect/transact";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import type { Status } from "~/domain/state-machine";
import { TIERS, levelRank, type Level, type TierCode } from "~/domain/tiers";
import { daysLeft } from "~/domain/validity";
import { normalizeUscc } from "~/domain/uscc";
import { recordAudit } from "~/models/audit.server";
import { todayInShanghai } from "~/utils/format";

// ───────────────────────────── list: query, filters, keyset ─────────────────────────────

export const SORT_KEYS = ["name", "uscc", "updated"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const ARCHIVED_MODES = ["hide", "include", "only"] as const;
export type ArchivedMode = (typeof ARCHIVED_MODES)[number];

/** The registry's filters, sort and page position, as read from the URL. */
export interface EnterpriseListQuery {
  q?: string;
  town?: string;
  industry?: string;
  tier?: TierCode;
  level?: Level;
  /** Firms without a live award of this tier ("above scale, no 洁美工厂 yet"). */
  notTier?: TierCode;
  /** Manufacturing industries only (the clean-beauty work list's population). */
  manufacturing?: boolean;
  aboveScale?: boolean;
  archived: ArchivedMode;
  sort: SortKey;
  dir: "asc" | "desc";
  /** Keyset position: rows after this one. */
  cursor?: string;
  /** Keyset position: rows before this one (the previous page). */
  before?: string;
}

export const DEFAULT_LIST_QUERY: EnterpriseListQuery = { archived: "hide", sort: "name", dir: "asc" };

/** A live tier held by a firm: the highest live level of that tier, with the year it was awarded. */
export interface HeldTier {
  tierCode: TierCode;
  level: Level;
  year: number;
  /** End of validity of the award held (null: does not lapse) and the days left to it. */
  validUntil?: string | null;
  daysLeft?: number | null;
}

export interface EnterpriseListRow {
  id: number;
  name: string;
  uscc: string;
  townCode: string;
  industryCode: string;
  aboveScale: boolean;
  updatedAt: string;
  archived: boolean;
  tiers: HeldTier[];
}

/** The columns of an export: the list row plus contacts and figures. */
export interface EnterpriseExportRow extends EnterpriseListRow {
  platform: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  employees: number | null;
  revenueYuan: number | null;
  rdExpenseYuan: number | null;
}

export interface EnterprisePage {
  rows: EnterpriseListRow[];
  /** Matching firms, exact unless `totalAtLeast` (then at least this many: the count is capped). */
  total: number;
  totalAtLeast: boolean;
  /** Cursor of the next page (rows after the last one), or null on the last page. */
  nextCursor: string | null;
  /** Cursor for the previous page (rows before the first one), or null on the first page. */
  prevCursor: string | null;
  /** The town the list is clamped to for a town officer, whatever the URL said. */
  scopeTown: string | null;
}

const SORT_COLUMN: Record<SortKey, "e.name" | "e.uscc" | "e.updated_at"> = {
  name: "e.name",
  uscc: "e.uscc",
  updated: "e.updated_at",
};

type Key = { value: string; id: number };

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify([key.value, key.id]), "utf8").toString("base64url");
}

/** A cursor that does not decode to [string, integer] is ignored: the first page is shown. */
function decodeCursor(cursor: string | undefined): Key | null {
  if (!cursor) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === "string" &&
      Number.isSafeInteger(parsed[1])
    ) {
      return { value: parsed[0], id: parsed[1] as number };
    }
  } catch {
    /* fall through */
  }
  return null;
}

/** "%" and "_" typed by a user are literal characters, not wildcards. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const USCC_PREFIX = /^[0-9A-HJ-NPQRTUWXY]{2,18}$/;

/** The caller's scope as SQL over `enterprises as e`. */
function scopeCondition(caller: Caller): Expression<SqlBool> | null {
  if (seesEverything(caller)) return null;
  if (caller.role === "town_officer" && caller.townCode) return sql<SqlBool>`e.town_code = ${caller.townCode}`;
  if (caller.role === "enterprise" && caller.enterpriseId !== null) return sql<SqlBool>`e.id = ${caller.enterpriseId}`;
  return sql<SqlBool>`0 = 1`;
}

/** A live award: not revoked, and not past its valid-until date (Shanghai calendar). */
function liveAward(alias: string, today: string): Expression<SqlBool> {
  const a = sql.table(alias);
  return sql<SqlBool>`${a}.revoked_on IS NULL AND (${a}.valid_until IS NULL OR ${a}.valid_until >= ${today})`;
}

/** Scope and filters, without the page position: the WHERE of the page and of its count. */
function filterConditions(db: Db, caller: Caller, query: EnterpriseListQuery, today: string): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const scope = scopeCondition(caller);
  if (scope) conditions.push(scope);
  // A town officer is already clamped to its town by the scope; its `town` parameter is ignored.
  if (query.town && seesEverything(caller)) conditions.push(sql<SqlBool>`e.town_code = ${query.town}`);
  if (query.industry) conditions.push(sql<SqlBool>`e.industry_code = ${query.industry}`);
  if (query.manufacturing) {
    conditions.push(sql<SqlBool>`e.industry_code IN (SELECT i.code FROM industries i WHERE i.manufacturing = 1)`);
  }
  if (query.aboveScale !== undefined) conditions.push(sql<SqlBool>`e.above_scale = ${query.aboveScale ? 1 : 0}`);
  if (query.archived === "hide") conditions.push(sql<SqlBool>`e.archived_at IS NULL`);
  if (query.archived === "only") conditions.push(sql<SqlBool>`e.archived_at IS NOT NULL`);
  if (query.q) {
    const text = query.q.trim();
    const prefix = normalizeUscc(text);
    const byName = likeInsensitive(db, sql`e.name`, likeContains(text));
    // A credit-code prefix is a range on the unique uscc index ("~" sorts after every code character).
    conditions.push(
      USCC_PREFIX.test(prefix)
        ? sql<SqlBool>`(${byName} OR (e.uscc >= ${prefix} AND e.uscc < ${prefix + "~"}))`
        : byName,
    );
  }
  if (query.tier || query.level) {
    // EXISTS probes awards_enterprise (enterprise_id, tier_code) once per candidate firm.
    const tier = query.tier ? sql`AND a.tier_code = ${query.tier}` : sql``;
    const level = query.level ? sql`AND a.level = ${query.level}` : sql``;
    conditions.push(
      sql<SqlBool>`EXISTS (SELECT 1 FROM awards a WHERE a.enterprise_id = e.id ${tier} ${level} AND ${liveAward("a", today)})`,
    );
  }
  if (query.notTier) {
    // The same index probe as above, negated: one seek per candidate firm, no join.
    conditions.push(
      sql<SqlBool>`NOT EXISTS (SELECT 1 FROM awards n WHERE n.enterprise_id = e.id AND n.tier_code = ${query.notTier} AND ${liveAward("n", today)})`,
    );
  }
  return conditions;
}

function whereAll(conditions: Expression<SqlBool>[]): Expression<SqlBool> {
  return conditions.length ? sql<SqlBool>`${sql.join(conditions, sql` AND `)}` : sql<SqlBool>`1 = 1`;
}

async function fetchRows(
  db: Db,
  conditions: Expression<SqlBool>[],
  sort: SortKey,
  dir: "asc" | "desc",
  after: Key | null,
  limit: number,
) {
  const column = sql.ref(SORT_COLUMN[sort]);
  const all = [...conditions];
  // Row values let SQLite seek straight to the position in the (column, id) index.
  if (after) {
    all.push(
      dir === "asc"
        ? sql<SqlBool>`(${column}, e.id) > (${after.value}, ${after.id})`
        : sql<SqlBool>`(${column}, e.id) < (${after.value}, ${after.id})`,
    );
  }
  return db
    .selectFrom("enterprises as e")
    .select([
      "e.id",
      "e.name",
      "e.uscc",
      "e.town_code",
      "e.industry_code",
      "e.platform",
      "e.above_scale",
      "e.address",
      "e.contact_name",
      "e.contact_phone",
      "e.employees",
      "e.revenue_yuan",
      "e.rd_expense_yuan",
      "e.updated_at",
      "e.archived_at",
    ])
    .where(whereAll(all))
    .orderBy(SORT_COLUMN[sort], dir)
    .orderBy("e.id", dir)
    .limit(limit)
    .execute();
}

type RawRow = Awaited<ReturnType<typeof fetchRows>>[number];

function sortValue(row: RawRow, sort: SortKey): string {
  return sort === "name" ? row.name : sort === "uscc" ? row.uscc : row.updated_at;
}

const TIER_SORT = new Map(TIERS.map((t) => [t.code, t.sort]));

/** Live tiers of many firms in one query (no N+1): per firm and tier, the highest live level. */
async function heldTiers(db: Db, ids: number[], today: string): Promise<Map<number, HeldTier[]>> {
  const result = new Map<number, HeldTier[]>();
  if (ids.length === 0) return result;
  const awards = await db
    .selectFrom("awards as a")
    .select(["a.enterprise_id", "a.tier_code", "a.level", "a.year", "a.valid_until"])
    .where("a.enterprise_id", "in", ids)
    .where(liveAward("a", today))
    .execute();
  for (const award of awards) {
    const list = result.get(award.enterprise_id) ?? [];
    const existing = list.find((h) => h.tierCode === award.tier_code);
    const candidate: HeldTier = {
      tierCode: award.tier_code as TierCode,
      level: award.level,
      year: award.year,
      validUntil: award.valid_until,
      daysLeft: award.valid_until === null ? null : daysLeft(award.valid_until, today),
    };
    if (!existing) list.push(candidate);
    else if (
      levelRank(candidate.level) > levelRank(existing.level) ||
      (candidate.level === existing.level && candidate.year > existing.year)
    ) {
      Object.assign(existing, candidate);
    }
    result.set(award.enterprise_id, list);
  }
  for (const list of result.values()) {
    list.sort((x, y) => (TIER_SORT.get(x.tierCode) ?? 99) - (TIER_SORT.get(y.tierCode) ?? 99));
  }
  return result;
}

function toListRow(row: RawRow, tiers: Map<number, HeldTier[]>): EnterpriseListRow {
  return {
    id: row.id,
    name: row.name,
    uscc: row.uscc,
    townCode: row.town_code,
    industryCode: row.industry_code,
    aboveScale: row.above_scale === 1,
    updatedAt: row.updated_at,
    archived: row.archived_at !== null,
    tiers: tiers.get(row.id) ?? [],
  };
}

function toExportRow(row: RawRow, tiers: Map<number, HeldTier[]>): EnterpriseExportRow {
  // Added to the list row in place: a spread copy ({ ...listRow, ... }) cost ~3 kB of garbage per
  // firm of an export, most of it promoted to V8's old generation.
  return Object.assign(toListRow(row, tiers), {
    platform: row.platform,
    address: row.address,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
    employees: row.employees,
    revenueYuan: row.revenue_yuan,
    rdExpenseYuan: row.rd_expense_yuan,
  });
}

/** Number of firms matching the filters within the caller's scope (same WHERE as the page). */
export async function countEnterprises(
  db: Db,
  caller: Caller,
  query: EnterpriseListQuery,
  today = todayInShanghai(),
): Promise<number> {
  const row = await db
    .selectFrom("enterprises as e")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(whereAll(filterConditions(db, caller, query, today)))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The list's "共 N 家": exact up to LIST_COUNT_CAP, else LIST_COUNT_CAP with `atLeast`. An exact
 * count reads every matching index entry: the unfiltered registry of a province (a million
 * firms) took ~100 ms on every view; capped, at most 10,001 entries. Exports count exactly.
 */
export const LIST_COUNT_CAP = 10_000;

async function countForList(db: Db, conditions: Expression<SqlBool>[], cap: number): Promise<{ total: number; atLeast: boolean }> {
  const row = await db
    .selectFrom((qb) =>
      qb.selectFrom("enterprises as e").select(sql`1`.as("one")).where(whereAll(conditions)).limit(cap + 1).as("matching"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > cap ? { total: cap, atLeast: true } : { total: n, atLeast: false };
}

/**
 * One page of the registry within the caller's scope: filtered, sorted, keyset-paged in either
 * direction, with the total and the live tiers of the rows.
 */
export async function listEnterprises(
  db: Db,
  caller: Caller,
  query: EnterpriseListQuery,
  options: { pageSize?: number; today?: string; countCap?: number } = {},
): Promise<EnterprisePage> {
  const pageSize = options.pageSize ?? 50;
  const today = options.today ?? todayInShanghai();
  const conditions = filterConditions(db, caller, query, today);
  const backward = !query.cursor && Boolean(query.before);
  const position = decodeCursor(query.cursor ?? query.before);
  const flip = (d: "asc" | "desc") => (d === "asc" ? "desc" : "asc");
  const fetchDir = backward && position ? flip(query.dir) : query.dir;
  const fetched = await fetchRows(db, conditions, query.sort, fetchDir, position, pageSize + 1);
  const more = fetched.length > pageSize;
  const raw = fetched.slice(0, pageSize);
  if (backward && position) raw.reverse();
  const first = raw[0];
  const last = raw[raw.length - 1];
  const keyOf = (r: RawRow) => encodeCursor({ value: sortValue(r, query.sort), id: r.id });

  let nextCursor: string | null = null;
  let prevCursor: string | null = null;
  if (backward && position) {
    nextCursor = last ? keyOf(last) : null;
    prevCursor = more && first ? keyOf(first) : null;
  } else {
    nextCursor = more && last ? keyOf(last) : null;
    prevCursor = position && first ? keyOf(first) : null;
  }

  const [count, tiers] = await Promise.all([countForList(db, conditions, options.countCap ?? LIST_COUNT_CAP), heldTiers(db, raw.map((r) => r.id), today)]);
  return {
    rows: raw.map((r) => toListRow(r, tiers)),
    total: count.total,
    totalAtLeast: count.atLeast,
    nextCursor,
    prevCursor,
    scopeTown: caller.role === "town_officer" ? caller.townCode : null,
  };
}

/**
 * Every firm of the filtered view in the caller's scope, in list order, in keyset batches so an
 * export never holds the whole table in memory. A consumer should be done with a batch before
 * it waits on anything: rows that outlive two minor GCs move to V8's old generation, which only
 * a full GC empties. Measured on a 100,000-firm CSV export: batches of 200 grew the server's
 * RSS by 3 MB; batches of 500, by 64 MB; 1,000 with row-by-row consumption, by 114 MB.
 */
export async function* iterateEnterpriseBatches(
  db: Db,
  caller: Caller,
  query: EnterpriseListQuery,
  options: { batchSize?: number; today?: string } = {},
): AsyncGenerator<EnterpriseExportRow[]> {
  const batchSize = options.batchSize ?? 200;
  const today = options.today ?? todayInShanghai();
  const conditions = filterConditions(db, caller, query, today);
  let after: Key | null = null;
  for (;;) {
    const batch = await fetchRows(db, conditions, query.sort, query.dir, after, batchSize);
    if (batch.length === 0) return;
    const tiers = await heldTiers(db, batch.map((r) => r.id), today);
    yield batch.map((row) => toExportRow(row, tiers));
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1]!;
    after = { value: sortValue(last, query.sort), id: last.id };
  }
}

// ───────────────────────────── profile ─────────────────────────────

export type AwardState = "live" | "expired" | "revoked";

export interface AwardView {
  id: number;
  tierCode: TierCode;
  level: Level;
  year: number;
  recognizedOn: string | null;
  validUntil: string | null;
  documentNo: string | null;
  revokedOn: string | null;
  revokedReason: string | null;
  state: AwardState;
  /** Days until valid_until (negative once expired); null without one (0015). */
  daysLeft: number | null;
  /** The day a renewal (复核) superseded it (0015). */
  endedOn: string | null;
}

export interface ApplicationSummary {
  id: number;
  tierCode: TierCode;
  year: number;
  levelSought: Level | null;
  status: Status;
  submittedAt: string | null;
  updatedAt: string;
}

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

export interface EnterpriseProfile extends EnterpriseDetail {
  awards: AwardView[];
  applications: ApplicationSummary[];
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

export function awardState(award: { revoked_on: string | null; valid_until: string | null }, today: string): AwardState {
  if (award.revoked_on !== null) return "revoked";
  if (award.valid_until !== null && award.valid_until < today) return "expired";
  return "live";
}

/** The profile page: the firm, every award it ever had, and its applications (newest first). */
export async function getEnterpriseProfile(
  db: Db,
  caller: Caller,
  id: number,
  today = todayInShanghai(),
): Promise<EnterpriseProfile | null> {
  const detail = await getEnterprise(db, caller, id);
  if (!detail) return null;
  const [awards, applications] = await Promise.all([
    db
      .selectFrom("awards")
      .select([
        "id",
        "tier_code",
        "level",
        "year",
        "recognized_on",
        "valid_until",
        "document_no",
        "revoked_on",
        "revoked_reason",
        "ended_on",
      ])
      .where("enterprise_id", "=", id)
      .orderBy("year", "desc")
      .orderBy("id", "desc")
      .execute(),
    db
      .selectFrom("applications")
      .select(["id", "tier_code", "year", "level_sought", "status", "submitted_at", "updated_at"])
      .where("enterprise_id", "=", id)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute(),
  ]);
  return {
    ...detail,
    awards: awards.map((a) => ({
      id: a.id,
      tierCode: a.tier_code as TierCode,
      level: a.level,
      year: a.year,
      recognizedOn: a.recognized_on,
      validUntil: a.valid_until,
      documentNo: a.document_no,
      revokedOn: a.revoked_on,
      revokedReason: a.revoked_reason,
      state: awardState(a, today),
      daysLeft: a.valid_until ? daysBetween(today, a.valid_until) : null,
      endedOn: a.ended_on,
    })),
    applications: applications.map((a) => ({
      id: a.id,
      tierCode: a.tier_code as TierCode,
      year: a.year,
      levelSought: a.level_sought,
      status: a.status,
      submittedAt: a.submitted_at,
      updatedAt: a.updated_at,
    })),
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
  | { ok: true; version: number; changed: string[] }
  | { ok: false; reason: "not-found" | "forbidden" | "conflict" }
  | { ok: false; reason: "duplicate"; duplicate: DuplicateFirm };

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
      const row = await trx
        .insertInto("enterprises")
        .values(newEnterpriseRow(input, at))
        .returning("id")
        .executeTakeFirstOrThrow();
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
  const latest = await trx
    .selectFrom("enterprise_figures")
    .select(["id", "year", "version"])
    .where("enterprise_id", "=", id)
    .orderBy("year", "desc")
    .limit(1)
    .executeTakeFirst();
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
export async function recordNewFirmFigures(trx: Db, caller: Caller, rows: { id: number; employees: number | null; revenue_yuan: number | null; rd_expense_yuan: number | null }[], now: Date, year?: number): Promise<void> {
  const at = now.toISOString();
  const y = year ?? Number(todayInShanghai(now).slice(0, 4)) - 1;
  const values = rows
    .filter((r) => r.employees !== null || r.revenue_yuan !== null || r.rd_expense_yuan !== null)
    .map((r) => ({ enterprise_id: r.id, year: y, employees: r.employees, revenue_yuan: r.revenue_yuan, rd_expense_yuan: r.rd_expense_yuan, source: "bureau" as const, updated_by: caller.id, updated_at: at, version: 1 }));
  for (let i = 0; i < values.length; i += 500) await trx.insertInto("enterprise_figures").values(values.slice(i, i + 500)).execute();
}

/** Archives or restores a firm (reviewers and admins); firms are never deleted. */
export async function setEnterpriseArchived(
  db: Db,
  caller: Caller,
  id: number,
  archived: boolean,
  now = new Date(),
): Promise<"ok" | "unchanged" | "not-found" | "forbidden"> {
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
