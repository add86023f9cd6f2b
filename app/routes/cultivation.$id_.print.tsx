import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { isOverdue } from "~/domain/pool";
import { getTier } from "~/domain/tiers";
import { getPoolEntry } from "~/models/pool-entry.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/** The plan of one firm (一企一策) laid out for one A4 page: the entry, its tasks, the latest visits. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = /^[1-9]\d{0,14}$/.test(params.id ?? "") ? Number(params.id) : -1;
  const today = todayInShanghai();
  const entry = await getPoolEntry(db(), user, id, today);
  return { entry, today, printedAt: new Date().toISOString() };
}

/** Visits shown on the page: the latest ones, so that the plan stays on one sheet. */
const VISITS_ON_PAGE = 4;

export default function PoolPlanPrint() {
  const { entry: e, today, printedAt } = useLoaderData<typeof loader>();
  const t = useT();
  const tier = getTier(e.tierCode);
  return (
    <article className="pool-print" aria-labelledby="pool-print-title">
      <p className="no-print pool-print__tools">
        <Link to={`/cultivation/${e.id}`}>← {t("pool.print.back")}</Link>{" "}
        <button type="button" className="button button--primary" onClick={() => window.print()}>
          {t("pool.print.button")}
        </button>
      </p>
      <p className="pool-print__kicker">{t("pool.print.title")}</p>
      <h1 id="pool-print-title">{t("pool.print.heading", { name: e.enterpriseName, tier: t.pick({ zh: tier.nameZh, en: tier.nameEn }), year: e.targetYear })}</h1>
      <table className="pool-print__facts">
        <tbody>
          <tr>
            <th scope="row">{t("pool.uscc")}</th>
            <td>{e.uscc}</td>
            <th scope="row">{t("pool.town")}</th>
            <td>{t.pick({ zh: e.townNameZh, en: e.townNameEn })}</td>
          </tr>
          <tr>
            <th scope="row">{t("pool.officer")}</th>
            <td>{e.officerName ?? t("pool.officerNone")}</td>
            <th scope="row">{t("pool.enteredOn")}</th>
            <td>{e.enteredOn}</td>
          </tr>
          <tr>
            <th scope="row">{t("pool.status")}</th>
            <td>{t(`pool.status.${e.status}` as MessageKey)}</td>
            <th scope="row">{t("pool.route")}</th>
            <td>{e.route ? t(`pool.route.${e.route}` as MessageKey) : "—"}</td>
          </tr>
          {e.notes ? (
            <tr>
              <th scope="row">{t("pool.notes")}</th>
              <td colSpan={3} className="pre-wrap">
                {e.notes}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <h2>{t("pool.plan.title")}</h2>
      {e.tasks.length === 0 ? (
        <p>{t("pool.plan.none")}</p>
      ) : (
        <table className="pool-print__tasks">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("pool.plan.what")}</th>
              <th scope="col">{t("pool.plan.owner")}</th>
              <th scope="col">{t("pool.plan.due")}</th>
              <th scope="col">{t("pool.plan.status")}</th>
            </tr>
          </thead>
          <tbody>
            {e.tasks.map((k, i) => (
              <tr key={k.id}>
                <td>{i + 1}</td>
                <td>
                  {k.title}
                  {k.notes ? <div className="pool-print__note">{k.notes}</div> : null}
                </td>
                <td>{k.owner ?? "—"}</td>
                <td>
                  {k.dueOn ?? "—"}
                  {isOverdue(k, today) ? ` ${t("pool.plan.overdue")}` : ""}
                </td>
                <td>{t(`pool.task.${k.status}` as MessageKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("pool.visit.title")}</h2>
      {e.visits.length === 0 ? (
        <p>{t("pool.visit.none")}</p>
      ) : (
        <ul className="pool-print__visits">
          {e.visits.slice(0, VISITS_ON_PAGE).map((v) => (
            <li key={v.id}>
              <strong>{v.visitedOn}</strong> {v.visitor}：{v.findings}
            </li>
          ))}
        </ul>
      )}
      <p className="pool-print__sign">{t("pool.print.sign")}</p>
      <p className="pool-print__printed">{t("pool.print.printed", { time: formatDateTime(printedAt) })}</p>
    </article>
  );
}

export const meta: MetaFunction = () => [{ title: "一企一策 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
