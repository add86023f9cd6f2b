import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ApplicationForm } from "~/components/application-form";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { evaluateEligibility } from "~/domain/eligibility";
import { seesEverything } from "~/domain/scope";
import { STATUS_NAMES } from "~/domain/state-machine";
import { TIERS, getTier, isTierCode } from "~/domain/tiers";
import { firmStandings } from "~/models/standing.server";
import { knownEligibilityPayload } from "~/models/known-figures.server";
import { requiredEvidence } from "~/models/evidence.server";
import { fieldsOf, formDefaultsFromPayload } from "~/components/application-fields";
import { StandingList } from "~/components/tier-standing";
import { findOpenApplication, firmFigures, getApplicantEnterprise, searchApplicantFirms } from "~/models/application-read.server";
import { createApplication } from "~/models/application.server";
import { listChecklist } from "~/models/checklist.server";
import { applicationFormSchema, applicationYears, commandFailureMessage, intentOf, unconfirmedDoubts } from "~/schemas/application.server";
import { requireUser, type SessionUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const APPLICANTS = ["enterprise", "reviewer", "admin"] as const;

/** The firm applied for: an enterprise's own, or the `enterprise` param of a reviewer. */
async function applicantOf(user: SessionUser, url: URL) {
  if (user.role === "enterprise") return getApplicantEnterprise(db(), user, user.enterpriseId ?? -1);
  const param = url.searchParams.get("enterprise");
  return param ? getApplicantEnterprise(db(), user, Number(param)) : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { roles: APPLICANTS });
  const url = new URL(request.url);
  const tierParam = url.searchParams.get("tier");
  const tierCode = isTierCode(tierParam) ? tierParam : null;
  const firm = await applicantOf(user, url);
  const q = url.searchParams.get("q")?.slice(0, 100) ?? "";
  const firms = !firm && seesEverything(user) ? await searchApplicantFirms(db(), user, q) : [];
  const today = todayInShanghai();
  const years = applicationYears(today);
  const year = years[1]!;
  const checklist = tierCode ? await listChecklist(db(), tierCode) : [];
  const existing = tierCode && firm ? await findOpenApplication(db(), user, firm.id, tierCode, year) : null;
  // The form starts from what the registry knows of the firm (visibly, and the firm may change it).
  const known = tierCode && firm ? await knownEligibilityPayload(db(), user, firm.id, year) : null;
  const tierKeys = new Set(tierCode ? fieldsOf(tierCode).map((f) => f.key) : []);
  const prefill = Object.fromEntries(Object.entries(known?.payload ?? {}).filter(([k]) => tierKeys.has(k)));
  const defaultValue: Record<string, unknown> = {
    ...(tierCode ? formDefaultsFromPayload(tierCode, prefill) : {}),
    year: String(year),
    contactName: firm?.contactName ?? "",
    contactPhone: firm?.contactPhone ?? "",
  };
  const initialEligibility = tierCode ? evaluateEligibility(tierCode, prefill, today, checklist, undefined, undefined, undefined, year) : null;
  // An enterprise's start page answers "what can we apply for?"; the bureau keeps the plain chooser.
  const standings = !tierCode && firm && user.role === "enterprise" ? await firmStandings(db(), user, firm.id, year, today) : null;
  return {
    standings,
    year,
    currentYear: Number(today.slice(0, 4)),
    prefilled: Object.keys(prefill),
    requiredEvidence: tierCode ? (await requiredEvidence(db(), tierCode)).map((kind) => ({ kind, attached: false })) : [],
    tierCode,
    firm: firm ? { id: firm.id, name: firm.name, uscc: firm.uscc } : null,
    onBehalf: user.role !== "enterprise",
    q,
    firms,
    years,
    checklist: checklist.map(({ code, labelZh, labelEn, required }) => ({ code, labelZh, labelEn, required })),
    existing,
    defaultValue,
    initialEligibility,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: APPLICANTS });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const url = new URL(request.url);
  const tierParam = url.searchParams.get("tier");
  if (!isTierCode(tierParam)) throw new Response("Bad Request: tier", { status: 400 });
  const firm = await applicantOf(user, url);
  if (!firm) throw new Response("Bad Request: enterprise", { status: 400 });
  const formData = await request.formData();
  const checklist = await listChecklist(db(), tierParam);
  const submission = parseWithZod(formData, {
    schema: applicationFormSchema(lang, tierParam, {
      mode: intentOf(formData),
      checklist,
      years: applicationYears(todayInShanghai()),
    }),
  });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), existingId: null as number | null }, { status: 400 });
  }
  const v = submission.value;
  if (v.intent === "submit") {
    const doubts = unconfirmedDoubts(lang, tierParam, v.payload, await firmFigures(db(), firm.id, v.year), v.confirmFigures, v.year);
    if (doubts) return data({ result: submission.reply(doubts), existingId: null as number | null }, { status: 400 });
  }
  // Files can be attached to a saved application only: a submission that needs them is kept as a
  // draft, and the firm lands on its form with the missing kinds named.
  const needsFiles = v.intent === "submit" && (await requiredEvidence(db(), tierParam)).length > 0;
  const result = await createApplication(db(), user, firm.id, tierParam, { ...v, submit: v.intent === "submit" && !needsFiles });
  if (result.ok && needsFiles) return redirect(`/applications/${result.id}/edit?missing=evidence`);
  if (!result.ok) {
    return data(
      {
        result: submission.reply({ formErrors: [commandFailureMessage(lang, result, { tierCode: tierParam, year: v.year })] }),
        existingId: result.reason === "duplicate" ? result.existingId : null,
      },
      { status: 409 },
    );
  }
  return redirect(`/applications/${result.id}?done=${v.intent}`);
}

