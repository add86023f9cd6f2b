import ExcelJS from "exceljs";
import { PassThrough, Readable } from "node:stream";
import { LEVEL_NAMES, getTier, type TierCode } from "~/domain/tiers";
import { formatWan } from "~/domain/money";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import { recordAudit } from "~/models/audit.server";
import { countEnterprises, iterateEnterpriseBatches, type EnterpriseExportRow, type EnterpriseListQuery, type HeldTier } from "~/models/enterprise-list.server";
import { listIndustries, listTowns, type IndustryOption, type TownOption } from "~/models/reference.server";
import { formatAsOf, formatDate, formatDateTime, todayInShanghai } from "~/utils/format";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export interface ReferenceNames {
  towns: TownOption[];
  industries: IndustryOption[];
}

/**
 * The active filters as short phrases in the caller's language ("镇（街道）：金塘镇"), for the
 * empty state and the head of an export. The default "archived hidden" is not a phrase.
 */
export function describeFilters(query: EnterpriseListQuery, lang: Lang, reference: ReferenceNames, scopeTown: string | null): string[] {
  const t = (key: MessageKey) => translate(lang, key);
  const name = (names: { nameZh: string; nameEn: string } | undefined, code: string) => (names ? (lang === "en" ? names.nameEn : names.nameZh) : code);
  const parts: string[] = [];
  const colon = lang === "en" ? ": " : "：";
  if (query.q) parts.push(`${t("ent.filter.q")}${colon}“${query.q}”`);
  const town = scopeTown ?? query.town;
  if (town)
    parts.push(
      `${t("ent.filter.town")}${colon}${name(
        reference.towns.find((x) => x.code === town),
        town,
      )}`,
    );
  if (query.industry) {
    parts.push(
      `${t("ent.filter.industry")}${colon}${name(
        reference.industries.find((x) => x.code === query.industry),
        query.industry,
      )}`,
    );
  }
  if (query.tier) {
    const tier = getTier(query.tier);
    parts.push(`${t("ent.filter.tier")}${colon}${lang === "en" ? tier.nameEn : tier.nameZh}`);
  }
  if (query.manufacturing) parts.push(t("ent.filter.manufacturing"));
  if (query.notTier) {
    const tier = getTier(query.notTier);
    parts.push(`${t("ent.filter.notTier")}${colon}${lang === "en" ? tier.nameEn : tier.nameZh}`);
  }
  if (query.level) parts.push(`${t("ent.filter.level")}${colon}${LEVEL_NAMES[query.level][lang]}`);
  if (query.aboveScale !== undefined) {
    parts.push(`${t("ent.filter.aboveScale")}${colon}${t(query.aboveScale ? "common.yes" : "common.no")}`);
  }
  if (query.archived !== "hide") {
    parts.push(`${t("ent.filter.archived")}${colon}${t(query.archived === "only" ? "ent.filter.archived.only" : "ent.filter.archived.include")}`);
  }
  return parts;
}

/** Tiers held, spelled out for a file: "专精特新中小企业（省级）；洁美工厂". */
function tiersText(tiers: HeldTier[]): string {
  return tiers
    .map((h) => {
      const tier = getTier(h.tierCode as TierCode);
      return tier.levels.length > 1 ? `${tier.nameZh}（${LEVEL_NAMES[h.level].zh}）` : tier.nameZh;
    })
    .join("；");
}

interface Column {
  header: string;
  width: number;
  /** Text for CSV. */
  text: (row: EnterpriseExportRow) => string;
  /** The CSV field as written, when the plain text would not survive a spreadsheet. */
  csv?: (row: EnterpriseExportRow) => string;
  /** Typed value for XLSX (numbers stay numbers). */
  cell?: (row: EnterpriseExportRow) => string | number | null;
}

