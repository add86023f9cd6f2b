import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getTier, TIERS, type TierCode } from "~/domain/tiers";
import { loadTownLeague, type LeagueRow } from "~/models/cultivation.server";
import { assertPoolCaller } from "~/models/pool.server";
import { defaultYear, targetYears } from "~/models/progress.server";
import { parseYearParam } from "~/schemas/progress.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/** The town league of one tier: each town's share of the target, achieved, in review, cultivating. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  assertPoolCaller(user);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const params = new URL(request.url).searchParams;
  const parsed = parseYearParam(params.get("year"), lang);
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const year = parsed.year ?? defaultYear(await targetYears(db()), new Date());
  const tierParam = params.get("tier");
  const tier: TierCode = TIERS.some((t) => t.code === tierParam) ? (tierParam as TierCode) : "specialized-new";
  const rows = await loadTownLeague(db(), user, year, tier);
  return { year, tier, rows, bureau: user.role === "reviewer" || user.role === "admin" };
}

export default function TownLeaguePage() {
  const { year, tier, rows, bureau } = useLoaderData<typeof loader>();
  const t = useT();
  const tierInfo = getTier(tier);
  const col = columnHelper<LeagueRow>();
  const town = (r: LeagueRow) => `&town=${r.town}`;
  const columns: DataTableColumn<LeagueRow>[] = [
    col.accessor("nameZh", { header: t("pool.town"), cell: (i) => t.pick({ zh: i.row.original.nameZh, en: i.row.original.nameEn }) }),
    col.accessor("target", {
      header: t("pool.towns.target"),
      meta: { numeric: true },
      cell: (i) => (i.getValue() === null ? <span className="muted">{t("pool.towns.notSplit")}</span> : i.getValue()),
    }),
    col.accessor("achieved", {
      header: t("pool.towns.achieved"),
      meta: { numeric: true },
      cell: (i) => <Link to={`/progress/firms?year=${year}&tier=${tier}${town(i.row.original)}`}>{i.getValue()}</Link>,
    }),
    col.accessor("applied", {
      header: t("pool.towns.applied"),
      meta: { numeric: true },
      cell: (i) => <Link to={`/applications?tier=${tier}&year=${year}&status=pipeline${town(i.row.original)}`}>{i.getValue()}</Link>,
    }),
    col.accessor("pool", {
      header: t("pool.towns.pool"),
      meta: { numeric: true },
      cell: (i) => <Link to={`/cultivation?tier=${tier}&year=${year}&status=cultivating${town(i.row.original)}`}>{i.getValue()}</Link>,
    }),
  ];
  return (
    <section aria-labelledby="league-title">
      <p>
        <Link to="/cultivation">← {t("pool.title")}</Link>
      </p>
      <h1 id="league-title">{t("pool.towns.title", { year, tier: t.pick({ zh: tierInfo.nameZh, en: tierInfo.nameEn }) })}</h1>
      <Form method="get" className="filters">
        <div className="field">
          <label className="field__label" htmlFor="league-year">
            {t("pool.year")}
          </label>
          <input id="league-year" name="year" className="input" inputMode="numeric" defaultValue={year} maxLength={4} />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="league-tier">
            {t("pool.tier")}
          </label>
          <select id="league-tier" name="tier" className="input" defaultValue={tier}>
            {TIERS.map((x) => (
              <option key={x.code} value={x.code}>
                {t.pick({ zh: x.nameZh, en: x.nameEn })}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t("pool.apply")}
          </button>
          {bureau ? (
            <Link to={`/targets?year=${year}&tier=${tier}#split`} className="button">
              {t("pool.split.edit", { tier: t.pick({ zh: tierInfo.nameZh, en: tierInfo.nameEn }) })}
            </Link>
          ) : null}
        </div>
      </Form>
      <DataTable columns={columns} data={rows} getRowId={(r) => r.town} caption={t("pool.towns.caption")} />
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "各镇（街道）培育榜 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
