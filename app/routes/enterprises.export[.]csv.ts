import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentHeader, enterprisesCsvStream, prepareEnterpriseExport } from "~/models/enterprise-export.server";
import { parseEnterpriseListQuery } from "~/schemas/enterprise.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import type { RouteHandle } from "~/utils/route-handle";

/** A download that streams for as long as the client reads. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/** GET /enterprises/export.csv?<the list's filters>: the filtered view in the caller's scope. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: ["reviewer", "admin", "town_officer"] });
  const query = parseEnterpriseListQuery(new URL(request.url).searchParams);
  const run = await prepareEnterpriseExport(db(), user, query, "csv");
  return new Response(enterprisesCsvStream(run.batches, run.reference), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": attachmentHeader(run.meta, "csv"),
      "Cache-Control": "no-store",
    },
  });
}
