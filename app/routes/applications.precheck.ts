import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isTierCode } from "~/domain/tiers";
import { firmFigures, getApplicantEnterprise } from "~/models/application-read.server";
import { listChecklist } from "~/models/checklist.server";
import { precheckFromForm } from "~/schemas/application.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader } from "~/utils/i18n";

/**
 * POST /applications/precheck?tier=CODE[&enterprise=ID] with the application form as it stands:
 * the live pre-check the form shows while the firm types, judged on the values the server would
 * accept, and the amounts that are doubtful against what the registry knows of the firm (its
 * profile, its earlier application). Nothing is stored.
 */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: ["enterprise", "reviewer", "admin"] });
  const url = new URL(request.url);
  const tier = url.searchParams.get("tier");
  if (!isTierCode(tier)) throw new Response("Bad Request: tier", { status: 400 });
  const enterpriseParam = url.searchParams.get("enterprise");
  // The firm's own figures only within the caller's reach (404 otherwise).
  const firm = enterpriseParam ? await getApplicantEnterprise(db(), user, Number(enterpriseParam)) : null;
  // Conform's parse gives the form's nested shape (checklist.code, repeated certificates).
  const { payload } = parseWithZod(await request.formData(), { schema: z.object({}).passthrough() });
  const year = Number(typeof payload.year === "string" ? payload.year : NaN);
  const [checklist, figures] = await Promise.all([listChecklist(db(), tier), firm && Number.isInteger(year) ? firmFigures(db(), firm.id, year) : null]);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const answer = precheckFromForm(lang, tier, payload, { checklist, today: todayInShanghai(), firm: figures });
  // Read by the form's own fetch (not a Remix fetcher), so plain JSON.
  return new Response(JSON.stringify(answer), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
