import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { LevelSought, StatusBadge } from "~/components/application-view";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextField, TextareaField } from "~/components/forms";
import { REASON_CODES, REASON_NAMES, STATUS_NAMES } from "~/domain/state-machine";
import { LEVELS, LEVEL_NAMES, getTier, type Level, type TierCode } from "~/domain/tiers";
import { applyBulkDecision, bulkImpact, loadBulkCandidates, type BulkInput } from "~/models/bulk-decision.server";
import { bulkDecisionSchema } from "~/schemas/import.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, pick, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/**
 * /applications/bulk: the review queue's selection (GET ?decision=&id=…) → the common decision
 * → a preview of its effect on the targets → confirm, applied in one transaction.
 */
const BUREAU = ["reviewer", "admin"] as const;

/**
 * The levels every selected tier allows, and the one to prefill: the level all of them sought, or
 * the only level allowed.
 */
function commonLevels(selected: readonly { tierCode: TierCode; levelSought: Level | null }[]) {
  const levels = LEVELS.filter((l) => selected.every((c) => getTier(c.tierCode).levels.includes(l)));
  const sought = [...new Set(selected.map((c) => c.levelSought))];
  const prefill = sought.length === 1 && sought[0] && levels.includes(sought[0]) ? sought[0] : levels.length === 1 ? levels[0]! : "";
  return { levels, prefill };
}

