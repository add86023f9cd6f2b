import { Link } from "@remix-run/react";
import { getTier, type TierCode } from "~/domain/tiers";
import { ValidityText } from "~/components/validity-text";
import { useT } from "~/utils/i18n-react";

export interface ExpiringPanelData {
  within: number;
  total: number;
  rows: { awardId: number; enterpriseId: number; name: string; tier: TierCode; validUntil: string; daysLeft: number }[];
}

/** A town officer's home: the town's recognitions expiring soon, the nearest first. */
export function ExpiringPanel({ data }: { data: ExpiringPanelData }) {
  const t = useT();
  if (data.total === 0) return null;
  return (
    <section className="card" aria-labelledby="expiring-home-title">
      <h2 id="expiring-home-title">{t("val.home.title")}</h2>
      <ul>
        {data.rows.map((r) => {
          const tier = getTier(r.tier);
          return (
            <li key={r.awardId}>
              <Link to={`/enterprises/${r.enterpriseId}`}>{r.name}</Link> · {t.pick({ zh: tier.nameZh, en: tier.nameEn })} ·{" "}
              <ValidityText validUntil={r.validUntil} daysLeft={r.daysLeft} />
            </li>
          );
        })}
      </ul>
      <p>
        <Link to={`/awards/expiring?within=${data.within}`}>
          {t("val.home.more")} ({data.total})
        </Link>
      </p>
    </section>
  );
}
