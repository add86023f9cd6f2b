/**
 * The action forms of the detail page: approve, return, reject, revoke (bureau), withdraw
 * (applicant), opinion (town officer). Each is its own form with an `intent` and the version the
 * page was rendered with; the server re-checks everything.
 */
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import type { KeyboardEvent } from "react";
import { Form, useRouteLoaderData, useNavigation } from "@remix-run/react";
import { REASON_CODES, REASON_NAMES, TOWN_OPINIONS, TOWN_OPINION_NAMES, type Action } from "~/domain/state-machine";
import { LEVEL_NAMES, type Level } from "~/domain/tiers";
import { FormAlert, SelectField, TextField, TextareaField } from "~/components/forms";
import { useT } from "~/utils/i18n-react";

export type DecisionIntent = "approve" | "reject" | "return" | "revoke" | "withdraw" | "opinion";

export interface DecisionContext {
  version: number;
  levels: readonly Level[];
  levelSought: Level | null;
  validityYears: number | null;
  today: string;
  townOpinion: string | null;
  townComment: string | null;
}

function useDecisionForm(intent: DecisionIntent, lastResult: SubmissionResult<string[]> | undefined, defaultValue?: Record<string, string>) {
  return useForm({ id: `decide-${intent}`, lastResult, defaultValue, shouldValidate: "onSubmit", shouldRevalidate: "onSubmit" });
}

/**
 * A decision is final, so Enter in a single-line field must not submit it (the browser's implicit
 * submission would press the form's button): it moves on to the next field instead, and the
 * decision takes a click (or Enter/Space on the button itself).
 */
function keepEnterFromDeciding(event: KeyboardEvent<HTMLFormElement>) {
  const target = event.target as HTMLElement;
  if (event.key !== "Enter" || !(target instanceof HTMLInputElement)) return;
  event.preventDefault();
  const fields = Array.from(event.currentTarget.elements).filter(
    (el): el is HTMLElement => el instanceof HTMLElement && !(el instanceof HTMLInputElement && el.type === "hidden") && !el.hasAttribute("disabled"),
  );
  fields[fields.indexOf(target) + 1]?.focus();
}

