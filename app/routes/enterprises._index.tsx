import { ExpiringPanel } from "~/components/expiring-panel";
import { listExpiringAwards } from "~/models/validity.server";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useClientLinks } from "~/components/client-links";
import { columnHelper, DataTable, SortHeader, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TierBadges } from "~/components/tier-badges";
import { seesEverything } from "~/domain/scope";
import { LEVEL_NAMES, LEVELS, TIERS } from "~/domain/tiers";
import { describeFilters } from "~/models/enterprise-export.server";
import { listEnterprises, type EnterpriseListRow } from "~/models/enterprise-list.server";
import { listIndustries, listTowns } from "~/models/reference.server";
import { parseEnterpriseListQuery } from "~/schemas/enterprise.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { langFromCookieHeader, pick } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

import { TownHomePanel, type TownHomeData } from "~/components/town-home";
import type { Caller } from "~/domain/scope";
import { loadTownHome } from "~/models/cultivation.server";
import { listOverdueTasks } from "~/models/pool.server";
import { defaultYear, targetYears } from "~/models/progress.server";
import { todayInShanghai } from "~/utils/format";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // An enterprise user has one firm: its registry is its own profile.
  if (user.role === "enterprise") throw redirect(`/enterprises/${user.enterpriseId}`);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const query = parseEnterpriseListQuery(new URL(request.url).searchParams);
  const [page, towns, industries, townHome, expiring] = await Promise.all([
    listEnterprises(db(), user, query),
    listTowns(db()),
    listIndustries(db()),
    user.role === "town_officer" ? loadOfficerHome(user) : Promise.resolve(null),
    user.role === "town_officer" ? listExpiringAwards(db(), user, { within: 180 }) : Promise.resolve(null),
  ]);
  // Towns and industries go to the page as options in the reader's language: a province has
  // hundreds of towns, and the page's data is serialised on every view.
  const option = (x: { code: string; nameZh: string; nameEn: string }) => ({ code: x.code, name: pick(lang, { zh: x.nameZh, en: x.nameEn }) });
  return {
    page,
    query,
    towns: towns.map(option),
    industries: industries.map(option),
    filterSummary: describeFilters(query, lang, { towns, industries }, null),
    canCreate: seesEverything(user),
    townHome,
    expiring: expiring
      ? {
          within: expiring.within,
          total: expiring.awards.length,
          rows: expiring.awards.slice(0, 10).map(({ awardId, enterpriseId, name, tier, validUntil, daysLeft }) => ({ awardId, enterpriseId, name, tier, validUntil, daysLeft })),
        }
      : null,
  };
}

