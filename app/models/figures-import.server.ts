/**
 * The figures import: a statistics office's sheet of one year's figures becomes a preview —
 * each row new, update, unchanged, unknown firm or error, the reason naming the cell — and, once
 * confirmed, one transaction writing enterprise_figures of that year. Firms are matched by credit
 * code. As the enterprise import: the confirm recomputes the preview inside its transaction and
 * refuses when it differs from the one confirmed; blank cells never erase a figure.
 */
import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { transact } from "../../db/dialect/transact";
import { FIGURE_FIELD, FIGURE_FIELDS, checkFigures, emptyFigures, isMoneyKind, type FigureKey, type Figures } from "~/domain/figures";
import {
  FIGURES_IMPORT_FIELDS,
  YUAN_PER_UNIT,
  amountToYuan,
  countOfCell,
  countUnitReadable,
  readMoneyUnit,
  type FiguresImportKey,
  type MoneyUnitRead,
} from "~/domain/import/figures";
import { findHeader, sheetRecords } from "~/domain/import/headers";
import { formatWan } from "~/domain/money";
import { seesEverything, type Caller } from "~/domain/scope";
import { validateUscc } from "~/domain/uscc";
import { recordAudit } from "~/models/audit.server";
import { figuresOfRow, figuresRowsOf, writeImportedFigures } from "~/models/figures.server";
import type { ImportFileRef } from "~/models/import.server";
import type { Sheet } from "~/models/import-file.server";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export type FiguresRowKind = "new" | "update" | "unchanged" | "unknown" | "error";

export interface FiguresRowPlan {
  row: number;
  kind: FiguresRowKind;
  uscc: string | null;
  name: string | null;
  enterpriseId: number | null;
  errors: string[];
  warnings: string[];
  changes: { field: FigureKey; header: string; from: string; to: string }[];
  /** The figures the row provides (yuan), written over the year's others. */
  values: Partial<Figures> | null;
}

export interface FiguresPreview {
  year: number;
  headerRow: number | null;
  columns: { header: string; field: FiguresImportKey; unit: MoneyUnitRead | null }[];
  ignoredColumns: string[];
  fileErrors: string[];
  rows: FiguresRowPlan[];
  counts: Record<FiguresRowKind | "blank", number>;
  digest: string;
}

function digestOf(year: number, rows: FiguresRowPlan[]): string {
  const hash = createHash("sha256");
  hash.update(String(year));
  for (const r of rows) hash.update(JSON.stringify([r.row, r.kind, r.enterpriseId, r.values]));
  return hash.digest("hex");
}

function show(key: FigureKey, value: number | null | undefined): string {
  if (value === null || value === undefined) return "";
  return isMoneyKind(FIGURE_FIELD[key].kind) ? `${formatWan(value, { grouping: true })} 万元` : String(value);
}

