import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { columnHelper, DataTable, SortHeader, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { POOL_STATUSES } from "~/domain/pool";
import { seesEverything } from "~/domain/scope";
import { getTier, TIERS } from "~/domain/tiers";
import { assertPoolCaller, listPool, POOL_LIST_LIMIT, type PoolRow } from "~/models/pool.server";
import { listOfficerChoices } from "~/models/pool-entry.server";
import { listTowns } from "~/models/reference.server";
import { parsePoolListQuery } from "~/schemas/pool.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  assertPoolCaller(user);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const parsed = parsePoolListQuery(new URL(request.url).searchParams, lang);
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const today = todayInShanghai();
  const [list, towns, officers] = await Promise.all([listPool(db(), user, parsed.filters, today), listTowns(db()), listOfficerChoices(db(), user)]);
  return {
    rows: list.rows,
    truncated: list.truncated,
    filters: parsed.filters,
    towns: seesEverything(user) ? towns : towns.filter((t) => t.code === user.townCode),
    officers: officers.map((o) => ({ id: o.id, name: o.name })),
    today,
  };
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function useColumns(): DataTableColumn<PoolRow>[] {
  const t = useT();
  const col = columnHelper<PoolRow>();
  return [
    col.accessor("enterpriseName", {
      header: () => <SortHeader column="name" label={t("pool.firm")} />,
      cell: (info) => <Link to={`/cultivation/${info.row.original.id}`}>{info.getValue()}</Link>,
    }),
    col.accessor("tierCode", {
      header: () => <SortHeader column="tier" label={t("pool.tier")} />,
      cell: (info) => {
        const tier = getTier(info.getValue());
        const route = info.row.original.route;
        return (
          <>
            {t.pick({ zh: tier.nameZh, en: tier.nameEn })}
            {route ? <span className="small muted"> · {t(`pool.route.${route}` as MessageKey)}</span> : null}
          </>
        );
      },
    }),
    col.accessor("targetYear", { header: () => <SortHeader column="year" label={t("pool.year")} />, meta: { numeric: true } }),
    col.accessor("townNameZh", {
      header: () => <SortHeader column="town" label={t("pool.town")} />,
      cell: (info) => t.pick({ zh: info.row.original.townNameZh, en: info.row.original.townNameEn }),
    }),
    col.accessor("officerName", {
      header: () => <SortHeader column="officer" label={t("pool.officer")} />,
      cell: (info) => info.getValue() ?? <span className="muted">{t("pool.officerNone")}</span>,
    }),
    col.accessor("enteredOn", { header: () => <SortHeader column="entered" label={t("pool.enteredOn")} /> }),
    col.accessor("status", {
      header: () => <SortHeader column="status" label={t("pool.status")} />,
      cell: (info) => (
        <span className={`badge pool-status pool-status--${info.getValue()}`}>
          {t(`pool.status.${info.getValue()}` as MessageKey)}
          {info.row.original.exitReason ? ` · ${t(`pool.exit.${info.row.original.exitReason}` as MessageKey)}` : ""}
        </span>
      ),
    }),
    col.accessor("openTasks", { header: t("pool.tasks"), meta: { numeric: true } }),
    col.accessor("overdueTasks", {
      header: () => <SortHeader column="overdue" label={t("pool.overdue")} />,
      meta: { numeric: true },
      cell: (info) => (info.getValue() > 0 ? <span className="badge badge--bad">{info.getValue()}</span> : 0),
    }),
    col.accessor("lastVisit", { header: t("pool.lastVisit"), cell: (info) => info.getValue() ?? "—" }),
  ];
}

function Filters({ data }: { data: LoaderData }) {
  const t = useT();
  const f = data.filters;
  return (
    <Form method="get" className="filters" aria-label={t("pool.filters")}>
      <div className="field">
        <label className="field__label" htmlFor="pool-q">
          {t("pool.firm")}
        </label>
        <input id="pool-q" name="q" className="input" defaultValue={f.q ?? ""} maxLength={100} />
      </div>
      <div className="field">
        <label className="field__label" htmlFor="pool-tier">
          {t("pool.tier")}
        </label>
        <select id="pool-tier" name="tier" className="input" defaultValue={f.tier ?? ""}>
          <option value="">{t("pool.filter.all")}</option>
          {TIERS.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="pool-year">
          {t("pool.year")}
        </label>
        <input id="pool-year" name="year" className="input" inputMode="numeric" defaultValue={f.year ?? ""} maxLength={4} />
      </div>
      <div className="field">
        <label className="field__label" htmlFor="pool-town">
          {t("pool.town")}
        </label>
        <select id="pool-town" name="town" className="input" defaultValue={f.town ?? ""}>
          <option value="">{t("pool.filter.all")}</option>
          {data.towns.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="pool-status">
          {t("pool.status")}
        </label>
        <select id="pool-status" name="status" className="input" defaultValue={f.status ?? ""}>
          <option value="">{t("pool.filter.all")}</option>
          <option value="active">{t("pool.filter.active")}</option>
          {POOL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`pool.status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="pool-officer">
          {t("pool.officer")}
        </label>
        <select id="pool-officer" name="officer" className="input" defaultValue={f.officer ? String(f.officer) : ""}>
          <option value="">{t("pool.filter.all")}</option>
          {data.officers.map((o) => (
            <option key={o.id} value={o.id} lang="zh">
              {o.name}
            </option>
          ))}
        </select>
      </div>
      {f.sort ? <input type="hidden" name="sort" value={f.sort} /> : null}
      {f.dir ? <input type="hidden" name="dir" value={f.dir} /> : null}
      <div className="filters__actions">
        <button type="submit" className="button button--primary">
          {t("pool.apply")}
        </button>
        <Link to="/cultivation" className="button">
          {t("ent.filter.reset")}
        </Link>
      </div>
    </Form>
  );
}

export default function CultivationPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const columns = useColumns();
  return (
    <section aria-labelledby="pool-title">
      <div className="page-head">
        <div>
          <h1 id="pool-title">{t("pool.title")}</h1>
          <p className="muted">{t("pool.intro")}</p>
          <p className="muted" aria-live="polite">
            {t("pool.count", { n: data.rows.length })}
          </p>
        </div>
        <div className="page-head__actions">
          <Link to="/cultivation/new" className="button button--primary">
            {t("pool.add")}
          </Link>
          <Link to="/cultivation/discovery" className="button">
            {t("discovery.title")}
          </Link>
          <Link to="/cultivation/towns" className="button">
            {t("pool.towns")}
          </Link>
          <a href={`/cultivation/export.xlsx${location.search}`} className="button" download>
            {t("pool.export")}
          </a>
        </div>
      </div>
      <Filters data={data} />
      {data.truncated ? <p className="alert alert--info">{t("pool.truncated", { n: POOL_LIST_LIMIT })}</p> : null}
      <DataTable columns={columns} data={data.rows} getRowId={(r) => String(r.id)} caption={<span className="visually-hidden">{t("pool.caption")}</span>} empty={t("pool.none")} />
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "培育库 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
