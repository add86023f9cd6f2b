/**
 * The dashboard's figures as a report (CSV with a UTF-8 BOM, or XLSX): title, year, "as of",
 * one table by tier and one by town. Headers are Chinese, as the bureau files them.
 */
import ExcelJS from "exceljs";
import type { Db } from "../../db/client";
import { formatDateTime } from "~/utils/format";
import type { Caller } from "~/domain/scope";
import { TIERS, getTier } from "~/domain/tiers";
import { recordAudit } from "./audit.server";
import { loadProgress, type ProgressReport } from "./progress.server";

type Cell = string | number | null;

export interface ReportTables {
  title: string;
  meta: [string, string][];
  byTier: { header: string[]; rows: Cell[][] };
  byTown: { header: string[]; rows: Cell[][] };
  notes: string[];
}

const SHORT: Record<string, string> = {
  "specialized-new": "专精特新",
  "scaled-up": "升规",
  "green-factory": "绿色工厂",
  listed: "上市挂牌",
  "demonstration-factory": "示范工厂",
  "quality-factory": "品质工厂",
  "clean-beauty-factory": "洁美工厂",
};

export function reportTables(report: ProgressReport): ReportTables {
  const ownTown = report.towns.find((t) => t.code === report.ownTown);
  const byTier = {
    header: ["类别", "计数口径", "目标", "已完成", "完成率(%)", "差距", "在审(已提交+退回修改)", "每月需完成", "年末预计", "往年通过率(%)"],
    rows: report.tiers.map((f): Cell[] => {
      const tier = getTier(f.tier);
      return [
        tier.nameZh,
        tier.countingRuleZh,
        f.target,
        f.achieved,
        f.percent,
        f.gap,
        f.pipeline,
        f.pace === null ? null : Math.round(f.pace * 10) / 10,
        f.projection,
        f.approvalRate === null ? null : Math.round(f.approvalRate * 1000) / 10,
      ];
    }),
  };
  const townRows: Cell[][] = report.towns.map((t) => [
    t.nameZh,
    ...TIERS.flatMap((tier) => [t.cells[tier.code].achieved, t.cells[tier.code].pipeline]),
    t.coverage.covered,
    t.coverage.total,
    t.coverage.percent,
  ]);
  const c = report.cleanBeautyCoverage;
  townRows.push(["全区合计", ...TIERS.flatMap((tier) => [report.totals[tier.code].achieved, report.totals[tier.code].pipeline]), c.covered, c.total, c.percent]);
  return {
    title: "定海区企业梯度培育进度报表",
    meta: [
      ["年度", String(report.year)],
      ["数据截至", `${formatDateTime(report.asOf)}（北京时间）`],
      ["范围", ownTown ? `全区合计及${ownTown.nameZh}` : "全区"],
      ["洁美工厂覆盖率", `${c.covered} / ${c.total}（${c.percent === null ? "—" : `${c.percent}%`}）`],
    ],
    byTier,
    byTown: {
      header: ["镇（街道）", ...TIERS.flatMap((tier) => [`${SHORT[tier.code]}·已完成`, `${SHORT[tier.code]}·在审`]), "洁美·已覆盖", "洁美·规上制造业", "洁美覆盖率(%)"],
      rows: townRows,
    },
    notes: [
      "已完成：当年有效（未撤销）认定、级别达到计数口径的企业数，每家企业每类每年计一次。",
      "年末预计 = 已完成 + 在审 × 该类别往年已决申报通过率（通过 ÷（通过 + 不予通过 + 撤回））。",
      "洁美工厂覆盖率：未归档的规上制造业企业中持有有效洁美工厂认定（年份不限）的占比。",
    ],
  };
}

function csvField(value: Cell): string {
  if (value === null) return "";
  const text = String(value);
  // Text that a spreadsheet would run as a formula is prefixed with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(tables: ReportTables): string {
  const lines: Cell[][] = [
    [tables.title],
    ...tables.meta,
    [],
    ["按类别"],
    tables.byTier.header,
    ...tables.byTier.rows,
    [],
    ["按镇（街道）"],
    tables.byTown.header,
    ...tables.byTown.rows,
    [],
    ...tables.notes.map((n) => [n]),
  ];
  return "\uFEFF" + lines.map((l) => l.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export async function reportXlsx(tables: ReportTables): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "定海区企业梯度培育登记系统";
  const addSheet = (name: string, table: { header: string[]; rows: Cell[][] }, widths: number[]) => {
    const ws = wb.addWorksheet(name, { pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1 } });
    ws.addRow([tables.title]).font = { bold: true, size: 14 };
    for (const m of tables.meta) ws.addRow(m);
    ws.addRow([]);
    const header = ws.addRow(table.header);
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: "middle" };
    header.eachCell((cell) => {
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFF2F5" } };
      cell.border = { bottom: { style: "thin" } };
    });
    for (const r of table.rows) ws.addRow(r);
    ws.addRow([]);
    for (const n of tables.notes) ws.addRow([n]).font = { italic: true, color: { argb: "FF57606A" } };
    widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
    ws.views = [{ state: "frozen", ySplit: tables.meta.length + 3 }];
  };
  addSheet("按类别", tables.byTier, [22, 24, 8, 8, 10, 8, 14, 10, 10, 12]);
  addSheet("按镇（街道）", tables.byTown, [14, ...TIERS.flatMap(() => [9, 8]), 10, 12, 12]);
  const written = await wb.xlsx.writeBuffer();
  return new Uint8Array(written as ArrayBuffer);
}

/** Builds the report for the caller (district figures; by town in the caller's scope) and audits it. */
/** A report ready to send: its bytes and its names. */
export type ReportFile = Awaited<ReturnType<typeof exportProgressReport>>;

export async function exportProgressReport(db: Db, caller: Caller, year: number, format: "csv" | "xlsx") {
  const report = await loadProgress(db, caller, year);
  const tables = reportTables(report);
  const body = format === "csv" ? reportCsv(tables) : await reportXlsx(tables);
  await recordAudit(db, {
    actorId: caller.id,
    action: "export",
    subject: `/dashboard/report.${format}`,
    data: { year, format, towns: report.towns.length },
  });
  return { format, body, filename: `培育进度报表-${year}.${format}`, asciiFilename: `progress-report-${year}.${format}` };
}