function exportColumns(reference: ReferenceNames): Column[] {
  const towns = new Map(reference.towns.map((x) => [x.code, x.nameZh]));
  const industries = new Map(reference.industries.map((x) => [x.code, x.nameZh]));
  const wan = (yuan: number | null) => (yuan === null ? "" : formatWan(yuan));
  const wanNumber = (yuan: number | null) => (yuan === null ? null : Number(formatWan(yuan)));
  return [
    { header: "企业名称", width: 36, text: (r) => r.name },
    { header: "统一社会信用代码", width: 22, text: (r) => r.uscc, csv: (r) => spreadsheetText(r.uscc) },
    { header: "镇（街道）", width: 12, text: (r) => towns.get(r.townCode) ?? r.townCode },
    { header: "所属产业", width: 14, text: (r) => industries.get(r.industryCode) ?? r.industryCode },
    { header: "产业平台", width: 24, text: (r) => r.platform ?? "" },
    { header: "规上企业", width: 9, text: (r) => (r.aboveScale ? "是" : "否") },
    { header: "在册培育称号", width: 36, text: (r) => tiersText(r.tiers) },
    { header: "从业人数", width: 10, text: (r) => (r.employees === null ? "" : String(r.employees)), cell: (r) => r.employees },
    { header: "上年营业收入（万元）", width: 18, text: (r) => wan(r.revenueYuan), cell: (r) => wanNumber(r.revenueYuan) },
    { header: "上年研发费用（万元）", width: 18, text: (r) => wan(r.rdExpenseYuan), cell: (r) => wanNumber(r.rdExpenseYuan) },
    { header: "联系人", width: 10, text: (r) => r.contactName ?? "" },
    { header: "联系电话", width: 15, text: (r) => r.contactPhone ?? "" },
    { header: "生产经营地址", width: 40, text: (r) => r.address ?? "" },
    { header: "最近更新", width: 12, text: (r) => formatDate(r.updatedAt) },
    { header: "已归档", width: 8, text: (r) => (r.archived ? "是" : "否") },
  ];
}

export const EXPORT_HEADERS: readonly string[] = exportColumns({ towns: [], industries: [] }).map((c) => c.header);

export interface ExportMeta {
  asOf: Date;
  scope: string;
  filters: string[];
  exportedBy: string;
  total: number;
}

function metaLines(meta: ExportMeta): [string, string][] {
  return [
    ["定海区企业名录", ""],
    ["数据截至", formatAsOf(meta.asOf, "zh").replace(/^数据截至 /, "")],
    ["查看范围", meta.scope],
    ["筛选条件", meta.filters.length ? meta.filters.join("；") : "无"],
    ["导出人", meta.exportedBy],
    ["企业数", String(meta.total)],
  ];
}

/**
 * A CSV cell: quoted when needed, and a leading = + - @ (which Excel would run as a formula)
 * is defused with an apostrophe.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A credit code as a formula whose result is the text itself, ="913309…" (quoted for CSV).
 * Excel and LibreOffice read an all-digit code written bare as a number and keep 15 digits
 * (9.13309E+17); a leading tab or apostrophe would stay in the cell as a 19th character.
 * Only for values we validated ourselves: the defusing in csvCell is bypassed.
 */
export function spreadsheetText(value: string): string {
  return `"=""${value.replace(/"/g, "")}"""`;
}

