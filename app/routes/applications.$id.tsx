import { parseWithZod } from "@conform-to/zod/v4";
import { Forbidden } from "~/domain/errors";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { AttachmentList } from "~/components/attachment-list";
import { DecisionForms } from "~/components/application-decisions";
import { LevelSought, OpinionBadge, PayloadView, StatusBadge, Timeline } from "~/components/application-view";
import { EligibilityPanel } from "~/components/eligibility-panel";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useSuccessKey } from "~/components/forms";
import { evaluateEligibility } from "~/domain/eligibility";
import { REASON_NAMES, availableActions, isReasonCode, type Action } from "~/domain/state-machine";
import { LEVEL_NAMES, TIERS, getTier } from "~/domain/tiers";
import { getApplicationDetail, getApplicationSummary, nextInQueue, roleMayEver } from "~/models/application-read.server";
import { decideWithReason, recordTownOpinion, revokeApplication, withdrawApplication, type CommandResult } from "~/models/application.server";
import { approveApplication } from "~/models/application-approval.server";
import { listAttachments } from "~/models/attachment.server";
import { listChecklist } from "~/models/checklist.server";
import { listObjections, noticeOfApplication, resolveObjection } from "~/models/notice-objection.server";
import { ObjectionPanel } from "~/components/objection-panel";
import { resolveObjectionSchema } from "~/schemas/notice.server";
import { commandFailureMessage, DETAIL_INTENTS, detailActionSchema } from "~/schemas/application.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const detail = await getApplicationDetail(db(), user, Number(params.id));
  const bureau = user.role === "reviewer" || user.role === "admin";
  const [attachments, checklist, objections, notice] = await Promise.all([
    listAttachments(db(), user, detail.id),
    listChecklist(db(), detail.tierCode),
    listObjections(db(), user, detail.id),
    bureau ? noticeOfApplication(db(), detail.id) : null,
  ]);
  const today = todayInShanghai();
  // Before submission there is no snapshot: show the pre-check of what is entered so far.
  const liveEligibility = detail.eligibility
    ? null
    : evaluateEligibility(detail.tierCode, detail.payload, today, checklist, detail.levelSought ?? undefined, undefined, undefined, detail.year);
  // Proposing (拟认定) is done for a batch of applications, not from one application's page.
  const actions = availableActions(user.role, detail.status).filter((a) => a !== "propose");
  // After a reviewer's decision, offer the next application waiting in the same queue.
  const done = new URL(request.url).searchParams.get("done");
  const decided = done !== null && (DETAIL_INTENTS as readonly string[]).includes(done) && done !== "withdraw";
  const next = decided ? await nextInQueue(db(), user, detail.id) : null;
  const { events, ...rest } = detail;
  return {
    app: rest,
    events,
    attachments,
    checklist: checklist.map(({ code, labelZh, labelEn, required }) => ({ code, labelZh, labelEn, required })),
    liveEligibility,
    actions,
    today,
    role: user.role,
    decided,
    next,
    objections,
    notice,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const app = await getApplicationSummary(db(), user, Number(params.id));
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  if (intent === "resolve-objection") return resolveObjectionAction(user, lang, app.id, formData);
  // A role that may never take this action is refused before its form is even read.
  if ((DETAIL_INTENTS as readonly string[]).includes(intent) && !roleMayEver(user.role, intent as Action)) {
    throw new Forbidden("role");
  }
  const submission = parseWithZod(formData, { schema: detailActionSchema(lang, app.tierCode) });
  if (submission.status !== "success") {
    return data({ intent, result: submission.reply() }, { status: 400 });
  }
  const v = submission.value;
  let result: CommandResult;
  switch (v.intent) {
    case "approve":
      result = await approveApplication(db(), user, app.id, v);
      break;
    case "reject":
    case "return":
      result = await decideWithReason(db(), user, app.id, v.intent, v);
      break;
    case "revoke":
      result = await revokeApplication(db(), user, app.id, v);
      break;
    case "withdraw":
      result = await withdrawApplication(db(), user, app.id, v);
      break;
    case "opinion":
      result = await recordTownOpinion(db(), user, app.id, v);
      break;
    default:
      throw new Response("Bad Request", { status: 400 });
  }
  if (!result.ok) {
    return data({ intent, result: submission.reply({ formErrors: [commandFailureMessage(lang, result, app)] }) }, { status: 409 });
  }
  return redirect(`/applications/${app.id}?done=${v.intent}`);
}

/**
 * Resolves one of the application's objections: dismissed, or upheld with the application
 * returned or rejected, in one transaction (resolveObjection). Bureau only.
 */
