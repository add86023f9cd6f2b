/**
 * The bureau's view of an application's public notice on its page: the batch (title, window, a
 * link to the public notice), the written objections, and for each pending one a form that
 * dismisses it or upholds it and returns or rejects the application, in one step.
 */
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { FormAlert, ErrorList, SelectField, TextareaField } from "~/components/forms";
import { formatBytes } from "~/domain/attachments";
import { REASON_CODES, REASON_NAMES } from "~/domain/state-machine";
import { formatDateTime } from "~/utils/format";
import { useT } from "~/utils/i18n-react";

export interface ObjectionRow {
  id: number;
  reference: string;
  name: string;
  phone: string;
  reason: string;
  status: "pending" | "upheld" | "dismissed";
  resolution: string | null;
  resolvedAt: string | null;
  createdAt: string;
  file: { name: string; mime: string; size: number } | null;
}

export interface NoticeRef {
  id: number;
  title: string;
  startsOn: string;
  endsOn: string;
}

function ResolveForm({ objection, version, lastResult }: { objection: ObjectionRow; version: number; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const navigation = useNavigation();
  const [form, fields] = useForm({ id: `resolve-${objection.id}`, lastResult, shouldValidate: "onSubmit", shouldRevalidate: "onSubmit" });
  const busy = navigation.state === "submitting" && navigation.formData?.get("objection") === String(objection.id);
  const outcome = (fields.outcome.initialValue as string | undefined) ?? "";
  return (
    <Form method="post" {...getFormProps(form)} noValidate className="objection__resolve" aria-label={t("objections.resolve", { reference: objection.reference })}>
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="resolve-objection" />
      <input type="hidden" name="objection" value={objection.id} />
      <input type="hidden" name="version" value={version} />
      <fieldset className={`field${fields.outcome.errors?.length ? " field--invalid" : ""}`} aria-describedby={fields.outcome.errors?.length ? fields.outcome.errorId : undefined}>
        <legend className="field__label">{t("objections.outcome")}</legend>
        {(["dismissed", "upheld"] as const).map((o) => (
          <label key={o} className="radio">
            <input type="radio" name={fields.outcome.name} value={o} defaultChecked={outcome === o} /> {t(`objections.outcome.${o}`)}
          </label>
        ))}
        <ErrorList id={fields.outcome.errorId} errors={fields.outcome.errors} />
      </fieldset>
      <SelectField
        label={t("objections.decision")}
        field={fields.decision}
        placeholder={t("apps.select.placeholder")}
        options={(["return", "reject"] as const).map((d) => ({ value: d, label: t(`objections.decision.${d}`) }))}
      />
      <SelectField
        label={t("objections.reasonCode")}
        field={fields.reasonCode}
        placeholder={t("apps.select.placeholder")}
        options={REASON_CODES.map((c) => ({ value: c, label: t.pick(REASON_NAMES[c]) }))}
      />
      <TextareaField label={t("objections.resolution")} field={fields.resolution} required maxLength={2000} rows={3} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {t("objections.submit")}
      </button>
    </Form>
  );
}

export function ObjectionPanel({
  notice,
  objections,
  version,
  canResolve,
  lastObjection,
  lastResult,
}: {
  notice: NoticeRef | null;
  objections: ObjectionRow[];
  version: number;
  canResolve: boolean;
  lastObjection?: number;
  lastResult?: SubmissionResult<string[]>;
}) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="objections-title" id="objections">
      <h2 id="objections-title">{t("objections.title")}</h2>
      {notice ? (
        <p>
          {t("objections.batch", { title: notice.title })}
          <br />
          <span className="muted small">{t("objections.window", { start: notice.startsOn, end: notice.endsOn })}</span>{" "}
          <Link to={`/notices/${notice.id}`}>{t("objections.viewPublic")}</Link>
        </p>
      ) : null}
      {objections.length === 0 ? <p className="muted">{t("objections.none")}</p> : null}
      {objections.map((o) => (
        <article key={o.id} className="objection" data-objection={o.reference} aria-label={o.reference}>
          <dl className="facts">
            <div>
              <dt>{t("objections.col.name")}</dt>
              <dd>
                {o.name} <span className="muted small">{o.reference}</span>
              </dd>
            </div>
            <div>
              <dt>{t("objections.col.phone")}</dt>
              <dd>{o.phone}</dd>
            </div>
            <div>
              <dt>{t("objections.col.filed")}</dt>
              <dd>{formatDateTime(o.createdAt)}</dd>
            </div>
            <div>
              <dt>{t("objections.col.status")}</dt>
              <dd>
                <span className={`badge ${o.status === "pending" ? "badge--warn" : o.status === "upheld" ? "badge--bad" : "badge--ok"}`}>{t(`objections.status.${o.status}`)}</span>
              </dd>
            </div>
            <div>
              <dt>{t("objections.col.file")}</dt>
              <dd>
                {o.file ? (
                  <a href={`/objections/${o.id}/file`} download>
                    {o.file.name || o.reference} <span className="muted small">({formatBytes(o.file.size)})</span>
                  </a>
                ) : (
                  <span className="muted">—</span>
                )}
              </dd>
            </div>
          </dl>
          <p className="prewrap">{o.reason}</p>
          {o.resolution ? (
            <p className="muted small prewrap">
              {t("objections.resolution")}：{o.resolution}
              {o.resolvedAt ? `（${formatDateTime(o.resolvedAt)}）` : null}
            </p>
          ) : null}
          {o.status === "pending" && canResolve ? <ResolveForm objection={o} version={version} lastResult={lastObjection === o.id ? lastResult : undefined} /> : null}
        </article>
      ))}
    </section>
  );
}
