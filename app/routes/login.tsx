import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormAlert, TextField } from "~/components/forms";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { recordAudit } from "~/models/audit.server";
import { loginThrottled, THROTTLE_WINDOW_MS } from "~/models/login-throttle.server";
import { findUserIdByUsername, getUserRow, verifyLogin } from "~/models/user.server";
import { loginSchema } from "~/schemas/login.server";
import { getUser, homeFor, safeRedirect, signIn } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import type { RouteHandle } from "~/utils/route-handle";

/** A sign-in waits on password hashing, in libuv's threads. */
export const handle: RouteHandle = { skipsQueue: ["POST"] };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homeFor(user));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const address = context?.clientAddress ?? null;
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: loginSchema(lang) });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const { username, password, redirectTo } = submission.value;
  const subject = username.toLowerCase();
  if (await loginThrottled(db(), subject, address)) {
    await recordAudit(db(), { actorId: null, action: "login.throttled", subject, address });
    return data(
      { result: submission.reply({ formErrors: [translate(lang, "auth.throttled")], hideFields: ["password"] }) },
      { status: 429, headers: { "Retry-After": String(THROTTLE_WINDOW_MS / 1000) } },
    );
  }
  const user = await verifyLogin(db(), username, password);
  if (!user) {
    await recordAudit(db(), {
      actorId: null,
      action: "login.failure",
      subject,
      address,
      data: { knownUser: (await findUserIdByUsername(db(), username)) !== null },
    });
    return data(
      {
        result: submission.reply({
          formErrors: [translate(lang, "auth.failed")],
          hideFields: ["password"],
        }),
      },
      { status: 401 },
    );
  }
  await recordAudit(db(), { actorId: user.id, action: "login.success", subject, address });
  const home = await homeOf(user.id);
  return signIn(request, user.id, safeRedirect(redirectTo, home));
}

async function homeOf(userId: number): Promise<string> {
  const row = await getUserRow(db(), userId);
  if (!row) throw new Error(`account ${userId} vanished while signing in`);
  return homeFor({ role: row.role, enterpriseId: row.enterpriseId });
}

export default function LoginPage() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    // The form has no client-side schema: revalidating on input would post every keystroke to
    // the server (and each such post is a sign-in attempt the throttle sees). Check on submit.
    shouldValidate: "onSubmit",
    shouldRevalidate: "onSubmit",
  });
  return (
    <section className="login" aria-labelledby="login-title">
      <div className="card login__card">
        <h1 id="login-title">{t("auth.signIn")}</h1>
        <p className="muted">{t("auth.intro")}</p>
        <Form method="post" {...getFormProps(form)} noValidate>
          <FormAlert id={form.errorId} errors={form.errors} />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          {/* eslint-disable-next-line jsx-a11y/no-autofocus -- signing in is the page's one task */}
          <TextField label={t("auth.username")} field={fields.username} required autoComplete="username" autoFocus />
          <TextField label={t("auth.password")} field={fields.password} type="password" required autoComplete="current-password" />
          <button type="submit" className="button button--primary button--block" disabled={navigation.state === "submitting"}>
            {t("auth.signIn")}
          </button>
        </Form>
      </div>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "登录 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
