import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { EnterpriseForm } from "~/components/enterprise-form";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { createEnterprise } from "~/models/enterprise.server";
import { listIndustries, listTowns } from "~/models/reference.server";
import { enterpriseCreateSchema, toEnterpriseInput } from "~/schemas/enterprise.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import { PLATFORMS } from "../../seeds/reference";

const EDITORS = ["reviewer", "admin"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: EDITORS });
  const [towns, industries] = await Promise.all([listTowns(db()), listIndustries(db())]);
  return { towns, industries, platforms: PLATFORMS };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: EDITORS });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const [towns, industries] = await Promise.all([listTowns(db()), listIndustries(db())]);
  const schema = enterpriseCreateSchema(lang, {
    towns: towns.map((x) => x.code),
    industries: industries.map((x) => x.code),
  });
  const submission = parseWithZod(await request.formData(), { schema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), duplicate: null }, { status: 400 });
  }
  const created = await createEnterprise(db(), user, toEnterpriseInput(submission.value));
  if (created.ok) return redirect(`/enterprises/${created.id}?created=1`);
  if (created.reason === "duplicate") {
    return data(
      {
        result: submission.reply({
          fieldErrors: { uscc: [translate(lang, "ent.err.duplicate", { name: created.duplicate.name })] },
        }),
        duplicate: created.duplicate,
      },
      { status: 409 },
    );
  }
  throw new Response("Forbidden", { status: 403 });
}

export default function NewEnterprisePage() {
  const { towns, industries, platforms } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <section aria-labelledby="ent-new-title" className="ent-edit">
      <p className="ent-back">
        <Link to="/enterprises">← {t("ent.profile.backToList")}</Link>
      </p>
      <h1 id="ent-new-title">{t("ent.new.title")}</h1>
      <p className="muted">{t("ent.new.intro")}</p>
      <div className="card">
        <EnterpriseForm
          mode="create"
          lastResult={actionData?.result}
          defaults={{}}
          towns={towns}
          industries={industries}
          platforms={platforms}
          duplicate={actionData?.duplicate}
          cancelHref="/enterprises"
        />
      </div>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "新增企业 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
