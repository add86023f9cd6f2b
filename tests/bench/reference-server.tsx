/**
 * The framework-free reference for the registry list: node:http, the same model
 * function and session lookup as the Remix page, and React's renderToString of the same markup
 * (header, filter form with every town, the registry's own DataTable with the same cells, pager)
 * plus the page's data as JSON for hydration, as a hand-made server-rendered app would send.
 * No Remix, no Express. Run: DATABASE_PATH=… (or DATABASE_URL=postgres://…) PORT=… tsx tests/bench/reference-server.tsx
 */
import http from "node:http";
import { renderToString } from "react-dom/server";
import { databaseConfig, openDatabase } from "../../db/client";
import { DataTable, columnHelper, type DataTableColumn } from "~/components/data-table";
import { LEVEL_NAMES, LEVELS, TIERS, getTier } from "~/domain/tiers";
import { listEnterprises, type EnterpriseListRow } from "~/models/enterprise-list.server";
import { listIndustries, listTowns, type IndustryOption, type TownOption } from "~/models/reference.server";
import { findSessionUser } from "~/models/session.server";
import { parseEnterpriseListQuery } from "~/schemas/enterprise.server";
import { formatDate } from "~/utils/format";

// The same database the app would open with this environment: SQLite at DATABASE_PATH, or PostgreSQL.
const { db } = openDatabase(databaseConfig());

const col = columnHelper<EnterpriseListRow>();

function columns(townName: Map<string, string>, industryName: Map<string, string>): DataTableColumn<EnterpriseListRow>[] {
  return [
    col.accessor("name", {
      header: () => <a href="?sort=name&dir=desc">企业名称</a>,
      cell: (info) => (
        <>
          <a href={`/enterprises/${info.row.original.id}`}>{info.getValue()}</a>
          {info.row.original.archived ? <span className="badge badge--muted ent-archived">已归档</span> : null}
        </>
      ),
    }),
    col.accessor("uscc", { header: () => <a href="?sort=uscc">统一社会信用代码</a>, cell: (info) => <code className="uscc">{info.getValue()}</code> }),
    col.accessor("townCode", { header: "镇（街道）", cell: (info) => townName.get(info.getValue()) ?? info.getValue() }),
    col.accessor("industryCode", { header: "产业", cell: (info) => industryName.get(info.getValue()) ?? info.getValue() }),
    col.accessor("aboveScale", { header: "规上", cell: (info) => (info.getValue() ? "是" : <span className="muted">否</span>) }),
    col.accessor("tiers", {
      header: "培育层级",
      cell: (info) =>
        (info.getValue() as EnterpriseListRow["tiers"]).length === 0 ? (
          <span className="muted" aria-label="—">
            —
          </span>
        ) : (
          <span className="tier-badges">
            {(info.getValue() as EnterpriseListRow["tiers"]).map((h) => (
              <span key={h.tierCode} className="badge badge--tier" title={getTier(h.tierCode).nameZh} data-tier={h.tierCode}>
                {getTier(h.tierCode).nameZh}
                {getTier(h.tierCode).levels.length > 1 ? <span className="badge__level">{LEVEL_NAMES[h.level].zh}</span> : null}
              </span>
            ))}
          </span>
        ),
    }),
    col.accessor("updatedAt", { header: () => <a href="?sort=updated">更新日期</a>, cell: (info) => <span className="nowrap">{formatDate(info.getValue())}</span> }),
  ] as DataTableColumn<EnterpriseListRow>[];
}

function Page({ rows, total, towns, industries, next }: { rows: EnterpriseListRow[]; total: number; towns: TownOption[]; industries: IndustryOption[]; next: string | null }) {
  const townName = new Map(towns.map((t) => [t.code, t.nameZh]));
  const industryName = new Map(industries.map((i) => [i.code, i.nameZh]));
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <title>企业名录 · 定海区企业梯度培育登记系统</title>
        <link rel="stylesheet" href="/build/app.css" />
      </head>
      <body>
        <header className="site-header">
          <a href="/">定海区企业梯度培育登记系统</a>
          <nav>
            <a href="/dashboard">培育进度</a> <a href="/enterprises">企业名录</a> <a href="/applications">申报审核</a>
          </nav>
        </header>
        <main>
          <h1>企业名录</h1>
          <p className="muted">共 {total} 家企业</p>
          <form method="get" className="card filters">
            <input name="q" type="search" className="input" maxLength={100} />
            <select name="town" className="input">
              <option value="">不限</option>
              {towns.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.nameZh}
                </option>
              ))}
            </select>
            <select name="industry" className="input">
              <option value="">不限</option>
              {industries.map((i) => (
                <option key={i.code} value={i.code}>
                  {i.nameZh}
                </option>
              ))}
            </select>
            <select name="tier" className="input">
              <option value="">不限</option>
              {TIERS.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.nameZh}
                </option>
              ))}
            </select>
            <select name="level" className="input">
              <option value="">不限</option>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {LEVEL_NAMES[l].zh}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--primary">
              筛选
            </button>
          </form>
          <DataTable columns={columns(townName, industryName)} data={rows} getRowId={(r) => String(r.id)} caption="企业名录" />
          <script id="page-data" type="application/json" dangerouslySetInnerHTML={{ __html: JSON.stringify({ rows, total, towns, industries, next }).replace(/</g, "\\u003c") }} />
          {next ? (
            <nav className="pager">
              <a className="button button--small" href={`?cursor=${next}`} rel="next">
                下一页
              </a>
            </nav>
          ) : null}
        </main>
      </body>
    </html>
  );
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    const sessionId = /registry_session=([A-Za-z0-9_-]{32,128})/.exec(req.headers.cookie ?? "")?.[1];
    const user = sessionId ? await findSessionUser(db, sessionId) : null;
    if (!user) {
      res.writeHead(302, { Location: "/login" }).end();
      return;
    }
    const query = parseEnterpriseListQuery(url.searchParams);
    const [page, towns, industries] = await Promise.all([listEnterprises(db, user, query), listTowns(db), listIndustries(db)]);
    const html = "<!DOCTYPE html>" + renderToString(<Page rows={page.rows} total={page.total} towns={towns} industries={industries} next={page.nextCursor} />);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("reference listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
