import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Suspense } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { formatPercent, OverviewChart, ProgressBar } from "~/components/progress-charts";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import { furthestBehindPace, yearElapsedShare, type BehindPace } from "~/domain/pace";
import { getTier, TIERS, type TierCode } from "~/domain/tiers";
import { defaultYear, LEAGUE_PAGE_SIZE, loadProgress, targetYears, type Cell, type TierFigures, type TownRow } from "~/models/progress.server";
import { parseYearParam } from "~/schemas/progress.server";
import { cultivatingByTier } from "~/models/cultivation.server";
import { funnel } from "~/domain/pool";
import { renewalSummary, type RenewalSummary } from "~/models/validity.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

export async function loader({ request }: LoaderFunctionArgs) {
  // The years with targets are the same for everyone: read them while the session is checked.
  const [user, years] = await Promise.all([requireUser(request, { roles: ["reviewer", "admin", "town_officer"] }), targetYears(db())]);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const params = new URL(request.url).searchParams;
  const parsed = parseYearParam(params.get("year"), lang);
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const year = parsed.year ?? defaultYear(years, new Date());
  const after = params.get("townsAfter")?.trim().slice(0, 64) || null;
  // Three independent reads: on PostgreSQL each goes to its own pooled connection at once.
  const cardTiers = [...TIERS].sort((a, b) => a.sort - b.sort).map((t) => t.code);
  const [full, funnelPool, renewals] = await Promise.all([
    loadProgress(db(), user, year, new Date(), { after, limit: LEAGUE_PAGE_SIZE }),
    // The funnel's one figure the cards lack: firms of the year still cultivating, per tier in card order.
    cultivatingByTier(db(), year, cardTiers),
    renewalSummary(db(), year),
  ]);
  // The league's cells travel as [achieved, pipeline] per tier in catalogue order: as objects
  // they took about 3,000 characters of a full Chinese page, which must stay under 65,536.
  const report = {
    ...full,
    totals: packCells(full.totals),
    towns: full.towns.map(({ cells, ...town }) => ({ ...town, cells: packCells(cells) })),
  };
  return {
    report,
    funnelPool,
    renewals,
    behind: furthestBehindPace(report.tiers, yearElapsedShare(year, todayInShanghai())),
    years: [...new Set([...years, year])].sort((a, b) => b - a),
    officer: user.role === "town_officer",
    canEditTargets: user.role === "reviewer" || user.role === "admin",
  };
}

type PackedCells = [achieved: number, pipeline: number][];

function packCells(cells: Record<TierCode, Cell>): PackedCells {
  return TIERS.map((t) => [cells[t.code].achieved, cells[t.code].pipeline]);
}

