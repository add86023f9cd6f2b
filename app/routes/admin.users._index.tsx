import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { columnHelper, DataTable } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextField } from "~/components/forms";
import { findEnterpriseByUscc } from "~/models/enterprise.server";
import { listTowns, townExists } from "~/models/reference.server";
import { createUser, listUsers, usernameTaken, type UserRow } from "~/models/user.server";
import { createUserSchema } from "~/schemas/user.server";
import { normalizeUscc } from "~/domain/uscc";
import { ROLES } from "~/domain/state-machine";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import type { RouteHandle } from "~/utils/route-handle";

/** A new account waits on password hashing, in libuv's threads. */
export const handle: RouteHandle = { skipsQueue: ["POST"] };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: ["admin"] });
  const url = new URL(request.url);
  const q = url.searchParams.get("q")?.trim().slice(0, 50) || undefined;
  const role = url.searchParams.get("role") || undefined;
  const [users, towns] = await Promise.all([listUsers(db(), { q, role: role && (ROLES as readonly string[]).includes(role) ? role : undefined }), listTowns(db())]);
  return { users, towns, created: url.searchParams.get("created") };
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireUser(request, { roles: ["admin"] });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const submission = parseWithZod(await request.formData(), { schema: createUserSchema(lang) });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const value = submission.value;
  const fieldErrors: Record<string, string[]> = {};
  if (await usernameTaken(db(), value.username)) fieldErrors.username = [translate(lang, "users.usernameTaken")];
  let enterpriseId: number | null = null;
  if (value.role === "enterprise") {
    const firm = await findEnterpriseByUscc(db(), normalizeUscc(value.enterpriseUscc ?? ""));
    if (!firm) fieldErrors.enterpriseUscc = [translate(lang, "users.enterpriseUnknown")];
    enterpriseId = firm?.id ?? null;
  }
  if (value.role === "town_officer") {
    if (!(await townExists(db(), value.townCode ?? ""))) fieldErrors.townCode = [translate(lang, "users.townRequired")];
  }
  if (Object.keys(fieldErrors).length) {
    return data({ result: submission.reply({ fieldErrors, hideFields: ["password"] }) }, { status: 400 });
  }
  await createUser(db(), admin.id, { username: value.username, displayName: value.displayName, role: value.role, enterpriseId, townCode: value.townCode ?? null }, value.password);
  return redirect(`/admin/users?created=${encodeURIComponent(value.username)}`);
}

const col = columnHelper<UserRow & { scope: string }>();

export default function UsersPage() {
  const { users, towns, created } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const [searchParams] = useSearchParams();
  const townName = (code: string | null) => {
    const town = towns.find((x) => x.code === code);
    return town ? t.pick({ zh: town.nameZh, en: town.nameEn }) : "";
  };
  const rows = users.map((u) => ({
    ...u,
    scope: u.role === "enterprise" ? (u.enterpriseName ?? "") : u.role === "town_officer" ? townName(u.townCode) : t.lang === "en" ? "Whole district" : "全区",
  }));
  const columns = [
    col.accessor("username", {
      header: t("users.username"),
      cell: (info) => <Link to={`/admin/users/${info.row.original.id}`}>{info.getValue()}</Link>,
    }),
    col.accessor("displayName", { header: t("users.displayName") }),
    col.accessor("role", { header: t("users.role"), cell: (info) => t(`role.${info.getValue()}` as MessageKey) }),
    col.accessor("scope", { header: t("users.scope") }),
    col.display({
      id: "status",
      header: t("users.status"),
      cell: (info) =>
        info.row.original.disabledAt ? (
          <span className="badge badge--bad">{t("users.disabled")}</span>
        ) : info.row.original.mustChangePassword ? (
          <span className="badge badge--warn">{t("users.mustChange")}</span>
        ) : (
          <span className="badge badge--ok">{t("users.active")}</span>
        ),
    }),
  ];
  // A new form id after each creation starts the next one empty, without the last one's messages.
  const [form, fields] = useForm({ id: `create-user-${created ?? ""}`, lastResult: actionData?.result, shouldRevalidate: "onBlur" });
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }));
  const townOptions = towns.map((x) => ({ value: x.code, label: t.pick({ zh: x.nameZh, en: x.nameEn }) }));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("users.title")}</h1>
          <p className="muted">{t("users.intro")}</p>
        </div>
      </div>
      {created ? (
        <div className="alert alert--ok" role="status">
          {t("users.created")} <strong>{created}</strong>
        </div>
      ) : null}
      <Form method="get" className="filters card" role="search">
        <div className="field">
          <label htmlFor="users-q" className="field__label">
            {t("common.search")}
          </label>
          <input id="users-q" name="q" className="input" defaultValue={searchParams.get("q") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="users-role" className="field__label">
            {t("users.role")}
          </label>
          <select id="users-role" name="role" className="input" defaultValue={searchParams.get("role") ?? ""}>
            <option value="">{t("common.all")}</option>
            {roleOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button button--primary">
            {t("common.search")}
          </button>
        </div>
      </Form>
      <p className="muted">{t("users.count", { n: rows.length })}</p>
      <DataTable columns={columns} data={rows} getRowId={(r) => String(r.id)} caption={t("users.title")} />

      <section className="card section-gap" aria-labelledby="create-user-title">
        <h2 id="create-user-title">{t("users.create")}</h2>
        <Form method="post" {...getFormProps(form)} noValidate>
          <FormAlert id={form.errorId} errors={form.errors} />
          <div className="form-grid">
            <TextField label={t("users.username")} field={fields.username} required autoComplete="off" maxLength={32} />
            <TextField label={t("users.displayName")} field={fields.displayName} required maxLength={50} />
            <SelectField label={t("users.role")} field={fields.role} required options={roleOptions} placeholder="—" />
            <TextField label={t("users.enterpriseUscc")} hint={t("users.enterpriseUsccHint")} field={fields.enterpriseUscc} maxLength={40} />
            <SelectField label={t("users.town")} hint={t("users.townHint")} field={fields.townCode} options={townOptions} placeholder="—" />
            <TextField label={t("users.initialPassword")} hint={t("users.initialPasswordHint")} field={fields.password} type="password" required autoComplete="new-password" />
          </div>
          <div className="form-actions">
            <button type="submit" className="button button--primary">
              {t("users.create")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "用户管理 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
