import type { LoaderFunctionArgs } from "@remix-run/node";
import { defaultYear, targetYears } from "~/models/progress.server";
import { exportProgressReport } from "~/models/progress-report.server";
import { downloadResponse } from "~/utils/download.server";
import { parseYearParam } from "~/schemas/progress.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader } from "~/utils/i18n";
import type { RouteHandle } from "~/utils/route-handle";

/** A download that streams for as long as the client reads. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/** GET /dashboard/report.xlsx?year= — the dashboard's figures as an Excel workbook; audited. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: ["reviewer", "admin", "town_officer"] });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const parsed = parseYearParam(new URL(request.url).searchParams.get("year"), lang);
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const year = parsed.year ?? defaultYear(await targetYears(db()), new Date());
  return downloadResponse(await exportProgressReport(db(), user, year, "xlsx"));
}
