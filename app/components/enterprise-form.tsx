import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { CheckboxField, FormAlert, SelectField, TextField } from "~/components/forms";
import { useT } from "~/utils/i18n-react";

export type EnterpriseFormMode = "create" | "full" | "profile";

/** Form values as the fields show them: money already in 万元, numbers as text. */
export interface EnterpriseFormDefaults {
  uscc?: string;
  name?: string;
  townCode?: string;
  industryCode?: string;
  platform?: string;
  aboveScale?: boolean;
  address?: string;
  legalRep?: string;
  contactName?: string;
  contactPhone?: string;
  employees?: string;
  revenueWan?: string;
  rdExpenseWan?: string;
  version?: string;
}

interface Option {
  code: string;
  nameZh: string;
  nameEn: string;
}

/**
 * The one enterprise form: "create" and "full" (reviewers) show every field; "profile" (the
 * firm's own user) shows identity read-only and lets it change contacts and figures. Validation
 * happens on the server; its answer puts each message by its field and keeps what was typed.
 */
export function EnterpriseForm({
  mode,
  lastResult,
  defaults,
  towns,
  industries,
  platforms,
  locked,
  duplicate,
  conflictHref,
  cancelHref,
  figuresYear,
}: {
  mode: EnterpriseFormMode;
  lastResult?: SubmissionResult<string[]> | null;
  defaults: EnterpriseFormDefaults;
  towns: Option[];
  industries: Option[];
  platforms: readonly string[];
  /** Identity shown read-only in profile mode. */
  locked?: { uscc: string; name: string; town: string; industry: string };
  duplicate?: { id: number; name: string } | null;
  conflictHref?: string | null;
  cancelHref: string;
  /** The year the figure fields write (the firm's latest); without it they read 上年 (a new firm's last year). */
  figuresYear?: number;
}) {
  const t = useT();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `enterprise-${mode}`,
    lastResult,
    defaultValue: defaults,
    shouldRevalidate: "onInput",
  });
  const moneyHint = t("ent.field.moneyHint");
  // A summary at the top, so a long form's errors are noticed even when they are out of view.
  const hasFieldErrors = Object.entries(lastResult?.error ?? {}).some(([name, errors]) => name !== "" && errors?.length);
  const submitting = navigation.state === "submitting";
  return (
    <Form method="post" {...getFormProps(form)} noValidate className="ent-form">
      <FormAlert id={form.errorId} errors={form.errors?.length ? form.errors : hasFieldErrors ? [t("common.fixErrors")] : null} />
      {conflictHref ? (
        <p className="ent-form__conflict">
          <a href={conflictHref} className="button">
            {t("ent.err.conflictLink")}
          </a>
        </p>
      ) : null}
      {mode !== "create" ? <input {...getInputProps(fields.version, { type: "hidden" })} key={fields.version.key} /> : null}

      <fieldset>
        <legend>{t("ent.section.identity")}</legend>
        {mode === "profile" && locked ? (
          <>
            <p className="field__hint">{t("ent.edit.locked")}</p>
            <dl className="facts">
              <div>
                <dt>{t("ent.field.name")}</dt>
                <dd>{locked.name}</dd>
              </div>
              <div>
                <dt>{t("ent.field.uscc")}</dt>
                <dd>
                  <code className="uscc">{locked.uscc}</code>
                </dd>
              </div>
              <div>
                <dt>{t("ent.field.town")}</dt>
                <dd>{locked.town}</dd>
              </div>
              <div>
                <dt>{t("ent.field.industry")}</dt>
                <dd>{locked.industry}</dd>
              </div>
            </dl>
          </>
        ) : (
          <div className="form-grid">
            <TextField label={t("ent.field.uscc")} field={fields.uscc} required hint={t("ent.field.usccHint")} autoComplete="off" spellCheck={false} maxLength={40} />
            {duplicate ? (
              <p className="ent-form__duplicate">
                <Link to={`/enterprises/${duplicate.id}`}>
                  {t("ent.err.duplicateLink")}：{duplicate.name}
                </Link>
              </p>
            ) : null}
            <TextField label={t("ent.field.name")} field={fields.name} required maxLength={100} autoComplete="organization" />
            <SelectField
              label={t("ent.field.town")}
              field={fields.townCode}
              required
              placeholder={t("ent.form.choose")}
              options={towns.map((x) => ({ value: x.code, label: t.pick({ zh: x.nameZh, en: x.nameEn }) }))}
            />
            <SelectField
              label={t("ent.field.industry")}
              field={fields.industryCode}
              required
              placeholder={t("ent.form.choose")}
              options={industries.map((x) => ({ value: x.code, label: t.pick({ zh: x.nameZh, en: x.nameEn }) }))}
            />
            <TextField label={t("ent.field.platform")} field={fields.platform} hint={t("ent.field.platformHint")} list="ent-platforms" maxLength={60} />
            <datalist id="ent-platforms">
              {platforms.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
            <CheckboxField label={t("ent.field.aboveScale")} field={fields.aboveScale} />
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>{t("ent.section.contact")}</legend>
        <div className="form-grid">
          <TextField label={t("ent.field.legalRep")} field={fields.legalRep} maxLength={50} />
          <TextField label={t("ent.field.contactName")} field={fields.contactName} maxLength={50} autoComplete="name" />
          <TextField
            label={t("ent.field.contactPhone")}
            field={fields.contactPhone}
            type="tel"
            inputMode="tel"
            hint={t("ent.field.contactPhoneHint")}
            maxLength={20}
            autoComplete="tel"
          />
          <TextField label={t("ent.field.address")} field={fields.address} maxLength={200} autoComplete="street-address" />
        </div>
      </fieldset>

      <fieldset>
        <legend>{t("ent.section.figures")}</legend>
        <div className="form-grid">
          <TextField label={t("ent.field.employees")} field={fields.employees} inputMode="numeric" maxLength={12} />
          <TextField
            label={figuresYear ? t("ent.field.revenueYear", { year: figuresYear }) : t("ent.field.revenue")}
            field={fields.revenueWan}
            inputMode="decimal"
            hint={moneyHint}
            maxLength={20}
          />
          <TextField
            label={figuresYear ? t("ent.field.rdExpenseYear", { year: figuresYear }) : t("ent.field.rdExpense")}
            field={fields.rdExpenseWan}
            inputMode="decimal"
            hint={moneyHint}
            maxLength={20}
          />
        </div>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={submitting}>
          {mode === "create" ? t("ent.new.submit") : t("ent.edit.submit")}
        </button>
        <Link to={cancelHref} className="button">
          {t("common.cancel")}
        </Link>
      </div>
    </Form>
  );
}
