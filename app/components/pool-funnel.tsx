import { Link } from "@remix-run/react";
import type { Funnel } from "~/domain/pool";
import { getTier, type TierCode } from "~/domain/tiers";
import { useT } from "~/utils/i18n-react";

/**
 * The dashboard's cultivation funnel: per tier, in the pool (cultivating) → in review →
 * achieved, against the target, and whether pool and review together could close the gap.
 * Every number opens the firms behind it for the bureau (a town officer sees district counts
 * without links, as on the rest of the dashboard).
 */
export function PoolFunnel({ year, funnels, links }: { year: number; funnels: (Funnel & { tier: TierCode })[]; links: boolean }) {
  const t = useT();
  const num = (n: number, href: string, label: string) =>
    links ? (
      <Link to={href} aria-label={`${label} ${n}`}>{n}</Link>
    ) : (
      n
    );
  return (
    <section className="dash-section card funnel" aria-labelledby="funnel-title">
      <h2 id="funnel-title">{t("pool.funnel.title")}</h2>
      <p className="muted small">{t("pool.funnel.intro")}</p>
      <ul className="funnel__list">
        {funnels.map((f) => {
          const tier = getTier(f.tier);
          const name = t.pick({ zh: tier.nameZh, en: tier.nameEn });
          const verdict = f.gap === 0 ? t("pool.funnel.done") : f.enough ? t("pool.funnel.enough") : t("pool.funnel.notEnough", { short: f.short });
          return (
            <li key={f.tier} className={`funnel__row${f.enough ? "" : " funnel__row--short"}`} data-tier={f.tier}>
              <strong className="funnel__tier">{name}</strong>
              <span className="funnel__steps">
                <span>{t("pool.funnel.pool")} {num(f.pool, `/cultivation?tier=${f.tier}&year=${year}&status=cultivating`, `${name} ${t("pool.funnel.pool")}`)}</span>
                <span aria-hidden="true"> → </span>
                <span>{t("pool.funnel.pipeline")} {num(f.pipeline, `/applications?tier=${f.tier}&year=${year}&status=pipeline`, `${name} ${t("pool.funnel.pipeline")}`)}</span>
                <span aria-hidden="true"> → </span>
                <span>{t("pool.funnel.achieved")} {num(f.achieved, `/progress/firms?year=${year}&tier=${f.tier}`, `${name} ${t("pool.funnel.achieved")}`)}</span>
                <span> / {t("pool.funnel.target")} {f.target}</span>
              </span>
              <span className={`badge ${f.enough ? "badge--ok" : "badge--bad"} funnel__verdict`}>{verdict}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
