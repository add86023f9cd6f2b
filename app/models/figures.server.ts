/**
 * Yearly business figures (enterprise_figures): read within the caller's scope, written by the
 * firm (last year's only), by the bureau (any year) and by the figures import. Every change is
 * compare-and-set on the row's version and audited with what changed. The firm's own columns
 * (revenue, R&D, employees) follow its latest year by the database's triggers (migration 0011).
 */
import type { Insertable, Selectable } from "kysely";
import type { Db } from "../../db/client";
import type { EnterpriseFiguresTable, FiguresSourceColumn } from "../../db/schema";
import { transact } from "../../db/dialect/transact";
import { isUniqueViolation } from "../../db/dialect/sql";
import { FIGURE_FIELDS, FIGURE_KEYS, checkFigures, eligibilityPayloadFromFigures, figureRatios, type FigureMessage, type FigureRatios, type Figures } from "~/domain/figures";
import { seesEverything, type Caller } from "~/domain/scope";
import { recordAudit } from "~/models/audit.server";
import { getEnterprise } from "~/models/enterprise.server";
import { todayInShanghai } from "~/utils/format";

export type FiguresRow = Selectable<EnterpriseFiguresTable>;

const COLUMNS = ["id", "enterprise_id", "year", ...FIGURE_FIELDS.map((f) => f.column), "source", "updated_by", "updated_at", "version"] as (keyof FiguresRow)[];

export function figuresOfRow(row: Record<string, unknown>): Figures {
  const out = {} as Figures;
  for (const f of FIGURE_FIELDS) {
    const v = row[f.column];
    out[f.key] = v === null || v === undefined ? null : Number(v);
  }
  return out;
}

export function columnsOfFigures(figures: Figures): Record<string, number | null> {
  return Object.fromEntries(FIGURE_FIELDS.map((f) => [f.column, figures[f.key]]));
}

/** The year whose figures a firm reports now: last calendar year (Shanghai). */
export function reportingYear(today = todayInShanghai()): number {
  return Number(today.slice(0, 4)) - 1;
}

export interface FiguresYearView {
  year: number;
  figures: Figures;
  ratios: FigureRatios;
  source: FiguresSourceColumn;
  updatedAt: string;
  updatedByName: string | null;
  version: number;
}

export interface FiguresOverview {
  enterprise: { id: number; name: string; uscc: string; townCode: string; archived: boolean };
  /** Newest year first. */
  years: FiguresYearView[];
  reportingYear: number;
  /** What the caller may change: none, the reporting year only (the firm), or any year (bureau). */
  canEdit: "none" | "reporting-year" | "any";
}

export function editRightOf(caller: Caller): FiguresOverview["canEdit"] {
  if (seesEverything(caller)) return "any";
  if (caller.role === "enterprise") return "reporting-year";
  return "none";
}

/** A firm's figures of every year, or null when the firm is outside the caller's scope. */
export async function getFiguresOverview(db: Db, caller: Caller, enterpriseId: number, today = todayInShanghai()): Promise<FiguresOverview | null> {
  const firm = await getEnterprise(db, caller, enterpriseId);
  if (!firm) return null;
  const rows = await db
    .selectFrom("enterprise_figures as f")
    .leftJoin("users as u", "u.id", "f.updated_by")
    .select(COLUMNS.map((c) => `f.${c}` as const))
    .select("u.display_name as updated_by_name")
    .where("f.enterprise_id", "=", enterpriseId)
    .orderBy("f.year", "desc")
    .execute();
  const byYear = new Map<number, Figures>(rows.map((r) => [Number(r.year), figuresOfRow(r)]));
  return {
    enterprise: { id: firm.id, name: firm.name, uscc: firm.uscc, townCode: firm.townCode, archived: firm.archivedAt !== null },
    years: rows.map((r) => {
      const figures = byYear.get(Number(r.year))!;
      return {
        year: Number(r.year),
        figures,
        ratios: figureRatios(figures, byYear.get(Number(r.year) - 1) ?? null),
        source: r.source,
        updatedAt: r.updated_at,
        updatedByName: r.updated_by_name ?? null,
        version: Number(r.version),
      };
    }),
    reportingYear: reportingYear(today),
    canEdit: editRightOf(caller),
  };
}