function cellOf(cells: PackedCells, tier: TierCode): { achieved: number; pipeline: number } {
  const [achieved, pipeline] = cells[TIERS.findIndex((t) => t.code === tier)] ?? [0, 0];
  return { achieved, pipeline };
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type T = ReturnType<typeof useT>;

// Template strings, not URLSearchParams: the league builds up to 224 of these per view.
function townParam(town?: string | null) {
  return town ? `&town=${encodeURIComponent(town)}` : "";
}

function firmsHref(year: number, tier: TierCode, town?: string | null) {
  return `/progress/firms?year=${year}&tier=${tier}${townParam(town)}`;
}

/** The applications behind 在审 (the list keeps the levels that count), or behind 级别未定. */
function pipelineHref(year: number, tier: TierCode, town?: string | null, undecided = false) {
  return `/applications?tier=${tier}&year=${year}&status=pipeline${undecided ? "&levelSought=none" : ""}${townParam(town)}`;
}

function pace(t: T, f: TierFigures) {
  if (f.pace === null) return f.gap > 0 ? t("progress.paceOver") : t("progress.paceDone");
  if (f.pace === 0) return t("progress.paceDone");
  return t("progress.paceValue", { n: f.pace.toFixed(1) });
}

function TierCard({ f, data, behind }: { f: TierFigures; data: LoaderData; behind: BehindPace | null }) {
  const t = useT();
  const tier = getTier(f.tier);
  const { report, officer } = data;
  const own = officer ? report.towns.find((x) => x.code === report.ownTown) : undefined;
  const titleId = `tier-${f.tier}`;
  // The cultivation funnel of the tier: pool → in review → achieved, against the target.
  const pool = data.funnelPool[report.tiers.indexOf(f)] ?? 0;
  const sight = funnel({ target: f.target, achieved: f.achieved, pipeline: f.pipeline, pool });
  const asOf = formatDateTime(report.asOf);
  const achievedText = (
    <>
      {f.achieved}
      <span className="visually-hidden">{` ${t("progress.achieved")}`}</span>
    </>
  );
  return (
    <article className={behind ? "pcard pcard--behind" : "pcard"} aria-labelledby={titleId}>
      <h3 id={titleId} className="pcard__title">
        {t.pick({ zh: tier.nameZh, en: tier.nameEn })}
      </h3>
      {behind ? (
        <p className="pcard__behind">
          <span className="badge badge--bad">{`⚠ ${t("progress.behindMost")}`}</span>{" "}
          <span className="small">{t("progress.behindMostDetail", { expected: behind.expected, shortfall: behind.shortfall })}</span>
        </p>
      ) : null}
      <p className="pcard__big">
        {officer ? (
          <span className="pcard__achieved">{achievedText}</span>
        ) : (
          <Link className="pcard__achieved" to={firmsHref(report.year, f.tier)}>
            {achievedText}
          </Link>
        )}
        <span className="pcard__target">
          {" / "}
          {data.canEditTargets ? <Link to={`/targets?year=${report.year}`}>{t("progress.ofTarget", { target: f.target })}</Link> : t("progress.ofTarget", { target: f.target })}
        </span>
      </p>
      <ProgressBar percent={f.percent} />
      <p className="pcard__percent">
        {`${t("progress.percent")} `}
        <strong>{formatPercent(f.percent)}</strong>
      </p>
      <dl className="pcard__facts">
        <div>
          <dt>{t("progress.gap")}</dt>
          <dd>{f.gap}</dd>
        </div>
        <div>
          <dt title={t("progress.pipelineHint")}>{t("progress.pipeline")}</dt>
          <dd>{officer ? f.pipeline : <Link to={pipelineHref(report.year, f.tier)}>{f.pipeline}</Link>}</dd>
        </div>
        <div>
          <dt>{t("pool.funnel.pool")}</dt>
          <dd>{officer ? pool : <Link to={`/cultivation?tier=${f.tier}&year=${report.year}&status=cultivating`}>{pool}</Link>}</dd>
        </div>
        {f.pipelineLevelUndecided > 0 ? (
          <div>
            <dt title={t("progress.levelUndecidedHint")}>{t("progress.levelUndecided")}</dt>
            <dd>{officer ? f.pipelineLevelUndecided : <Link to={pipelineHref(report.year, f.tier, null, true)}>{f.pipelineLevelUndecided}</Link>}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("progress.pace")}</dt>
          <dd>{pace(t, f)}</dd>
        </div>
        <div>
          <dt>{t("progress.projection")}</dt>
          <dd>{f.projection === null ? "—" : `≈ ${f.projection}`}</dd>
        </div>
      </dl>
      <p className="pcard__formula small muted">
        {f.yearEnded
          ? t("progress.projectionEnded")
          : f.approvalRate === null
            ? t("progress.projectionNone")
            : `${t("progress.projection")} ${t("progress.projectionFormula", {
                achieved: f.achieved,
                pipeline: f.pipeline,
                rate: `${Math.round(f.approvalRate * 100)}%`,
              })}`}
      </p>
      <p className={sight.enough ? "pcard__funnel small" : "pcard__funnel pcard__funnel--short small"}>
        {sight.gap === 0 ? t("pool.funnel.done") : sight.enough ? t("pool.funnel.enough") : t("pool.funnel.notEnough", { short: sight.short })}
      </p>
      {own ? (
        <p className="pcard__own small">
          <Link to={firmsHref(report.year, f.tier, own.code)}>
            {t("progress.ownTownLine", {
              town: t.pick({ zh: own.nameZh, en: own.nameEn }),
              achieved: cellOf(own.cells, f.tier).achieved,
              pipeline: cellOf(own.cells, f.tier).pipeline,
            })}
          </Link>
        </p>
      ) : null}
      <p className="pcard__foot small muted">
        {/* One text node each: adjacent ones would each cost a <!-- --> marker in the page. */}
        {t("progress.rule", { rule: t.pick({ zh: tier.countingRuleZh, en: tier.countingRuleEn }) }) +
          (f.belowLevel > 0 ? ` · ${t("progress.belowLevel", { n: f.belowLevel })}` : "")}
        <span className="pcard__asof">
          <br />
          {`${t("common.asOf")} ${asOf}`}
        </span>
      </p>
    </article>
  );
}

interface LeagueRow {
  key: string;
  name: string;
  town: string | null;
  cells: PackedCells;
  coverage: TownRow["coverage"];
  total: boolean;
  own: boolean;
  linked: boolean;
}

/** What a league cell says, looked up once per column rather than once per cell. */
interface CellWords {
  tier: string;
  achieved: string;
  pipeline: string;
}

/**
 * A league cell: achieved, and in review in brackets; non-zero figures open what is behind them.
 * Each figure is one text node (a template string, not `(`, number, `)`): the league holds up to
 * 224 links, and React separates adjacent text nodes with comments.
 */
function leagueCell(year: number, tier: TierCode, words: CellWords, row: LeagueRow) {
  const c = cellOf(row.cells, tier);
  const label = `${row.name} ${words.tier}`;
  // Zero opens nothing: plain text keeps the table calm.
  const achieved =
    row.linked && c.achieved > 0 ? (
      <a href={firmsHref(year, tier, row.town)} aria-label={`${label} ${words.achieved} ${c.achieved}`}>
        {c.achieved}
      </a>
    ) : (
      <span className={c.achieved === 0 ? "league__zero" : undefined}>{c.achieved}</span>
    );
  const pipeline =
    row.linked && c.pipeline > 0 ? (
      <a href={pipelineHref(year, tier, row.town)} aria-label={`${label} ${words.pipeline} ${c.pipeline}`}>
        {`(${c.pipeline})`}
      </a>
    ) : (
      <span className="league__zero">{`(${c.pipeline})`}</span>
    );
  return (
    <>
      {achieved} {pipeline}
    </>
  );
}

function LeaguePager({ data }: { data: LoaderData }) {
  const t = useT();
  const location = useLocation();
  const { townPage, towns } = data.report;
  if (townPage.from <= 1 && townPage.next === null) return null;
  const params = new URLSearchParams(location.search);
  params.delete("townsAfter");
  const next = new URLSearchParams(params);
  if (townPage.next) next.set("townsAfter", townPage.next);
  // The league's own anchor: paging keeps the reader at the table, not the top of the page.
  return (
    <nav className="pager no-print" aria-label={t("progress.leaguePager")}>
      <span className="muted small">{t("progress.leaguePage", { from: townPage.from, to: townPage.from + towns.length - 1, total: townPage.total })}</span>
      {townPage.from > 1 ? <Link to={`?${params}#league-title`}>{t("common.first")}</Link> : null}
      {townPage.next ? (
        <Link to={`?${next}#league-title`} className="button">
          {t("common.next")}
        </Link>
      ) : null}
    </nav>
  );
}

function League({ data }: { data: LoaderData }) {
  const t = useT();
  const { report, officer } = data;
  const col = columnHelper<LeagueRow>();
  const rows: LeagueRow[] = [
    ...report.towns.map((town) => ({
      key: town.code,
      name: t.pick({ zh: town.nameZh, en: town.nameEn }),
      town: town.code,
      cells: town.cells,
      coverage: town.coverage,
      total: false,
      own: town.code === report.ownTown,
      linked: true,
    })),
    {
      key: "district",
      name: t("progress.district"),
      town: null,
      cells: report.totals,
      coverage: report.cleanBeautyCoverage,
      total: true,
      own: false,
      linked: !officer,
    },
  ];
  const columns: DataTableColumn<LeagueRow>[] = [
    col.accessor("name", {
      header: t("progress.town"),
      cell: (info) => {
        const r = info.row.original;
        if (r.total) return <strong className="league__total">{r.name}</strong>;
        if (r.own) {
          return (
            <strong className="league__own">
              {r.name} <span className="badge badge--info">{t("progress.ownTown")}</span>
            </strong>
          );
        }
        return r.name;
      },
    }),
    ...TIERS.map((tier) => {
      const words: CellWords = {
        tier: t(`progress.short.${tier.code}` as MessageKey),
        achieved: t("progress.achieved"),
        pipeline: t("progress.pipeline"),
      };
      return col.display({
        id: tier.code,
        header: words.tier,
        meta: { numeric: true },
        cell: (info) => leagueCell(report.year, tier.code, words, info.row.original),
      });
    }),
    col.display({
      id: "coverage",
      header: t("progress.coverageColumn"),
      meta: { numeric: true },
      cell: (info) => {
        const c = info.row.original.coverage;
        return (
          <>
            {`${c.covered}/${c.total}`}
            <span className="muted small">{` ${formatPercent(c.percent)}`}</span>
          </>
        );
      },
    }),
  ];
  return (
    <section className="dash-section league" aria-labelledby="league-title">
      <h2 id="league-title">{t("progress.league")}</h2>
      <p className="muted small">{officer ? `${t("progress.leagueIntro")} ${t("progress.leagueOfficer")}` : t("progress.leagueIntro")}</p>
      <DataTable columns={columns} data={rows} getRowId={(r) => r.key} caption={t("progress.leagueCaption", { year: report.year })} />
      <LeaguePager data={data} />
    </section>
  );
}

/** Per lapsing tier: renewals due this year, done and lapsed, each opening the awards behind it. */
function RenewalsSection({ data }: { data: LoaderData }) {
  const t = useT();
  const year = data.report.year;
  const col = columnHelper<RenewalSummary>();
  const figure = (key: "due" | "done" | "lapsed", state: string) =>
    col.accessor(key, {
      header: t(`val.dash.${key}`),
      meta: { numeric: true },
      cell: (info) => {
        const n = info.getValue();
        return n > 0 ? <Link to={`/awards/expiring?year=${year}&tier=${info.row.original.tier}${state}`}>{n}</Link> : n;
      },
    });
  const columns: DataTableColumn<RenewalSummary>[] = [
    col.accessor("tier", { header: t("val.col.tier"), cell: (info) => t(`progress.short.${info.getValue()}` as MessageKey) }),
    figure("due", ""),
    figure("done", "&state=renewed"),
    figure("lapsed", "&state=lapsed"),
  ];
  return (
    <section className="dash-section card no-print" aria-labelledby="renewals-title">
      <h2 id="renewals-title">{t("val.dash.title")}</h2>
      <DataTable columns={columns} data={data.renewals} getRowId={(r) => r.tier} caption={t("val.dash.intro", { year })} />
    </section>
  );
}

function CoverageSection({ data }: { data: LoaderData }) {
  const t = useT();
  const { report, officer } = data;
  const c = report.cleanBeautyCoverage;
  const own = officer ? report.towns.find((x) => x.code === report.ownTown) : undefined;
  const work = own ? own.coverage : c;
  return (
    <section className="dash-section card coverage" aria-labelledby="coverage-title">
      <h2 id="coverage-title">{t("progress.coverage")}</h2>
      <p className="muted small">{t("progress.coverageIntro")}</p>
      {c.total === 0 ? (
        <p>{t("progress.coverageNone")}</p>
      ) : (
        <>
          <p className="coverage__big">
            <strong>{formatPercent(c.percent)}</strong> <span>{t("progress.coverageFigure", { covered: c.covered, total: c.total })}</span>
          </p>
          <ProgressBar percent={c.percent} className="pbar--wide" />
        </>
      )}
      {own ? (
        <p>
          {t.pick({ zh: own.nameZh, en: own.nameEn })}：{formatPercent(own.coverage.percent)}{" "}
          {t("progress.coverageFigure", { covered: own.coverage.covered, total: own.coverage.total })}
        </p>
      ) : null}
      <p className="no-print">
        <Link to="/progress/coverage">{t("progress.uncoveredLink", { n: work.total - work.covered })}</Link>
      </p>
      <p className="small muted">{`${t("common.asOf")} ${formatDateTime(report.asOf)}`}</p>
    </section>
  );
}

export default function DashboardPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const { report } = data;
  const asOf = formatDateTime(report.asOf);
  const overview = report.tiers.map((f) => ({
    key: f.tier,
    label: t(`progress.short.${f.tier}` as MessageKey),
    percent: f.percent,
    valueText: `${f.achieved} / ${f.target} · ${formatPercent(f.percent)}`,
  }));
  return (
    <div className="dashboard">
      <p className="print-only print-title">{`${t("app.district")} · ${t("progress.report.title")}`}</p>
      <div className="page-head">
        <div>
          <h1>{t("progress.heading", { year: report.year })}</h1>
          <p className="muted dash-asof">{t("progress.asOf", { time: asOf })}</p>
        </div>
        <div className="page-head__actions dash-actions">
          <Form method="get" className="year-form">
            <label htmlFor="dash-year">{t("progress.year")}</label>
            <select id="dash-year" name="year" className="input" defaultValue={report.year}>
              {data.years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
            <button type="submit" className="button">
              {t("progress.show")}
            </button>
          </Form>
          <a className="button" href={`/dashboard/report.xlsx?year=${report.year}`} download>
            {t("progress.exportXlsx")}
          </a>
          <a className="button" href={`/dashboard/report.csv?year=${report.year}`} download>
            {t("progress.exportCsv")}
          </a>
          <button type="button" className="button" onClick={() => window.print()}>
            {t("progress.print")}
          </button>
        </div>
      </div>
      {!report.hasTargets ? (
        <div className="alert alert--warn" role="status">
          {t("progress.noTargets", { year: report.year })}
        </div>
      ) : null}

      <section className="dash-section card" aria-labelledby="overview-title">
        <h2 id="overview-title">{t("progress.overview")}</h2>
        <OverviewChart rows={overview} caption={t("progress.overviewNote")} />
      </section>

      <section className="dash-section" aria-labelledby="cards-title">
        <h2 id="cards-title">{t("progress.cards")}</h2>
        <div className="pcards">
          {report.tiers.map((f) => (
            <TierCard key={f.tier} f={f} data={data} behind={data.behind?.tier === f.tier ? data.behind : null} />
          ))}
        </div>
        <p className="small muted">{t("progress.report.projectionRule")}</p>
      </section>

      {null}

      {/*
        The league renders as its own segment. React gathers a segment's markup pieces in one
        array; with the league in it the page's array passed 10,000 pieces and, growing past
        128 kB, cost about 0.8 ms a view on this machine.
      */}
      <Suspense fallback={null}>
        <League data={data} />
      </Suspense>
      <CoverageSection data={data} />
      <RenewalsSection data={data} />
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `${data.report.year} ` : ""}培育进度 · 定海区企业梯度培育登记系统` }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
