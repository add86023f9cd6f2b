import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, TextField } from "~/components/forms";
import { setPassword, verifyPassword } from "~/models/user.server";
import { changePasswordSchema } from "~/schemas/user.server";
import { homeFor, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import type { RouteHandle } from "~/utils/route-handle";

/** A change of password waits on password hashing, in libuv's threads. */
export const handle: RouteHandle = { skipsQueue: ["POST"] };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { mustChange: user.mustChangePassword };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const submission = parseWithZod(await request.formData(), { schema: changePasswordSchema(lang, user.username) });
  const hideFields = ["currentPassword", "newPassword", "confirmPassword"];
  if (submission.status !== "success") return data({ result: submission.reply({ hideFields }) }, { status: 400 });
  if (!(await verifyPassword(db(), user.id, submission.value.currentPassword))) {
    return data({ result: submission.reply({ fieldErrors: { currentPassword: [translate(lang, "account.currentWrong")] }, hideFields }) }, { status: 400 });
  }
  // Other sessions of this user end; the one in use stays signed in.
  await setPassword(db(), user.id, submission.value.newPassword, { actorId: user.id, forceChange: false, keepSessionId: user.sessionId });
  return redirect(user.mustChangePassword ? homeFor(user) : "/account/password?done=1");
}

export default function ChangePasswordPage() {
  const { mustChange } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const t = useT();
  const [form, fields] = useForm({ id: "change-password", lastResult: actionData?.result });
  return (
    <section className="login" aria-labelledby="password-title">
      <div className="card login__card">
        <h1 id="password-title">{t("account.passwordTitle")}</h1>
        {mustChange ? (
          <div className="alert alert--warn" role="status">
            {t("account.mustChange")}
          </div>
        ) : null}
        {searchParams.get("done") ? (
          <div className="alert alert--ok" role="status">
            {t("account.changed")}
          </div>
        ) : null}
        <Form method="post" {...getFormProps(form)} noValidate>
          <FormAlert id={form.errorId} errors={form.errors} />
          <TextField label={t("account.currentPassword")} field={fields.currentPassword} type="password" required autoComplete="current-password" />
          <TextField label={t("account.newPassword")} hint={t("account.passwordHint")} field={fields.newPassword} type="password" required autoComplete="new-password" />
          <TextField label={t("account.confirmPassword")} field={fields.confirmPassword} type="password" required autoComplete="new-password" />
          <button type="submit" className="button button--primary button--block">
            {t("account.change")}
          </button>
        </Form>
      </div>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "修改密码 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
