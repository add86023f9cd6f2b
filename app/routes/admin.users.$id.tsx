import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextField, useSuccessKey } from "~/components/forms";
import { checkPassword, PASSWORD_MESSAGES } from "~/domain/password";
import { ROLES } from "~/domain/state-machine";
import { normalizeUscc } from "~/domain/uscc";
import { enterpriseUsccOf, findEnterpriseByUscc } from "~/models/enterprise.server";
import { listTowns, townExists } from "~/models/reference.server";
import { getUserRow, setPassword, setUserDisabled, updateUser } from "~/models/user.server";
import { userIntentSchema } from "~/schemas/user.server";
import { notFound, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, pick, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import type { RouteHandle } from "~/utils/route-handle";

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  return id;
}

/** A password reset waits on password hashing, in libuv's threads. */
export const handle: RouteHandle = { skipsQueue: ["POST"] };

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request, { roles: ["admin"] });
  const user = await getUserRow(db(), parseId(params.id));
  if (!user) throw notFound();
  const enterpriseUscc = user.enterpriseId ? ((await enterpriseUsccOf(db(), user.enterpriseId)) ?? "") : "";
  return { user, enterpriseUscc, towns: await listTowns(db()) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireUser(request, { roles: ["admin"] });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const id = parseId(params.id);
  const user = await getUserRow(db(), id);
  if (!user) throw notFound();
  const submission = parseWithZod(await request.formData(), { schema: userIntentSchema(lang) });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const value = submission.value;
  switch (value.intent) {
    case "update": {
      let enterpriseId: number | null = null;
      if (value.role === "enterprise") {
        const firm = await findEnterpriseByUscc(db(), normalizeUscc(value.enterpriseUscc ?? ""));
        if (!firm) {
          return data({ result: submission.reply({ fieldErrors: { enterpriseUscc: [translate(lang, "users.enterpriseUnknown")] } }) }, { status: 400 });
        }
        enterpriseId = firm.id;
      }
      if (value.role === "town_officer") {
        if (!(await townExists(db(), value.townCode ?? "")))
          return data({ result: submission.reply({ fieldErrors: { townCode: [translate(lang, "users.townRequired")] } }) }, { status: 400 });
      }
      if (id === admin.id && value.role !== "admin") {
        return data({ result: submission.reply({ fieldErrors: { role: [translate(lang, "users.cannotDisableSelf")] } }) }, { status: 400 });
      }
      await updateUser(db(), admin.id, id, { displayName: value.displayName, role: value.role, enterpriseId, townCode: value.townCode ?? null });
      return redirect(`/admin/users/${id}?done=saved`);
    }
    case "disable":
    case "enable": {
      if (id === admin.id) {
        return data({ result: submission.reply({ formErrors: [translate(lang, "users.cannotDisableSelf")] }) }, { status: 400 });
      }
      await setUserDisabled(db(), admin.id, id, value.intent === "disable");
      return redirect(`/admin/users/${id}?done=${value.intent}d`);
    }
    case "reset-password": {
      const problem = checkPassword(value.password, user.username);
      if (problem) {
        return data({ result: submission.reply({ fieldErrors: { password: [pick(lang, PASSWORD_MESSAGES[problem])] }, hideFields: ["password"] }) }, { status: 400 });
      }
      await setPassword(db(), id, value.password, { actorId: admin.id, forceChange: true });
      return redirect(`/admin/users/${id}?done=reset`);
    }
  }
}

const DONE: Record<string, MessageKey> = { saved: "users.saved", disabled: "users.disabledNote", enabled: "users.enabledNote", reset: "users.resetDone" };

export default function EditUserPage() {
  const { user } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const t = useT();
  const done = DONE[searchParams.get("done") ?? ""];
  const formsKey = useSuccessKey(actionData);
  return (
    <>
      <p>
        <Link to="/admin/users">← {t("users.title")}</Link>
      </p>
      <div className="page-head">
        <h1>{t("users.editTitle", { name: user.username })}</h1>
        {user.disabledAt ? <span className="badge badge--bad">{t("users.disabled")}</span> : null}
      </div>
      {done ? (
        <div className="alert alert--ok" role="status">
          {t(done)}
        </div>
      ) : null}
      <UserForms key={formsKey} lastResult={actionData?.result} />
    </>
  );
}

/** The account's forms; remounted after each success so no earlier error stays. */
function UserForms({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const { user, enterpriseUscc, towns } = useLoaderData<typeof loader>();
  const t = useT();
  const [form, fields] = useForm({
    id: "edit-user",
    lastResult,
    defaultValue: { displayName: user.displayName, role: user.role, enterpriseUscc, townCode: user.townCode ?? "" },
  });
  const [resetForm, resetFields] = useForm({ id: "reset-password", lastResult });
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }));
  const townOptions = towns.map((x) => ({ value: x.code, label: t.pick({ zh: x.nameZh, en: x.nameEn }) }));
  return (
    <>
      <section className="card">
        <Form method="post" {...getFormProps(form)} noValidate>
          <FormAlert id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="update" />
          <div className="form-grid">
            <TextField label={t("users.displayName")} field={fields.displayName} required maxLength={50} />
            <SelectField label={t("users.role")} field={fields.role} required options={roleOptions} />
            <TextField label={t("users.enterpriseUscc")} hint={t("users.enterpriseUsccHint")} field={fields.enterpriseUscc} maxLength={40} />
            <SelectField label={t("users.town")} hint={t("users.townHint")} field={fields.townCode} options={townOptions} placeholder="—" />
          </div>
          <div className="form-actions">
            <button type="submit" className="button button--primary">
              {t("common.save")}
            </button>
          </div>
        </Form>
      </section>
      <section className="card" aria-labelledby="reset-title">
        <h2 id="reset-title">{t("users.resetPassword")}</h2>
        <Form method="post" {...getFormProps(resetForm)} noValidate>
          <input type="hidden" name="intent" value="reset-password" />
          <TextField label={t("users.newPassword")} hint={t("account.passwordHint")} field={resetFields.password} type="password" required autoComplete="new-password" />
          <button type="submit" className="button">
            {t("users.resetPassword")}
          </button>
        </Form>
      </section>
      <section className="card">
        <Form method="post">
          <input type="hidden" name="intent" value={user.disabledAt ? "enable" : "disable"} />
          <button type="submit" className={user.disabledAt ? "button" : "button button--danger"}>
            {user.disabledAt ? t("users.enable") : t("users.disable")}
          </button>
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "编辑账号 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
