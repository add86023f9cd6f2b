import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { getTier, type TierCode } from "~/domain/tiers";
import { useT } from "~/utils/i18n-react";

/**
 * A bureau page of per-tier settings (公示设置, 认定有效期设置): its title, intro, the saved
 * message, then one table row per tier whose inputs belong (`form=`) to the row's own small form
 * in its last cell, so that each tier is saved on its own. The page gives the setting cells.
 */
export function TierSettings<R extends { tierCode: TierCode }>({
  title,
  intro,
  saved,
  alert,
  rows,
  heads,
  formIdPrefix,
  rowKey,
  cells,
  saveLabel,
  saveAriaLabel,
  scroll = false,
}: {
  title: string;
  intro: string;
  /** The saved message of the last submission, if it succeeded. */
  saved?: string | null;
  /** Shown above the table (an error no row can hold). */
  alert?: ReactNode;
  rows: readonly R[];
  /** Column headings: the tier's, then one per setting (the save column has none). */
  heads: readonly string[];
  /** A row's form is `${formIdPrefix}-${tierCode}`. */
  formIdPrefix: string;
  /** A row's React key: it changes with the stored values and the row's error, so the inputs take their defaults again. */
  rowKey: (row: R) => string;
  /** The row's setting cells (`<td>`s), given its form id and the tier's name. */
  cells: (row: R, formId: string, name: string) => ReactNode;
  saveLabel: string;
  /** The save button's accessible name, from the tier's name (else its text). */
  saveAriaLabel?: (name: string) => string;
  /** Wraps the table in the horizontally scrolling box. */
  scroll?: boolean;
}) {
  const t = useT();
  const table = (
    <table className="table">
      <thead>
        <tr>
          {heads.map((head) => (
            <th key={head} scope="col">
              {head}
            </th>
          ))}
          <th scope="col"></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const tier = getTier(r.tierCode);
          const formId = `${formIdPrefix}-${r.tierCode}`;
          const name = t.pick({ zh: tier.nameZh, en: tier.nameEn });
          return (
            <tr key={rowKey(r)}>
              <th scope="row">{name}</th>
              {cells(r, formId, name)}
              <td>
                <Form method="post" id={formId}>
                  <input type="hidden" name="tier" value={r.tierCode} />
                  <button type="submit" aria-label={saveAriaLabel?.(name)}>
                    {saveLabel}
                  </button>
                </Form>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  return (
    <div>
      <h1>{title}</h1>
      <p className="muted">{intro}</p>
      {saved ? (
        <p className="alert alert--success" role="status">
          {saved}
        </p>
      ) : null}
      {alert}
      {scroll ? <div className="table-scroll">{table}</div> : table}
    </div>
  );
}