function idsFrom(params: URLSearchParams): number[] {
  return [
    ...new Set(
      params
        .getAll("id")
        .filter((v) => /^\d{1,12}$/.test(v))
        .map(Number),
    ),
  ].slice(0, 500);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const url = new URL(request.url);
  const done = url.searchParams.get("done");
  const decision = url.searchParams.get("decision") === "return" ? "return" : "approve";
  if (done === "approve" || done === "return") {
    return { done: { decision: done, n: Number(url.searchParams.get("n") ?? 0) }, decision, candidates: [], today: todayInShanghai() };
  }
  const candidates = await loadBulkCandidates(db(), user, idsFrom(url.searchParams));
  return { done: null, decision, candidates, today: todayInShanghai() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const submission = parseWithZod(await request.formData(), { schema: bulkDecisionSchema(lang) });
  if (submission.status !== "success") return data({ result: submission.reply(), preview: null }, { status: 400 });
  const v = submission.value;
  const candidates = (await loadBulkCandidates(db(), user, v.id)).filter((c) => c.status === "submitted");
  if (candidates.length === 0) return data({ result: submission.reply({ formErrors: [t("bulk.err.nothing")] }), preview: null }, { status: 409 });
  if (v.decision === "approve") {
    const wrong = [...new Set(candidates.map((c) => c.tierCode))].map(getTier).find((tier) => !tier.levels.includes(v.level!));
    if (wrong) {
      const message = t("bulk.err.levelForTier", {
        tier: pick(lang, { zh: wrong.nameZh, en: wrong.nameEn }),
        levels: wrong.levels.map((l) => pick(lang, LEVEL_NAMES[l])).join(lang === "en" ? ", " : "、"),
      });
      return data({ result: submission.reply({ fieldErrors: { level: [message] } }), preview: null }, { status: 400 });
    }
  }
  const input: BulkInput =
    v.decision === "approve"
      ? { decision: "approve", level: v.level!, recognizedOn: v.recognizedOn!, documentNo: v.documentNo!, comment: v.comment || null }
      : { decision: "return", reasonCode: v.reasonCode!, comment: v.comment! };

  if (v.intent === "preview") {
    const impact = await bulkImpact(db(), candidates, v.decision, v.decision === "approve" ? v.level! : null);
    // The confirm step re-sends exactly what was previewed. The values come back from here, not
    // from the form's state: with JavaScript on, Conform keeps the submitted values client-side
    // and its initial values stay empty.
    const values =
      v.decision === "approve"
        ? { level: v.level!, recognizedOn: v.recognizedOn!, documentNo: v.documentNo!, comment: v.comment ?? "" }
        : { reasonCode: v.reasonCode!, comment: v.comment! };
    return data({ result: submission.reply(), preview: { items: candidates.map((c) => `${c.id}:${c.version}`), values, impact } });
  }
  const outcome = await applyBulkDecision(db(), user, v.items, input);
  if (!outcome.ok) {
    const message =
      outcome.reason === "changed"
        ? t("bulk.err.changed", { names: outcome.names.join("、") })
        : outcome.reason === "award-exists"
          ? t("bulk.err.awardExists", { name: outcome.name })
          : t("bulk.err.nothing");
    return data({ result: submission.reply({ formErrors: [message] }), preview: null }, { status: 409 });
  }
  return redirect(`/applications/bulk?done=${v.decision}&n=${outcome.applied}`, 303);
}

export default function BulkDecisionPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const [form, fields] = useForm<{ decision: string; level: string; recognizedOn: string; documentNo: string; reasonCode: string; comment: string; id: string[] }>({
    id: "bulk-decision",
    lastResult: actionData?.result as never,
    defaultValue: { decision: d.decision, level: commonLevels(d.candidates.filter((c) => c.status === "submitted")).prefill, recognizedOn: d.today },
  });
  if (d.done) {
    return (
      <section className="bulk-page">
        <h1>{t("bulk.title")}</h1>
        <div className="alert alert--ok" role="status">
          {t("bulk.done", { decision: t(d.done.decision === "approve" ? "bulk.decision.approve" : "bulk.decision.return"), n: d.done.n })}
        </div>
        <Link to="/applications" className="button">
          {t("bulk.back")}
        </Link>
      </section>
    );
  }
  const submitted = d.candidates.filter((c) => c.status === "submitted");
  const others = d.candidates.filter((c) => c.status !== "submitted");
  const preview = actionData?.preview ?? null;
  const decision = d.decision;
  return (
    <section className="bulk-page" aria-labelledby="bulk-title">
      <div className="page-head">
        <h1 id="bulk-title">{t(decision === "approve" ? "bulk.decision.approve" : "bulk.decision.return")}</h1>
        <div className="page-head__actions">
          <Link to="/applications" className="button">
            {t("bulk.back")}
          </Link>
        </div>
      </div>
      {submitted.length === 0 ? (
        <div className="alert alert--error" role="alert">
          <p>{d.candidates.length === 0 ? t("bulk.err.none") : t("bulk.err.nothing")}</p>
        </div>
      ) : (
        <Form method="post" {...getFormProps(form)} noValidate className="card bulk-form">
          <FormAlert id={form.errorId} errors={form.errors} />
          <input type="hidden" name="decision" value={decision} />
          {submitted.map((c) => (
            <input key={c.id} type="hidden" name="id" value={c.id} />
          ))}
          <h2>{t("bulk.selected", { n: submitted.length })}</h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("bulk.col.firm")}</th>
                  <th scope="col">{t("bulk.col.tier")}</th>
                  <th scope="col" className="num">
                    {t("bulk.col.year")}
                  </th>
                  <th scope="col">{t("bulk.col.levelSought")}</th>
                  <th scope="col">{t("bulk.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {submitted.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/applications/${c.id}`}>{c.enterpriseName}</Link>
                    </td>
                    <td>{t.pick({ zh: getTier(c.tierCode).nameZh, en: getTier(c.tierCode).nameEn })}</td>
                    <td className="num">{c.year}</td>
                    <td>
                      <LevelSought tierCode={c.tierCode} level={c.levelSought} />
                    </td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {others.length ? (
            <p className="alert alert--warn">{t("bulk.notSubmitted", { names: others.map((c) => `${c.enterpriseName}（${t.pick(STATUS_NAMES[c.status])}）`).join("、") })}</p>
          ) : null}

          <fieldset className="bulk-common" disabled={preview !== null}>
            <legend>{t("bulk.common")}</legend>
            {decision === "approve" ? (
              <div className="bulk-common__grid">
                <SelectField
                  label={t("bulk.level")}
                  field={fields.level}
                  required
                  placeholder="—"
                  options={commonLevels(submitted).levels.map((l) => ({ value: l, label: t.pick(LEVEL_NAMES[l]) }))}
                />
                <TextField label={t("bulk.recognizedOn")} field={fields.recognizedOn} type="date" required />
                <TextField label={t("bulk.documentNo")} field={fields.documentNo} required maxLength={100} />
                <TextareaField label={t("bulk.commentApprove")} field={fields.comment} rows={2} maxLength={2000} />
              </div>
            ) : (
              <div className="bulk-common__grid">
                <SelectField
                  label={t("bulk.reason")}
                  field={fields.reasonCode}
                  required
                  placeholder="—"
                  options={REASON_CODES.map((r) => ({ value: r, label: t.pick(REASON_NAMES[r]) }))}
                />
                <TextareaField label={t("bulk.comment")} field={fields.comment} required rows={3} maxLength={2000} />
              </div>
            )}
          </fieldset>

          {preview ? (
            <>
              {/* A disabled fieldset sends nothing: the previewed values travel as hidden fields. */}
              {Object.entries(preview.values).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
              {preview.items.map((item) => (
                <input key={item} type="hidden" name="items" value={item} />
              ))}
              <section aria-labelledby="impact-title" className="bulk-impact">
                <h2 id="impact-title">{t("bulk.impact.title")}</h2>
                <p className="muted small">{t("bulk.impact.intro")}</p>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">{t("bulk.impact.year")}</th>
                        <th scope="col">{t("bulk.impact.tier")}</th>
                        <th scope="col" className="num">
                          {t("bulk.impact.target")}
                        </th>
                        <th scope="col" className="num">
                          {t("bulk.impact.before")}
                        </th>
                        <th scope="col" className="num">
                          {t("bulk.impact.after")}
                        </th>
                        <th scope="col" className="num">
                          {t("bulk.impact.pipeline")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.impact.map((i) => (
                        <tr key={`${i.year}-${i.tier}`}>
                          <td>{i.year}</td>
                          <td>{t.pick({ zh: getTier(i.tier).nameZh, en: getTier(i.tier).nameEn })}</td>
                          <td className="num">{i.target}</td>
                          <td className="num">{i.achievedBefore}</td>
                          <td className="num">
                            <strong>{i.achievedAfter}</strong>
                            {i.target > 0 && i.achievedAfter >= i.target ? " ✓" : ""}
                          </td>
                          <td className="num">
                            {i.pipelineBefore} → {i.pipelineAfter}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
              <div className="form-actions">
                <button type="submit" name="intent" value="confirm" className="button button--primary" disabled={navigation.state === "submitting"}>
                  {t("bulk.confirm")}
                </button>
                <Link className="button" to={`/applications/bulk?decision=${decision}&${submitted.map((c) => `id=${c.id}`).join("&")}`}>
                  {t("bulk.edit")}
                </Link>
              </div>
            </>
          ) : (
            <div className="form-actions">
              <button type="submit" name="intent" value="preview" className="button button--primary" disabled={navigation.state === "submitting"}>
                {t("bulk.preview")}
              </button>
            </div>
          )}
        </Form>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "批量审批 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