function TierChooser({ firmId }: { firmId: number | null }) {
  const t = useT();
  const extra = firmId ? `&enterprise=${firmId}` : "";
  return (
    <section className="card apps-new-card" aria-labelledby="tier-title">
      <h2 id="tier-title">{t("apps.chooseTier")}</h2>
      <p className="muted">{t("apps.chooseTierIntro")}</p>
      <ul className="tier-choices">
        {TIERS.map((tier) => (
          <li key={tier.code}>
            <Link className="tier-choice" to={`/applications/new?tier=${tier.code}${extra}`}>
              <strong>{t.pick({ zh: tier.nameZh, en: tier.nameEn })}</strong>
              <span className="muted small">{t.pick({ zh: tier.countingRuleZh, en: tier.countingRuleEn })}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function NewApplicationPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const tier = d.tierCode ? getTier(d.tierCode) : null;
  const tierName = tier ? t.pick({ zh: tier.nameZh, en: tier.nameEn }) : "";

  if (!d.firm) {
    return (
      <section>
        <h1>{t("apps.chooseFirm")}</h1>
        <p className="muted">{t("apps.chooseFirmIntro")}</p>
        <Form method="get" className="filters card">
          {d.tierCode ? <input type="hidden" name="tier" value={d.tierCode} /> : null}
          <div className="field">
            <label htmlFor="firm-q" className="field__label">
              {t("apps.firmSearch")}
            </label>
            <input id="firm-q" name="q" className="input" defaultValue={d.q} maxLength={100} />
          </div>
          <div className="filters__actions">
            <button type="submit" className="button button--primary">
              {t("common.search")}
            </button>
          </div>
        </Form>
        {d.q ? (
          d.firms.length === 0 ? (
            <p className="empty">{t("apps.firmSearchNone")}</p>
          ) : (
            <ul className="firm-choices">
              {d.firms.map((f) => (
                <li key={f.id}>
                  <Link to={`/applications/new?enterprise=${f.id}${d.tierCode ? `&tier=${d.tierCode}` : ""}`}>{f.name}</Link>{" "}
                  <span className="muted small">
                    {f.uscc} · {t.pick({ zh: f.townZh, en: f.townEn })}
                  </span>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </section>
    );
  }

  return (
    <section>
      <div className="page-head">
        <div>
          <p className="muted small">
            <Link to="/applications">← {t("apps.backToList")}</Link>
          </p>
          <h1>{tier ? t("apps.title.newTier", { tier: tierName }) : t("apps.title.new")}</h1>
          <p className="muted">
            {d.onBehalf ? t("apps.onBehalfOf", { name: d.firm.name }) : d.firm.name}
            <span className="small"> · {d.firm.uscc}</span>
          </p>
        </div>
      </div>
      {!d.tierCode ? (
        d.standings ? (
          <StandingList standings={d.standings} year={d.year} />
        ) : (
          <TierChooser firmId={d.onBehalf ? d.firm.id : null} />
        )
      ) : (
        <>
          {/* After a refused duplicate the form itself says so, with the link: one notice, not two. */}
          {d.existing && actionData?.existingId !== d.existing.id ? (
            <div className="alert alert--info" role="note">
              <p>{t("apps.existingOpen", { year: d.years[1]!, status: t.pick(STATUS_NAMES[d.existing.status]) })}</p>
              <p>
                <Link to={`/applications/${d.existing.id}`}>{t("apps.err.duplicateLink")} →</Link>
              </p>
            </div>
          ) : null}
          <ApplicationForm
            currentYear={d.currentYear}
            requiredEvidence={d.requiredEvidence}
            prefilled={d.prefilled}
            id={`apply-${d.tierCode}`}
            enterpriseId={d.firm.id}
            tierCode={d.tierCode}
            years={d.years}
            checklist={d.checklist}
            defaultValue={d.defaultValue}
            lastResult={actionData?.result}
            initialEligibility={d.initialEligibility}
            cancelTo="/applications"
            duplicateOf={actionData?.existingId ?? null}
          />
        </>
      )}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "新建培育申报 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