/** A town officer lands here: its town against its targets and its overdue plan tasks come first. */
async function loadOfficerHome(user: Caller): Promise<TownHomeData | null> {
  const year = defaultYear(await targetYears(db()), new Date());
  const [town, overdue] = await Promise.all([loadTownHome(db(), user, year), listOverdueTasks(db(), user, todayInShanghai(), 10)]);
  return town ? { year, town, overdue } : null;
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

const col = columnHelper<EnterpriseListRow>();

function useColumns(data: LoaderData): DataTableColumn<EnterpriseListRow>[] {
  const t = useT();
  const { towns, industries } = data;
  return useMemo(() => {
    const townName = new Map(towns.map((x) => [x.code, x.name]));
    const industryName = new Map(industries.map((x) => [x.code, x.name]));
    return [
      col.accessor("name", {
        header: () => <SortHeader column="name" label={t("ent.col.name")} />,
        cell: (info) => (
          <>
            {/* A plain anchor: useClientLinks makes it navigate and prefetch like <Link prefetch="intent">. */}
            <a href={`/enterprises/${info.row.original.id}`} data-discover="true">
              {info.getValue()}
            </a>
            {info.row.original.archived ? <span className="badge badge--muted ent-archived">{t("ent.archived")}</span> : null}
          </>
        ),
      }),
      col.accessor("uscc", {
        header: () => <SortHeader column="uscc" label={t("ent.col.uscc")} />,
        cell: (info) => <code className="uscc">{info.getValue()}</code>,
      }),
      col.accessor("townCode", {
        header: t("ent.col.town"),
        cell: (info) => townName.get(info.getValue()) ?? info.getValue(),
      }),
      col.accessor("industryCode", {
        header: t("ent.col.industry"),
        cell: (info) => industryName.get(info.getValue()) ?? info.getValue(),
      }),
      col.accessor("aboveScale", {
        header: t("ent.col.aboveScale"),
        cell: (info) => (info.getValue() ? t("common.yes") : <span className="muted">{t("common.no")}</span>),
      }),
      col.accessor("tiers", {
        header: t("ent.col.tiers"),
        cell: (info) => <TierBadges tiers={info.getValue()} />,
      }),
      col.accessor("updatedAt", {
        header: () => <SortHeader column="updated" label={t("ent.col.updated")} />,
        cell: (info) => <span className="nowrap">{formatDate(info.getValue())}</span>,
      }),
    ] as DataTableColumn<EnterpriseListRow>[];
  }, [t, towns, industries]);
}

/** Search params of the current view without the page position (for exports and sorting). */
function viewParams(search: string): URLSearchParams {
  const params = new URLSearchParams(search);
  params.delete("cursor");
  params.delete("before");
  return params;
}

function Filters({ data }: { data: LoaderData }) {
  const t = useT();
  const location = useLocation();
  const { query, page } = data;
  const scopeTown = page.scopeTown ? data.towns.find((x) => x.code === page.scopeTown) : null;
  return (
    // Keyed by the URL so the uncontrolled fields show the current filters after client navigation.
    <Form method="get" className="card filters ent-filters" key={location.search} role="search" aria-label={t("ent.filter.legend")}>
      <div className="field ent-filters__q">
        <label className="field__label" htmlFor="ent-q">
          {t("ent.filter.q")}
        </label>
        <input id="ent-q" name="q" type="search" className="input" defaultValue={query.q ?? ""} maxLength={100} placeholder={t("ent.filter.qHint")} title={t("ent.filter.qHint")} />
      </div>
      <div className="field">
        {scopeTown ? (
          <>
            <span className="field__label" id="ent-town-label">
              {t("ent.filter.town")}
            </span>
            <p className="ent-filters__fixed" aria-labelledby="ent-town-label">
              {scopeTown.name}
            </p>
          </>
        ) : (
          <>
            <label className="field__label" htmlFor="ent-town">
              {t("ent.filter.town")}
            </label>
            <select id="ent-town" name="town" className="input" defaultValue={query.town ?? ""}>
              <option value="">{t("ent.filter.any")}</option>
              {data.towns.map((x) => (
                <option key={x.code} value={x.code}>
                  {x.name}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      <div className="field">
        <label className="field__label" htmlFor="ent-industry">
          {t("ent.filter.industry")}
        </label>
        <select id="ent-industry" name="industry" className="input" defaultValue={query.industry ?? ""}>
          <option value="">{t("ent.filter.any")}</option>
          {data.industries.map((x) => (
            <option key={x.code} value={x.code}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--tier">
        <label className="field__label" htmlFor="ent-tier">
          {t("ent.filter.tier")}
        </label>
        <select id="ent-tier" name="tier" className="input" defaultValue={query.tier ?? ""}>
          <option value="">{t("ent.filter.anyTier")}</option>
          {TIERS.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--tier">
        <label className="field__label" htmlFor="ent-not-tier">
          {t("ent.filter.notTier")}
        </label>
        <select id="ent-not-tier" name="notTier" className="input" defaultValue={query.notTier ?? ""}>
          <option value="">{t("ent.filter.any")}</option>
          {TIERS.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="ent-level">
          {t("ent.filter.level")}
        </label>
        <select id="ent-level" name="level" className="input" defaultValue={query.level ?? ""}>
          <option value="">{t("ent.filter.any")}</option>
          {LEVELS.map((x) => (
            <option key={x} value={x}>
              {t.pick(LEVEL_NAMES[x])}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="ent-above">
          {t("ent.filter.aboveScale")}
        </label>
        <select id="ent-above" name="aboveScale" className="input" defaultValue={query.aboveScale === undefined ? "" : query.aboveScale ? "1" : "0"}>
          <option value="">{t("ent.filter.any")}</option>
          <option value="1">{t("common.yes")}</option>
          <option value="0">{t("common.no")}</option>
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="ent-archived">
          {t("ent.filter.archived")}
        </label>
        <select id="ent-archived" name="archived" className="input" defaultValue={query.archived === "include" ? "1" : query.archived === "only" ? "only" : ""}>
          <option value="">{t("ent.filter.archived.hide")}</option>
          <option value="1">{t("ent.filter.archived.include")}</option>
          <option value="only">{t("ent.filter.archived.only")}</option>
        </select>
      </div>
      <div className="field field--checkbox">
        <input id="ent-manufacturing" type="checkbox" name="manufacturing" value="1" defaultChecked={query.manufacturing === true} />
        <label htmlFor="ent-manufacturing">{t("ent.filter.manufacturing")}</label>
      </div>
      {query.sort !== "name" ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir !== "asc" ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <div className="filters__actions">
        <button type="submit" className="button button--primary">
          {t("ent.filter.apply")}
        </button>
        <Link to="/enterprises" className="button">
          {t("ent.filter.reset")}
        </Link>
      </div>
    </Form>
  );
}

/**
 * The filter panel takes a phone's whole first screen: there it starts folded (its summary names
 * the filters in force). Rendered open, so without JavaScript nothing is hidden.
 */
function FoldedOnPhones({ summary, children }: { summary: string; children: ReactNode }) {
  const [open, setOpen] = useState(true);
  useEffect(() => {
    if (window.matchMedia("(max-width: 640px)").matches) setOpen(false);
  }, []);
  return (
    <details className="filters-fold" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="filters-fold__summary">{summary}</summary>
      {children}
    </details>
  );
}

function EmptyState({ data }: { data: LoaderData }) {
  const t = useT();
  const filtered = data.filterSummary.length > 0;
  return (
    <div className="ent-empty">
      <p className="ent-empty__title">{t("ent.empty.title")}</p>
      {filtered ? <p>{t("ent.empty.because", { filters: data.filterSummary.join(t.lang === "en" ? "; " : "；") })}</p> : null}
      {filtered ? (
        <p>
          {t("ent.empty.widen")} <Link to="/enterprises">{t("ent.empty.reset")}</Link>
          {t.lang === "en" ? "." : "。"}
        </p>
      ) : null}
      {data.query.archived === "hide" ? <p className="small">{t("ent.empty.archivedHint")}</p> : null}
    </div>
  );
}

function Pager({ data }: { data: LoaderData }) {
  const t = useT();
  const location = useLocation();
  const { page } = data;
  if (!page.prevCursor && !page.nextCursor) return null;
  const link = (key: "cursor" | "before" | null, value?: string) => {
    const params = viewParams(location.search);
    if (key && value) params.set(key, value);
    const qs = params.toString();
    return qs ? `?${qs}` : "?";
  };
  return (
    <nav className="pager" aria-label={t("ent.list.pager")}>
      <span className="muted">{t("ent.list.pageOf", { n: page.rows.length })}</span>
      <span className="pager__links">
        {page.prevCursor ? (
          <>
            <Link className="button button--small" to={link(null)}>
              {t("common.first")}
            </Link>
            <Link className="button button--small" to={link("before", page.prevCursor)} rel="prev">
              {t("common.prev")}
            </Link>
          </>
        ) : null}
        {page.nextCursor ? (
          <Link className="button button--small" to={link("cursor", page.nextCursor)} rel="next">
            {t("common.next")}
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

export default function EnterprisesPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const columns = useColumns(data);
  const rowLinks = useClientLinks("tbody a[href]");
  const exportQuery = viewParams(location.search).toString();
  const suffix = exportQuery ? `?${exportQuery}` : "";
  return (
    <section aria-labelledby="ent-title" className="ent-list">
      <div className="page-head">
        <div>
          <h1 id="ent-title">{t("ent.list.title")}</h1>
          <p className="muted ent-total" aria-live="polite">
            {data.page.totalAtLeast ? t("ent.list.totalAtLeast", { n: data.page.total.toLocaleString("en-US") }) : t("ent.list.total", { n: data.page.total })}
          </p>
        </div>
        <div className="page-head__actions">
          {data.canCreate ? (
            <Link to="/enterprises/new" className="button button--primary">
              {t("ent.list.new")}
            </Link>
          ) : null}
          {data.canCreate ? (
            <Link to="/enterprises/import" className="button">
              {t("imp.list.button")}
            </Link>
          ) : null}
          <a href={`/enterprises/export.csv${suffix}`} className="button" download>
            {t("ent.list.exportCsv")}
          </a>
          <a href={`/enterprises/export.xlsx${suffix}`} className="button" download>
            {t("ent.list.exportXlsx")}
          </a>
        </div>
      </div>
      {data.townHome ? <TownHomePanel data={data.townHome} /> : null}
      {data.expiring ? <ExpiringPanel data={data.expiring} /> : null}
      <FoldedOnPhones summary={data.filterSummary.length ? `${t("ent.filter.legend")}：${data.filterSummary.join(t.lang === "en" ? "; " : "；")}` : t("ent.filter.legend")}>
        <Filters data={data} />
      </FoldedOnPhones>
      <DataTable
        columns={columns}
        data={data.page.rows}
        getRowId={(row) => String(row.id)}
        caption={<span className="visually-hidden">{t("ent.list.title")}</span>}
        empty={<EmptyState data={data} />}
        containerProps={rowLinks.handlers}
      />
      {rowLinks.prefetch}
      <Pager data={data} />
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "企业名录 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
