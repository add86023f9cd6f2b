import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ValidityText } from "~/components/validity-text";
import { getTier, LEVEL_NAMES, TIERS } from "~/domain/tiers";
import { EXPIRING_LIMIT, listExpiringAwards, renewalWindowOf, startRenewal, type ExpiringAward } from "~/models/validity.server";
import { DEFAULT_WITHIN, parseExpiringQuery } from "~/schemas/validity.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/**
 * /awards/expiring?within=N&tier=&sort= — recognitions expiring within N days and those expired
 * but still renewable, scoped like the registry. A firm (or the bureau for it) starts a renewal
 * (复核) from a row: POST intent=renew, award=<id> → the renewal application's edit form.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const q = parseExpiringQuery(new URL(request.url).searchParams, lang);
  if (!q.ok) throw new Response(q.message, { status: 400 });
  const list = await listExpiringAwards(db(), user, { within: q.within, tier: q.tier, sort: q.sort, year: q.year, state: q.state });
  return {
    ...list,
    tier: q.tier,
    sort: q.sort,
    year: q.year,
    state: q.state,
    canRenew: user.role !== "town_officer",
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: ["enterprise", "reviewer", "admin"] });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const form = await request.formData();
  const raw = String(form.get("award") ?? "");
  if (form.get("intent") !== "renew" || !/^\d{1,12}$/.test(raw)) {
    return data({ error: translate(lang, "val.err.award"), award: raw.slice(0, 20) }, { status: 400 });
  }
  const result = await startRenewal(db(), user, Number(raw));
  if (result.ok) return redirect(`/applications/${result.applicationId}/edit`);
  if (result.reason === "outside-window") {
    const v = await renewalWindowOf(db(), user, Number(raw));
    return data({ error: translate(lang, "val.err.outsideWindow", { before: v?.renewBeforeDays ?? 180, after: v?.renewAfterDays ?? 90 }), award: raw }, { status: 409 });
  }
  return data({ error: translate(lang, result.reason === "duplicate" ? "val.err.duplicate" : "val.err.notRenewable"), award: raw }, { status: 409 });
}

export default function ExpiringAwardsPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const location = useLocation();
  const col = columnHelper<ExpiringAward>();
  const columns: DataTableColumn<ExpiringAward>[] = [
    col.accessor("name", {
      header: t("val.col.name"),
      cell: (info) => <Link to={`/enterprises/${info.row.original.enterpriseId}`}>{info.getValue()}</Link>,
    }),
    col.accessor("tier", {
      header: t("val.col.tier"),
      cell: (info) => {
        const tier = getTier(info.row.original.tier);
        return t.pick({ zh: tier.nameZh, en: tier.nameEn });
      },
    }),
    col.accessor("level", { header: t("val.col.level"), cell: (info) => t.pick(LEVEL_NAMES[info.row.original.level]) }),
    col.accessor("validUntil", {
      header: t("val.col.validUntil"),
      cell: (info) => <ValidityText validUntil={info.row.original.validUntil} daysLeft={info.row.original.daysLeft} />,
    }),
    col.accessor("renewBy", {
      header: t("val.col.renewal"),
      cell: (info) => {
        const r = info.row.original;
        if (r.renewed) return <span className="badge badge--ok">{t("val.renewed")}</span>;
        if (r.lapsed) return <span className="badge badge--bad">{t("val.lapsed")}</span>;
        if (r.renewal) return <Link to={`/applications/${r.renewal.applicationId}`}>{t("val.openRenewal")}</Link>;
        return (
          <>
            <span className="muted">{t("val.renewBy", { date: r.renewBy })}</span>{" "}
            {d.canRenew ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="renew" />
                <input type="hidden" name="award" value={r.awardId} />
                <button type="submit" className="button">
                  {t("val.startRenewal")}
                </button>
              </Form>
            ) : null}
          </>
        );
      },
    }),
  ];
  const exportParams = new URLSearchParams(location.search);
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t("val.title")}</h1>
          <p className="muted">{d.year === null ? t("val.intro", { within: d.within }) : t("val.introYear", { year: d.year, state: d.state ? t(`val.state.${d.state}`) : "" })}</p>
        </div>
        <a className="button" href={`/awards/expiring.xlsx?${exportParams}`} download>
          {t("val.export")}
        </a>
      </div>
      <Form method="get" className="filters">
        <label>
          {t("val.within")} <input name="within" inputMode="numeric" defaultValue={String(d.within ?? DEFAULT_WITHIN)} size={5} />
        </label>{" "}
        <label>
          {t("val.tier")}{" "}
          <select name="tier" defaultValue={d.tier ?? ""}>
            <option value="">{t("val.allTiers")}</option>
            {TIERS.map((tier) => (
              <option key={tier.code} value={tier.code}>
                {t.pick({ zh: tier.nameZh, en: tier.nameEn })}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          {t("val.sort")}{" "}
          <select name="sort" defaultValue={d.sort}>
            <option value="validUntil">{t("val.sort.validUntil")}</option>
            <option value="name">{t("val.sort.name")}</option>
            <option value="tier">{t("val.sort.tier")}</option>
          </select>
        </label>{" "}
        {d.year !== null ? <input type="hidden" name="year" value={d.year} /> : null}
        {d.state !== null ? <input type="hidden" name="state" value={d.state} /> : null}
        <button type="submit">{t("val.apply")}</button>
      </Form>
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {d.truncated ? <p className="alert">{t("val.truncated", { n: EXPIRING_LIMIT })}</p> : null}
      <DataTable columns={columns} data={d.awards} getRowId={(r) => String(r.awardId)} caption={t("val.title")} empty={t("val.empty")} />
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "即将到期的认定 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
