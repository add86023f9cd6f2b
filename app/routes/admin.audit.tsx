import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { columnHelper, DataTable } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { listAudit, listAuditActions, type AuditEntry } from "~/models/audit.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A Shanghai calendar date as the UTC instant of its midnight. */
function shanghaiMidnight(date: string, addDays = 0): string | undefined {
  if (!DATE.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00+08:00`);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms + addDays * 86_400_000).toISOString();
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: ["admin"] });
  const params = new URL(request.url).searchParams;
  const cursor = /^(.+)\|(\d+)$/.exec(params.get("before") ?? "");
  const filters = {
    action: params.get("action")?.slice(0, 64) || undefined,
    actor: params.get("actor")?.trim().slice(0, 64) || undefined,
    from: shanghaiMidnight(params.get("from") ?? ""),
    to: shanghaiMidnight(params.get("to") ?? "", 1),
    before: cursor ? { at: cursor[1], id: Number(cursor[2]) } : undefined,
  };
  const [page, actions] = await Promise.all([listAudit(db(), filters), listAuditActions(db())]);
  return { ...page, actions };
}

const col = columnHelper<AuditEntry>();

export default function AuditPage() {
  const { entries, next, actions } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const t = useT();
  const actionLabel = (action: string) => {
    const key = `audit.act.${action}` as MessageKey;
    const label = t(key);
    return label === key ? action : label;
  };
  const columns = [
    col.accessor("at", { header: t("audit.time"), cell: (i) => formatDateTime(i.getValue()) }),
    col.accessor("actorUsername", {
      header: t("audit.who"),
      cell: (i) => (i.getValue() ? `${i.row.original.actorName ?? ""}（${i.getValue()}）` : t("audit.anonymous")),
    }),
    col.accessor("action", { header: t("audit.action"), cell: (i) => <span title={i.getValue()}>{actionLabel(i.getValue())}</span> }),
    col.accessor("subject", {
      header: t("audit.subject"),
      cell: (i) => {
        const name = i.row.original.subjectName;
        return name ? <span title={i.getValue() ?? ""}>{name}</span> : (i.getValue() ?? "");
      },
    }),
    col.accessor("address", { header: t("audit.address") }),
    col.accessor("data", {
      header: t("audit.details"),
      cell: (i) => <span className="audit-data">{i.getValue() ?? ""}</span>,
    }),
  ];
  const nextParams = new URLSearchParams(searchParams);
  if (next) nextParams.set("before", next);
  const firstParams = new URLSearchParams(searchParams);
  firstParams.delete("before");
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("audit.title")}</h1>
          <p className="muted">{t("audit.intro")}</p>
        </div>
      </div>
      <Form method="get" className="filters card" role="search">
        <div className="field">
          <label htmlFor="audit-action" className="field__label">
            {t("audit.action")}
          </label>
          <select id="audit-action" name="action" className="input" defaultValue={searchParams.get("action") ?? ""}>
            <option value="">{t("common.all")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor" className="field__label">
            {t("audit.username")}
          </label>
          <input id="audit-actor" name="actor" className="input" defaultValue={searchParams.get("actor") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="audit-from" className="field__label">
            {t("audit.from")}
          </label>
          <input id="audit-from" name="from" type="date" className="input" defaultValue={searchParams.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="audit-to" className="field__label">
            {t("audit.to")}
          </label>
          <input id="audit-to" name="to" type="date" className="input" defaultValue={searchParams.get("to") ?? ""} />
        </div>
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t("common.search")}
          </button>
          <Link to="/admin/audit" className="button">
            {t("common.reset")}
          </Link>
        </div>
      </Form>
      <DataTable columns={columns} data={entries} getRowId={(r) => String(r.id)} caption={t("audit.caption")} empty={t("audit.empty")} />
      <nav className="pager" aria-label={t("audit.pages")}>
        {searchParams.get("before") ? <Link to={`?${firstParams}`}>{t("common.first")}</Link> : <span />}
        {next ? <Link to={`?${nextParams}`}>{t("common.next")}</Link> : null}
      </nav>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "审计日志 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
