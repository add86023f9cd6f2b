/**
 * Enterprise import: a spreadsheet of firms becomes a preview — each row new, update,
 * unchanged or error, with the reason naming the cell — and, once confirmed, one transaction
 * through the registry's own commands (createEnterprise, updateEnterprise). The confirm
 * recomputes the preview inside that transaction and refuses when it differs from the one the
 * reviewer saw, so nothing changed since is overwritten.
 */
import { transact } from "../../db/dialect/transact";
import { isUniqueViolation } from "../../db/dialect/sql";
import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { parseYesNo } from "~/domain/import/cells";
import { ENTERPRISE_FIELDS, findHeader, moneyUnitOf, sheetRecords, toWanText, type EnterpriseFieldKey } from "~/domain/import/headers";
import { matchIndustry, matchTown } from "~/domain/import/places";
import { formatWan } from "~/domain/money";
import { seesEverything, type Caller } from "~/domain/scope";
import { recordAudit } from "~/models/audit.server";
import { figuresRowsOf, reportingYear, writeImportedFigures } from "~/models/figures.server";
import type { Figures } from "~/domain/figures";
import { todayInShanghai } from "~/utils/format";
import { newEnterpriseRow, updateEnterprise, type EnterpriseInput } from "~/models/enterprise.server";
import type { Sheet } from "~/models/import-file.server";
import { enterpriseImportRowSchema } from "~/schemas/import.server";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export type EnterpriseRowKind = "new" | "update" | "unchanged" | "error";

export interface FieldChange {
  field: EnterpriseFieldKey;
  header: string;
  from: string;
  to: string;
}

export interface EnterpriseRowPlan {
  /** The row number Excel shows (1-based). */
  row: number;
  kind: EnterpriseRowKind;
  uscc: string | null;
  name: string | null;
  enterpriseId: number | null;
  version: number | null;
  errors: string[];
  warnings: string[];
  changes: FieldChange[];
  /** What will be written: every field for a new firm, the changed ones for an update. */
  input: Partial<EnterpriseInput> | null;
}

export interface ImportCounts {
  new: number;
  update: number;
  unchanged: number;
  error: number;
  blank: number;
}

export interface EnterprisePreview {
  headerRow: number | null;
  columns: { header: string; field: EnterpriseFieldKey }[];
  ignoredColumns: string[];
  /** File-level problems (no header row, a required column missing): nothing can be imported. */
  fileErrors: string[];
  rows: EnterpriseRowPlan[];
  counts: ImportCounts;
  /** Fingerprint of what the confirm would write; the confirm must see the same. */
  digest: string;
}

/** Columns of a firm compared and written, by import field. */
const COLUMN_OF = {
  name: "name",
  town: "town_code",
  industry: "industry_code",
  platform: "platform",
  aboveScale: "above_scale",
  address: "address",
  legalRep: "legal_rep",
  contactName: "contact_name",
  contactPhone: "contact_phone",
  employees: "employees",
  revenueWan: "revenue_yuan",
  rdExpenseWan: "rd_expense_yuan",
} as const satisfies Partial<Record<EnterpriseFieldKey, string>>;

/** Import field → key of EnterpriseInput. */
const INPUT_OF = {
  name: "name",
  town: "townCode",
  industry: "industryCode",
  platform: "platform",
  aboveScale: "aboveScale",
  address: "address",
  legalRep: "legalRep",
  contactName: "contactName",
  contactPhone: "contactPhone",
  employees: "employees",
  revenueWan: "revenueYuan",
  rdExpenseWan: "rdExpenseYuan",
} as const satisfies Record<keyof typeof COLUMN_OF, keyof EnterpriseInput>;

type ComparedField = keyof typeof COLUMN_OF;
const COMPARED = Object.keys(COLUMN_OF) as ComparedField[];

/** Schema path (the enterprise form's field names) → import field. */
const FIELD_OF_PATH: Record<string, EnterpriseFieldKey> = {
  uscc: "uscc",
  name: "name",
  townCode: "town",
  industryCode: "industry",
  platform: "platform",
  aboveScale: "aboveScale",
  address: "address",
  legalRep: "legalRep",
  contactName: "contactName",
  contactPhone: "contactPhone",
  employees: "employees",
  revenueWan: "revenueWan",
  rdExpenseWan: "rdExpenseWan",
};

