import type { LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { missingText } from "~/domain/discovery";
import { getTier } from "~/domain/tiers";
import { recordAudit } from "~/models/audit.server";
import { assertDiscoveryCaller, readCandidates } from "~/models/discovery.server";
import { parseDiscoveryQuery } from "~/schemas/discovery.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import { langFromCookieHeader } from "~/utils/i18n";
import type { RouteHandle } from "~/utils/route-handle";

export const handle: RouteHandle = { skipsQueue: ["GET"] };

/**
 * GET /cultivation/discovery.xlsx?<the page's query>: every candidate the page lists (no row
 * limit) from the latest finished run, in the caller's scope: sheet 候选企业, and 导出说明 with
 * the rule version, the run's time and the filters. Audited like every export; nothing else is
 * written.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  assertDiscoveryCaller(user);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const params = new URL(request.url).searchParams;
  const today = todayInShanghai();
  const parsed = parseDiscoveryQuery(params, lang, { tier: "specialized-new", year: Number(today.slice(0, 4)) });
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const exportedAt = new Date();
  const result = await readCandidates(db(), user, parsed.query);
  const asOf = result.run?.finishedAt ? new Date(result.run.finishedAt) : exportedAt;

  const workbook = new ExcelJS.Workbook();
  workbook.creator = "定海区企业梯度培育登记系统";
  workbook.created = exportedAt;
  const sheet = workbook.addWorksheet("候选企业", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: "企业名称", width: 36 },
    { header: "统一社会信用代码", width: 22 },
    { header: "镇（街道）", width: 12 },
    { header: "行业", width: 16 },
    { header: "结论", width: 8 },
    { header: "未满足的条件", width: 60 },
    { header: "待确认", width: 40 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const c of result.candidates) {
    sheet.addRow([
      c.name,
      c.uscc,
      c.townNameZh,
      c.industryNameZh,
      c.verdict === "meets" ? "符合" : "接近",
      c.missing.map((m) => missingText(m, "zh")).join("\n"),
      c.toConfirm.map((m) => m.labelZh).join("\n"),
    ]);
  }
  const info = workbook.addWorksheet("导出说明");
  info.columns = [{ width: 12 }, { width: 60 }];
  info.addRow(["梯度", getTier(parsed.query.tier).nameZh]);
  info.addRow(["申报年度", parsed.query.year]);
  info.addRow(["规则版本", result.run?.ruleVersion ?? "尚未预审"]);
  info.addRow(["数据截至", result.run ? formatDateTime(asOf) : "尚未预审"]);
  info.addRow(["范围", user.role === "town_officer" ? (user.townCode ?? "") : "全区"]);
  info.addRow(["筛选", params.toString() || "无"]);
  info.addRow(["导出人", user.displayName]);
  info.addRow(["条数", result.candidates.length]);
  const buffer = await workbook.xlsx.writeBuffer();

  await recordAudit(db(), {
    actorId: user.id,
    action: "export",
    subject: "discovery.xlsx",
    data: { format: "xlsx", query: parsed.query, total: result.candidates.length },
  });
  const stamp = formatDateTime(asOf).replace(/[-: ]/g, "").slice(0, 12);
  return new Response(buffer as ArrayBuffer, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="discovery-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`主动发现-截至${stamp}.xlsx`)}`,
      "Cache-Control": "no-store",
    },
  });
}
