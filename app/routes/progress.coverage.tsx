import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatPercent } from "~/components/progress-charts";
import { loadCoverage } from "~/models/progress.server";
import { listUncoveredFirms, type UncoveredFirm } from "~/models/progress-firms.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { useT } from "~/utils/i18n-react";

/** The clean-beauty work list: above-scale manufacturers not yet covered, in the caller's scope. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: ["reviewer", "admin", "town_officer"] });
  const params = new URL(request.url).searchParams;
  const page = await listUncoveredFirms(db(), user, {
    town: params.get("town")?.trim() || null,
    cursor: params.get("cursor"),
  });
  const report = await loadCoverage(db(), user);
  const town = params.get("town")?.trim() || (user.role === "town_officer" ? user.townCode : null);
  const townRow = town ? report.towns.find((x) => x.code === town) : undefined;
  return {
    rows: page.rows,
    next: page.next,
    coverage: townRow ? townRow.coverage : report.district,
    townName: townRow ? { zh: townRow.nameZh, en: townRow.nameEn } : null,
    towns: report.towns.map((x) => ({ code: x.code, zh: x.nameZh, en: x.nameEn })),
    town,
    officer: user.role === "town_officer",
  };
}

/** The same firms in the registry, where they can be filtered further and exported. */
function registryLink(town: string | null): string {
  const params = new URLSearchParams({ aboveScale: "1", manufacturing: "1", notTier: "clean-beauty-factory" });
  if (town) params.set("town", town);
  return `/enterprises?${params}`;
}

export default function CoveragePage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const col = columnHelper<UncoveredFirm>();
  const columns: DataTableColumn<UncoveredFirm>[] = [
    col.accessor("name", {
      header: t("progress.col.name"),
      cell: (info) => <Link to={`/enterprises/${info.row.original.id}`}>{info.getValue()}</Link>,
    }),
    col.accessor("uscc", { header: t("progress.col.uscc"), cell: (info) => <code>{info.getValue()}</code> }),
    col.accessor("townZh", {
      header: t("progress.col.town"),
      cell: (info) => t.pick({ zh: info.row.original.townZh, en: info.row.original.townEn }),
    }),
    col.accessor("industryZh", {
      header: t("progress.col.industry"),
      cell: (info) => t.pick({ zh: info.row.original.industryZh, en: info.row.original.industryEn }),
    }),
    col.accessor("contactName", {
      header: t("progress.col.contact"),
      cell: (info) => {
        const r = info.row.original;
        return [r.contactName, r.contactPhone].filter(Boolean).join(" ") || "—";
      },
    }),
  ];
  const params = new URLSearchParams(location.search);
  params.delete("cursor");
  const next = new URLSearchParams(params);
  if (data.next) next.set("cursor", data.next);
  const c = data.coverage;
  return (
    <div>
      <p className="no-print">
        <Link to="/dashboard">← {t("progress.backToDashboard")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{t("progress.uncoveredTitle")}</h1>
          <p className="muted">{t("progress.uncoveredIntro")}</p>
          <p>
            {t("progress.scope", { scope: data.townName ? t.pick(data.townName) : t("progress.wholeDistrict") })}
            {" · "}
            {t("progress.coverage")} {formatPercent(c.percent)}（{t("progress.coverageFigure", { covered: c.covered, total: c.total })}）{" · "}
            {t("progress.firmsCount", { n: c.total - c.covered })}
          </p>
          <p className="no-print">
            <Link to={registryLink(data.town)}>{t("progress.openInRegistry")}</Link>
          </p>
        </div>
      </div>
      {!data.officer ? (
        <form method="get" className="filters filters--narrow no-print">
          <div className="field">
            <label htmlFor="cov-town" className="field__label">
              {t("progress.town")}
            </label>
            <select id="cov-town" name="town" className="input" defaultValue={data.town ?? ""}>
              <option value="">{t("progress.wholeDistrict")}</option>
              {data.towns.map((x) => (
                <option key={x.code} value={x.code}>
                  {t.pick({ zh: x.zh, en: x.en })}
                </option>
              ))}
            </select>
          </div>
          <div className="filters__actions">
            <button type="submit" className="button">
              {t("common.search")}
            </button>
          </div>
        </form>
      ) : null}
      <div className="dash-section">
        <DataTable columns={columns} data={data.rows} getRowId={(r) => String(r.id)} caption={t("progress.uncoveredTitle")} empty={t("progress.empty")} />
      </div>
      {data.next ? (
        <nav className="pager" aria-label={t("common.next")}>
          <Link to={`?${params}`}>{t("common.first")}</Link>
          <Link to={`?${next}`} className="button">
            {t("common.next")}
          </Link>
        </nav>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "洁美工厂未覆盖企业 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