/** The firm's columns that are figures of a year (migration 0011). */
const FIGURE_COLUMNS = new Set<string>(["employees", "revenue_yuan", "rd_expense_yuan"]);

const LABEL_OF = Object.fromEntries(ENTERPRISE_FIELDS.map((f) => [f.key, f.label])) as Record<EnterpriseFieldKey, string>;

export interface Reference {
  towns: { code: string; nameZh: string; nameEn: string }[];
  industries: { code: string; nameZh: string; nameEn: string }[];
}

async function loadReference(db: Db): Promise<Reference> {
  const [towns, industries] = await Promise.all([
    db.selectFrom("towns").select(["code", "name_zh", "name_en"]).orderBy("sort").execute(),
    db.selectFrom("industries").select(["code", "name_zh", "name_en"]).orderBy("sort").execute(),
  ]);
  return {
    towns: towns.map((t) => ({ code: t.code, nameZh: t.name_zh, nameEn: t.name_en })),
    industries: industries.map((i) => ({ code: i.code, nameZh: i.name_zh, nameEn: i.name_en })),
  };
}

const EXISTING_COLUMNS = [
  "id",
  "uscc",
  "version",
  "archived_at",
  "name",
  "town_code",
  "industry_code",
  "platform",
  "above_scale",
  "address",
  "legal_rep",
  "contact_name",
  "contact_phone",
  "employees",
  "revenue_yuan",
  "rd_expense_yuan",
] as const;

async function inBatches<T, R>(items: T[], size: number, run: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await run(items.slice(i, i + size))));
  return out;
}

interface ValidatedRow {
  row: number;
  errors: string[];
  warnings: string[];
  uscc: string | null;
  name: string | null;
  /** Provided values, as EnterpriseInput keys. */
  values: Partial<EnterpriseInput>;
  provided: Set<ComparedField>;
}

function digestOf(rows: EnterpriseRowPlan[], year?: number): string {
  const hash = createHash("sha256");
  if (year !== undefined) hash.update(`figures:${year}`);
  for (const r of rows) hash.update(JSON.stringify([r.row, r.kind, r.enterpriseId, r.version, r.input]));
  return hash.digest("hex");
}

function display(field: ComparedField, value: unknown, ref: Reference): string {
  if (value === null || value === undefined) return "";
  if (field === "town") return ref.towns.find((t) => t.code === value)?.nameZh ?? String(value);
  if (field === "industry") return ref.industries.find((i) => i.code === value)?.nameZh ?? String(value);
  if (field === "aboveScale") return value === 1 || value === true ? "是" : "否";
  if (field === "revenueWan" || field === "rdExpenseWan") return formatWan(Number(value));
  return String(value);
}

/**
 * The preview of an enterprise spreadsheet against the database as it is now. Pure reading:
 * run it again at any time (the confirm does, inside its transaction).
 */