/** The preview of a figures sheet for `year` against the database as it is now (pure reading). */
export async function previewFiguresImport(db: Db, sheet: Sheet, year: number, lang: Lang): Promise<FiguresPreview> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const counts: FiguresPreview["counts"] = { new: 0, update: 0, unchanged: 0, unknown: 0, error: 0, blank: 0 };
  const empty = (fileErrors: string[], extra: Partial<FiguresPreview> = {}): FiguresPreview => ({
    year,
    headerRow: null,
    columns: [],
    ignoredColumns: [],
    fileErrors,
    rows: [],
    counts,
    digest: digestOf(year, []),
    ...extra,
  });
  const header = findHeader(sheet.rows, FIGURES_IMPORT_FIELDS);
  if (!header) return empty([t("imp.file.noHeader")]);
  const units = new Map<FiguresImportKey, MoneyUnitRead | null>();
  const fileErrors: string[] = header.missing.map((m) => t("imp.file.missingColumn", { column: m.label }));
  for (const c of header.columns) {
    if (c.key === "uscc" || c.key === "name") continue;
    if (isMoneyKind(FIGURE_FIELD[c.key].kind)) {
      const unit = readMoneyUnit(c.header);
      units.set(c.key, unit);
      // Never a guess: a money column without a readable unit stops the whole file.
      if (unit === null) fileErrors.push(t("fig.import.unitMissing", { column: c.header }));
    } else if (!countUnitReadable(c.header)) {
      fileErrors.push(t("fig.import.unitCount", { column: c.header }));
    }
  }
  const columns = header.columns.map((c) => ({ header: c.header, field: c.key, unit: units.get(c.key) ?? null }));
  if (fileErrors.length > 0) return empty(fileErrors, { headerRow: header.headerRow + 1, columns, ignoredColumns: header.ignored });
  if (!header.columns.some((c) => c.key !== "uscc" && c.key !== "name")) {
    return empty([t("imp.file.missingColumn", { column: FIGURE_FIELD.revenueYuan.labelZh })], { headerRow: header.headerRow + 1, columns, ignoredColumns: header.ignored });
  }
  const headerOf = (key: FiguresImportKey) => header.columns.find((c) => c.key === key)?.header ?? key;
  const cell = (row: number, key: FiguresImportKey, message: string) => t("imp.cell", { row, column: headerOf(key), message });

  // 1. Each row on its own.
  const parsed: { row: number; uscc: string | null; name: string | null; errors: string[]; values: Partial<Figures> }[] = [];
  for (const { row, raw, text } of sheetRecords<FiguresImportKey>(sheet.rows, header, () => counts.blank++)) {
    const errors: string[] = [];
    let uscc: string | null = null;
    if (typeof raw.uscc === "number") errors.push(cell(row, "uscc", t("imp.err.usccNumber")));
    else {
      const r = validateUscc(text("uscc"));
      if (r.ok) uscc = r.value;
      else errors.push(cell(row, "uscc", lang === "en" ? r.messageEn : r.message));
    }
    const values: Partial<Figures> = {};
    for (const f of FIGURE_FIELDS) {
      if (!header.columns.some((c) => c.key === f.key)) continue;
      const typed = text(f.key);
      if (typed === "" || typed === "-" || typed === "—") continue;
      if (isMoneyKind(f.kind)) {
        const r = amountToYuan(typed, units.get(f.key)!, f.kind === "signed-money");
        if (r.ok) values[f.key] = r.yuan;
        else errors.push(cell(row, f.key, lang === "en" ? r.en : r.zh));
      } else {
        const r = countOfCell(typed);
        if (r.ok) values[f.key] = r.value;
        else errors.push(cell(row, f.key, lang === "en" ? r.en : r.zh));
      }
    }
    parsed.push({ row, uscc, name: text("name") || null, errors, values });
  }

  // 2. The same firm twice in one file is refused on every row but the first.
  const seen = new Map<string, number>();
  for (const p of parsed) {
    if (!p.uscc) continue;
    const first = seen.get(p.uscc);
    if (first !== undefined) p.errors.push(cell(p.row, "uscc", t("imp.err.duplicateDiffer", { rows: String(first) })));
    else seen.set(p.uscc, p.row);
  }

  // 3. Against the database: the firms by code, their figures of the year and the year before.
  const codes = [...seen.keys()];
  const firms = new Map<string, { id: number; name: string }>();
  for (let i = 0; i < codes.length; i += 500) {
    for (const f of await db
      .selectFrom("enterprises")
      .select(["id", "uscc", "name"])
      .where("uscc", "in", codes.slice(i, i + 500))
      .execute())
      firms.set(f.uscc, f);
  }
  const stored = await figuresRowsOf(
    db,
    [...firms.values()].map((f) => f.id),
    [year, year - 1],
  );

  const rows: FiguresRowPlan[] = [];
  for (const p of parsed) {
    const firm = p.uscc ? firms.get(p.uscc) : undefined;
    const plan: FiguresRowPlan = {
      row: p.row,
      kind: "error",
      uscc: p.uscc,
      name: firm?.name ?? p.name,
      enterpriseId: firm?.id ?? null,
      errors: p.errors,
      warnings: [],
      changes: [],
      values: null,
    };
    if (plan.errors.length === 0 && p.uscc && !firm) {
      plan.kind = "unknown";
      plan.errors.push(cell(p.row, "uscc", t("fig.import.unknownFirm", { uscc: p.uscc })));
    } else if (plan.errors.length === 0 && firm) {
      const current = stored.get(`${firm.id}:${year}`);
      const previous = stored.get(`${firm.id}:${year - 1}`);
      const before = current ? figuresOfRow(current) : emptyFigures();
      const merged: Figures = { ...before, ...p.values };
      const check = checkFigures(merged, previous ? figuresOfRow(previous) : null);
      const column = (k: FigureKey) => (header.columns.some((c) => c.key === k) ? k : "uscc");
      for (const e of check.errors) plan.errors.push(cell(p.row, column(e.field), lang === "en" ? e.en : e.zh));
      for (const w of check.warnings) plan.warnings.push(cell(p.row, column(w.field), lang === "en" ? w.en : w.zh));
      if (plan.errors.length === 0) {
        for (const [k, v] of Object.entries(p.values) as [FigureKey, number][]) {
          if (before[k] !== v) plan.changes.push({ field: k, header: headerOf(k), from: show(k, before[k]), to: show(k, v) });
        }
        plan.kind = plan.changes.length === 0 ? "unchanged" : current ? "update" : "new";
        plan.values = plan.changes.length ? p.values : null;
      }
    }
    counts[plan.kind]++;
    rows.push(plan);
  }
  return { year, headerRow: header.headerRow + 1, columns, ignoredColumns: header.ignored, fileErrors: [], rows, counts, digest: digestOf(year, rows) };
}

