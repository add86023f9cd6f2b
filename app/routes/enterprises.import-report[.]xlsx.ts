import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordAudit } from "~/models/audit.server";
import { loadPreview, previewReportXlsx } from "~/models/import-view.server";
import { notFound, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader } from "~/utils/i18n";
import type { RouteHandle } from "~/utils/route-handle";

/** A download that streams for as long as the client reads. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/** GET /enterprises/import-report.xlsx?id=… — the preview of an upload, every row with its reasons. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: ["reviewer", "admin"] });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const id = new URL(request.url).searchParams.get("id") ?? "";
  const loaded = await loadPreview(db(), id, lang);
  if (!loaded.ok) throw notFound();
  const body = await previewReportXlsx(loaded.view, lang);
  await recordAudit(db(), { actorId: user.id, action: "export", subject: "import-report", data: { id, rows: loaded.view.rows.length } });
  const stem = loaded.view.fileName.replace(/\.[^.]*$/, "");
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="import-report.xlsx"; filename*=UTF-8''${encodeURIComponent(`${stem}-导入检查结果.xlsx`)}`,
      "Cache-Control": "no-store",
    },
  });
}