/** Raw rows of some firms for some years (imports): by `${enterpriseId}:${year}`. */
export async function figuresRowsOf(db: Db, enterpriseIds: number[], years: number[]): Promise<Map<string, FiguresRow>> {
  const out = new Map<string, FiguresRow>();
  for (let i = 0; i < enterpriseIds.length; i += 500) {
    const batch = enterpriseIds.slice(i, i + 500);
    if (batch.length === 0 || years.length === 0) continue;
    const rows = await db.selectFrom("enterprise_figures").select(COLUMNS).where("enterprise_id", "in", batch).where("year", "in", years).execute();
    for (const r of rows as FiguresRow[]) out.set(`${r.enterprise_id}:${r.year}`, r);
  }
  return out;
}

/** Whether the firm has figures of `year` (the enterprise home's reminder). */
export async function hasFiguresOf(db: Db, enterpriseId: number, year: number): Promise<boolean> {
  const row = await db.selectFrom("enterprise_figures").select("id").where("enterprise_id", "=", enterpriseId).where("year", "=", year).executeTakeFirst();
  return row !== undefined;
}

/**
 * The eligibility pre-check's payload from a firm's figures of `year` (default: its latest
 * year) and the year before: what other code evaluates a firm's standing with. Null when out of
 * scope or without figures.
 */
export async function eligibilityPayloadOf(db: Db, caller: Caller, enterpriseId: number, year?: number): Promise<{ year: number; payload: Record<string, number> } | null> {
  const firm = await getEnterprise(db, caller, enterpriseId);
  if (!firm) return null;
  const rows = await db
    .selectFrom("enterprise_figures")
    .select(COLUMNS)
    .where("enterprise_id", "=", enterpriseId)
    .$if(year !== undefined, (q) => q.where("year", "<=", year!))
    .orderBy("year", "desc")
    .limit(2)
    .execute();
  const [current, before] = rows as FiguresRow[];
  if (!current || (year !== undefined && current.year !== year)) return null;
  const previous = before && before.year === current.year - 1 ? figuresOfRow(before) : null;
  return { year: current.year, payload: eligibilityPayloadFromFigures(figuresOfRow(current), previous) };
}

export type SaveFiguresResult =
  | { ok: true; version: number; changed: string[] }
  | { ok: false; reason: "not-found" | "forbidden" | "conflict" | "year" }
  | { ok: false; reason: "invalid"; errors: FigureMessage[] }
  | { ok: false; reason: "doubtful"; warnings: FigureMessage[] };

/**
 * Saves one year's figures of a firm. `expectedVersion` is the row's version the form saw (0: no
 * row yet). Refused figures answer `invalid`; figures more than 10 times the year before answer
 * `doubtful` until `confirmed`. Runs in the caller's transaction when given one.
 */
