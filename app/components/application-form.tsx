/**
 * The application form of one tier (new and edit): the common part, the tier's own fields or the
 * bureau's checklist, the truthfulness declaration, and the live eligibility pre-check beside it.
 * The server validates (draft or submit mode); the browser only gives native hints and asks the
 * server for the pre-check again as the firm types.
 */
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { EligibilityPanel } from "~/components/eligibility-panel";
import { CheckboxField, ErrorList, FormAlert, SelectField, TextareaField, TextField, type AnyFieldMetadata } from "~/components/forms";
import { usesChecklist, type EligibilityResult } from "~/domain/eligibility";
import { LEVEL_NAMES, getTier, type TierCode } from "~/domain/tiers";
import { useT } from "~/utils/i18n-react";
import { PRECHECK_PATH } from "~/utils/precheck";
import { COMMON_FIELDS, TIER_FIELDS, checklistFormName, fieldLabelKey, formNameOf, labelYears, optionLabelKey, renewalFieldsOf, type PayloadField } from "./application-fields";

export interface ApplicationFormChecklistItem {
  code: string;
  labelZh: string;
  labelEn: string;
  required: boolean;
}

type AnyField = AnyFieldMetadata;

/** What POST /applications/precheck answers. */
interface PrecheckAnswer {
  eligibility: EligibilityResult;
  doubts: Record<string, string>;
}

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string") return [v];
  return [];
}

function PayloadInput({ spec, field, years }: { spec: PayloadField; field: AnyField; years: Record<string, number> }) {
  const t = useT();
  const label = t(fieldLabelKey(spec.key), years);
  const required = !spec.optional;
  const hint = spec.hint ? t(spec.hint) : undefined;
  switch (spec.kind) {
    case "textarea":
      return <TextareaField label={label} field={field} required={required} maxLength={spec.maxLength} rows={5} hint={hint} />;
    case "enum":
      return (
        <SelectField
          label={label}
          field={field}
          required={required}
          hint={hint}
          placeholder={t("apps.select.placeholder")}
          options={(spec.options ?? []).map((o) => ({ value: o, label: t(optionLabelKey(spec, o)) }))}
        />
      );
    case "bool":
      return (
        <SelectField
          label={label}
          field={field}
          required={required}
          hint={hint}
          placeholder={t("apps.select.placeholder")}
          options={[
            { value: "yes", label: t("common.yes") },
            { value: "no", label: t("common.no") },
          ]}
        />
      );
    case "certificates": {
      const chosen = asList(field.initialValue);
      return (
        <fieldset className="field field--group" aria-describedby={field.errors?.length ? field.errorId : undefined}>
          <legend className="field__label">{label}</legend>
          {(spec.options ?? []).map((o) => (
            <label key={o} className="check">
              <input type="checkbox" name={field.name} value={o} defaultChecked={chosen.includes(o)} />
              {t(optionLabelKey(spec, o))}
            </label>
          ))}
          <ErrorList id={field.errorId} errors={field.errors} />
        </fieldset>
      );
    }
    case "month":
      return <TextField label={label} field={field} type="month" required={required} hint={hint} placeholder="2026-06" />;
    case "date":
      return <TextField label={label} field={field} type="date" required={required} hint={hint} />;
    case "phone":
      return <TextField label={label} field={field} type="tel" required={required} hint={hint} autoComplete="tel" maxLength={20} />;
    case "int":
      return <TextField label={label} field={field} required={required} hint={hint} inputMode="numeric" maxLength={9} />;
    case "decimal":
    case "money":
      return <TextField label={label} field={field} required={required} hint={hint} inputMode="decimal" maxLength={20} />;
    case "uscc":
      return <TextField label={label} field={field} required={required} hint={hint} maxLength={24} autoCapitalize="characters" />;
    default:
      return <TextField label={label} field={field} required={required} hint={hint} maxLength={spec.maxLength} />;
  }
}

