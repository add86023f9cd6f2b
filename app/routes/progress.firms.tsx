import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getTier, LEVEL_NAMES } from "~/domain/tiers";
import { countAwarded, listAwardedFirms, type AwardedFirm } from "~/models/progress-firms.server";
import { getTownNames } from "~/models/reference.server";
import { parseFirmsQuery } from "~/schemas/progress.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/** The firms behind an "achieved" figure of the dashboard; scoped (an officer: its own town only). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: ["reviewer", "admin", "town_officer"] });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const q = parseFirmsQuery(new URL(request.url).searchParams, lang);
  if (!q.ok) throw new Response(q.message, { status: 400 });
  const page = await listAwardedFirms(db(), user, q);
  const counts = await countAwarded(db(), user, q.year, q.tier, q.town);
  const town = q.town ?? (user.role === "town_officer" ? user.townCode : null);
  const townName = town ? await getTownNames(db(), town) : null;
  return {
    year: q.year,
    tier: q.tier,
    town,
    townName,
    includeBelow: q.includeBelow,
    counted: counts.counted,
    below: counts.below,
    rows: page.rows,
    next: page.next,
  };
}

export default function ProgressFirmsPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const tier = getTier(data.tier);
  const tierName = t.pick({ zh: tier.nameZh, en: tier.nameEn });
  const col = columnHelper<AwardedFirm>();
  const columns: DataTableColumn<AwardedFirm>[] = [
    col.accessor("name", {
      header: t("progress.col.name"),
      cell: (info) => {
        const r = info.row.original;
        return (
          <>
            <Link to={`/enterprises/${r.enterpriseId}`}>{r.name}</Link>
            {!r.counted ? (
              <>
                {" "}
                <span className="badge badge--warn">{t("progress.notCounted")}</span>
              </>
            ) : null}
            {r.archived ? (
              <>
                {" "}
                <span className="badge badge--muted">{t("progress.archived")}</span>
              </>
            ) : null}
          </>
        );
      },
    }),
    col.accessor("uscc", { header: t("progress.col.uscc"), cell: (info) => <code>{info.getValue()}</code> }),
    col.accessor("townZh", {
      header: t("progress.col.town"),
      cell: (info) => t.pick({ zh: info.row.original.townZh, en: info.row.original.townEn }),
    }),
    col.accessor("level", { header: t("progress.col.level"), cell: (info) => t.pick(LEVEL_NAMES[info.row.original.level]) }),
    col.accessor("recognizedOn", { header: t("progress.col.recognizedOn"), cell: (info) => info.getValue() ?? "—" }),
    col.accessor("documentNo", { header: t("progress.col.documentNo"), cell: (info) => info.getValue() ?? "—" }),
  ];
  const params = new URLSearchParams(location.search);
  params.delete("cursor");
  const toggle = new URLSearchParams(params);
  if (data.includeBelow) toggle.delete("below");
  else toggle.set("below", "1");
  const next = new URLSearchParams(params);
  if (data.next) next.set("cursor", data.next);
  return (
    <div>
      <p className="no-print">
        <Link to={`/dashboard?year=${data.year}`}>← {t("progress.backToDashboard")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{t("progress.firmsTitle", { year: data.year, tier: tierName })}</h1>
          <p className="muted">{t("progress.firmsIntro", { rule: t.pick({ zh: tier.countingRuleZh, en: tier.countingRuleEn }) })}</p>
          <p>
            {t("progress.scope", { scope: data.townName ? t.pick(data.townName) : t("progress.wholeDistrict") })}
            {" · "}
            {t("progress.firmsCount", { n: data.includeBelow ? data.counted + data.below : data.counted })}
          </p>
        </div>
      </div>
      {data.below > 0 || data.includeBelow ? (
        <p className="no-print">
          <Link to={`?${toggle}`}>{data.includeBelow ? t("progress.firmsOnlyCounted") : t("progress.firmsWithBelow", { n: data.below })}</Link>
        </p>
      ) : null}
      <DataTable
        columns={columns}
        data={data.rows}
        getRowId={(r) => String(r.awardId)}
        caption={t("progress.firmsTitle", { year: data.year, tier: tierName })}
        empty={t("progress.empty")}
      />
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

export const meta: MetaFunction = () => [{ title: "已完成企业 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
