import type { LoaderFunctionArgs } from "@remix-run/node";
import { listExpiringAwards } from "~/models/validity.server";
import { parseExpiringQuery } from "~/schemas/validity.server";
import { requireApiUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { translate } from "~/utils/i18n";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * GET /api/awards/expiring?within=N[&tier=] — the awards in the caller's scope expiring within N
 * days (default 180, 1–730), and those expired but still renewable:
 * `{ asOf, within, awards: [{ awardId, enterpriseId, name, tier, level, validUntil, daysLeft }] }`.
 * No session → 401; a bad parameter → 400 naming it.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApiUser(request);
  const params = new URL(request.url).searchParams;
  const q = parseExpiringQuery(params, "en");
  if (!q.ok) {
    const messageZh = translate("zh", ({ within: "val.badWithin", tier: "val.badTier", sort: "val.badSort", year: "val.badYear", state: "val.badState" } as const)[q.field]);
    return json({ error: `bad-${q.field}`, field: q.field, message: q.message, messageZh }, 400);
  }
  const list = await listExpiringAwards(db(), user, { within: q.within, tier: q.tier, sort: q.sort, year: q.year, state: q.state });
  return json({
    asOf: list.asOf,
    within: list.within,
    truncated: list.truncated,
    awards: list.awards.map((a) => ({
      awardId: a.awardId,
      enterpriseId: a.enterpriseId,
      name: a.name,
      tier: a.tier,
      level: a.level,
      validUntil: a.validUntil,
      daysLeft: a.daysLeft,
    })),
  });
}
