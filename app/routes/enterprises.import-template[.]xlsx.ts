import type { LoaderFunctionArgs } from "@remix-run/node";
import { templateXlsx } from "~/models/import-view.server";
import { listIndustries, listTowns } from "~/models/reference.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import type { RouteHandle } from "~/utils/route-handle";

/** A download that streams for as long as the client reads. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/** GET /enterprises/import-template.xlsx?kind=enterprises|awards — a blank list to fill in. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: ["reviewer", "admin"] });
  const kind = new URL(request.url).searchParams.get("kind") === "awards" ? "awards" : "enterprises";
  const [towns, industries] = await Promise.all([listTowns(db()), listIndustries(db())]);
  const body = await templateXlsx(kind, { towns: towns.map((t) => t.nameZh), industries: industries.map((i) => i.nameZh) });
  const name = kind === "awards" ? "认定名单导入模板.xlsx" : "企业名录导入模板.xlsx";
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${kind}-template.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });
}
