import type { LoaderFunctionArgs } from "@remix-run/node";
import { assertDiscoveryCaller, readCandidates } from "~/models/discovery.server";
import { parseDiscoveryQuery } from "~/schemas/discovery.server";
import { requireApiUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { translate } from "~/utils/i18n";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * GET /api/candidates?tier=&year=[&town=&industry=&verdict=] — discovery's candidates for other
 * systems: `{ tier, year, ruleVersion, asOf, candidates: [{ enterpriseId, uscc, name, town,
 * verdict, missing: [{ criterion, need, have }], toConfirm: [{ criterion, need }] }] }`, in the
 * caller's scope like the page (a town officer its town; an enterprise account 404). No session
 * → 401; a bad tier or year → 400 naming the field. The year defaults to the current one.
 * The candidates are those of the latest finished discovery run the caller may read, and asOf is
 * when it finished; with no run yet, `candidates` is empty and `asOf` null.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApiUser(request);
  try {
    assertDiscoveryCaller(user);
  } catch {
    return json({ error: "not-found" }, 404);
  }
  const params = new URL(request.url).searchParams;
  const today = todayInShanghai();
  const parsed = parseDiscoveryQuery(params, "en", { tier: null, year: Number(today.slice(0, 4)) });
  if (!parsed.ok) {
    return json(
      {
        error: `bad-${parsed.field}`,
        field: parsed.field,
        message: parsed.message,
        messageZh: translate("zh", `discovery.bad.${parsed.field}` as "discovery.bad.tier"),
      },
      400,
    );
  }
  const result = await readCandidates(db(), user, parsed.query);
  return json({
    tier: parsed.query.tier,
    year: parsed.query.year,
    ruleVersion: result.run?.ruleVersion ?? null,
    asOf: result.run?.finishedAt ?? null,
    candidates: result.candidates.map((c) => ({
      enterpriseId: c.enterpriseId,
      uscc: c.uscc,
      name: c.name,
      town: c.townCode,
      verdict: c.verdict,
      missing: c.missing.map((m) => ({ criterion: m.labelZh, need: m.needZh, have: m.haveZh, criterionEn: m.labelEn, needEn: m.needEn, haveEn: m.haveEn })),
      toConfirm: c.toConfirm.map((m) => ({ criterion: m.labelZh, need: m.needZh, criterionEn: m.labelEn })),
    })),
  });
}
