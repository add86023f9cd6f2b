import type { LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { getTier, LEVEL_NAMES } from "~/domain/tiers";
import { recordAudit } from "~/models/audit.server";
import { listExpiringAwards } from "~/models/validity.server";
import { parseExpiringQuery } from "~/schemas/validity.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import type { RouteHandle } from "~/utils/route-handle";

export const handle: RouteHandle = { skipsQueue: ["GET"] };

/**
 * GET /awards/expiring.xlsx?<the list's filters>: the expiring list as the page shows it, in the
 * caller's scope (sheet 即将到期, and 导出说明). Audited like every export.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const params = new URL(request.url).searchParams;
  const q = parseExpiringQuery(params, "zh");
  if (!q.ok) throw new Response(q.message, { status: 400 });
  const asOf = new Date();
  const list = await listExpiringAwards(db(), user, { within: q.within, tier: q.tier, sort: q.sort, year: q.year, state: q.state });
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "定海区企业梯度培育登记系统";
  workbook.created = asOf;
  const sheet = workbook.addWorksheet("即将到期", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: "企业名称", width: 36 },
    { header: "镇（街道）代码", width: 14 },
    { header: "类别", width: 18 },
    { header: "级别", width: 8 },
    { header: "认定日期", width: 12 },
    { header: "有效期至", width: 12 },
    { header: "剩余天数", width: 10 },
    { header: "复核申请截止", width: 14 },
    { header: "复核申请", width: 12 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const a of list.awards) {
    sheet.addRow([
      a.name,
      a.townCode,
      getTier(a.tier).nameZh,
      LEVEL_NAMES[a.level].zh,
      a.recognizedOn ?? "",
      a.validUntil,
      a.daysLeft,
      a.renewBy,
      a.renewal ? `#${a.renewal.applicationId}` : "",
    ]);
  }
  const info = workbook.addWorksheet("导出说明");
  info.columns = [{ width: 12 }, { width: 60 }];
  info.addRow(["数据截至", formatDateTime(asOf)]);
  info.addRow(["到期天数", list.within]);
  info.addRow(["筛选", params.toString() || "无"]);
  info.addRow(["导出人", user.displayName]);
  info.addRow(["条数", list.awards.length]);
  const buffer = await workbook.xlsx.writeBuffer();
  await recordAudit(db(), {
    actorId: user.id,
    action: "export",
    subject: "awards-expiring.xlsx",
    data: { format: "xlsx", within: q.within, tier: q.tier, total: list.awards.length },
  });
  const stamp = formatDateTime(asOf).replace(/[-: ]/g, "").slice(0, 12);
  return new Response(buffer as ArrayBuffer, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="awards-expiring-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`即将到期认定-截至${stamp}.xlsx`)}`,
      "Cache-Control": "no-store",
    },
  });
}
