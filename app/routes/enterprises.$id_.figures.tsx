import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FiguresTable } from "~/components/figures-table";
import { CheckboxField, FormAlert, TextField, useSuccessKey, type AnyFieldMetadata } from "~/components/forms";
import { FIGURE_FIELDS, figureFormName, isMoneyKind, type Figures } from "~/domain/figures";
import { formatWan } from "~/domain/money";
import { parseEnterpriseId } from "~/models/enterprise.server";
import { getFiguresOverview, saveFigures } from "~/models/figures.server";
import { figureMessagesByField, figuresFormSchema, unconfirmedFigureDoubts } from "~/schemas/figures.server";
import { notFound, requireRole, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const EDITORS = ["enterprise", "reviewer", "admin"] as const;
const FIRST_YEAR = 2000;

/** The years a caller may write: the firm last year's only, the bureau any year up to it. */
function yearsFor(right: "none" | "reporting-year" | "any", reporting: number) {
  return right === "any" ? { min: FIRST_YEAR, max: reporting } : { min: reporting, max: reporting };
}

function formValues(figures: Figures | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FIGURE_FIELDS) {
    const v = figures?.[f.key] ?? null;
    out[figureFormName(f.key)] = v === null ? "" : isMoneyKind(f.kind) ? formatWan(v) : String(v);
  }
  return out;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseEnterpriseId(params.id);
  if (id === null) throw notFound();
  const overview = await getFiguresOverview(db(), user, id);
  if (!overview) throw notFound();
  const url = new URL(request.url);
  const asked = Number(url.searchParams.get("year"));
  const range = yearsFor(overview.canEdit, overview.reportingYear);
  const year = Number.isInteger(asked) && asked >= range.min && asked <= range.max ? asked : overview.reportingYear;
  const row = overview.years.find((y) => y.year === year) ?? null;
  const saved = url.searchParams.get("saved");
  return {
    ...overview,
    form:
      overview.canEdit === "none" || overview.enterprise.archived
        ? null
        : { year, version: row?.version ?? 0, defaults: formValues(row?.figures ?? null), exists: row !== null, range },
    saved: saved === "1" || saved === "0" ? { year, changed: saved === "1" } : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = parseEnterpriseId(params.id);
  if (id === null) throw notFound();
  // Out of scope looks exactly like missing, before anything of the form is read.
  const overview = await getFiguresOverview(db(), user, id);
  if (!overview) throw notFound();
  await requireRole(request, user, EDITORS);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const range = yearsFor(overview.canEdit, overview.reportingYear);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: figuresFormSchema(lang, range) });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  const previous = overview.years.find((y) => y.year === v.year - 1);
  const doubts = unconfirmedFigureDoubts(lang, v.figures, previous ? { year: previous.year, figures: previous.figures } : null, v.confirmFigures);
  if (doubts) return data({ result: submission.reply(doubts) }, { status: 400 });
  const outcome = await saveFigures(db(), user, id, v.year, v.figures, { expectedVersion: v.version, confirmed: v.confirmFigures });
  if (outcome.ok) return redirect(`/enterprises/${id}/figures?year=${v.year}&saved=${outcome.changed.length ? 1 : 0}`, 303);
  switch (outcome.reason) {
    case "not-found":
      throw notFound();
    case "forbidden":
      throw new Response("Forbidden", { status: 403 });
    case "conflict":
      return data({ result: submission.reply({ formErrors: [t("fig.err.conflict")] }) }, { status: 409 });
    case "year":
      return data({ result: submission.reply({ fieldErrors: { year: [t("fig.err.yearNotAllowed", { year: overview.reportingYear })] } }) }, { status: 400 });
    case "invalid":
      return data({ result: submission.reply({ fieldErrors: figureMessagesByField(lang, outcome.errors) }) }, { status: 400 });
    case "doubtful":
      return data(
        { result: submission.reply({ fieldErrors: { ...figureMessagesByField(lang, outcome.warnings), confirmFigures: [t("fig.doubt.confirmRequired")] } }) },
        { status: 400 },
      );
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function FiguresForm({ form: spec, enterpriseId }: { form: NonNullable<LoaderData["form"]>; enterpriseId: number }) {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const successKey = useSuccessKey(actionData);
  const [form, fields] = useForm<Record<string, string>>({
    id: `figures-${spec.year}-${successKey}`,
    lastResult: actionData?.result as never,
    defaultValue: { ...spec.defaults, year: String(spec.year), version: String(spec.version) },
    shouldRevalidate: "onBlur",
  });
  const doubtful = Boolean((fields as Record<string, { errors?: string[] }>).confirmFigures?.errors?.length);
  return (
    <section className="card" aria-labelledby="figures-form-title">
      <h2 id="figures-form-title">{t("fig.form.title", { year: spec.year })}</h2>
      <p className="muted">{t("fig.form.intro", { year: spec.year })}</p>
      {spec.range.min !== spec.range.max ? (
        <Form method="get" className="figures-year-chooser">
          <label htmlFor="figures-year" className="field__label">
            {t("fig.form.chooseYear")}
          </label>{" "}
          <input id="figures-year" name="year" className="input input--short" inputMode="numeric" defaultValue={spec.year} maxLength={4} />{" "}
          <button type="submit" className="button">
            {t("fig.form.open")}
          </button>
          <p className="field__hint">{t("fig.form.bureauIntro")}</p>
        </Form>
      ) : null}
      <Form method="post" action={`/enterprises/${enterpriseId}/figures?year=${spec.year}`} {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="year" value={spec.year} />
        <input type="hidden" name="version" value={spec.version} />
        {(fields as Record<string, { errors?: string[] }>).year?.errors?.length ? <FormAlert errors={(fields as Record<string, { errors?: string[] }>).year!.errors} /> : null}
        <div className="form-grid">
          {FIGURE_FIELDS.map((f) => {
            const name = figureFormName(f.key);
            const money = isMoneyKind(f.kind);
            return (
              <TextField
                key={name}
                label={t.pick({ zh: f.labelZh, en: f.labelEn }) + (money ? t.pick({ zh: "（万元）", en: " (¥10,000)" }) : "")}
                field={(fields as Record<string, AnyFieldMetadata>)[name]!}
                inputMode={money ? "decimal" : "numeric"}
                maxLength={30}
                hint={f.kind === "signed-money" ? t("fig.form.netProfitHint") : money ? t("fig.form.unitHint") : t("fig.form.countHint")}
              />
            );
          })}
        </div>
        {doubtful ? <CheckboxField field={(fields as Record<string, AnyFieldMetadata>).confirmFigures!} label={t("fig.form.confirm")} /> : null}
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("fig.form.save")}
          </button>
          <Link to={`/enterprises/${enterpriseId}`} className="button">
            {t("fig.back")}
          </Link>
        </div>
      </Form>
    </section>
  );
}

export default function FiguresPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section aria-labelledby="figures-title" className="figures-page">
      <p className="ent-back">
        <Link to={`/enterprises/${d.enterprise.id}`}>← {d.enterprise.name}</Link>
      </p>
      <h1 id="figures-title">{t("fig.title")}</h1>
      <p className="muted">{t("fig.intro")}</p>
      {d.saved ? (
        <div className="alert alert--ok" role="status">
          {d.saved.changed ? t("fig.form.saved", { year: d.saved.year }) : t("fig.form.unchanged")}
        </div>
      ) : null}
      <FiguresTable years={d.years} caption={t("fig.caption")} />
      {d.canEdit === "none" ? <p className="muted">{t("fig.form.readOnly")}</p> : null}
      {d.canEdit === "reporting-year" ? <p className="muted">{t("fig.form.enterpriseOnly", { year: d.reportingYear })}</p> : null}
      {d.form ? <FiguresForm key={d.form.year} form={d.form} enterpriseId={d.enterprise.id} /> : null}
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `年度经营数据 · ${data?.enterprise.name ?? ""} · 定海区企业梯度培育登记系统` }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
