/**
 * One shape for showing a preview of either import (page, error report, CLI): rows with a
 * status and the sentences explaining it.
 */
import ExcelJS from "exceljs";
import type { Db } from "../../db/client";
import { ENTERPRISE_FIELDS, AWARD_FIELDS } from "~/domain/import/headers";
import { LEVEL_NAMES, TIERS, getTier } from "~/domain/tiers";
import { previewAwardImport, type AwardPreview } from "~/models/award-import.server";
import { previewEnterpriseImport, type EnterprisePreview } from "~/models/import.server";
import { previewFiguresImport, type FiguresPreview } from "~/models/figures-import.server";
import { FIGURES_IMPORT_FIELDS } from "~/domain/import/figures";
import { loadImportFile, readStoredSheet, SpreadsheetUnreadable, type Sheet, type StoredImport } from "~/models/import-file.server";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export type RowTone = "ok" | "update" | "muted" | "warn" | "error";

export interface PreviewRowView {
  row: number;
  status: string;
  statusLabel: string;
  tone: RowTone;
  uscc: string | null;
  name: string | null;
  details: string[];
}

export interface PreviewView {
  kind: "enterprises" | "awards" | "figures";
  /** The year a figures sheet is of. */
  year: number | null;
  id: string;
  fileName: string;
  size: number;
  format: Sheet["format"];
  encoding: Sheet["encoding"];
  sheetName: string | null;
  headerRow: number | null;
  columns: { header: string; label: string }[];
  ignoredColumns: string[];
  fileErrors: string[];
  counts: { status: string; label: string; n: number; tone: RowTone }[];
  blank: number;
  /** Rows that the confirm would write. */
  writable: number;
  errors: number;
  digest: string;
  defaults: StoredImport["defaults"] | null;
  rows: PreviewRowView[];
}

const ENTERPRISE_TONE = { new: "ok", update: "update", unchanged: "muted", error: "error" } as const;
const FIGURES_TONE = { new: "ok", update: "update", unchanged: "muted", unknown: "warn", error: "error" } as const;
const UNIT_NAME = { yuan: "元", thousand: "千元", wan: "万元" } as const;
const AWARD_TONE = { new: "ok", exists: "muted", conflict: "warn", unmatched: "warn", mismatch: "warn", error: "error" } as const;

