import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorList, FormAlert, TextField } from "~/components/forms";
import { STATUS_NAMES, type Status } from "~/domain/state-machine";
import { getTier } from "~/domain/tiers";
import { getBatch, listNoticeSettings, listProposable, previewProposal, proposeBatch } from "~/models/notice.server";
import { proposeSchema } from "~/schemas/notice.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime, todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, pick, translate, type Lang, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/**
 * /notices/new (bureau): tick submitted applications of the tiers with public notice, give the
 * notice's title, first day, office and phone, preview the window (its last day counted in
 * working days from the calendar), then confirm: proposeBatch moves them into the batch.
 */
const BUREAU = ["reviewer", "admin"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const published = new URL(request.url).searchParams.get("published");
  const batch = published && /^[1-9]\d{0,11}$/.test(published) ? await getBatch(db(), user, Number(published)).catch(() => null) : null;
  const [proposable, settings] = await Promise.all([listProposable(db(), user), listNoticeSettings(db())]);
  return { proposable, settings: settings.filter((s) => s.enabled), today: todayInShanghai(), batch };
}

function conflictLines(lang: Lang, conflicts: { id: number; status: string | null; firm: string | null; tierCode: string | null }[]): string[] {
  return conflicts.map((c) =>
    c.status && c.firm && c.tierCode
      ? translate(lang, "propose.error.changed", {
          firm: c.firm,
          tier: pick(lang, { zh: getTier(c.tierCode as never).nameZh, en: getTier(c.tierCode as never).nameEn }),
          status: pick(lang, STATUS_NAMES[c.status as Status] ?? { zh: c.status, en: c.status }),
        })
      : translate(lang, "propose.error.gone", { id: c.id }),
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: proposeSchema(lang, todayInShanghai()) });
  if (submission.status !== "success") return data({ result: submission.reply(), preview: null, conflicts: [] as string[] }, { status: 400 });
  const v = submission.value;
  const preview = await previewProposal(db(), user, v.startsOn, v.pick);
  if (!preview.ok) {
    if (preview.reason === "conflicts") {
      const lines = conflictLines(lang, preview.conflicts);
      return data(
        { result: submission.reply({ fieldErrors: { pick: [t(lines.length ? "propose.error.conflicts" : "propose.error.pick")] } }), preview: null, conflicts: lines },
        { status: 409 },
      );
    }
    const message = t(preview.reason === "mixed-days" ? "propose.error.mixed" : "propose.error.off");
    return data({ result: submission.reply({ fieldErrors: { pick: [message] } }), preview: null, conflicts: [] as string[] }, { status: 400 });
  }
  const picked = v.pick.map((p) => `${p.id}:${p.version}`).join(",");
  const shown = { startsOn: v.startsOn, endsOn: preview.endsOn, workingDays: preview.workingDays, n: v.pick.length, picked };
  // Confirming publishes exactly what the preview showed: another selection, first day or last
  // day (the calendar changed meanwhile) is previewed again instead.
  if (v.intent === "preview" || v.endsOn !== preview.endsOn || String(formData.get("picked") ?? "") !== picked) {
    const changed = v.intent === "confirm" && v.endsOn !== preview.endsOn ? [t("propose.error.endChanged", { end: preview.endsOn })] : undefined;
    return data({ result: submission.reply(changed ? { formErrors: changed } : {}), preview: shown, conflicts: [] as string[] }, { status: changed ? 409 : 200 });
  }
  const outcome = await proposeBatch(db(), user, { title: v.title, startsOn: v.startsOn, office: v.office, phone: v.phone, applications: v.pick });
  if (!outcome.ok) {
    const again = await previewProposal(db(), user, v.startsOn, v.pick);
    const lines = !again.ok && again.reason === "conflicts" ? conflictLines(lang, again.conflicts) : [];
    const message = outcome.reason === "mixed-days" ? t("propose.error.mixed") : outcome.reason === "notice-off" ? t("propose.error.off") : t("propose.error.conflicts");
    return data({ result: submission.reply({ fieldErrors: { pick: [message] } }), preview: null, conflicts: lines }, { status: 409 });
  }
  return redirect(`/notices/new?published=${outcome.batchId}`, 303);
}

