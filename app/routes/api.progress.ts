import type { LoaderFunctionArgs } from "@remix-run/node";
import { defaultYear, loadDistrictProgress, targetYears } from "~/models/progress.server";
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
 * GET /api/progress?year=YYYY — district figures for other systems (the README's contract):
 * `{ year, asOf, tiers: [{ tier, target, achieved, pipeline, gap }], cleanBeautyCoverage }`.
 * Every signed-in caller gets the same district figures (a town officer too): they are
 * counts, not firm data. No session → 401 JSON rather than a redirect to the login page; a forced password change → 403.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiUser(request);
  const raw = new URL(request.url).searchParams.get("year");
  const parsed = parseYearParam(raw, "en");
  if (!parsed.ok) {
    return json({ error: "bad-year", message: parsed.message, messageZh: translate("zh", "progress.badYear"), year: raw }, 400);
  }
  const year = parsed.year ?? defaultYear(await targetYears(db()), new Date());
  // District-wide figures only: they do not depend on the caller, nor on the number of towns.
  const report = await loadDistrictProgress(db(), year);
  return json({
    year: report.year,
    asOf: report.asOf,
    tiers: report.tiers.map((f) => ({
      tier: f.tier,
      target: f.target,
      achieved: f.achieved,
      pipeline: f.pipeline,
      pipelineLevelUndecided: f.pipelineLevelUndecided,
      gap: f.gap,
    })),
    cleanBeautyCoverage: report.cleanBeautyCoverage,
  });
}