async function resolveObjectionAction(user: Awaited<ReturnType<typeof requireUser>>, lang: ReturnType<typeof langFromCookieHeader>, applicationId: number, formData: FormData) {
  if (user.role !== "reviewer" && user.role !== "admin") throw new Forbidden("role");
  const objectionId = Number(formData.get("objection"));
  const own = (await listObjections(db(), user, applicationId)).find((o) => o.id === objectionId);
  // An objection of another application (or none) is not found from this page.
  if (!own) throw new Response("Not Found", { status: 404 });
  const submission = parseWithZod(formData, { schema: resolveObjectionSchema(lang) });
  if (submission.status !== "success") return data({ intent: "resolve-objection", objection: objectionId, result: submission.reply() }, { status: 400 });
  const v = submission.value;
  const result = await resolveObjection(
    db(),
    user,
    objectionId,
    v.outcome === "dismissed"
      ? { outcome: "dismissed", resolution: v.resolution }
      : { outcome: "upheld", resolution: v.resolution, decision: v.decision!, reasonCode: v.reasonCode!, version: v.version },
  );
  if (!result.ok) {
    return data({ intent: "resolve-objection", objection: objectionId, result: submission.reply({ formErrors: [translate(lang, "objections.error.conflict")] }) }, { status: 409 });
  }
  return redirect(`/applications/${applicationId}?done=resolve-objection#objections`);
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  // After a conflict, show the application as it now stands.
  actionStatus === 409 ? true : defaultShouldRevalidate;

export default function ApplicationPage() {
  const { app, events, attachments, checklist, liveEligibility, actions, today, role, decided, next, objections, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const formsKey = useSuccessKey(actionData);
  const [searchParams] = useSearchParams();
  const t = useT();
  const tier = getTier(app.tierCode);
  const done = searchParams.get("done");
  const canEdit = actions.includes("edit");
  const decisionActions = actions.filter((a) => a !== "edit" && a !== "submit" && a !== "resubmit");
  const reason = isReasonCode(app.decisionReason) ? t.pick(REASON_NAMES[app.decisionReason]) : null;
  const canModifyFiles = canEdit;
  return (
    <article className="app-detail">
      <div className="page-head">
        <div>
          <p className="muted small">
            <Link to="/applications">← {t("apps.backToList")}</Link>
          </p>
          <h1>{t("apps.title.detail", { tier: t.pick({ zh: tier.nameZh, en: tier.nameEn }), year: app.year })}</h1>
          <p className="app-detail__sub">
            {role === "enterprise" ? app.enterpriseName : <Link to={`/enterprises/${app.enterpriseId}`}>{app.enterpriseName}</Link>}
            <span className="muted"> · {t.pick({ zh: app.townNameZh, en: app.townNameEn })}</span> <StatusBadge status={app.status} />
          </p>
        </div>
        {canEdit ? (
          <div className="page-head__actions">
            <Link className="button button--primary" to={`/applications/${app.id}/edit`}>
              {app.status === "returned" ? t("apps.detail.reviseResubmit") : t("apps.detail.continueEdit")}
            </Link>
          </div>
        ) : null}
      </div>

      {done ? (
        <div className="alert alert--ok" role="status">
          {done === "save" ? t("apps.detail.saved") : done === "submit" ? t("apps.detail.submitted") : done === "resolve-objection" ? t("objections.done") : t("apps.detail.done")}
          {decided && role !== "enterprise" ? (
            next ? (
              <>
                {" "}
                <Link className="button button--small button--primary" to={`/applications/${next.id}`}>
                  {t("apps.detail.nextInQueue")}
                </Link>{" "}
                <span className="muted small">
                  {next.enterpriseName} · {t.pick({ zh: getTier(next.tierCode).nameZh, en: getTier(next.tierCode).nameEn })}
                </span>
              </>
            ) : (
              <> {t("apps.detail.queueEmpty")}</>
            )
          ) : null}
        </div>
      ) : null}
      {app.status === "returned" ? (
        <div className="alert alert--warn" role="note">
          <p>
            <strong>{t(role === "enterprise" ? "apps.detail.returnedBanner" : "apps.detail.returnedBannerReviewer")}</strong>
          </p>
          {reason ? (
            <p>
              {t("apps.detail.reason")}
              {reason}
            </p>
          ) : null}
          {app.decisionComment ? <p className="prewrap">{app.decisionComment}</p> : null}
        </div>
      ) : null}
      {app.status === "rejected" ? (
        <div className="alert alert--error" role="note">
          <p>
            <strong>{t("apps.detail.rejectedBanner")}</strong> {reason}
          </p>
          {app.decisionComment ? <p className="prewrap">{app.decisionComment}</p> : null}
        </div>
      ) : null}

      <div className="app-detail__grid">
        <div className="app-detail__main">
          <section className="card" aria-labelledby="content-title">
            <h2 id="content-title">{t("apps.detail.content")}</h2>
            <dl className="facts">
              <div>
                <dt>{t("apps.detail.firm")}</dt>
                <dd>
                  {app.enterpriseName}
                  <br />
                  <span className="muted small">{app.enterpriseUscc}</span>
                </dd>
              </div>
              <div>
                <dt>{t("apps.detail.tier")}</dt>
                <dd>{t.pick({ zh: tier.nameZh, en: tier.nameEn })}</dd>
              </div>
              <div>
                <dt>{t("apps.field.year")}</dt>
                <dd>{app.year}</dd>
              </div>
              <div>
                <dt>{t("apps.field.levelSought")}</dt>
                <dd>
                  <LevelSought tierCode={app.tierCode} level={app.levelSought} />
                </dd>
              </div>
              <div>
                <dt>{t("apps.detail.createdAt")}</dt>
                <dd>{formatDateTime(app.createdAt)}</dd>
              </div>
              <div>
                <dt>{t("apps.detail.submittedAt")}</dt>
                <dd>{app.submittedAt ? formatDateTime(app.submittedAt) : <span className="muted">—</span>}</dd>
              </div>
            </dl>
            <PayloadView
              tierCode={app.tierCode}
              payload={app.payload}
              checklist={checklist}
              year={app.year}
              currentYear={Number((app.submittedAt ? formatDate(app.submittedAt) : today).slice(0, 4))}
            />
          </section>

          <div className="card-group">
            <EligibilityPanel result={app.eligibility ?? liveEligibility} />
            <p className="muted small app-detail__eligibility-note">
              {app.eligibility ? t("apps.detail.eligibilitySnapshot", { version: app.ruleVersion ?? app.eligibility.ruleVersion }) : t("apps.detail.eligibilityLive")}
            </p>
          </div>

          {notice || objections.length > 0 ? (
            <ObjectionPanel
              notice={notice}
              objections={objections}
              version={app.version}
              canResolve={role === "reviewer" || role === "admin"}
              lastObjection={actionData && "objection" in actionData ? Number(actionData.objection) : undefined}
              lastResult={actionData && "objection" in actionData ? actionData.result : undefined}
            />
          ) : null}

          <section className="card" aria-labelledby="files-title">
            <h2 id="files-title">{t("apps.detail.files")}</h2>
            <AttachmentList applicationId={app.id} attachments={attachments} canModify={canModifyFiles} />
          </section>

          <section className="card" aria-labelledby="history-title">
            <h2 id="history-title">{t("apps.detail.history")}</h2>
            <Timeline events={events} />
          </section>
        </div>

        <aside className="app-detail__side">
          <section className="card" aria-labelledby="actions-title">
            <h2 id="actions-title">{t("apps.detail.actions")}</h2>
            {decisionActions.length === 0 && !canEdit ? <p className="muted">{t("apps.detail.noActions")}</p> : null}
            {canEdit ? <p className="muted small">{t("apps.detail.editHint")}</p> : null}
            <DecisionForms
              key={formsKey}
              actions={decisionActions}
              ctx={{
                version: app.version,
                levels: tier.levels,
                levelSought: app.levelSought,
                validityYears: tier.validityYears,
                today,
                townOpinion: app.townOpinion,
                townComment: app.townComment,
              }}
              lastIntent={actionData?.intent}
              lastResult={actionData?.result}
            />
          </section>

          <section className="card" aria-labelledby="opinion-title">
            <h2 id="opinion-title">{t("apps.detail.opinion")}</h2>
            {app.townOpinion ? (
              <>
                <p>
                  <OpinionBadge opinion={app.townOpinion} />
                </p>
                {app.townComment ? <p className="prewrap">{app.townComment}</p> : null}
              </>
            ) : (
              <p className="muted">{t("apps.detail.noOpinion")}</p>
            )}
          </section>

          {app.award ? (
            <section className="card" aria-labelledby="award-title">
              <h2 id="award-title">{t("apps.detail.award")}</h2>
              <dl className="facts facts--stack">
                <div>
                  <dt>{t("apps.decide.level")}</dt>
                  <dd>{t.pick(LEVEL_NAMES[app.award.level])}</dd>
                </div>
                <div>
                  <dt>{t("apps.decide.recognizedOn")}</dt>
                  <dd>{formatDate(app.award.recognizedOn)}</dd>
                </div>
                <div>
                  <dt>{t("apps.decide.validUntil")}</dt>
                  <dd>{app.award.validUntil ? formatDate(app.award.validUntil) : "—"}</dd>
                </div>
                <div>
                  <dt>{t("apps.decide.documentNo")}</dt>
                  <dd>{app.award.documentNo ?? "—"}</dd>
                </div>
                {app.award.revokedOn ? (
                  <div>
                    <dt>{t("apps.decide.revokedOn")}</dt>
                    <dd>
                      {formatDate(app.award.revokedOn)}
                      {app.award.revokedReason ? <span className="muted">（{app.award.revokedReason}）</span> : null}
                    </dd>
                  </div>
                ) : null}
              </dl>
            </section>
          ) : null}
        </aside>
      </div>
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data: d }) => {
  const tier = d ? TIERS.find((x) => x.code === d.app.tierCode) : undefined;
  return [{ title: `${tier ? `${tier.nameZh}申报 · ${d!.app.enterpriseName}` : "培育申报"} · 定海区企业梯度培育登记系统` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
