import type { LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { getTier } from "~/domain/tiers";
import { recordAudit } from "~/models/audit.server";
import { assertPoolCaller, listPool } from "~/models/pool.server";
import { parsePoolListQuery } from "~/schemas/pool.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import { translate, type MessageKey } from "~/utils/i18n";
import type { RouteHandle } from "~/utils/route-handle";

/** Built in memory (the pool list is capped at 2,000 rows): work for this thread, so it waits its turn like a page. */
export const handle: RouteHandle = { skipsQueue: [] };

/**
 * GET /cultivation/export.xlsx?<the list's filters>: the pool as the list shows it, in the
 * caller's scope (sheet 培育库, and 导出说明 with the time and filters). A pool is small, so the
 * workbook is written in memory. Audited like every export.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  assertPoolCaller(user);
  const params = new URL(request.url).searchParams;
  const parsed = parsePoolListQuery(params, "zh");
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const asOf = new Date();
  const { rows } = await listPool(db(), user, parsed.filters, todayInShanghai(asOf));
  const zh = (key: MessageKey) => translate("zh", key);

  const workbook = new ExcelJS.Workbook();
  workbook.creator = "定海区企业梯度培育登记系统";
  workbook.created = asOf;
  const sheet = workbook.addWorksheet("培育库", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: "企业名称", width: 36 },
    { header: "统一社会信用代码", width: 22 },
    { header: "镇（街道）", width: 12 },
    { header: "梯度", width: 18 },
    { header: "目标年度", width: 10 },
    { header: "升规路径", width: 10 },
    { header: "服务专员", width: 14 },
    { header: "入库日期", width: 12 },
    { header: "状态", width: 10 },
    { header: "出库原因", width: 16 },
    { header: "未完成任务", width: 10 },
    { header: "逾期任务", width: 10 },
    { header: "最近走访", width: 12 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    sheet.addRow([
      r.enterpriseName,
      r.uscc,
      r.townNameZh,
      getTier(r.tierCode).nameZh,
      r.targetYear,
      r.route ? zh(`pool.route.${r.route}` as MessageKey) : "",
      r.officerName ?? "",
      r.enteredOn,
      zh(`pool.status.${r.status}` as MessageKey),
      r.exitReason ? zh(`pool.exit.${r.exitReason}` as MessageKey) : "",
      r.openTasks,
      r.overdueTasks,
      r.lastVisit ?? "",
    ]);
  }
  const info = workbook.addWorksheet("导出说明");
  info.columns = [{ width: 12 }, { width: 60 }];
  info.addRow(["数据截至", formatDateTime(asOf)]);
  info.addRow(["范围", user.role === "town_officer" ? (user.townCode ?? "") : "全区"]);
  info.addRow(["筛选", params.toString() || "无"]);
  info.addRow(["导出人", user.displayName]);
  info.addRow(["条数", rows.length]);
  const buffer = await workbook.xlsx.writeBuffer();

  await recordAudit(db(), {
    actorId: user.id,
    action: "export",
    subject: "cultivation.xlsx",
    data: { format: "xlsx", filters: parsed.filters, total: rows.length },
  });
  const stamp = formatDateTime(asOf).replace(/[-: ]/g, "").slice(0, 12);
  return new Response(buffer as ArrayBuffer, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="cultivation-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`培育库-截至${stamp}.xlsx`)}`,
      "Cache-Control": "no-store",
    },
  });
}
