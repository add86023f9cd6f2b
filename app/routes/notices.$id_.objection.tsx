import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextareaField, TextField } from "~/components/forms";
import { getTier, type TierCode } from "~/domain/tiers";
import { fileObjection, getPublicNotice, noticeIdOf } from "~/models/notice.server";
import { objectionSchema } from "~/schemas/notice.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/**
 * Public: the written objection to a notice (no sign-in). The HTTP layer has already checked the
 * origin, the body and the per-address rate (app/server/objection-limit.ts).
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const notice = await getPublicNotice(db(), noticeIdOf(params.id));
  return { notice };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = noticeIdOf(params.id);
  // An unknown notice answers 404 before anything posted is looked at.
  const notice = await getPublicNotice(db(), id);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const submission = parseWithZod(await request.formData(), { schema: objectionSchema(lang) });
  if (submission.status !== "success") return data({ result: submission.reply(), reference: null }, { status: 400 });
  const outcome = await fileObjection(db(), id, {
    applicationId: submission.value.application,
    name: submission.value.name,
    phone: submission.value.phone,
    reason: submission.value.reason,
  });
  if (!outcome.ok) {
    if (outcome.error === "application") {
      return data(
        { result: submission.reply({ fieldErrors: { application: [translate(lang, "objection.error.application")] } }), reference: null },
        { status: 400 },
      );
    }
    const message =
      outcome.error === "window-closed"
        ? translate(lang, "objection.closed", { end: notice.endsOn, office: notice.office, phone: notice.phone })
        : translate(lang, "objection.upcoming", { start: notice.startsOn });
    return data({ result: submission.reply({ formErrors: [message] }), reference: null }, { status: 409 });
  }
  return data({ result: submission.reply({ resetForm: true }), reference: outcome.reference });
}

export default function ObjectionPage() {
  const { notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const [form, fields] = useForm<{ application: string; name: string; phone: string; reason: string }>({
    id: "objection",
    lastResult: actionData?.reference ? undefined : actionData?.result,
    shouldRevalidate: "onBlur",
  });
  const back = (
    <p>
      <Link to={`/notices/${notice.id}`}>{notice.title}</Link>
    </p>
  );
  if (actionData?.reference) {
    return (
      <>
        <h1>{t("objection.title")}</h1>
        <div className="alert alert--ok" role="status" data-reference={actionData.reference}>
          {t("objection.done", { reference: actionData.reference })}
        </div>
        {back}
      </>
    );
  }
  return (
    <>
      <h1>{t("objection.title")}</h1>
      {back}
      <p className="muted">{t("notices.window", { start: notice.startsOn, end: notice.endsOn, days: notice.workingDays })}</p>
      {notice.window === "closed" ? (
        <div className="alert alert--error" role="alert">
          {t("objection.closed", { end: notice.endsOn, office: notice.office, phone: notice.phone })}
        </div>
      ) : notice.window === "upcoming" ? (
        <div className="alert alert--error" role="alert">
          {t("objection.upcoming", { start: notice.startsOn })}
        </div>
      ) : (
        <section className="card">
          <p className="muted">{t("objection.intro")}</p>
          <Form method="post" {...getFormProps(form)} noValidate>
            <FormAlert id={form.errorId} errors={form.errors} />
            <div className="form-grid form-grid--single">
              <SelectField
                label={t("objection.field.application")}
                field={fields.application}
                required
                placeholder={t("objection.field.applicationPick")}
                options={notice.items.map((i) => {
                  const tier = getTier(i.tierCode as TierCode);
                  return { value: String(i.applicationId), label: `${i.position}. ${i.firm}（${t.pick({ zh: tier.nameZh, en: tier.nameEn })}）` };
                })}
              />
              <TextField label={t("objection.field.name")} field={fields.name} required maxLength={50} autoComplete="name" />
              <TextField label={t("objection.field.phone")} field={fields.phone} type="tel" required maxLength={40} autoComplete="tel" />
              <TextareaField label={t("objection.field.reason")} hint={t("objection.field.reasonHint")} field={fields.reason} required maxLength={2000} rows={8} />
            </div>
            <div className="form-actions">
              <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
                {t("objection.submit")}
              </button>
            </div>
          </Form>
        </section>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "公示异议 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