export async function previewEnterpriseImport(db: Db, sheet: Sheet, lang: Lang, figuresYear?: number): Promise<EnterprisePreview> {
  // Revenue, R&D and employees in the list are figures of one year (default: last year).
  const year = figuresYear ?? reportingYear();
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const counts: ImportCounts = { new: 0, update: 0, unchanged: 0, error: 0, blank: 0 };
  const header = findHeader(sheet.rows, ENTERPRISE_FIELDS);
  if (!header) {
    return { headerRow: null, columns: [], ignoredColumns: [], fileErrors: [t("imp.file.noHeader")], rows: [], counts, digest: digestOf([]) };
  }
  const columns = header.columns.map((c) => ({ header: c.header, field: c.key }));
  if (header.missing.length > 0) {
    return {
      headerRow: header.headerRow + 1,
      columns,
      ignoredColumns: header.ignored,
      fileErrors: header.missing.map((m) => t("imp.file.missingColumn", { column: m.label })),
      rows: [],
      counts,
      digest: digestOf([]),
    };
  }
  const headerOf = (key: EnterpriseFieldKey) => header.columns.find((c) => c.key === key)?.header ?? LABEL_OF[key];
  const cellMessage = (row: number, key: EnterpriseFieldKey, message: string) => t("imp.cell", { row, column: headerOf(key), message });

  const reference = await loadReference(db);
  const schema = enterpriseImportRowSchema(lang, {
    towns: reference.towns.map((x) => x.code),
    industries: reference.industries.map((x) => x.code),
  });

  // 1. Each row on its own: cells to values, through the enterprise form's own rules.
  const validated: ValidatedRow[] = [];
  for (const { row, raw, text } of sheetRecords<EnterpriseFieldKey>(sheet.rows, header, () => counts.blank++)) {
    const errors: string[] = [];
    const candidate: Record<string, unknown> = { uscc: text("uscc"), name: text("name") };

    // An 18-digit code typed into a number cell has already lost its last digits in Excel.
    if (typeof raw.uscc === "number") errors.push(cellMessage(row, "uscc", t("imp.err.usccNumber")));
    for (const key of ["platform", "address", "legalRep", "contactName", "contactPhone", "employees"] as const) {
      if (text(key) !== "") candidate[key] = text(key);
    }
    // Money columns headed in 元 or 千元 (the statistics office's lists) are converted to 万元.
    for (const key of ["revenueWan", "rdExpenseWan"] as const) {
      if (text(key) !== "") candidate[key] = toWanText(text(key), moneyUnitOf(headerOf(key)));
    }
    if (text("town") !== "") {
      const town = matchTown(text("town"), reference.towns);
      if (town) candidate.townCode = town;
      else errors.push(cellMessage(row, "town", t("imp.err.town", { value: text("town") })));
    }
    if (text("industry") !== "") {
      const industry = matchIndustry(text("industry"), reference.industries);
      if (industry) candidate.industryCode = industry;
      else errors.push(cellMessage(row, "industry", t("imp.err.industry", { value: text("industry") })));
    }
    if ("aboveScale" in raw) {
      const yes = parseYesNo(raw.aboveScale);
      if (yes === "invalid") errors.push(cellMessage(row, "aboveScale", t("imp.err.yesNo", { value: text("aboveScale") })));
      else if (yes !== null) candidate.aboveScale = yes;
    }
    const parsed = schema.safeParse(candidate);
    const values: Partial<EnterpriseInput> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = FIELD_OF_PATH[String(issue.path[0] ?? "")] ?? "name";
        if (typeof raw.uscc === "number" && field === "uscc") continue;
        errors.push(cellMessage(row, field, issue.message));
      }
    } else {
      const v = parsed.data;
      values.uscc = v.uscc;
      values.name = v.name;
      if ("townCode" in candidate) values.townCode = v.townCode;
      if ("industryCode" in candidate) values.industryCode = v.industryCode;
      if ("aboveScale" in candidate) values.aboveScale = v.aboveScale;
      if ("platform" in candidate) values.platform = v.platform;
      if ("address" in candidate) values.address = v.address;
      if ("legalRep" in candidate) values.legalRep = v.legalRep;
      if ("contactName" in candidate) values.contactName = v.contactName;
      if ("contactPhone" in candidate) values.contactPhone = v.contactPhone;
      if ("employees" in candidate) values.employees = v.employees;
      if ("revenueWan" in candidate) values.revenueYuan = v.revenueWan;
      if ("rdExpenseWan" in candidate) values.rdExpenseYuan = v.rdExpenseWan;
    }
    const provided = new Set<ComparedField>(COMPARED.filter((f) => (INPUT_OF[f] as string) in values));
    validated.push({
      row,
      errors,
      warnings: [],
      uscc: errors.length === 0 ? (values.uscc ?? null) : text("uscc") || null,
      name: values.name ?? (text("name") || null),
      values,
      provided,
    });
  }

  // 2. The same firm twice in one file: identical rows count once, differing ones are all refused.
  const byUscc = new Map<string, ValidatedRow[]>();
  for (const v of validated) {
    if (v.errors.length > 0 || !v.uscc) continue;
    const group = byUscc.get(v.uscc) ?? [];
    group.push(v);
    byUscc.set(v.uscc, group);
  }
  for (const group of byUscc.values()) {
    if (group.length < 2) continue;
    const first = group[0]!;
    const same = group.every((g) => JSON.stringify(g.values) === JSON.stringify(first.values));
    for (const [index, g] of group.entries()) {
      if (same && index === 0) continue;
      const others = group
        .filter((o) => o !== g)
        .map((o) => o.row)
        .join("、");
      g.errors.push(
        same ? cellMessage(g.row, "uscc", t("imp.err.duplicateSame", { rows: String(first.row) })) : cellMessage(g.row, "uscc", t("imp.err.duplicateDiffer", { rows: others })),
      );
    }
  }

  // 3. Against the database: which firms exist, with what data and version.
  const codes = [...byUscc.keys()];
  const existing = new Map(
    (
      await inBatches(codes, 500, (batch) =>
        db
          .selectFrom("enterprises")
          .select([...EXISTING_COLUMNS])
          .where("uscc", "in", batch)
          .execute(),
      )
    ).map((e) => [e.uscc, e]),
  );
  const yearFigures = await figuresRowsOf(
    db,
    [...existing.values()].map((e) => e.id),
    [year],
  );
  const newNames = validated.filter((v) => v.errors.length === 0 && v.uscc && !existing.has(v.uscc) && v.name).map((v) => v.name!);
  const sameName = new Map<string, { uscc: string; name: string }>();
  for (const e of await inBatches([...new Set(newNames)], 500, (batch) => db.selectFrom("enterprises").select(["uscc", "name"]).where("name", "in", batch).execute())) {
    sameName.set(e.name, e);
  }

  const rows: EnterpriseRowPlan[] = [];
  for (const v of validated) {
    const plan: EnterpriseRowPlan = {
      row: v.row,
      kind: "error",
      uscc: v.uscc,
      name: v.name,
      enterpriseId: null,
      version: null,
      errors: v.errors,
      warnings: v.warnings,
      changes: [],
      input: null,
    };
    if (v.errors.length === 0 && v.uscc) {
      const current = existing.get(v.uscc);
      if (!current) {
        for (const key of ["town", "industry"] as const) {
          if (!v.provided.has(key)) v.errors.push(cellMessage(v.row, key, t("imp.err.requiredForNew")));
        }
        if (v.errors.length === 0) {
          plan.kind = "new";
          plan.input = {
            uscc: v.uscc,
            name: v.values.name!,
            townCode: v.values.townCode!,
            industryCode: v.values.industryCode!,
            platform: v.values.platform ?? null,
            aboveScale: v.values.aboveScale ?? false,
            address: v.values.address ?? null,
            legalRep: v.values.legalRep ?? null,
            contactName: v.values.contactName ?? null,
            contactPhone: v.values.contactPhone ?? null,
            employees: v.values.employees ?? null,
            revenueYuan: v.values.revenueYuan ?? null,
            rdExpenseYuan: v.values.rdExpenseYuan ?? null,
          };
          const namesake = sameName.get(v.values.name!);
          if (namesake) plan.warnings.push(t("imp.warn.sameName", { name: namesake.name, uscc: namesake.uscc }));
        }
      } else {
        plan.enterpriseId = current.id;
        plan.version = current.version;
        // Blank cells never erase what the registry holds: only filled cells are compared.
        const input: Partial<EnterpriseInput> = {};
        for (const field of v.provided) {
          const key = INPUT_OF[field];
          const next = v.values[key];
          const column = COLUMN_OF[field];
          const figuresRow = yearFigures.get(`${current.id}:${year}`);
          const stored = FIGURE_COLUMNS.has(column) ? (figuresRow ? figuresRow[column as "employees"] : null) : current[column];
          const comparable = typeof next === "boolean" ? (next ? 1 : 0) : next;
          if (comparable === stored) continue;
          (input as Record<string, unknown>)[key] = next;
          plan.changes.push({ field, header: headerOf(field), from: display(field, stored, reference), to: display(field, comparable, reference) });
        }
        plan.kind = plan.changes.length > 0 ? "update" : "unchanged";
        plan.input = plan.changes.length > 0 ? input : null;
        if (current.archived_at !== null) plan.warnings.push(t("imp.warn.archived"));
      }
    }
    if (plan.errors.length > 0) plan.kind = "error";
    counts[plan.kind]++;
    rows.push(plan);
  }
  return {
    headerRow: header.headerRow + 1,
    columns,
    ignoredColumns: header.ignored,
    fileErrors: [],
    rows,
    counts,
    digest: digestOf(rows, year),
  };
}