export default function ProposePage() {
  const { proposable, settings, today, batch } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const [form, fields] = useForm<{ title: string; startsOn: string; office: string; phone: string; pick: string[] }>({
    id: "propose",
    lastResult: actionData?.result as never,
    defaultValue: { startsOn: today },
    shouldRevalidate: "onBlur",
  });
  const preview = actionData?.preview ?? null;
  // Without JavaScript the page is rendered afresh after a refusal: the ticks come back from the post.
  const sent = (actionData?.result as { initialValue?: Record<string, unknown> } | undefined)?.initialValue?.pick;
  const ticked = new Set<string>(Array.isArray(sent) ? sent.map(String) : typeof sent === "string" ? [sent] : []);
  const busy = navigation.state === "submitting";
  const dayNote = settings.map((s) => `${t.pick({ zh: getTier(s.tierCode).nameZh, en: getTier(s.tierCode).nameEn })} ${s.workingDays}`).join(" · ");
  return (
    <section aria-labelledby="propose-heading">
      <div className="page-head">
        <h1 id="propose-heading">{t("propose.title")}</h1>
        <div className="page-head__actions">
          <Link to="/notices" className="button">
            {t("notices.title")}
          </Link>
        </div>
      </div>
      {batch ? (
        <div className="alert alert--ok" role="status">
          {t("propose.done", { title: batch.title, end: batch.endsOn })} <Link to={`/notices/${batch.id}`}>{t("notices.view")}</Link>
        </div>
      ) : null}
      <p className="muted">{t("propose.intro")}</p>
      {dayNote ? (
        <p className="muted small">
          {t("noticeAdmin.days")}：{dayNote}
        </p>
      ) : null}
      {proposable.length === 0 ? (
        <p className="alert alert--warn">{t("propose.none")}</p>
      ) : (
        <Form method="post" {...getFormProps(form)} noValidate className="card">
          <FormAlert id={form.errorId} errors={form.errors} />
          <fieldset className={`field${fields.pick.errors?.length ? " field--invalid" : ""}`} aria-describedby={fields.pick.errors?.length ? fields.pick.errorId : undefined}>
            <legend className="field__label">{t("propose.col.pick")}</legend>
            <ErrorList id={fields.pick.errorId} errors={fields.pick.errors} />
            {actionData?.conflicts?.length ? (
              <ul className="alert alert--error" role="alert">
                {actionData.conflicts.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            ) : null}
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("propose.col.pick")}</th>
                    <th scope="col">{t("propose.col.firm")}</th>
                    <th scope="col">{t("propose.col.tier")}</th>
                    <th scope="col" className="num">
                      {t("propose.col.year")}
                    </th>
                    <th scope="col">{t("propose.col.town")}</th>
                    <th scope="col">{t("propose.col.submitted")}</th>
                  </tr>
                </thead>
                <tbody>
                  {proposable.map((p) => {
                    const tier = t.pick({ zh: getTier(p.tierCode).nameZh, en: getTier(p.tierCode).nameEn });
                    return (
                      <tr key={p.id}>
                        <td>
                          <input
                            type="checkbox"
                            name="pick"
                            value={`${p.id}:${p.version}`}
                            id={`pick-${p.id}`}
                            defaultChecked={ticked.has(`${p.id}:${p.version}`)}
                            aria-label={t("propose.pickLabel", { firm: p.firm, tier })}
                          />
                        </td>
                        <td>
                          <Link to={`/applications/${p.id}`}>{p.firm}</Link>
                        </td>
                        <td>{tier}</td>
                        <td className="num">{p.year}</td>
                        <td>{t.pick(p.town)}</td>
                        <td>{p.submittedAt ? formatDateTime(p.submittedAt) : "—"}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </fieldset>
          <div className="form-grid">
            <TextField label={t("propose.field.title")} field={fields.title} required maxLength={200} />
            <TextField label={t("propose.field.startsOn")} field={fields.startsOn} type="date" required min={today} />
            <TextField label={t("propose.field.office")} field={fields.office} required maxLength={200} />
            <TextField label={t("propose.field.phone")} field={fields.phone} type="tel" required maxLength={40} />
          </div>
          {preview ? (
            <div className="alert alert--info" role="status" data-ends-on={preview.endsOn}>
              {t("propose.previewText", { start: preview.startsOn, end: preview.endsOn, days: preview.workingDays, n: preview.n })}
              <input type="hidden" name="endsOn" value={preview.endsOn} />
              <input type="hidden" name="picked" value={preview.picked} />
            </div>
          ) : null}
          <div className="form-actions">
            <button type="submit" name="intent" value="preview" className={preview ? "button" : "button button--primary"} disabled={busy}>
              {t("propose.preview")}
            </button>
            {preview ? (
              <button type="submit" name="intent" value="confirm" className="button button--primary" disabled={busy}>
                {t("propose.confirm")}
              </button>
            ) : null}
          </div>
        </Form>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "拟认定公示 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
