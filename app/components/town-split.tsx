import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { ErrorList, FormAlert } from "~/components/forms";
import { TIERS, type TierCode } from "~/domain/tiers";
import type { TownSplit } from "~/models/target.server";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/**
 * The district targets of a year split among the towns (目标分解): a table of every tier's
 * shares with the towns' sum beside the district target (a warning where it falls short), and
 * the form that sets the shares of one tier.
 */
export function TownSplitSection({ split, tier, saved, lastResult }: { split: TownSplit; tier: TierCode; saved: number | null; lastResult?: SubmissionResult<string[]> | null }) {
  const t = useT();
  const navigation = useNavigation();
  const tiers = [...TIERS].sort((a, b) => a.sort - b.sort);
  const tierInfo = tiers.find((x) => x.code === tier)!;
  const tierName = t.pick({ zh: tierInfo.nameZh, en: tierInfo.nameEn });
  const [form, fields] = useForm<{ towns: Record<string, string>; intent: string; year: string; tier: string }>({
    id: `town-split-${split.year}-${tier}`,
    lastResult: lastResult ?? undefined,
    defaultValue: { towns: Object.fromEntries(split.towns.map((x) => [x.code, x.counts[tier] !== undefined ? String(x.counts[tier]) : ""])) },
  });
  const townFields = fields.towns.getFieldset();
  const short = tiers.filter((x) => split.sums[x.code].shortfall > 0);
  return (
    <section className="card dash-section" id="split" aria-labelledby="split-title">
      <h2 id="split-title">{t("pool.split.title", { year: split.year })}</h2>
      <p className="muted">{t("pool.split.intro")}</p>
      {saved !== null ? (
        <div className="alert alert--ok" role="status">
          {t("pool.split.saved", { n: saved })}
        </div>
      ) : null}
      {short.length > 0 ? (
        <div className="alert alert--warn" role="alert">
          {short.map((x) => (
            <p key={x.code}>
              ⚠ {t.pick({ zh: x.nameZh, en: x.nameEn })}：
              {t("pool.split.short", { sum: split.sums[x.code].sum, target: split.district[x.code], short: split.sums[x.code].shortfall })}
            </p>
          ))}
        </div>
      ) : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t("pool.split.caption", { year: split.year })}>
        <table className="table split-table">
          <caption className="visually-hidden">{t("pool.split.caption", { year: split.year })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("pool.split.town")}</th>
              {tiers.map((x) => (
                <th scope="col" key={x.code} className="num">
                  <Link to={`?year=${split.year}&tier=${x.code}#split`}>{t(`progress.short.${x.code}` as MessageKey)}</Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {split.towns.map((town) => (
              <tr key={town.code}>
                <th scope="row">{t.pick({ zh: town.nameZh, en: town.nameEn })}</th>
                {tiers.map((x) => (
                  <td key={x.code} className="num">
                    {town.counts[x.code] ?? "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t("pool.split.sum")}</th>
              {tiers.map((x) => (
                <td key={x.code} className="num">
                  {split.sums[x.code].sum}
                  {split.sums[x.code].shortfall > 0 ? (
                    <>
                      {" "}
                      <span className="badge badge--bad">{t("pool.split.shortBadge", { short: split.sums[x.code].shortfall })}</span>
                    </>
                  ) : null}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t("pool.split.district")}</th>
              {tiers.map((x) => (
                <td key={x.code} className="num">
                  {split.district[x.code]}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      <h3 id="split-edit-title">{t("pool.split.edit", { tier: tierName })}</h3>
      <Form method="get" className="split-choose">
        <input type="hidden" name="year" value={split.year} />
        <label className="field__label" htmlFor="split-tier">
          {t("pool.split.tier")}
        </label>{" "}
        <select id="split-tier" name="tier" className="input input--inline" defaultValue={tier}>
          {tiers.map((x) => (
            <option key={x.code} value={x.code}>
              {t.pick({ zh: x.nameZh, en: x.nameEn })}
            </option>
          ))}
        </select>{" "}
        <button type="submit" className="button button--small">
          {t("pool.split.choose")}
        </button>
      </Form>
      <Form method="post" {...getFormProps(form)} noValidate aria-labelledby="split-edit-title">
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="split" />
        <input type="hidden" name="year" value={split.year} />
        <input type="hidden" name="tier" value={tier} />
        <div className="targets-grid">
          {split.towns.map((town) => {
            const f = townFields[town.code]!;
            return (
              <div key={town.code} className={`field${f.errors?.length ? " field--invalid" : ""}`}>
                <label htmlFor={`split-${town.code}`} className="field__label">
                  {t.pick({ zh: town.nameZh, en: town.nameEn })}
                </label>
                <input
                  id={`split-${town.code}`}
                  name={`towns.${town.code}`}
                  className="input"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  step={1}
                  defaultValue={f.initialValue as string | undefined}
                  key={f.key}
                  aria-invalid={f.errors?.length ? true : undefined}
                  aria-describedby={f.errors?.length ? `split-${town.code}-error` : undefined}
                />
                <ErrorList id={`split-${town.code}-error`} errors={f.errors} />
              </div>
            );
          })}
        </div>
        <p className="muted small">
          {t("pool.split.district")} {split.district[tier]} · {t("pool.split.sum")} {split.sums[tier].sum}
        </p>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("pool.split.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}
