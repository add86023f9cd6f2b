import { useId } from "react";
import type { CriterionOutcome, EligibilityResult, EligibilitySummary } from "~/domain/eligibility";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const SUMMARY_BADGE: Record<EligibilitySummary, string> = {
  met: "badge--ok",
  "not-met": "badge--bad",
  incomplete: "badge--warn",
  invalid: "badge--bad",
  doubtful: "badge--warn",
  "no-rules": "badge--info",
};

const OUTCOME_BADGE: Record<CriterionOutcome, string> = {
  met: "badge--ok",
  "not-met": "badge--bad",
  unknown: "badge--warn",
  invalid: "badge--bad",
  doubtful: "badge--warn",
};

// A symbol beside the word, so the outcome is not told by colour alone.
const OUTCOME_MARK: Record<CriterionOutcome, string> = { met: "✓", "not-met": "✗", unknown: "?", invalid: "!", doubtful: "!" };

/**
 * The eligibility pre-check, per criterion: value, threshold, met / not met / not enough data.
 * Shown live on the application form and, from the stored snapshot, to the reviewer.
 * Standalone it is a card with its own heading; placed inside a card that has its heading, the
 * stylesheet drops the frame and the duplicate title.
 */
export function EligibilityPanel({ result }: { result: EligibilityResult | null }) {
  const t = useT();
  const en = t.lang === "en";
  const titleId = useId();
  return (
    <section className="eligibility" aria-labelledby={titleId}>
      <div className="eligibility__head">
        <h2 id={titleId} className="eligibility__title">
          {t("eligibility.title")}
        </h2>
        {/* Always present, so a screen reader hears the summary change as the firm types. */}
        <p className="eligibility__summary" aria-live="polite">
          {result ? <span className={`badge ${SUMMARY_BADGE[result.summary]}`}>{t(`eligibility.summary.${result.summary}` as MessageKey)}</span> : null}
        </p>
      </div>
      <p className="muted small">{t("eligibility.disclaimer")}</p>
      {!result ? (
        <p className="muted">{t("eligibility.empty")}</p>
      ) : (
        <>
          <p className="eligibility__rule small">
            <span className="muted">{t("eligibility.rule")}</span>
            {en ? result.ruleNameEn : result.ruleNameZh}
            {result.provisional ? <span className="badge badge--warn">{t("eligibility.provisional")}</span> : null}
            <span className="muted">
              {" "}
              · {t("eligibility.version")} <code>{result.ruleVersion}</code>
              {result.evaluatedOn ? ` · ${t("eligibility.evaluatedOn")} ${result.evaluatedOn}` : null}
            </span>
          </p>
          {result.criteria.length ? (
            // Focusable so a keyboard user can scroll the table sideways on a narrow screen.
            <div className="table-wrap" tabIndex={0} role="group" aria-labelledby={titleId}>
              <table className="table eligibility__table">
                <caption className="visually-hidden">
                  {t("eligibility.counts", {
                    met: result.criteria.filter((c) => c.outcome === "met").length,
                    notMet: result.criteria.filter((c) => c.outcome === "not-met").length,
                    unknown: result.criteria.filter((c) => c.outcome === "unknown").length,
                    invalid: result.criteria.filter((c) => c.outcome === "invalid").length,
                  })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t("eligibility.col.criterion")}</th>
                    <th scope="col">{t("eligibility.col.value")}</th>
                    <th scope="col">{t("eligibility.col.threshold")}</th>
                    <th scope="col">{t("eligibility.col.outcome")}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.criteria.map((c) => {
                    const value = en && c.valueTextEn != null ? c.valueTextEn : c.valueText;
                    return (
                      <tr key={c.key} className={c.advisory ? "eligibility__row--advisory" : undefined}>
                        <th scope="row">
                          {en ? c.labelEn : c.labelZh}
                          {c.advisory ? <span className="badge badge--muted">{t("eligibility.advisory")}</span> : null}
                        </th>
                        <td>{value ?? <span className="muted">{t(c.outcome === "invalid" ? "eligibility.seeForm" : "eligibility.notEntered")}</span>}</td>
                        <td>{en ? c.thresholdEn : c.thresholdZh}</td>
                        <td>
                          {/* A missing advisory item is worth noting, not an alarm. */}
                          <span className={`badge ${c.advisory && c.outcome === "not-met" ? "badge--muted" : OUTCOME_BADGE[c.outcome]}`}>
                            <span aria-hidden="true">{OUTCOME_MARK[c.outcome]} </span>
                            {t(`eligibility.outcome.${c.outcome}` as MessageKey)}
                          </span>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
          {result.notes?.length ? (
            <ul className="eligibility__notes small muted">
              {result.notes.map((n) => (
                <li key={n.zh}>{en ? n.en : n.zh}</li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </section>
  );
}
