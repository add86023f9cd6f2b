import type { LoaderFunctionArgs } from "@remix-run/node";
import { isTierCode } from "~/domain/tiers";
import { cultivationSummary } from "~/models/cultivation.server";
import { defaultYear, targetYears } from "~/models/progress.server";
import { parseYearParam } from "~/schemas/progress.server";
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
 * GET /api/cultivation?year=YYYY&tier=CODE — the pool of a tier and target year by status, and
 * the town league: `{ year, tier, pool: { cultivating, applied, recognized, exited }, towns:
 * [{ town, target, achieved, applied, pool }] }`. Scoped like the pages: the bureau gets the
 * district, a town officer its own town (pool counts and one town row), a firm's account 404.
 * No session → 401 JSON; a bad year or tier → 400. No year: as /api/progress.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApiUser(request);
  if (user.role === "enterprise" || (user.role === "town_officer" && !user.townCode)) {
    return json({ error: "not-found" }, 404);
  }
  const params = new URL(request.url).searchParams;
  const rawYear = params.get("year");
  const parsed = parseYearParam(rawYear, "en");
  if (!parsed.ok) {
    return json({ error: "bad-year", message: parsed.message, messageZh: translate("zh", "progress.badYear"), year: rawYear }, 400);
  }
  const tier = params.get("tier");
  if (!isTierCode(tier)) {
    return json({ error: "bad-tier", message: translate("en", "pool.api.badTier"), messageZh: translate("zh", "pool.api.badTier"), tier }, 400);
  }
  const year = parsed.year ?? defaultYear(await targetYears(db()), new Date());
  return json(await cultivationSummary(db(), user, year, tier));
}