export type CommitResult =
  | { ok: true; counts: ImportCounts; auditId: number | null }
  | { ok: false; reason: "changed" | "has-errors" | "nothing" | "file-errors" | "forbidden" }
  | { ok: false; reason: "conflict"; row: number; name: string | null };

class ImportRollback extends Error {
  constructor(readonly result: CommitResult) {
    super("rollback");
  }
}

export interface ImportFileRef {
  fileName: string;
  sha256: string;
}

/**
 * Writes a previewed import: all of it in one transaction or nothing. Refused when the preview
 * computed now differs from the one confirmed (`digest`), when rows have errors and the
 * reviewer did not choose to skip them, or when there is nothing to write (the same file again).
 */
export async function commitEnterpriseImport(
  db: Db,
  caller: Caller,
  sheet: Sheet,
  file: ImportFileRef,
  options: { digest: string; skipErrors: boolean; lang: Lang; now?: Date; year?: number },
): Promise<CommitResult> {
  const year = options.year ?? reportingYear(todayInShanghai(options.now));
  if (!seesEverything(caller)) return { ok: false, reason: "forbidden" };
  const now = options.now ?? new Date();
  try {
    return await transact(db, async (trx): Promise<CommitResult> => {
      const preview = await previewEnterpriseImport(trx, sheet, options.lang, year);
      if (preview.fileErrors.length > 0) return { ok: false, reason: "file-errors" };
      if (preview.digest !== options.digest) return { ok: false, reason: "changed" };
      if (preview.counts.error > 0 && !options.skipErrors) return { ok: false, reason: "has-errors" };
      if (preview.counts.new + preview.counts.update === 0) return { ok: false, reason: "nothing" };
      // New firms in multi-row inserts (createEnterprise's columns; one statement per 500 firms
      // instead of four per firm keeps 10,000 rows within seconds). The unique index on uscc
      // still refuses a firm registered by someone else meanwhile, and the whole batch rolls back.
      const fresh = preview.rows.filter((r) => r.kind === "new").map((r) => r.input as EnterpriseInput);
      const at = now.toISOString();
      for (let i = 0; i < fresh.length; i += 500) {
        await trx
          .insertInto("enterprises")
          .values(fresh.slice(i, i + 500).map((input) => newEnterpriseRow(input, at)))
          .execute();
      }
      // Updates through the registry's own command: compare-and-set on the version previewed.
      // Revenue, R&D and employees go to the figures of the year instead.
      const figures: { enterpriseId: number; figures: Partial<Figures> }[] = [];
      for (const plan of preview.rows) {
        if (plan.kind !== "update") continue;
        const { employees, revenueYuan, rdExpenseYuan, ...rest } = plan.input as EnterpriseInput;
        const own = { employees, revenueYuan, rdExpenseYuan };
        const provided = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
        if (Object.keys(provided).length > 0) figures.push({ enterpriseId: plan.enterpriseId!, figures: provided });
        if (Object.keys(rest).length === 0) continue;
        const updated = await updateEnterprise(trx, caller, plan.enterpriseId!, plan.version!, rest as EnterpriseInput, now);
        if (!updated.ok) throw new ImportRollback({ ok: false, reason: "conflict", row: plan.row, name: plan.name });
      }
      if (fresh.length > 0) {
        const ids = new Map<string, number>();
        for (let i = 0; i < fresh.length; i += 500) {
          for (const r of await trx
            .selectFrom("enterprises")
            .select(["id", "uscc"])
            .where(
              "uscc",
              "in",
              fresh.slice(i, i + 500).map((f) => f.uscc),
            )
            .execute())
            ids.set(r.uscc, r.id);
        }
        for (const input of fresh) {
          const own = { employees: input.employees, revenueYuan: input.revenueYuan, rdExpenseYuan: input.rdExpenseYuan };
          const provided = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== null && v !== undefined));
          if (Object.keys(provided).length > 0) figures.push({ enterpriseId: ids.get(input.uscc)!, figures: provided });
        }
      }
      await writeImportedFigures(trx, caller, year, figures, now);
      const { new: created, update, unchanged, error, blank } = preview.counts;
      await recordAudit(trx, {
        actorId: caller.id,
        action: "import.enterprises",
        subject: `import:${file.sha256}`,
        data: { fileName: file.fileName, sha256: file.sha256, figuresYear: year, counts: { new: created, update, unchanged, error, blank } },
      });
      const audit = await trx.selectFrom("audit_log").select("id").where("action", "=", "import.enterprises").orderBy("id", "desc").limit(1).executeTakeFirst();
      return { ok: true, counts: preview.counts, auditId: audit?.id ?? null };
    });
  } catch (error) {
    if (error instanceof ImportRollback) return error.result;
    if (isUniqueViolation(error)) return { ok: false, reason: "changed" };
    throw error;
  }
}
