import { parseWithZod } from "@conform-to/zod/v4";
import { Forbidden } from "~/domain/errors";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ApplicationForm } from "~/components/application-form";
import { formDefaultsFromPayload, renewalFieldsOf } from "~/components/application-fields";
import { knownEligibilityPayload } from "~/models/known-figures.server";
import { AttachmentList } from "~/components/attachment-list";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { evaluateEligibility } from "~/domain/eligibility";
import { REASON_NAMES, canTransition, isReasonCode } from "~/domain/state-machine";
import { getTier } from "~/domain/tiers";
import { firmFigures, getApplicationDetail, getApplicationSummary, roleMayEver } from "~/models/application-read.server";
import { saveApplication } from "~/models/application.server";
import { listAttachments } from "~/models/attachment.server";
import { listChecklist } from "~/models/checklist.server";
import { requiredEvidence } from "~/models/evidence.server";
import { applicationFormSchema, applicationYears, commandFailureMessage, intentOf, unconfirmedDoubts } from "~/schemas/application.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Scope first (404), then role (403): an application out of reach is simply not there.
  const detail = await getApplicationDetail(db(), user, Number(params.id));
  if (!roleMayEver(user.role, "edit")) throw new Forbidden("role");
  if (!canTransition(user.role, detail.status, "edit")) throw redirect(`/applications/${detail.id}`);
  const [checklist, attachments, required] = await Promise.all([
    listChecklist(db(), detail.tierCode),
    listAttachments(db(), user, detail.id),
    requiredEvidence(db(), detail.tierCode),
  ]);
  const today = todayInShanghai();
  const attachedKinds = new Set(attachments.map((a) => a.kind));
  const requiredList = required.map((kind) => ({ kind, attached: attachedKinds.has(kind) }));
  // Sent here by a submission from the new form that lacked its files: say which, once.
  const refusedForEvidence = new URL(request.url).searchParams.get("missing") === "evidence";
  const years = applicationYears(today);
  // A renewal's short form marks the figures that still equal the firm's yearly figures.
  const known = detail.renewsAwardId === null ? null : await knownEligibilityPayload(db(), user, detail.enterpriseId, detail.year).catch(() => null);
  const renewal = known
    ? {
        figuresYear: known.figuresYear,
        prefilled: renewalFieldsOf(detail.tierCode)
          .map((f) => f.key)
          .filter((k) => known.payload[k] !== undefined && detail.payload[k] === known.payload[k]),
      }
    : detail.renewsAwardId === null
      ? null
      : { figuresYear: detail.year - 1, prefilled: [] };
  return {
    renewal,
    id: detail.id,
    enterpriseId: detail.enterpriseId,
    tierCode: detail.tierCode,
    status: detail.status,
    version: detail.version,
    enterpriseName: detail.enterpriseName,
    decisionReason: detail.decisionReason,
    decisionComment: detail.decisionComment,
    years: years.includes(detail.year) ? years : [detail.year, ...years],
    checklist: checklist.map(({ code, labelZh, labelEn, required }) => ({ code, labelZh, labelEn, required })),
    attachments,
    currentYear: Number(today.slice(0, 4)),
    requiredEvidence: requiredList,
    missingEvidence: refusedForEvidence ? requiredList.filter((r) => !r.attached).map((r) => r.kind) : [],
    defaultValue: {
      ...formDefaultsFromPayload(detail.tierCode, detail.payload),
      year: String(detail.year),
      levelSought: detail.levelSought ?? "",
    },
    initialEligibility: evaluateEligibility(detail.tierCode, detail.payload, today, checklist, detail.levelSought ?? undefined, undefined, undefined, detail.year),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const app = await getApplicationSummary(db(), user, Number(params.id));
  if (!roleMayEver(user.role, "edit")) throw new Forbidden("role");
  const formData = await request.formData();
  const checklist = await listChecklist(db(), app.tierCode);
  const years = applicationYears(todayInShanghai());
  const submission = parseWithZod(formData, {
    schema: applicationFormSchema(lang, app.tierCode, {
      mode: intentOf(formData),
      checklist,
      years: years.includes(app.year) ? years : [app.year, ...years],
      withVersion: true,
      renewal: app.renewsAwardId !== null,
    }),
  });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), existingId: null as number | null }, { status: 400 });
  }
  const v = submission.value;
  if (app.renewsAwardId !== null) {
    // The short form posts only what a renewal asks; the rest of the payload, the year and the
    // level stay as stored.
    const stored = (await getApplicationDetail(db(), user, app.id)).payload;
    v.payload = { ...stored, ...v.payload };
    v.year = app.year;
    if (app.levelSought) v.levelSought = app.levelSought;
  }
  if (v.intent === "submit") {
    const doubts = unconfirmedDoubts(lang, app.tierCode, v.payload, await firmFigures(db(), app.enterpriseId, v.year), v.confirmFigures, v.year);
    if (doubts) return data({ result: submission.reply(doubts), existingId: null as number | null }, { status: 400 });
  }
  const result = await saveApplication(db(), user, app.id, {
    year: v.year,
    levelSought: v.levelSought,
    payload: v.payload,
    version: v.version!,
    submit: v.intent === "submit",
  });
  if (!result.ok) {
    return data(
      {
        result: submission.reply({ formErrors: [commandFailureMessage(lang, result, { tierCode: app.tierCode, year: v.year })] }),
        existingId: result.reason === "duplicate" ? result.existingId : null,
      },
      // Missing files are the firm's to add (400); the others are someone else's change (409).
      { status: result.reason === "evidence-missing" ? 400 : 409 },
    );
  }
  return redirect(`/applications/${app.id}?done=${v.intent}`);
}

