import { Link } from "@remix-run/react";
import { getTier, type TierCode } from "~/domain/tiers";
import { useT } from "~/utils/i18n-react";

export interface TownHomeData {
  year: number;
  town: { town: string; nameZh: string; nameEn: string; rows: { tier: TierCode; target: number | null; achieved: number; applied: number; pool: number }[] };
  overdue: { taskId: number; entryId: number; title: string; owner: string | null; dueOn: string; enterpriseName: string; tierCode: TierCode }[];
}

/** A town officer's home: its own town against its shares of the year's targets, and overdue plan tasks. */
export function TownHomePanel({ data }: { data: TownHomeData }) {
  const t = useT();
  const { year, town, overdue } = data;
  return (
    <section className="card town-home" aria-labelledby="town-home-title">
      <h2 id="town-home-title">{t("pool.home.title", { town: t.pick({ zh: town.nameZh, en: town.nameEn }), year })}</h2>
      <div className="table-wrap">
        <table className="table town-home__table">
          <thead>
            <tr>
              <th scope="col">{t("pool.tier")}</th>
              <th scope="col" className="num">
                {t("pool.towns.target")}
              </th>
              <th scope="col" className="num">
                {t("pool.towns.achieved")}
              </th>
              <th scope="col" className="num">
                {t("pool.towns.applied")}
              </th>
              <th scope="col" className="num">
                {t("pool.towns.pool")}
              </th>
            </tr>
          </thead>
          <tbody>
            {town.rows.map((r) => {
              const tier = getTier(r.tier);
              return (
                <tr key={r.tier} data-tier={r.tier}>
                  <th scope="row">{t.pick({ zh: tier.nameZh, en: tier.nameEn })}</th>
                  <td className="num">{r.target ?? <span className="muted">{t("pool.towns.notSplit")}</span>}</td>
                  <td className="num">
                    <Link to={`/progress/firms?year=${year}&tier=${r.tier}&town=${town.town}`}>{r.achieved}</Link>
                  </td>
                  <td className="num">
                    <Link to={`/applications?tier=${r.tier}&year=${year}&status=pipeline&town=${town.town}`}>{r.applied}</Link>
                  </td>
                  <td className="num">
                    <Link to={`/cultivation?tier=${r.tier}&year=${year}&status=cultivating`}>{r.pool}</Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>{t("pool.home.overdue")}</h3>
      {overdue.length === 0 ? (
        <p className="muted">{t("pool.home.noOverdue")}</p>
      ) : (
        <ul className="town-home__overdue">
          {overdue.map((k) => (
            <li key={k.taskId}>
              <span className="badge badge--bad">{k.dueOn}</span> <Link to={`/cultivation/${k.entryId}`}>{k.enterpriseName}</Link>：{k.title}
              {k.owner ? <span className="small"> · {k.owner}</span> : null}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/cultivation">{t("pool.home.openPool")}</Link>
      </p>
    </section>
  );
}