export async function previewStored(
  db: Db,
  stored: { meta: StoredImport; bytes: Uint8Array },
  lang: Lang,
): Promise<{ view: PreviewView; sheet: Sheet; raw: EnterprisePreview | AwardPreview | FiguresPreview }> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const sheet = await readStoredSheet(stored);
  const { meta } = stored;
  const common = {
    id: meta.id,
    fileName: meta.fileName,
    size: meta.size,
    format: sheet.format,
    encoding: sheet.encoding,
    sheetName: sheet.sheetName,
    defaults: meta.defaults ?? null,
    year: meta.year ?? null,
  };
  if (meta.kind === "figures") {
    const p = await previewFiguresImport(db, sheet, meta.year!, lang);
    const label = (s: keyof typeof FIGURES_TONE) => t(`fig.import.status.${s}` as MessageKey);
    const view: PreviewView = {
      ...common,
      kind: "figures",
      headerRow: p.headerRow,
      columns: p.columns.map((c) => ({
        header: c.header,
        label: FIGURES_IMPORT_FIELDS.find((f) => f.key === c.field)!.label + (c.unit ? `（${UNIT_NAME[c.unit]}）` : ""),
      })),
      ignoredColumns: p.ignoredColumns,
      fileErrors: p.fileErrors,
      counts: (["new", "update", "unchanged", "unknown", "error"] as const).map((s) => ({ status: s, label: label(s), n: p.counts[s], tone: FIGURES_TONE[s] })),
      blank: p.counts.blank,
      writable: p.counts.new + p.counts.update,
      errors: p.counts.error + p.counts.unknown,
      digest: p.digest,
      rows: p.rows.map((r) => ({
        row: r.row,
        status: r.kind,
        statusLabel: label(r.kind),
        tone: FIGURES_TONE[r.kind],
        uscc: r.uscc,
        name: r.name,
        details: [...r.errors, ...r.changes.map((c) => t("imp.change", { column: c.header, from: c.from || t("imp.blank"), to: c.to || t("imp.blank") })), ...r.warnings],
      })),
    };
    return { view, sheet, raw: p };
  }
  if (meta.kind === "enterprises") {
    const p = await previewEnterpriseImport(db, sheet, lang, meta.year);
    const label = (s: keyof typeof ENTERPRISE_TONE) => t(`imp.status.ent.${s}` as MessageKey);
    const view: PreviewView = {
      ...common,
      kind: "enterprises",
      headerRow: p.headerRow,
      columns: p.columns.map((c) => ({ header: c.header, label: ENTERPRISE_FIELDS.find((f) => f.key === c.field)!.label })),
      ignoredColumns: p.ignoredColumns,
      fileErrors: p.fileErrors,
      counts: (["new", "update", "unchanged", "error"] as const).map((s) => ({ status: s, label: label(s), n: p.counts[s], tone: ENTERPRISE_TONE[s] })),
      blank: p.counts.blank,
      writable: p.counts.new + p.counts.update,
      errors: p.counts.error,
      digest: p.digest,
      rows: p.rows.map((r) => ({
        row: r.row,
        status: r.kind,
        statusLabel: label(r.kind),
        tone: ENTERPRISE_TONE[r.kind],
        uscc: r.uscc,
        name: r.name,
        details: [...r.errors, ...r.changes.map((c) => t("imp.change", { column: c.header, from: c.from || t("imp.blank"), to: c.to || t("imp.blank") })), ...r.warnings],
      })),
    };
    return { view, sheet, raw: p };
  }
  const defaults = meta.defaults ?? {};
  const p = await previewAwardImport(db, sheet, defaults, lang);
  const label = (s: keyof typeof AWARD_TONE) => t(`imp.status.award.${s}` as MessageKey);
  const view: PreviewView = {
    ...common,
    kind: "awards",
    headerRow: p.headerRow,
    columns: p.columns.map((c) => ({ header: c.header, label: AWARD_FIELDS.find((f) => f.key === c.field)!.label })),
    ignoredColumns: p.ignoredColumns,
    fileErrors: p.fileErrors,
    counts: (["new", "exists", "conflict", "mismatch", "unmatched", "error"] as const).map((s) => ({ status: s, label: label(s), n: p.counts[s], tone: AWARD_TONE[s] })),
    blank: p.counts.blank,
    writable: p.counts.new,
    errors: p.counts.error,
    digest: p.digest,
    rows: p.rows.map((r) => ({
      row: r.row,
      status: r.kind,
      statusLabel: label(r.kind),
      tone: AWARD_TONE[r.kind],
      uscc: r.firm?.uscc ?? r.uscc,
      name: r.firm?.name ?? r.name,
      details: [
        ...(r.tier && r.level && r.year
          ? [
              t("imp.award.summary", {
                year: r.year,
                tier: getTier(r.tier).nameZh,
                level: LEVEL_NAMES[r.level].zh,
                doc: r.documentNo ?? "—",
                date: r.recognizedOn ?? "—",
              }),
            ]
          : []),
        ...r.notes,
      ],
    })),
  };
  return { view, sheet, raw: p };
}

/** The preview of a stored upload, or why there is none. */
export async function loadPreview(db: Db, id: string, lang: Lang) {
  const stored = await loadImportFile(id);
  if (!stored) return { ok: false as const, reason: "missing" as const };
  try {
    return { ok: true as const, stored, ...(await previewStored(db, stored, lang)) };
  } catch (error) {
    if (error instanceof SpreadsheetUnreadable) return { ok: false as const, reason: error.reason };
    throw error;
  }
}

function styleHeader(row: ExcelJS.Row) {
  row.font = { bold: true };
  row.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF4" } };
}