function csvLine(cells: string[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

function csvRow(columns: Column[], row: EnterpriseExportRow): string {
  return columns.map((c) => (c.csv ? c.csv(row) : csvCell(c.text(row)))).join(",") + "\r\n";
}

/**
 * The export as CSV: UTF-8 with a BOM (so Chinese Excel detects the encoding), the header row
 * first (programs reading the file expect it there), then one line per firm. The "as of" time,
 * scope and filters travel in the file name (exportFileName). Each batch of firms becomes one
 * encoded chunk before the stream waits for the client, so no row outlives its batch.
 */
export function enterprisesCsvStream(batches: AsyncIterable<EnterpriseExportRow[]>, reference: ReferenceNames): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const columns = exportColumns(reference);
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode("\uFEFF" + csvLine(columns.map((c) => c.header))));
        return;
      }
      const next = await iterator.next();
      if (next.done) return controller.close();
      // Chunks of 100 lines (~20 kB): a string much longer is flattened into V8's large-object
      // space, which only a full GC frees; an export of 100,000 firms once piled ~100 MB there.
      const rows = next.value;
      for (let from = 0; from < rows.length; from += 100) {
        let chunk = "";
        for (const row of rows.slice(from, from + 100)) chunk += csvRow(columns, row);
        controller.enqueue(encoder.encode(chunk));
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

export const XLSX_DATA_SHEET = "企业名录";
export const XLSX_META_SHEET = "导出说明";

/**
 * The export as XLSX, written by exceljs's streaming writer: sheet 企业名录 has the header row
 * and one row per firm (numbers as numbers, money in 万元); sheet 导出说明 has the "as of" time,
 * scope and filters.
 */
export function enterprisesXlsxStream(batches: AsyncIterable<EnterpriseExportRow[]>, meta: ExportMeta, reference: ReferenceNames): ReadableStream<Uint8Array> {
  const output = new PassThrough();
  const columns = exportColumns(reference);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = "定海区企业梯度培育登记系统";
  workbook.created = meta.asOf;

  const write = async () => {
    const sheet = workbook.addWorksheet(XLSX_DATA_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for await (const batch of batches) {
      for (const row of batch) sheet.addRow(columns.map((c) => (c.cell ? c.cell(row) : c.text(row)))).commit();
    }
    sheet.commit();
    const info = workbook.addWorksheet(XLSX_META_SHEET);
    info.columns = [{ width: 12 }, { width: 60 }];
    for (const line of metaLines(meta)) info.addRow(line).commit();
    info.commit();
    await workbook.commit();
  };
  write().catch((error) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.toWeb(output) as ReadableStream<Uint8Array>;
}

/**
 * The file's name tells what it holds, since a CSV has no room for a preamble:
 * 企业名录-金塘镇-规上企业：是-截至202612051830.csv. Characters no file system accepts are dropped
 * and a long filter list is cut.
 */
export function exportFileName(meta: Pick<ExportMeta, "asOf" | "scope" | "filters">, extension: "csv" | "xlsx"): string {
  const stamp = formatDateTime(meta.asOf).replace(/[-: ]/g, "").slice(0, 12);
  const filters = meta.filters
    .join("；")
    // eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, "")
    .slice(0, 80);
  return ["企业名录", meta.scope, filters, `截至${stamp}`].filter(Boolean).join("-") + `.${extension}`;
}

/** Content-Disposition with the Chinese file name (RFC 6266) and an ASCII fallback. */
export function attachmentHeader(meta: Pick<ExportMeta, "asOf" | "scope" | "filters">, extension: "csv" | "xlsx"): string {
  const stamp = formatDateTime(meta.asOf).replace(/[-: ]/g, "").slice(0, 12);
  const ascii = `enterprises-${stamp}.${extension}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(exportFileName(meta, extension))}`;
}

/**
 * Everything an export needs, in the caller's scope: the row source (keyset batches, read as the
 * file is written), the head of the file, and the audit row recording who exported what.
 */
export async function prepareEnterpriseExport(db: Db, caller: Caller & { displayName: string }, listQuery: EnterpriseListQuery, format: "csv" | "xlsx") {
  const query: EnterpriseListQuery = { ...listQuery, cursor: undefined, before: undefined };
  const asOf = new Date();
  const today = todayInShanghai(asOf);
  const [towns, industries, total] = await Promise.all([listTowns(db), listIndustries(db), countEnterprises(db, caller, query, today)]);
  const reference = { towns, industries };
  const scopeTown = caller.role === "town_officer" ? caller.townCode : null;
  const meta: ExportMeta = {
    asOf,
    scope: scopeTown ? (towns.find((x) => x.code === scopeTown)?.nameZh ?? scopeTown) : "全区",
    filters: describeFilters(query, "zh", reference, scopeTown),
    exportedBy: caller.displayName,
    total,
  };
  const { cursor: _c, before: _b, ...filters } = query;
  await recordAudit(db, {
    actorId: caller.id,
    action: "export",
    subject: `enterprises.${format}`,
    data: { format, filters, total, scopeTown },
  });
  return { batches: iterateEnterpriseBatches(db, caller, query, { today }), meta, reference };
}