function Busy({ intent, label, className }: { intent: DecisionIntent; label: string; className: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  return (
    <button type="submit" name="intent" value={intent} className={`button ${className}`} disabled={busy}>
      {label}
    </button>
  );
}

function ApproveForm({ ctx, lastResult }: { ctx: DecisionContext; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useDecisionForm("approve", lastResult, {
    level: ctx.levelSought ?? ctx.levels[0] ?? "district",
    recognizedOn: ctx.today,
  });
  return (
    <section className="card decision decision--approve" aria-labelledby="decide-approve-title">
      <h3 id="decide-approve-title">{t("apps.decide.approve")}</h3>
      <Form method="post" {...getFormProps(form)} noValidate onKeyDown={keepEnterFromDeciding}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={ctx.version} />
        <SelectField label={t("apps.decide.level")} field={fields.level} required options={ctx.levels.map((l) => ({ value: l, label: t.pick(LEVEL_NAMES[l]) }))} />
        <TextField label={t("apps.decide.recognizedOn")} field={fields.recognizedOn} type="date" required />
        <TextField
          label={t("apps.decide.validUntil")}
          field={fields.validUntil}
          type="date"
          hint={ctx.validityYears ? t("apps.decide.validUntilHint", { years: ctx.validityYears }) : t("apps.decide.validUntilNone")}
        />
        <TextField label={t("apps.decide.documentNo")} field={fields.documentNo} required maxLength={100} hint={t("apps.decide.documentNoHint")} />
        <TextareaField label={t("apps.decide.comment")} field={fields.comment} maxLength={1000} rows={2} />
        <Busy intent="approve" label={t("apps.btn.approve")} className="button--primary" />
      </Form>
    </section>
  );
}

function ReasonForm({ intent, ctx, lastResult }: { intent: "reject" | "return"; ctx: DecisionContext; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useDecisionForm(intent, lastResult);
  const title = intent === "return" ? t("apps.decide.return") : t("apps.decide.reject");
  return (
    <section className={`card decision decision--${intent}`} aria-labelledby={`decide-${intent}-title`}>
      <h3 id={`decide-${intent}-title`}>{title}</h3>
      <Form method="post" {...getFormProps(form)} noValidate onKeyDown={keepEnterFromDeciding}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={ctx.version} />
        <SelectField
          label={t("apps.decide.reasonCode")}
          field={fields.reasonCode}
          required
          placeholder={t("apps.select.placeholder")}
          options={REASON_CODES.map((c) => ({ value: c, label: t.pick(REASON_NAMES[c]) }))}
        />
        <TextareaField label={t("apps.decide.reasonComment")} field={fields.comment} required maxLength={1000} rows={3} />
        <Busy intent={intent} label={intent === "return" ? t("apps.btn.return") : t("apps.btn.reject")} className={intent === "reject" ? "button--danger" : ""} />
      </Form>
    </section>
  );
}

function RevokeForm({ ctx, lastResult }: { ctx: DecisionContext; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useDecisionForm("revoke", lastResult, { revokedOn: ctx.today });
  return (
    <section className="card decision decision--revoke" aria-labelledby="decide-revoke-title">
      <h3 id="decide-revoke-title">{t("apps.decide.revoke")}</h3>
      <Form method="post" {...getFormProps(form)} noValidate onKeyDown={keepEnterFromDeciding}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={ctx.version} />
        <TextField label={t("apps.decide.revokedOn")} field={fields.revokedOn} type="date" required />
        <TextareaField label={t("apps.decide.revokeReason")} field={fields.reason} required maxLength={500} rows={2} />
        <Busy intent="revoke" label={t("apps.btn.revoke")} className="button--danger" />
      </Form>
    </section>
  );
}

function WithdrawForm({ ctx, lastResult }: { ctx: DecisionContext; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useDecisionForm("withdraw", lastResult);
  // The bureau may withdraw on the firm's behalf (e.g. at its request by phone): say so.
  const root = useRouteLoaderData("root") as { user?: { role?: string } | null } | undefined;
  const onBehalf = root?.user?.role !== undefined && root.user.role !== "enterprise";
  return (
    <section className="card decision decision--withdraw" aria-labelledby="decide-withdraw-title">
      <h3 id="decide-withdraw-title">{t(onBehalf ? "apps.decide.withdrawOnBehalf" : "apps.decide.withdraw")}</h3>
      <p className="muted small">{t("apps.decide.withdrawConfirm")}</p>
      <Form method="post" {...getFormProps(form)} noValidate onKeyDown={keepEnterFromDeciding}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={ctx.version} />
        <TextareaField label={t("apps.decide.withdrawComment")} field={fields.comment} maxLength={500} rows={2} />
        <Busy intent="withdraw" label={t("apps.btn.withdraw")} className="button--danger" />
      </Form>
    </section>
  );
}

function OpinionForm({ ctx, lastResult }: { ctx: DecisionContext; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useDecisionForm("opinion", lastResult, {
    opinion: ctx.townOpinion ?? "",
    comment: ctx.townComment ?? "",
  });
  return (
    <section className="card decision decision--opinion" aria-labelledby="decide-opinion-title">
      <h3 id="decide-opinion-title">{t("apps.decide.opinion")}</h3>
      {ctx.townOpinion ? <p className="muted small">{t("apps.decide.opinionAlready")}</p> : null}
      <Form method="post" {...getFormProps(form)} noValidate onKeyDown={keepEnterFromDeciding}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={ctx.version} />
        <SelectField
          label={t("apps.decide.opinionChoice")}
          field={fields.opinion}
          required
          placeholder={t("apps.select.placeholder")}
          options={TOWN_OPINIONS.map((o) => ({ value: o, label: t.pick(TOWN_OPINION_NAMES[o]) }))}
        />
        <TextareaField label={t("apps.decide.opinionComment")} field={fields.comment} required maxLength={500} rows={3} />
        <Busy intent="opinion" label={t("apps.btn.opinion")} className="button--primary" />
      </Form>
    </section>
  );
}

/** The forms for the actions the caller may take, in the order a reviewer reads them. */
export function DecisionForms({
  actions,
  ctx,
  lastIntent,
  lastResult,
}: {
  actions: readonly Action[];
  ctx: DecisionContext;
  lastIntent?: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const result = (intent: DecisionIntent) => (lastIntent === intent ? lastResult : undefined);
  return (
    <div className="decisions">
      {actions.includes("opinion") ? <OpinionForm ctx={ctx} lastResult={result("opinion")} /> : null}
      {actions.includes("approve") ? <ApproveForm ctx={ctx} lastResult={result("approve")} /> : null}
      {actions.includes("return") ? <ReasonForm intent="return" ctx={ctx} lastResult={result("return")} /> : null}
      {actions.includes("reject") ? <ReasonForm intent="reject" ctx={ctx} lastResult={result("reject")} /> : null}
      {actions.includes("revoke") ? <RevokeForm ctx={ctx} lastResult={result("revoke")} /> : null}
      {actions.includes("withdraw") ? <WithdrawForm ctx={ctx} lastResult={result("withdraw")} /> : null}
    </div>
  );
}