export async function saveFigures(
  db: Db,
  caller: Caller,
  enterpriseId: number,
  year: number,
  figures: Figures,
  options: { expectedVersion: number; confirmed: boolean; source?: FiguresSourceColumn; today?: string; now?: Date },
): Promise<SaveFiguresResult> {
  const firm = await getEnterprise(db, caller, enterpriseId);
  if (!firm) return { ok: false, reason: "not-found" };
  const right = editRightOf(caller);
  if (right === "none") return { ok: false, reason: "forbidden" };
  if (!Number.isSafeInteger(year) || year < 2000 || year > 2100) return { ok: false, reason: "year" };
  if (right === "reporting-year" && year !== reportingYear(options.today)) return { ok: false, reason: "year" };
  const source: FiguresSourceColumn = options.source ?? (right === "any" ? "bureau" : "enterprise");
  const at = (options.now ?? new Date()).toISOString();

  const run = async (trx: Db): Promise<SaveFiguresResult> => {
    const rows = (await trx
      .selectFrom("enterprise_figures")
      .select(COLUMNS)
      .where("enterprise_id", "=", enterpriseId)
      .where("year", "in", [year, year - 1])
      .execute()) as FiguresRow[];
    const current = rows.find((r) => r.year === year) ?? null;
    const previous = rows.find((r) => r.year === year - 1) ?? null;
    if ((current ? Number(current.version) : 0) !== options.expectedVersion) return { ok: false, reason: "conflict" };
    const check = checkFigures(figures, previous ? figuresOfRow(previous) : null);
    if (check.errors.length > 0) return { ok: false, reason: "invalid", errors: check.errors };
    if (check.warnings.length > 0 && !options.confirmed) return { ok: false, reason: "doubtful", warnings: check.warnings };
    const before = current ? figuresOfRow(current) : null;
    const changed = FIGURE_KEYS.filter((k) => (before ? before[k] : null) !== figures[k]);
    if (current && changed.length === 0) return { ok: true, version: Number(current.version), changed: [] };
    if (!current && changed.length === 0) return { ok: true, version: 0, changed: [] };
    if (current) {
      const result = await trx
        .updateTable("enterprise_figures")
        .set({ ...columnsOfFigures(figures), source, updated_by: caller.id, updated_at: at, version: Number(current.version) + 1 })
        .where("id", "=", current.id)
        .where("version", "=", Number(current.version))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return { ok: false, reason: "conflict" };
    } else {
      await trx
        .insertInto("enterprise_figures")
        .values({ enterprise_id: enterpriseId, year, ...columnsOfFigures(figures), source, updated_by: caller.id, updated_at: at, version: 1 })
        .execute();
    }
    await recordAudit(trx, {
      actorId: caller.id,
      action: "figures.update",
      subject: `enterprise:${enterpriseId}`,
      data: {
        year,
        source,
        changes: Object.fromEntries(changed.map((k) => [k, { from: before ? before[k] : null, to: figures[k] }])),
        ...(check.warnings.length ? { confirmedWarnings: check.warnings.map((w) => w.field) } : {}),
      },
    });
    return { ok: true, version: current ? Number(current.version) + 1 : 1, changed };
  };
  try {
    return db.isTransaction ? await run(db) : await transact(db, run);
  } catch (error) {
    // Two first saves of the same year at once: the unique (enterprise_id, year) decides.
    if (isUniqueViolation(error)) return { ok: false, reason: "conflict" };
    throw error;
  }
}

/**
 * Writes many firms' figures of one year in the caller's transaction (imports): provided values
 * over what the year holds (a blank cell never erases), as one insert or update per firm.
 */
export async function writeImportedFigures(trx: Db, caller: Caller, year: number, items: { enterpriseId: number; figures: Partial<Figures> }[], now = new Date()): Promise<number> {
  const at = now.toISOString();
  const existing = await figuresRowsOf(
    trx,
    items.map((i) => i.enterpriseId),
    [year],
  );
  let written = 0;
  const inserts: Insertable<EnterpriseFiguresTable>[] = [];
  for (const item of items) {
    const current = existing.get(`${item.enterpriseId}:${year}`);
    const values: Record<string, number | null> = {};
    for (const f of FIGURE_FIELDS) if (item.figures[f.key] !== undefined) values[f.column] = item.figures[f.key]!;
    if (Object.keys(values).length === 0) continue;
    if (!current) {
      // New years in multi-row inserts (every column named, blanks as null): 10,000 firms of an
      // enterprise list in single inserts added a second to its confirm.
      const figureColumns: Record<string, number | null> = {};
      for (const f of FIGURE_FIELDS) figureColumns[f.column] = values[f.column] ?? null;
      inserts.push({ enterprise_id: item.enterpriseId, year, ...figureColumns, source: "import", updated_by: caller.id, updated_at: at, version: 1 });
      written++;
      continue;
    }
    if (Object.entries(values).every(([c, v]) => (current as Record<string, unknown>)[c] === v)) continue;
    await trx
      .updateTable("enterprise_figures")
      .set({ ...values, source: "import", updated_by: caller.id, updated_at: at, version: Number(current.version) + 1 })
      .where("id", "=", current.id)
      .execute();
    written++;
  }
  for (let i = 0; i < inserts.length; i += 200)
    await trx
      .insertInto("enterprise_figures")
      .values(inserts.slice(i, i + 200))
      .execute();
  return written;
}

/**
 * The year whose figures the firm's own form writes (its latest year), or last year when it has
 * none yet: the year the form's figure fields are labelled with.
 */
export async function figuresYearOfForm(db: Db, enterpriseId: number, today = todayInShanghai()): Promise<number> {
  const row = await db
    .selectFrom("enterprise_figures")
    .select((eb) => eb.fn.max("year").as("year"))
    .where("enterprise_id", "=", enterpriseId)
    .executeTakeFirst();
  return row?.year ? Number(row.year) : Number(today.slice(0, 4)) - 1;
}
