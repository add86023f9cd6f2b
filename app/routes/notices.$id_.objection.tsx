import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorList, FormAlert, SelectField, TextareaField, TextField } from "~/components/forms";
import { sanitizeFileName } from "~/domain/attachments";
import { getTier, type TierCode } from "~/domain/tiers";
import { UploadRefused, createEvidenceUploadHandler } from "~/models/attachment.server";
import { fileObjection } from "~/models/notice-objection.server";
import { getPublicNotice, noticeIdOf } from "~/models/notice-public.server";
import { objectionSchema } from "~/schemas/notice.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate, type Lang } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

/**
 * Public: the written objection to a notice (no sign-in). The HTTP layer has already checked the
 * origin, the body and the per-address rate (app/server/objection-limit.ts).
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const notice = await getPublicNotice(db(), noticeIdOf(params.id));
  return { notice };
}

/**
 * The optional file of the form, checked as evidence files are (first bytes PDF/JPEG/PNG, 10 MB,
 * the name cleaned) and held in a temporary file; a refusal is a sentence for the file field.
 */
async function receiveFile(entry: FormDataEntryValue | null, lang: Lang) {
  const upload = createEvidenceUploadHandler();
  if (!entry || typeof entry === "string" || (entry.name === "" && entry.size === 0)) return { upload, error: null };
  const bytes = new Uint8Array(await entry.arrayBuffer());
  try {
    await upload.handler({
      name: "file",
      filename: entry.name,
      contentType: entry.type || "application/octet-stream",
      data: (async function* () {
        if (bytes.byteLength) yield bytes;
      })(),
    });
  } catch (error) {
    await upload.discard();
    if (!(error instanceof UploadRefused)) throw error;
    const name = error.fileName || "—";
    const message =
      error.reason === "type"
        ? translate(lang, "attachments.error.type", { name })
        : error.reason === "size"
          ? translate(lang, "attachments.error.size", { name })
          : translate(lang, "attachments.error.malformed");
    return { upload, error: message };
  }
  if (!upload.received() && entry.name !== "") {
    return { upload, error: translate(lang, "objection.error.fileEmpty", { name: sanitizeFileName(entry.name) || "—" }) };
  }
  return { upload, error: null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = noticeIdOf(params.id);
  // An unknown notice answers 404 before anything posted is looked at.
  const notice = await getPublicNotice(db(), id);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  let formData: FormData;
  try {
    formData = await request.formData();
  } catch {
    return data({ result: { status: "error" as const, error: { "": [translate(lang, "attachments.error.malformed")] } }, reference: null }, { status: 400 });
  }
  const entry = formData.get("file");
  formData.delete("file");
  const { upload, error: fileError } = await receiveFile(entry, lang);
  let kept = false;
  try {
    const submission = parseWithZod(formData, { schema: objectionSchema(lang) });
    // A refused file is reported by its field; what was typed comes back in the form.
    const fileErrors = fileError ? { file: [fileError, translate(lang, "objection.error.fileAgain")] } : undefined;
    if (submission.status !== "success") return data({ result: submission.reply({ fieldErrors: fileErrors ?? {} }), reference: null }, { status: 400 });
    if (fileErrors) return data({ result: submission.reply({ fieldErrors: fileErrors }), reference: null }, { status: 400 });
    const outcome = await fileObjection(db(), id, {
      applicationId: submission.value.application,
      name: submission.value.name,
      phone: submission.value.phone,
      reason: submission.value.reason,
      file: upload.received(),
    });
    if (!outcome.ok) {
      if (outcome.reason === "application") {
        return data({ result: submission.reply({ fieldErrors: { application: [translate(lang, "objection.error.application")] } }), reference: null }, { status: 400 });
      }
      const message =
        outcome.reason === "window-closed"
          ? translate(lang, "objection.closed", { end: notice.endsOn, office: notice.office, phone: notice.phone })
          : translate(lang, "objection.upcoming", { start: notice.startsOn });
      return data({ result: submission.reply({ formErrors: [message] }), reference: null }, { status: 409 });
    }
    kept = true;
    return data({ result: submission.reply({ resetForm: true }), reference: outcome.reference });
  } finally {
    if (!kept) await upload.discard();
  }
}

export default function ObjectionPage() {
  const { notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const [form, fields] = useForm<{ application: string; name: string; phone: string; reason: string; file: string }>({
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
          <Form method="post" encType="multipart/form-data" {...getFormProps(form)} noValidate>
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
              <div className={`field${fields.file.errors?.length ? " field--invalid" : ""}`}>
                <label htmlFor={fields.file.id} className="field__label">
                  {t("objection.field.file")}
                </label>
                <input
                  id={fields.file.id}
                  name={fields.file.name}
                  type="file"
                  className="input"
                  accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                  aria-invalid={fields.file.errors?.length ? true : undefined}
                  aria-describedby={fields.file.errors?.length ? `${fields.file.id}-hint ${fields.file.errorId}` : `${fields.file.id}-hint`}
                />
                <p id={`${fields.file.id}-hint`} className="field__hint">
                  {t("objection.field.fileHint")}
                </p>
                <ErrorList id={fields.file.errorId} errors={fields.file.errors} />
              </div>
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