/** The preview as a workbook: every row with its status and reasons, to fix the file by. */
export async function previewReportXlsx(view: PreviewView, lang: Lang): Promise<Buffer> {
  const t = (key: MessageKey) => translate(lang, key);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(t("imp.report.sheet"));
  sheet.columns = [
    { header: t("imp.col.row"), key: "row", width: 8 },
    { header: t("imp.col.status"), key: "status", width: 14 },
    { header: t("imp.col.uscc"), key: "uscc", width: 22 },
    { header: t("imp.col.name"), key: "name", width: 32 },
    { header: t("imp.col.details"), key: "details", width: 90 },
  ];
  styleHeader(sheet.getRow(1));
  for (const r of view.rows) {
    const row = sheet.addRow({ row: r.row, status: r.statusLabel, uscc: r.uscc ?? "", name: r.name ?? "", details: r.details.join("\n") });
    row.getCell("details").alignment = { wrapText: true, vertical: "top" };
    if (r.tone === "error") row.getCell("status").font = { color: { argb: "FFB42318" }, bold: true };
  }
  sheet.autoFilter = { from: "A1", to: "E1" };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  const about = workbook.addWorksheet(t("imp.report.about"));
  about.addRows([
    [t("imp.report.file"), view.fileName],
    [t("imp.report.sha"), view.id],
    ...view.fileErrors.map((e) => [t("imp.report.fileError"), e]),
    ...view.counts.map((c) => [c.label, c.n]),
    [t("imp.report.blank"), view.blank],
  ]);
  about.getColumn(1).width = 18;
  about.getColumn(2).width = 80;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A blank list to fill in, with the accepted values on a second sheet. */
export async function templateXlsx(kind: "enterprises" | "awards", reference: { towns: string[]; industries: string[] }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  if (kind === "enterprises") {
    const sheet = workbook.addWorksheet("企业名录");
    sheet.columns = ENTERPRISE_FIELDS.map((f) => ({
      header: ("required" in f && f.required ? "*" : "") + f.label,
      key: f.key,
      width: f.key === "name" || f.key === "address" ? 32 : f.key === "uscc" ? 22 : 14,
    }));
    styleHeader(sheet.getRow(1));
    sheet.getColumn("uscc").numFmt = "@";
    sheet.getColumn("contactPhone").numFmt = "@";
    sheet.addRow({
      uscc: "91330902719524024G",
      name: "示例：舟山市某某机械有限公司",
      town: "金塘镇",
      industry: "机械制造",
      platform: "金塘塑机螺杆小微园",
      aboveScale: "是",
      address: "定海区金塘镇某某路1号",
      legalRep: "张三",
      contactName: "李四",
      contactPhone: "13857201368",
      employees: 120,
      revenueWan: 3250.5,
      rdExpenseWan: 120,
    });
    sheet.views = [{ state: "frozen", ySplit: 1 }];
    const help = workbook.addWorksheet("填写说明");
    help.getColumn(1).width = 24;
    help.getColumn(2).width = 90;
    help.addRows([
      ["带 * 的列", "必填。新企业还须填写所在镇（街道）和所属产业。"],
      ["统一社会信用代码", "18位；请将该列设为“文本”格式，否则 Excel 会把纯数字代码改成科学计数法。"],
      ["金额", "单位为万元，最多两位小数。"],
      ["是否规上", "是 / 否"],
      ["空单元格", "不会清除系统中已有的数据。"],
      ["镇（街道）", reference.towns.join("、")],
      ["所属产业", reference.industries.join("、")],
    ]);
  } else {
    const sheet = workbook.addWorksheet("认定名单");
    sheet.columns = AWARD_FIELDS.map((f) => ({ header: f.label, key: f.key, width: f.key === "name" ? 32 : f.key === "uscc" || f.key === "documentNo" ? 22 : 14 }));
    styleHeader(sheet.getRow(1));
    sheet.getColumn("uscc").numFmt = "@";
    sheet.addRow({
      name: "示例：舟山市某某机械有限公司",
      uscc: "91330902719524024G",
      tier: "专精特新中小企业",
      level: "省级",
      year: 2024,
      documentNo: "浙经信企业〔2024〕12号",
      recognizedOn: new Date(Date.UTC(2024, 5, 30)),
      validUntil: null,
    });
    sheet.getColumn("recognizedOn").numFmt = "yyyy-mm-dd";
    sheet.getColumn("validUntil").numFmt = "yyyy-mm-dd";
    sheet.views = [{ state: "frozen", ySplit: 1 }];
    const help = workbook.addWorksheet("填写说明");
    help.getColumn(1).width = 24;
    help.getColumn(2).width = 90;
    help.addRows([
      ["企业", "填写企业名称和/或统一社会信用代码；有代码时按代码匹配。"],
      ["认定类别", TIERS.map((t) => t.nameZh).join("、") + "（“小巨人”按国家级专精特新）"],
      ["认定级别", "国家级、省级、市级、区级"],
      ["整批相同的值", "类别、级别、年度、文号、认定日期可在上传时统一填写，表中可不列。"],
      ["有效期至", "可不填：按类别的有效期（如专精特新 3 年）自动计算。"],
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
