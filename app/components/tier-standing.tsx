/**
 * The application start page's answer to "what can we apply for?": one card per tier with the
 * firm's standing (app/domain/standing.ts), what is missing (need and have), what the data
 * cannot decide (待确认), and the button that opens the tier's form.
 */
import { Link } from "@remix-run/react";
import { usesChecklist } from "~/domain/eligibility";
import type { MissingCriterion, Standing, Verdict } from "~/domain/standing";
import { STATUS_NAMES } from "~/domain/state-machine";
import { LEVEL_NAMES, getTier } from "~/domain/tiers";
import { useT } from "~/utils/i18n-react";
import type { MessageKey } from "~/utils/i18n";

const BADGE: Record<Verdict, string> = {
  held: "badge--ok",
  open: "badge--info",
  meets: "badge--ok",
  "to-confirm": "badge--warn",
  near: "badge--warn",
  "not-yet": "badge--bad",
  "no-precheck": "badge--muted",
  "not-offered": "badge--muted",
};

function CriterionLine({ c, kind }: { c: MissingCriterion; kind: "missing" | "confirm" }) {
  const t = useT();
  const label = t.pick({ zh: c.labelZh, en: c.labelEn });
  const need = t.pick({ zh: c.needZh, en: c.needEn });
  const have = t.lang === "en" ? c.haveEn : c.haveZh;
  return <li>{kind === "missing" ? t("standing.missingLine", { label, have: have ?? t("standing.noData"), need }) : t("standing.confirmLine", { label, need })}</li>;
}

function StandingCard({ s, year }: { s: Standing; year: number }) {
  const t = useT();
  const tier = getTier(s.tierCode);
  const name = t.pick({ zh: tier.nameZh, en: tier.nameEn });
  const titleId = `standing-${s.tierCode}`;
  // Held at the tier's highest level (洁美 has one level only): there is nothing higher to apply for.
  const heldAtTop = s.verdict === "held" && s.holding?.level === tier.levels[0];
  return (
    <li className="card standing" aria-labelledby={titleId} data-tier={s.tierCode} data-verdict={s.verdict}>
      <h3 id={titleId} className="standing__title">
        {name} <span className={`badge ${BADGE[s.verdict]}`}>{t(`standing.verdict.${s.verdict}` as MessageKey)}</span>
      </h3>
      {s.holding ? (
        <p className="standing__held">
          {t("standing.heldLine", {
            level: t.pick(LEVEL_NAMES[s.holding.level]),
            year: s.holding.year,
            date: s.holding.recognizedOn ?? "—",
          })}
          {s.holding.validUntil ? ` ${t("standing.validUntil", { date: s.holding.validUntil })}` : ""}
        </p>
      ) : null}
      {s.application ? (
        <p className="standing__open">
          {t("standing.openLine", { year: s.application.year, status: t.pick(STATUS_NAMES[s.application.status]) })}{" "}
          <Link to={`/applications/${s.application.id}`}>{t("standing.openLink")} →</Link>
        </p>
      ) : null}
      {s.verdict === "meets" ? <p>{t("standing.meetsLine")}</p> : null}
      {s.verdict === "not-offered" ? <p className="muted">{t("standing.aboveScaleLine")}</p> : null}
      {s.verdict === "no-precheck" ? <p className="muted">{t(usesChecklist(s.tierCode) ? "standing.checklistLine" : "standing.noRulesLine")}</p> : null}
      {s.verdict !== "open" && s.verdict !== "held" && s.missing.length ? (
        <>
          <p className="standing__sub">{t("standing.missingTitle", { count: s.missing.length })}</p>
          <ul className="standing__list">
            {s.missing.map((c) => (
              <CriterionLine key={c.key} c={c} kind="missing" />
            ))}
          </ul>
        </>
      ) : null}
      {s.verdict !== "open" && s.verdict !== "held" && s.toConfirm.length ? (
        <>
          <p className="standing__sub">{t("standing.confirmTitle")}</p>
          <ul className="standing__list standing__list--confirm">
            {s.toConfirm.map((c) => (
              <CriterionLine key={c.key} c={c} kind="confirm" />
            ))}
          </ul>
        </>
      ) : null}
      {heldAtTop ? (
        <p className="muted">
          {t("standing.heldTop")}
          {s.holding?.validUntil ? (
            <>
              {" "}
              <Link to="/awards/expiring">{t("standing.renewLink")} →</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {s.verdict !== "open" && s.verdict !== "not-offered" && !heldAtTop ? (
        <p>
          <Link
            className={`button button--small${s.verdict === "meets" || s.verdict === "to-confirm" ? " button--primary" : ""}`}
            to={`/applications/new?tier=${s.tierCode}`}
            aria-label={t("standing.startLabel", { tier: name, year })}
          >
            {t("standing.start")}
          </Link>
        </p>
      ) : null}
    </li>
  );
}

export function StandingList({ standings, year }: { standings: Standing[]; year: number }) {
  const t = useT();
  return (
    <section aria-labelledby="standing-title">
      <h2 id="standing-title">{t("standing.title", { year })}</h2>
      <p className="muted">{t("standing.intro", { prior: year - 1 })}</p>
      <ul className="standings">
        {standings.map((s) => (
          <StandingCard key={s.tierCode} s={s} year={year} />
        ))}
      </ul>
    </section>
  );
}