export function ApplicationForm({
  id,
  tierCode,
  years,
  checklist,
  defaultValue,
  lastResult,
  initialEligibility,
  version,
  resubmit,
  cancelTo,
  duplicateOf,
  enterpriseId,
  evidence,
  currentYear,
  requiredEvidence,
  prefilled,
  renewal,
}: {
  /**
   * A renewal (复核): the short form — year and level kept, the common part, the tier's figures
   * (those prefilled from the yearly figures of `figuresYear` named), the declaration, evidence.
   */
  renewal?: { figuresYear: number; prefilled: string[] };
  /** Today's calendar year: labels of figures "to date" name it. */
  currentYear: number;
  /** The kinds of evidence the tier requires, each with whether a file is attached. */
  requiredEvidence: { kind: string; attached: boolean }[];
  /** Payload keys filled in from what the registry knows of the firm (said above the fields). */
  prefilled?: string[];
  /**
   * The evidence files, shown after the fields and before the buttons, in the order of the work.
   * They have forms of their own (forms cannot nest), so the buttons then sit outside this form
   * and name it with their `form` attribute.
   */
  evidence?: ReactNode;
  id: string;
  /** The firm applying: its profile and earlier application are what the amounts are checked against. */
  enterpriseId: number;
  tierCode: TierCode;
  years: readonly number[];
  checklist: ApplicationFormChecklistItem[];
  defaultValue: Record<string, unknown>;
  lastResult?: SubmissionResult<string[]>;
  initialEligibility: EligibilityResult | null;
  version?: number;
  resubmit?: boolean;
  cancelTo: string;
  duplicateOf?: number | null;
}) {
  const t = useT();
  const tier = getTier(tierCode);
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fields are the tier's payload keys, known at run time; Conform types a default per field
  const [form, fields] = useForm<Record<string, any>>({
    id,
    lastResult,
    defaultValue,
    // Validation is the server's: no background submissions while typing.
    shouldValidate: "onSubmit",
    shouldRevalidate: "onSubmit",
  });
  // The pre-check follows the typing, judged by the server on the values it would accept (the
  // same checks as saving), so a figure the form refuses never shows as met. A plain fetch, not
  // a Remix fetcher: it changes nothing, so no loader runs again and no navigation cancels it
  // halfway (an upload right after typing did, and the aborted answer was logged as an error).
  const [precheck, setPrecheck] = useState<PrecheckAnswer | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const inFlight = useRef<AbortController | null>(null);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      inFlight.current?.abort();
    },
    [],
  );
  const recompute = useCallback(
    (event: FormEvent<HTMLFormElement>) => {
      const formElement = event.currentTarget;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const data = new FormData(formElement);
        data.delete("intent");
        inFlight.current?.abort();
        const controller = new AbortController();
        inFlight.current = controller;
        fetch(`${PRECHECK_PATH}?tier=${tierCode}&enterprise=${enterpriseId}`, { method: "POST", body: data, signal: controller.signal })
          .then((res) => (res.ok ? (res.json() as Promise<PrecheckAnswer>) : null))
          .then((answer) => {
            if (answer && !controller.signal.aborted) setPrecheck(answer);
          })
          // Superseded by newer typing, or the page left: the next answer (or page) says it all.
          .catch(() => undefined);
      }, 200);
    },
    [tierCode, enterpriseId],
  );
  const eligibility = precheck?.eligibility ?? initialEligibility;
  // Labels name the actual years before the application's year, following the year chosen.
  const [year, setYear] = useState(() => Number(defaultValue.year) || currentYear);
  const namedYears = labelYears(year, currentYear);
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const target = event.target as HTMLSelectElement;
    if (target.name === "year" && /^\d{4}$/.test(target.value)) setYear(Number(target.value));
    recompute(event);
  };
  const missingKinds = requiredEvidence.filter((r) => !r.attached);
  const evidenceNeeded = requiredEvidence.length ? (
    <section className="card required-evidence" aria-labelledby={`${id}-required-evidence`}>
      <h2 id={`${id}-required-evidence`}>{t("apps.evidence.required.title")}</h2>
      <ul className="required-evidence__list">
        {requiredEvidence.map((r) => (
          <li key={r.kind} className={r.attached ? "required-evidence__item--ok" : "required-evidence__item--missing"}>
            {r.attached ? "✓ " : "○ "}
            {t(`attachments.kind.${r.kind}` as Parameters<typeof t>[0])}
            <span className="muted small"> · {r.attached ? t("apps.evidence.required.attached") : t("apps.evidence.required.missing")}</span>
          </li>
        ))}
      </ul>
      <p className="muted small">
        {evidence
          ? missingKinds.length
            ? t("apps.evidence.required.hint", { count: missingKinds.length })
            : t("apps.evidence.required.complete")
          : t("apps.evidence.required.saveFirst")}
      </p>
    </section>
  ) : null;
  // Amounts 10× or more above what the registry knows of the firm: said as the firm types, and
  // refused at submission until confirmed (the server's field errors then say the same).
  const doubts = Object.values(precheck?.doubts ?? {});
  const confirmField = fields.confirmFigures as AnyField;
  const askConfirmation = doubts.length > 0 || Boolean(confirmField.errors?.length);
  const checklistField = fields.checklist as AnyField | undefined;
  const ticked = (checklistField?.initialValue ?? {}) as Record<string, unknown>;

  const formId = evidence ? form.id : undefined;
  const actions = (
    <div className="form-actions">
      <button type="submit" form={formId} name="intent" value="save" className="button" disabled={busy}>
        {t("apps.btn.saveDraft")}
      </button>
      <button type="submit" form={formId} name="intent" value="submit" className="button button--primary" disabled={busy}>
        {resubmit ? t("apps.btn.resubmit") : t("apps.btn.submit")}
      </button>
      <Link to={cancelTo} className="button button--ghost">
        {t("common.cancel")}
      </Link>
    </div>
  );

  return (
    <div className="app-form">
      <div className="app-form__main">
        <Form method="post" {...getFormProps(form)} noValidate onChange={onChange} className="app-form__form">
          <FormAlert id={form.errorId} errors={form.errors} />
          {duplicateOf ? (
            <p className="alert alert--info">
              <Link to={`/applications/${duplicateOf}`}>{t("apps.err.duplicateLink")} →</Link>
            </p>
          ) : null}
          {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
          {prefilled?.length ? (
            <p className="alert alert--info" role="note">
              {t("apps.prefilled", {
                fields: prefilled.map((k) => t(fieldLabelKey(k), namedYears)).join(t.lang === "en" ? ", " : "、"),
              })}
            </p>
          ) : null}

          {renewal ? (
            <>
              <p className="alert alert--info" role="note">
                {t("apps.renewal.intro")}
              </p>
              {renewal.prefilled.length ? (
                <p className="alert alert--info" role="note">
                  {t("apps.renewal.prefilled", {
                    year: renewal.figuresYear,
                    fields: renewal.prefilled.map((k) => t(fieldLabelKey(k), namedYears)).join(t.lang === "en" ? ", " : "、"),
                  })}
                </p>
              ) : null}
              <input type="hidden" name="year" value={String(defaultValue.year ?? "")} />
              {tier.levels.length > 1 ? <input type="hidden" name="levelSought" value={String(defaultValue.levelSought ?? "")} /> : null}
              <fieldset>
                <legend>{t("apps.section.common")}</legend>
                <div className="form-grid">
                  {COMMON_FIELDS.filter((f) => f.kind !== "textarea").map((f) => (
                    <PayloadInput key={f.key} spec={f} field={fields[formNameOf(f)]!} years={namedYears} />
                  ))}
                </div>
                {COMMON_FIELDS.filter((f) => f.kind === "textarea").map((f) => (
                  <PayloadInput key={f.key} spec={f} field={fields[formNameOf(f)]!} years={namedYears} />
                ))}
              </fieldset>
              {renewalFieldsOf(tierCode).length > COMMON_FIELDS.length ? (
                <fieldset>
                  <legend>{t("apps.section.figures")}</legend>
                  <div className="form-grid">
                    {renewalFieldsOf(tierCode)
                      .slice(COMMON_FIELDS.length)
                      .map((f) => (
                        <PayloadInput key={f.key} spec={f} field={fields[formNameOf(f)]!} years={namedYears} />
                      ))}
                  </div>
                </fieldset>
              ) : null}
            </>
          ) : (
            <>
              <fieldset>
                <legend>{t("apps.section.common")}</legend>
                <div className="form-grid">
                  <SelectField label={t("apps.field.year")} field={fields.year!} required options={years.map((y) => ({ value: String(y), label: String(y) }))} />
                  {tier.levels.length > 1 ? (
                    <SelectField
                      label={t("apps.field.levelSought")}
                      field={fields.levelSought!}
                      required
                      placeholder={t("apps.select.placeholder")}
                      options={tier.levels.map((l) => ({ value: l, label: t.pick(LEVEL_NAMES[l]) }))}
                    />
                  ) : null}
                </div>
                <div className="form-grid">
                  {COMMON_FIELDS.filter((f) => f.kind !== "textarea").map((f) => (
                    <PayloadInput key={f.key} spec={f} field={fields[formNameOf(f)]!} years={namedYears} />
                  ))}
                </div>
                {COMMON_FIELDS.filter((f) => f.kind === "textarea").map((f) => (
                  <PayloadInput key={f.key} spec={f} field={fields[formNameOf(f)]!} years={namedYears} />
                ))}
              </fieldset>

              {TIER_FIELDS[tierCode].length > 0 ? (
                <fieldset>
                  <legend>{t("apps.section.tier")}</legend>
                  <div className="form-grid">
                    {TIER_FIELDS[tierCode].map((f) => (
                      <PayloadInput key={f.key} spec={f} field={fields[formNameOf(f)]!} years={namedYears} />
                    ))}
                  </div>
                </fieldset>
              ) : null}

              {usesChecklist(tierCode) ? (
                <fieldset>
                  <legend>{t("apps.section.checklist")}</legend>
                  {checklist.length === 0 ? (
                    <p className="muted">{t("apps.checklist.empty")}</p>
                  ) : (
                    <>
                      <p className="muted small">{t("apps.checklist.intro")}</p>
                      <ul className="checklist-input">
                        {checklist.map((item) => (
                          <li key={item.code}>
                            <label className="check">
                              <input type="checkbox" name={checklistFormName(item.code)} value="on" defaultChecked={ticked[item.code] === "on"} />
                              <span>
                                {t.pick({ zh: item.labelZh, en: item.labelEn })}
                                {item.required ? <span className="badge">{t("apps.checklist.required")}</span> : null}
                              </span>
                            </label>
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </fieldset>
              ) : null}
            </>
          )}

          {askConfirmation ? (
            <fieldset className="doubts" aria-describedby={doubts.length ? `${id}-doubts` : undefined}>
              <legend>{t("apps.doubt.title")}</legend>
              {doubts.length ? (
                <ul id={`${id}-doubts`} className="doubts__list" role="status">
                  {doubts.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              ) : null}
              <CheckboxField label={t("apps.doubt.confirm")} field={confirmField} />
            </fieldset>
          ) : null}

          <fieldset>
            <legend>{t("apps.section.declaration")}</legend>
            <CheckboxField label={t("apps.field.declaration")} field={fields.declaration!} />
          </fieldset>

          {evidence ? null : evidenceNeeded}
          {evidence ? null : actions}
        </Form>
        {evidence}
        {evidence ? evidenceNeeded : null}
        {evidence ? actions : null}
      </div>
      <div className="app-form__side">
        <EligibilityPanel result={eligibility} />
      </div>
    </div>
  );
}
