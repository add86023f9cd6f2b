import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { columnHelper, DataTable, SortHeader, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { DISCOVERY_TIERS, DISCOVERY_VERDICTS, missingText } from "~/domain/discovery";
import { POOL_ROUTES, routeRequired, type PoolRoute } from "~/domain/pool";
import { seesEverything } from "~/domain/scope";
import { getTier } from "~/domain/tiers";
import { assertDiscoveryCaller, discoveryRunsFor, readCandidates, startDiscoveryRun, type Candidate } from "~/models/discovery.server";
import { kickDiscoveryWorker } from "~/models/discovery-worker.server";
import { firmNamesInScope } from "~/models/pool.server";
import { addToPool } from "~/models/pool-entry.server";
import { listIndustries, listTowns } from "~/models/reference.server";
import { discoveryQueryString, parseAddIds, parseDiscoveryPage, parseDiscoveryQuery } from "~/schemas/discovery.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/** Rows a page shows; the export holds them all. */
const PAGE_SIZE = 100;
/** How long starting a run waits for it to finish before the page shows its progress instead. */
const INLINE_WAIT_MS = 1500;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  assertDiscoveryCaller(user);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const today = todayInShanghai();
  const params = new URL(request.url).searchParams;
  const parsed = parseDiscoveryQuery(params, lang, { tier: "specialized-new", year: Number(today.slice(0, 4)) });
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const page = parseDiscoveryPage(params);
  const runs = await discoveryRunsFor(db(), user, parsed.query);
  // A run queued, or left running by a process that died, is taken up by this process.
  if (runs.active?.stalled) void kickDiscoveryWorker(db());
  const [result, towns, industries] = await Promise.all([
    readCandidates(db(), user, parsed.query, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
    listTowns(db()),
    listIndustries(db()),
  ]);
  const active = runs.active
    ? {
        status: runs.active.status,
        done: runs.active.done,
        total: runs.active.total,
        percent: runs.active.total > 0 ? Math.min(100, Math.floor((runs.active.done * 100) / runs.active.total)) : 0,
      }
    : null;
  return {
    query: parsed.query,
    page,
    pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
    run: result.run ? { ruleVersion: result.run.ruleVersion, finishedAt: formatDateTime(result.run.finishedAt), scanned: result.run.done, scope: result.run.scope } : null,
    active,
    failed: runs.failed ? { error: runs.failed.error ?? "" } : null,
    total: result.total,
    meets: result.meets,
    near: result.near,
    rows: result.candidates,
    towns: seesEverything(user) ? towns : towns.filter((t) => t.code === user.townCode),
    industries,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  assertDiscoveryCaller(user);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const form = await request.formData();
  const today = todayInShanghai();
  const params = new URLSearchParams();
  // The start form carries the page's filters too, so that the page it returns to keeps them.
  const keys = form.get("intent") === "start" ? ["tier", "year", "town", "industry", "verdict", "sort", "dir"] : ["tier", "year"];
  for (const key of keys) {
    const v = form.get(key);
    if (typeof v === "string") params.set(key, v);
  }
  const parsed = parseDiscoveryQuery(params, lang, { tier: null, year: Number(today.slice(0, 4)) });
  if (!parsed.ok) return data({ ok: false as const, field: parsed.field, message: parsed.message }, { status: 400 });
  if (form.get("intent") === "start") {
    await startDiscoveryRun(db(), user, parsed.query);
    // Small scopes finish at once; a province's run goes on in the background.
    const worker = kickDiscoveryWorker(db());
    await Promise.race([worker, new Promise((resolve) => setTimeout(resolve, INLINE_WAIT_MS).unref())]);
    return redirect(`/cultivation/discovery?${discoveryQueryString(parsed.query)}`);
  }
  const ids = parseAddIds(form);
  if (!ids) return data({ ok: false as const, field: "enterpriseId", message: translate(lang, "discovery.bad.ids") }, { status: 400 });
  const rawRoute = form.get("route");
  const route = typeof rawRoute === "string" && (POOL_ROUTES as readonly string[]).includes(rawRoute) ? (rawRoute as PoolRoute) : null;
  const tier = parsed.query.tier;
  const added = await addToPool(db(), user, {
    enterpriseIds: ids,
    tierCode: tier,
    targetYear: parsed.query.year,
    route: routeRequired(tier) ? route : null,
    officerId: null,
    enteredOn: today,
    notes: null,
  });
  const names = added.ok
    ? await firmNamesInScope(
        db(),
        user,
        added.result.added.map((a) => a.enterpriseId),
      )
    : new Map<number, string>();
  if (!added.ok) return data({ ok: false as const, field: "route", message: translate(lang, "discovery.bad.route") }, { status: 400 });
  return {
    ok: true as const,
    added: added.result.added.map((a) => ({ enterpriseId: a.enterpriseId, entryId: a.entryId, name: names.get(a.enterpriseId) ?? "" })),
    skipped: added.result.skipped.length,
  };
}

type Row = Candidate;

function useColumns(): DataTableColumn<Row>[] {
  const t = useT();
  const col = columnHelper<Row>();
  return [
    col.display({
      id: "select",
      header: () => <span className="visually-hidden">{t("discovery.addSelected")}</span>,
      cell: (info) =>
        info.row.original.poolEntryId === null ? (
          <input
            type="checkbox"
            name="enterpriseId"
            value={info.row.original.enterpriseId}
            form="discovery-add"
            aria-label={t("discovery.select", { name: info.row.original.name })}
          />
        ) : null,
    }),
    col.accessor("name", {
      header: () => <SortHeader column="name" label={t("discovery.firm")} />,
      cell: (info) => (
        <>
          <Link to={`/enterprises/${info.row.original.enterpriseId}`}>{info.getValue()}</Link>
          <div className="small muted">{info.row.original.uscc}</div>
        </>
      ),
    }),
    col.accessor("townCode", {
      header: () => <SortHeader column="town" label={t("discovery.town")} />,
      cell: (info) => t.pick({ zh: info.row.original.townNameZh, en: info.row.original.townNameEn }),
    }),
    col.accessor("industryCode", {
      header: () => <SortHeader column="industry" label={t("discovery.industry")} />,
      cell: (info) => t.pick({ zh: info.row.original.industryNameZh, en: info.row.original.industryNameEn }),
    }),
    col.accessor("verdict", {
      header: () => <SortHeader column="verdict" label={t("discovery.verdict")} />,
      cell: (info) => <span className={`badge discovery-verdict discovery-verdict--${info.getValue()}`}>{t(`discovery.verdict.${info.getValue()}` as MessageKey)}</span>,
    }),
    col.display({
      id: "missing",
      header: () => <SortHeader column="missing" label={t("discovery.missing")} />,
      cell: (info) => {
        const r = info.row.original;
        return (
          <ul className="discovery-missing">
            {r.missing.map((m) => (
              <li key={m.key}>{missingText(m, t.lang)}</li>
            ))}
            {r.toConfirm.map((m) => (
              <li key={m.key} className="muted">
                <span className="badge">{t("discovery.toConfirm")}</span> {t.pick({ zh: m.labelZh, en: m.labelEn })}
              </li>
            ))}
          </ul>
        );
      },
    }),
    col.display({
      id: "add",
      header: () => <span className="visually-hidden">{t("discovery.addOne")}</span>,
      cell: (info) =>
        info.row.original.poolEntryId === null ? (
          <button
            type="submit"
            name="single"
            value={info.row.original.enterpriseId}
            form="discovery-add"
            className="button button--small"
            aria-label={`${t("discovery.addOne")} ${info.row.original.name}`}
          >
            {t("discovery.addOne")}
          </button>
        ) : (
          <Link to={`/cultivation/${info.row.original.poolEntryId}`} className="badge">
            {t("discovery.inPool")}
          </Link>
        ),
    }),
  ];
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Filters({ data: d }: { data: LoaderData }) {
  const t = useT();
  const q = d.query;
  return (
    <Form method="get" className="filters" aria-label={t("discovery.apply")}>
      <div className="field">
        <label className="field__label" htmlFor="discovery-tier">
          {t("discovery.tier")}
        </label>
        <select id="discovery-tier" name="tier" className="input" defaultValue={q.tier}>
          {DISCOVERY_TIERS.map((code) => {
            const tier = getTier(code);
            return (
              <option key={code} value={code}>
                {t.pick({ zh: tier.nameZh, en: tier.nameEn })}
              </option>
            );
          })}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="discovery-year">
          {t("discovery.year")}
        </label>
        <input id="discovery-year" name="year" className="input" inputMode="numeric" defaultValue={q.year} maxLength={4} />
      </div>
      <div className="field">
        <label className="field__label" htmlFor="discovery-town">
          {t("discovery.town")}
        </label>
        <select id="discovery-town" name="town" className="input" defaultValue={q.town ?? ""}>
          <option value="">{t("discovery.all")}</option>
          {d.towns.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="discovery-industry">
          {t("discovery.industry")}
        </label>
        <select id="discovery-industry" name="industry" className="input" defaultValue={q.industry ?? ""}>
          <option value="">{t("discovery.all")}</option>
          {d.industries.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="discovery-verdict">
          {t("discovery.verdict")}
        </label>
        <select id="discovery-verdict" name="verdict" className="input" defaultValue={q.verdict ?? ""}>
          <option value="">{t("discovery.all")}</option>
          {DISCOVERY_VERDICTS.map((v) => (
            <option key={v} value={v}>
              {t(`discovery.verdict.${v}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      {q.sort ? <input type="hidden" name="sort" value={q.sort} /> : null}
      {q.dir ? <input type="hidden" name="dir" value={q.dir} /> : null}
      <div className="filters__actions">
        <button type="submit" className="button button--primary">
          {t("discovery.apply")}
        </button>
        <Link to="/cultivation/discovery" className="button">
          {t("discovery.reset")}
        </Link>
      </div>
    </Form>
  );
}

export default function DiscoveryPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const t = useT();
  const columns = useColumns();
  const needsRoute = routeRequired(d.query.tier);
  const revalidator = useRevalidator();
  const running = d.active !== null;
  // While a run works, the page reads its progress again every two seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  const pageLink = (page: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(page));
    return `?${params.toString()}`;
  };
  return (
    <section aria-labelledby="discovery-title">
      <p>
        <Link to="/cultivation">← {t("pool.title")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1 id="discovery-title">{t("discovery.title")}</h1>
          <p className="muted">{t("discovery.intro")}</p>
          {d.run ? (
            <>
              <p className="muted">{t("discovery.count", { n: d.total, meets: d.meets, near: d.near, scanned: d.run.scanned })}</p>
              <p className="small muted">
                {t("discovery.run.asOf", { at: d.run.finishedAt, scanned: d.run.scanned })}；{t("discovery.rules", { version: d.run.ruleVersion, figuresYear: d.query.year - 1 })}
              </p>
            </>
          ) : null}
        </div>
        <div className="page-head__actions">
          {d.run ? (
            <a href={`/cultivation/discovery.xlsx${location.search}`} className="button" download>
              {t("discovery.export")}
            </a>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <input type="hidden" name="tier" value={d.query.tier} />
            <input type="hidden" name="year" value={d.query.year} />
            {(["town", "industry", "verdict", "sort", "dir"] as const).map((key) => (d.query[key] ? <input key={key} type="hidden" name={key} value={d.query[key]} /> : null))}
            <button type="submit" className="button button--primary" disabled={running || navigation.state === "submitting"}>
              {t(d.run ? "discovery.run.restart" : "discovery.run.start")}
            </button>
          </Form>
        </div>
      </div>
      {d.active ? (
        <div className="alert alert--info discovery-progress" role="status">
          <noscript>
            <meta httpEquiv="refresh" content="5" />
          </noscript>
          {d.active.status === "queued" && d.active.done === 0 ? (
            <p>{t("discovery.run.queued")}</p>
          ) : (
            <p>{t("discovery.run.progress", { percent: d.active.percent, done: d.active.done, total: d.active.total })}</p>
          )}
          <progress max={100} value={d.active.percent} aria-label={t("discovery.run.progress", { percent: d.active.percent, done: d.active.done, total: d.active.total })} />
          <p className="small">
            {d.run ? `${t("discovery.run.previous")} ` : null}
            <a href={location.pathname + location.search}>{t("discovery.run.reload")}</a>
          </p>
        </div>
      ) : null}
      {d.failed && !d.active ? (
        <p className="alert alert--error" role="alert">
          {t("discovery.run.failed", { error: d.failed.error })}
        </p>
      ) : null}
      {!d.run && !d.active ? <p className="alert alert--info">{t("discovery.run.none")}</p> : null}
      <Filters data={d} />
      {result ? (
        <div className={result.ok ? "alert alert--ok" : "alert alert--error"} role={result.ok ? "status" : "alert"}>
          <p>{result.ok ? t("discovery.added", { added: result.added.length, skipped: result.skipped }) : result.message}</p>
          {result.ok && result.added.length > 0 ? (
            <ul>
              {result.added.slice(0, 10).map((a) => (
                <li key={a.entryId}>
                  <Link to={`/cultivation/${a.entryId}`}>{t("discovery.openEntry", { name: a.name })}</Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <Form method="post" id="discovery-add" className="discovery-add">
        <input type="hidden" name="tier" value={d.query.tier} />
        <input type="hidden" name="year" value={d.query.year} />
        {needsRoute ? (
          <div className="field">
            <label className="field__label" htmlFor="discovery-route">
              {t("discovery.route")}
            </label>
            <select id="discovery-route" name="route" className="input" defaultValue="">
              <option value="">—</option>
              {POOL_ROUTES.map((r) => (
                <option key={r} value={r}>
                  {t(`pool.route.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
          {t("discovery.addSelected")}
        </button>
      </Form>
      {d.run ? (
        <DataTable
          columns={columns}
          data={d.rows}
          getRowId={(r) => String(r.enterpriseId)}
          caption={<span className="visually-hidden">{t("discovery.caption")}</span>}
          empty={t("discovery.none")}
        />
      ) : null}
      {d.pages > 1 ? (
        <nav className="pager" aria-label={t("discovery.page", { page: d.page, pages: d.pages })}>
          {d.page > 1 ? <Link to={pageLink(d.page - 1)}>{t("discovery.prev")}</Link> : null}
          <span>{t("discovery.page", { page: d.page, pages: d.pages })}</span>
          {d.page < d.pages ? <Link to={pageLink(d.page + 1)}>{t("discovery.next")}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "主动发现 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