export default function EditApplicationPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const tier = getTier(d.tierCode);
  const reason = isReasonCode(d.decisionReason) ? t.pick(REASON_NAMES[d.decisionReason]) : null;
  return (
    <section>
      <div className="page-head">
        <div>
          <p className="muted small">
            <Link to={`/applications/${d.id}`}>← {t("common.back")}</Link>
          </p>
          <h1>{t(d.renewal ? "apps.title.renewal" : "apps.title.edit", { tier: t.pick({ zh: tier.nameZh, en: tier.nameEn }) })}</h1>
          <p className="muted">{d.enterpriseName}</p>
        </div>
      </div>
      {d.status === "returned" ? (
        <div className="alert alert--warn" role="note">
          <p>
            <strong>{t("apps.detail.returnedBanner")}</strong>
          </p>
          {reason ? (
            <p>
              {t("apps.detail.reason")}
              {reason}
            </p>
          ) : null}
          {d.decisionComment ? <p className="prewrap">{d.decisionComment}</p> : null}
        </div>
      ) : null}
      {d.missingEvidence.length && !actionData ? (
        <div className="alert alert--warn" role="alert">
          {t("apps.err.evidenceMissing", {
            count: d.missingEvidence.length,
            kinds: d.missingEvidence.map((k) => t(`attachments.kind.${k}` as MessageKey)).join(t.lang === "en" ? ", " : "、"),
          })}
        </div>
      ) : null}
      <ApplicationForm
        currentYear={d.currentYear}
        requiredEvidence={d.requiredEvidence}
        id={`edit-${d.id}`}
        enterpriseId={d.enterpriseId}
        tierCode={d.tierCode}
        years={d.years}
        checklist={d.checklist}
        defaultValue={d.defaultValue}
        lastResult={actionData?.result}
        initialEligibility={d.initialEligibility}
        version={d.version}
        resubmit={d.status === "returned"}
        renewal={d.renewal ?? undefined}
        cancelTo={`/applications/${d.id}`}
        duplicateOf={actionData?.existingId ?? null}
        evidence={
          <section className="card app-form__files" aria-labelledby="files-title">
            <h2 id="files-title">{t("apps.detail.files")}</h2>
            <AttachmentList applicationId={d.id} attachments={d.attachments} canModify from="edit" />
          </section>
        }
      />
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "修改申报 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
