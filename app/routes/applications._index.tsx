import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useMemo } from "react";
import { LevelSought, OpinionBadge, StatusBadge } from "~/components/application-view";
import { DataTable, columnHelper, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { PIPELINE_STATUSES, STATUSES, STATUS_NAMES, isStatus, type Status } from "~/domain/state-machine";
import { LEVELS, TIERS, countsTowardTarget, getTier, isTierCode } from "~/domain/tiers";
import { listApplications, type ApplicationListFilters, type ApplicationListRow } from "~/models/application-list.server";
import { listTowns } from "~/models/reference.server";
import { requireUser } from "~/utils/auth.server";
import { hasFiguresOf, reportingYear } from "~/models/figures.server";
import { db } from "~/utils/db.server";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const PAGE_SIZE = 50;

/** Reads the filters from the URL; anything malformed is ignored rather than refused. */
function filtersFrom(url: URL, role: string) {
  const p = url.searchParams;
  const tier = p.get("tier");
  const yearText = p.get("year") ?? "";
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
  const statusParams = p.getAll("status");
  const all = statusParams.includes("all");
  // "pipeline" names what the dashboard counts as in review: submitted and returned.
  let statuses = [...new Set(statusParams.flatMap((s) => (s === "pipeline" ? PIPELINE_STATUSES : [s])))].filter(isStatus);
  // The bureau's and the town's lists open on what awaits them; "all" shows every status.
  if (!all && statuses.length === 0 && role !== "enterprise") statuses = ["submitted"];
  // The dashboard's 在审 of a tier is its pipeline at the levels that can count; "none" lists
  // those with no level yet (级别未定).
  const levelParam = p.get("levelSought");
  const levelSought: ApplicationListFilters["levelSought"] =
    levelParam === "none" ? "none" : statusParams.includes("pipeline") && isTierCode(tier) ? LEVELS.filter((l) => countsTowardTarget(tier, l)) : undefined;
  // Renewals (复核) only with renewal=1; never in the pipeline, which counts toward the target.
  const renewal = p.get("renewal") === "1" ? true : statusParams.includes("pipeline") ? false : undefined;
  return {
    tier: isTierCode(tier) ? tier : undefined,
    levelSought,
    renewal,
    year,
    statuses: all ? [] : statuses,
    town: p.get("town")?.slice(0, 40) || undefined,
    q: p.get("q")?.slice(0, 100) || undefined,
    cursor: p.get("cursor"),
    showAll: all,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const f = filtersFrom(url, user.role);
  const [list, towns] = await Promise.all([
    listApplications(db(), user, { ...f, limit: PAGE_SIZE }),
    user.role === "reviewer" || user.role === "admin" ? listTowns(db()) : Promise.resolve([]),
  ]);
  const thisYear = Number(todayInShanghai().slice(0, 4));
  // A firm's home reminds it of last year's figures until they are reported.
  const figuresDue =
    user.role === "enterprise" && user.enterpriseId !== null && !(await hasFiguresOf(db(), user.enterpriseId, reportingYear()))
      ? { year: reportingYear(), href: `/enterprises/${user.enterpriseId}/figures` }
      : null;
  return {
    figuresDue,
    role: user.role,
    rows: list.rows,
    counts: list.counts,
    nextCursor: list.nextCursor,
    order: list.order,
    filters: { tier: f.tier ?? "", year: f.year ? String(f.year) : "", statuses: f.statuses, town: f.town ?? "", q: f.q ?? "", showAll: f.showAll },
    towns,
    years: Array.from({ length: thisYear + 1 - 2022 + 1 }, (_, i) => thisYear + 1 - i),
    paged: Boolean(f.cursor),
  };
}

type Row = ApplicationListRow;

/** What the firm should do next, by status. */
const NEXT_FOR_FIRM: Record<Status, MessageKey> = {
  draft: "apps.next.draft",
  submitted: "apps.next.submitted",
  returned: "apps.next.returned",
  approved: "apps.next.approved",
  rejected: "apps.next.rejected",
  withdrawn: "apps.next.withdrawn",
  revoked: "apps.next.revoked",
  publicized: "apps.next.publicized",
};

function useColumns(role: string): DataTableColumn<Row>[] {
  const t = useT();
  return useMemo(() => {
    const col = columnHelper<Row>();
    const firm = col.accessor("enterpriseName", {
      header: () => t("apps.col.firm"),
      cell: (c) => <Link to={`/applications/${c.row.original.id}`}>{c.getValue()}</Link>,
    });
    const tier = col.accessor("tierCode", {
      header: () => t("apps.col.tier"),
      cell: (c) => {
        const tr = getTier(c.getValue());
        return role === "enterprise" ? <Link to={`/applications/${c.row.original.id}`}>{t.pick({ zh: tr.nameZh, en: tr.nameEn })}</Link> : t.pick({ zh: tr.nameZh, en: tr.nameEn });
      },
    });
    const year = col.accessor("year", { header: () => t("apps.col.year"), meta: { numeric: true } });
    const level = col.accessor("levelSought", {
      header: () => t("apps.col.level"),
      cell: (c) => <LevelSought tierCode={c.row.original.tierCode} level={c.getValue()} />,
    });
    const status = col.accessor("status", { header: () => t("apps.col.status"), cell: (c) => <StatusBadge status={c.getValue()} /> });
    const town = col.accessor("townNameZh", {
      header: () => t("apps.col.town"),
      cell: (c) => t.pick({ zh: c.row.original.townNameZh, en: c.row.original.townNameEn }),
    });
    const opinion = col.accessor("townOpinion", {
      header: () => t("apps.col.opinion"),
      cell: (c) => (c.getValue() ? <OpinionBadge opinion={c.getValue()} /> : <span className="muted">—</span>),
    });
    const submitted = col.accessor("submittedAt", {
      header: () => t("apps.col.submittedAt"),
      cell: (c) => (c.getValue() ? formatDateTime(c.getValue()) : <span className="muted">—</span>),
    });
    const updated = col.accessor("updatedAt", { header: () => t("apps.col.updatedAt"), cell: (c) => formatDateTime(c.getValue()) });
    const next = col.display({
      id: "next",
      header: () => t("apps.col.next"),
      cell: (c) => {
        const r = c.row.original;
        if (role === "enterprise") {
          const text = t(NEXT_FOR_FIRM[r.status]);
          return r.status === "draft" || r.status === "returned" ? (
            <Link to={`/applications/${r.id}/edit`} className="button button--small button--primary">
              {text}
            </Link>
          ) : (
            <span className="muted">{text}</span>
          );
        }
        if (r.status !== "submitted") return <span className="muted">—</span>;
        if (role === "town_officer") return r.townOpinion ? <span className="muted">—</span> : <Link to={`/applications/${r.id}`}>{t("apps.next.opinion")}</Link>;
        return <Link to={`/applications/${r.id}`}>{t("apps.next.review")}</Link>;
      },
    });
    // The column each list is opened for comes right after what names the row, so a phone shows
    // it without scrolling sideways.
    if (role === "enterprise") return [tier, next, status, year, level, updated] as DataTableColumn<Row>[];
    // Bulk decisions: the checkboxes belong to the form under the table (HTML form attribute).
    const select = col.display({
      id: "select",
      header: () => <span className="visually-hidden">{t("bulk.select")}</span>,
      cell: (c) =>
        c.row.original.status === "submitted" ? (
          <input type="checkbox" form="bulk-form" name="id" value={c.row.original.id} aria-label={t("bulk.selectRow", { name: c.row.original.enterpriseName })} />
        ) : null,
    });
    if (role === "reviewer" || role === "admin") return [select, firm, next, status, tier, town, year, level, opinion, submitted] as DataTableColumn<Row>[];
    return [firm, next, status, tier, town, year, level, opinion, submitted] as DataTableColumn<Row>[];
  }, [t, role]);
}

function NewApplicationChooser() {
  const t = useT();
  return (
    <section className="card apps-new-card" aria-labelledby="new-title">
      <h2 id="new-title">{t("apps.newApplication")}</h2>
      <p className="muted small">{t("apps.chooseTierIntro")}</p>
      <p>
        <Link to="/applications/new">{t("apps.whatCanWeApplyFor")} →</Link>
      </p>
      <ul className="tier-choices tier-choices--compact">
        {TIERS.map((tier) => (
          <li key={tier.code}>
            <Link className="tier-choice" to={`/applications/new?tier=${tier.code}`}>
              <strong>{t.pick({ zh: tier.nameZh, en: tier.nameEn })}</strong>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function ApplicationsPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const columns = useColumns(d.role);
  const isBureau = d.role === "reviewer" || d.role === "admin";
  const title = d.role === "enterprise" ? t("apps.title.mine") : d.role === "town_officer" ? t("apps.title.town") : t("apps.title.queue");

  // Links keep every filter but the one they change, and start again from the first page.
  const withParams = (change: (p: URLSearchParams) => void) => {
    const p = new URLSearchParams(location.search);
    p.delete("cursor");
    change(p);
    const s = p.toString();
    return s ? `?${s}` : "?";
  };
  const statusLink = (s: Status | "all") =>
    withParams((p) => {
      p.delete("status");
      if (s !== "all" || d.role !== "enterprise") p.set("status", s);
    });
  const total = STATUSES.reduce((n, s) => n + d.counts[s], 0);
  const activeAll = d.filters.showAll || (d.role === "enterprise" && d.filters.statuses.length === 0);

  return (
    <section>
      {d.figuresDue ? (
        <div className="alert alert--warn" role="status">
          {t("fig.home.missing", { year: d.figuresDue.year })} <Link to={d.figuresDue.href}>{t("fig.home.link")}</Link>
        </div>
      ) : null}
      <div className="page-head">
        <h1>{title}</h1>
        {isBureau ? (
          <div className="page-head__actions">
            <Link to="/applications/new" className="button">
              {t("apps.chooseFirm")}
            </Link>
          </div>
        ) : null}
      </div>

      {d.role === "enterprise" ? <NewApplicationChooser /> : null}

      {d.role !== "enterprise" ? (
        <Form method="get" className="filters card" aria-label={t("apps.btn.filter")}>
          <div className="field">
            <label htmlFor="f-q" className="field__label">
              {t("apps.filter.q")}
            </label>
            <input id="f-q" name="q" className="input" defaultValue={d.filters.q} maxLength={100} />
          </div>
          <div className="field field--tier">
            <label htmlFor="f-tier" className="field__label">
              {t("apps.filter.tier")}
            </label>
            <select id="f-tier" name="tier" className="input" defaultValue={d.filters.tier}>
              <option value="">{t("common.all")}</option>
              {TIERS.map((tier) => (
                <option key={tier.code} value={tier.code}>
                  {t.pick({ zh: tier.nameZh, en: tier.nameEn })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-year" className="field__label">
              {t("apps.filter.year")}
            </label>
            <select id="f-year" name="year" className="input" defaultValue={d.filters.year}>
              <option value="">{t("common.all")}</option>
              {d.years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </div>
          {isBureau ? (
            <div className="field">
              <label htmlFor="f-town" className="field__label">
                {t("apps.filter.town")}
              </label>
              <select id="f-town" name="town" className="input" defaultValue={d.filters.town}>
                <option value="">{t("common.all")}</option>
                {d.towns.map((town) => (
                  <option key={town.code} value={town.code}>
                    {t.pick({ zh: town.nameZh, en: town.nameEn })}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <fieldset className="filters__statuses">
            <legend className="field__label">{t("apps.filter.status")}</legend>
            {STATUSES.map((s) => (
              <label key={s} className="check check--inline">
                <input type="checkbox" name="status" value={s} defaultChecked={d.filters.statuses.includes(s)} />
                {t.pick(STATUS_NAMES[s])}
              </label>
            ))}
          </fieldset>
          <div className="filters__actions">
            <button type="submit" className="button button--primary">
              {t("apps.btn.filter")}
            </button>
            <Link to="/applications" className="button">
              {t("common.reset")}
            </Link>
          </div>
        </Form>
      ) : null}

      <nav className="status-counts" aria-label={t("apps.counts")}>
        <ul>
          <li>
            <Link to={statusLink("all")} aria-current={activeAll ? "true" : undefined} className={activeAll ? "is-active" : undefined}>
              {t("apps.filter.allStatuses")} <span className="count">{total}</span>
            </Link>
          </li>
          {STATUSES.map((s) => {
            const active = !d.filters.showAll && d.filters.statuses.length === 1 && d.filters.statuses[0] === s;
            return (
              <li key={s}>
                <Link to={statusLink(s)} aria-current={active ? "true" : undefined} className={active ? "is-active" : undefined}>
                  {t.pick(STATUS_NAMES[s])} <span className="count">{d.counts[s]}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      {isBureau && d.rows.some((r) => r.status === "submitted") ? (
        <Form id="bulk-form" method="get" action="/applications/bulk" className="bulk-bar">
          <span className="muted small">{t("bulk.queueHint")}</span>
          <button type="submit" name="decision" value="approve" className="button button--small">
            {t("bulk.decision.approve")}
          </button>
          <button type="submit" name="decision" value="return" className="button button--small">
            {t("bulk.decision.return")}
          </button>
          <Link to="/notices/new" className="button button--small">
            {t("propose.nav")}
          </Link>
        </Form>
      ) : null}
      <DataTable
        columns={columns}
        data={d.rows}
        getRowId={(r) => String(r.id)}
        caption={d.order === "queue" ? t("apps.queueHint") : title}
        empty={d.role === "enterprise" && total === 0 ? t("apps.emptyMine") : t("apps.empty")}
      />
      <div className="pager">
        <span className="muted small">{t("apps.pageSize", { n: PAGE_SIZE })}</span>
        <span className="pager__links">
          {d.paged ? (
            <Link to={withParams(() => {})} className="button button--small">
              {t("common.first")}
            </Link>
          ) : null}
          {d.nextCursor ? (
            <Link to={withParams((p) => p.set("cursor", d.nextCursor!))} className="button button--small" rel="next">
              {t("common.next")}
            </Link>
          ) : null}
        </span>
      </div>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "培育申报 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