export type FiguresCommitResult =
  { ok: true; counts: FiguresPreview["counts"]; written: number } | { ok: false; reason: "changed" | "has-errors" | "nothing" | "file-errors" | "forbidden" };

/** Writes a previewed figures import in one transaction (rows with errors skipped when asked). */
export async function commitFiguresImport(
  db: Db,
  caller: Caller,
  sheet: Sheet,
  file: ImportFileRef,
  options: { year: number; digest: string; skipErrors: boolean; lang: Lang; now?: Date },
): Promise<FiguresCommitResult> {
  if (!seesEverything(caller)) return { ok: false, reason: "forbidden" };
  return transact(db, async (trx): Promise<FiguresCommitResult> => {
    const preview = await previewFiguresImport(trx, sheet, options.year, options.lang);
    if (preview.fileErrors.length > 0) return { ok: false, reason: "file-errors" };
    if (preview.digest !== options.digest) return { ok: false, reason: "changed" };
    if (preview.counts.error + preview.counts.unknown > 0 && !options.skipErrors) return { ok: false, reason: "has-errors" };
    const items = preview.rows.filter((r) => (r.kind === "new" || r.kind === "update") && r.values).map((r) => ({ enterpriseId: r.enterpriseId!, figures: r.values! }));
    if (items.length === 0) return { ok: false, reason: "nothing" };
    const written = await writeImportedFigures(trx, caller, options.year, items, options.now);
    const { blank, ...rest } = preview.counts;
    await recordAudit(trx, {
      actorId: caller.id,
      action: "import.figures",
      subject: `import:${file.sha256}`,
      data: {
        fileName: file.fileName,
        sha256: file.sha256,
        year: options.year,
        counts: { ...rest, blank },
        units: Object.fromEntries(preview.columns.filter((c) => c.unit).map((c) => [c.header, YUAN_PER_UNIT[c.unit!]])),
      },
    });
    return { ok: true, counts: preview.counts, written };
  });
}
