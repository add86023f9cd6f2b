import { parseWithZod } from "@conform-to/zod/v4";
import { figuresYearOfForm } from "~/models/figures.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { EnterpriseForm, type EnterpriseFormDefaults } from "~/components/enterprise-form";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatWan } from "~/domain/money";
import { seesEverything } from "~/domain/scope";
import { getEnterprise, parseEnterpriseId, updateEnterprise, type EnterpriseDetail } from "~/models/enterprise.server";
import { listIndustries, listTowns } from "~/models/reference.server";
import { enterpriseFullEditSchema, enterpriseProfileEditSchema, toEnterpriseInput, toProfileInput } from "~/schemas/enterprise.server";
import { notFound, requireRole, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import { PLATFORMS } from "../../seeds/reference";

/** Town officers follow their firms but never edit them. */
const EDITORS = ["reviewer", "admin", "enterprise"] as const;

function formDefaults(e: EnterpriseDetail): EnterpriseFormDefaults {
  const wan = (yuan: number | null) => (yuan === null ? "" : formatWan(yuan));
  return {
    uscc: e.uscc,
    name: e.name,
    townCode: e.townCode,
    industryCode: e.industryCode,
    platform: e.platform ?? "",
    aboveScale: e.aboveScale,
    address: e.address ?? "",
    legalRep: e.legalRep ?? "",
    contactName: e.contactName ?? "",
    contactPhone: e.contactPhone ?? "",
    employees: e.employees === null ? "" : String(e.employees),
    revenueWan: wan(e.revenueYuan),
    rdExpenseWan: wan(e.rdExpenseYuan),
    version: String(e.version),
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseEnterpriseId(params.id);
  if (id === null) throw notFound();
  const enterprise = await getEnterprise(db(), user, id);
  if (!enterprise) throw notFound();
  await requireRole(request, user, EDITORS);
  const [towns, industries, figuresYear] = await Promise.all([listTowns(db()), listIndustries(db()), figuresYearOfForm(db(), id)]);
  const town = towns.find((x) => x.code === enterprise.townCode);
  const industry = industries.find((x) => x.code === enterprise.industryCode);
  return {
    id,
    name: enterprise.name,
    mode: seesEverything(user) ? ("full" as const) : ("profile" as const),
    defaults: formDefaults(enterprise),
    figuresYear,
    locked: {
      uscc: enterprise.uscc,
      name: enterprise.name,
      town: town ? { zh: town.nameZh, en: town.nameEn } : { zh: enterprise.townCode, en: enterprise.townCode },
      industry: industry ? { zh: industry.nameZh, en: industry.nameEn } : { zh: enterprise.industryCode, en: enterprise.industryCode },
    },
    towns,
    industries,
    platforms: PLATFORMS,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = parseEnterpriseId(params.id);
  if (id === null) throw notFound();
  // Out of scope looks exactly like missing, before anything of the form is read.
  if (!(await getEnterprise(db(), user, id))) throw notFound();
  await requireRole(request, user, EDITORS);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const formData = await request.formData();
  let submission;
  let input;
  if (seesEverything(user)) {
    const [towns, industries] = await Promise.all([listTowns(db()), listIndustries(db())]);
    const schema = enterpriseFullEditSchema(lang, { towns: towns.map((x) => x.code), industries: industries.map((x) => x.code) });
    submission = parseWithZod(formData, { schema });
    if (submission.status === "success") input = toEnterpriseInput(submission.value);
  } else {
    submission = parseWithZod(formData, { schema: enterpriseProfileEditSchema(lang) });
    if (submission.status === "success") input = toProfileInput(submission.value);
  }
  if (submission.status !== "success" || !input) {
    return data({ result: submission.reply(), duplicate: null, conflict: false }, { status: 400 });
  }
  const outcome = await updateEnterprise(db(), user, id, submission.value.version, input);
  if (outcome.ok) return redirect(`/enterprises/${id}?saved=1`);
  switch (outcome.reason) {
    case "not-found":
      throw notFound();
    case "forbidden":
      throw new Response("Forbidden", { status: 403 });
    case "conflict":
      return data({ result: submission.reply({ formErrors: [translate(lang, "ent.err.conflict")] }), duplicate: null, conflict: true }, { status: 409 });
    case "duplicate":
      return data(
        {
          result: submission.reply({
            fieldErrors: { uscc: [translate(lang, "ent.err.duplicate", { name: outcome.duplicate.name })] },
          }),
          duplicate: outcome.duplicate,
          conflict: false,
        },
        { status: 409 },
      );
  }
}

export default function EditEnterprisePage() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const { id, mode, locked } = loaderData;
  return (
    <section aria-labelledby="ent-edit-title" className="ent-edit">
      <p className="ent-back">
        <Link to={`/enterprises/${id}`}>← {loaderData.name}</Link>
      </p>
      <h1 id="ent-edit-title">{t("ent.edit.title")}</h1>
      {mode === "profile" ? <p className="muted">{t("ent.edit.ownIntro")}</p> : null}
      <div className="card">
        <EnterpriseForm
          mode={mode}
          lastResult={actionData?.result}
          defaults={loaderData.defaults}
          towns={loaderData.towns}
          industries={loaderData.industries}
          platforms={loaderData.platforms}
          locked={{ uscc: locked.uscc, name: locked.name, town: t.pick(locked.town), industry: t.pick(locked.industry) }}
          duplicate={actionData?.duplicate}
          conflictHref={actionData?.conflict ? `/enterprises/${id}/edit` : null}
          cancelHref={`/enterprises/${id}`}
          figuresYear={loaderData.figuresYear}
        />
      </div>
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `修改企业信息 · ${data?.name ?? ""} · 定海区企业梯度培育登记系统` }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
