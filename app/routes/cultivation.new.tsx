import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextareaField, TextField } from "~/components/forms";
import { POOL_ROUTES } from "~/domain/pool";
import { TIERS } from "~/domain/tiers";
import { assertPoolCaller, poolFirm, searchPoolFirms } from "~/models/pool.server";
import { addToPool, listOfficerChoices } from "~/models/pool-entry.server";
import { addEntrySchema } from "~/schemas/pool.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  assertPoolCaller(user);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const firmParam = params.get("firm") ?? "";
  const firm = /^[1-9]\d{0,14}$/.test(firmParam) ? await poolFirm(db(), user, Number(firmParam)) : null;
  const [matches, officers] = await Promise.all([firm || q === "" ? Promise.resolve([]) : searchPoolFirms(db(), user, q), listOfficerChoices(db(), user, firm?.townCode ?? null)]);
  const today = todayInShanghai();
  return {
    q,
    matches,
    firm,
    officers: officers.map((o) => ({ id: o.id, name: o.name })),
    today,
    defaultYear: Number(today.slice(0, 4)),
    defaultOfficer: officers.some((o) => o.id === user.id) ? user.id : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  assertPoolCaller(user);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const submission = parseWithZod(await request.formData(), { schema: addEntrySchema(lang) });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  const fieldError = (field: string, key: MessageKey, status = 400) => data({ result: submission.reply({ fieldErrors: { [field]: [translate(lang, key)] } }) }, { status });
  const firm = await poolFirm(db(), user, v.enterpriseId);
  if (!firm) return fieldError("enterpriseId", "pool.err.firm");
  const added = await addToPool(db(), user, {
    enterpriseIds: [v.enterpriseId],
    tierCode: v.tier,
    targetYear: v.targetYear,
    route: v.route,
    officerId: v.officerId,
    enteredOn: v.enteredOn!,
    notes: v.notes,
  });
  if (!added.ok) {
    if (added.reason === "route-required") return fieldError("route", "pool.err.route");
    if (added.reason === "route-not-allowed") return fieldError("route", "pool.err.routeNotAllowed");
    return fieldError("officerId", "pool.err.officer");
  }
  const entry = added.result.added[0];
  if (!entry) {
    const skip = added.result.skipped[0];
    return skip?.reason === "already-active" ? fieldError("tier", "pool.err.duplicate", 409) : fieldError("enterpriseId", "pool.err.firm");
  }
  return redirect(`/cultivation/${entry.entryId}`);
}

function FirmSearch() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="card">
      <Form method="get" className="pool-search" role="search">
        <div className="field">
          <label className="field__label" htmlFor="pool-new-q">
            {t("pool.new.search")}
          </label>
          <input id="pool-new-q" name="q" className="input" defaultValue={data.q} maxLength={100} />
        </div>
        <button type="submit" className="button">
          {t("pool.new.searchButton")}
        </button>
      </Form>
      {data.q !== "" && data.matches.length === 0 ? <p className="muted">{t("pool.new.noMatch")}</p> : null}
      {data.matches.length > 0 ? (
        <ul className="pool-matches">
          {data.matches.map((m) => (
            <li key={m.id}>
              <Link to={`?firm=${m.id}`} aria-label={`${t("pool.new.pick")} ${m.name}`}>
                {t("pool.new.pick")}
              </Link>{" "}
              {m.name}{" "}
              <span className="small muted">
                {m.uscc} · {t.pick({ zh: m.townZh, en: m.townEn })}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function AddForm() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const [form, fields] = useForm<Record<"enterpriseId" | "tier" | "targetYear" | "route" | "officerId" | "enteredOn" | "notes", string>>({
    id: "pool-add",
    lastResult: actionData?.result,
    defaultValue: {
      enterpriseId: String(data.firm!.id),
      targetYear: String(data.defaultYear),
      enteredOn: data.today,
      officerId: data.defaultOfficer ? String(data.defaultOfficer) : "",
    },
    shouldRevalidate: "onInput",
  });
  return (
    <div className="card">
      <p>
        <strong>{t("pool.new.picked", { name: data.firm!.name, uscc: data.firm!.uscc })}</strong> <Link to="/cultivation/new">{t("pool.new.change")}</Link>
      </p>
      <Form method="post" {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="enterpriseId" value={data.firm!.id} />
        <FormAlert errors={fields.enterpriseId.errors} />
        <SelectField
          label={t("pool.tier")}
          field={fields.tier}
          required
          placeholder="—"
          options={TIERS.map((x) => ({ value: x.code, label: t.pick({ zh: x.nameZh, en: x.nameEn }) }))}
        />
        <TextField label={t("pool.year")} field={fields.targetYear} inputMode="numeric" required />
        <SelectField
          label={t("pool.route")}
          field={fields.route}
          hint={t("pool.new.routeHint")}
          placeholder="—"
          options={POOL_ROUTES.map((r) => ({ value: r, label: t(`pool.route.${r}` as MessageKey) }))}
        />
        <SelectField
          label={t("pool.officer")}
          field={fields.officerId}
          placeholder={t("pool.officerNone")}
          options={data.officers.map((o) => ({ value: String(o.id), label: o.name, lang: "zh" }))}
        />
        <TextField label={t("pool.enteredOn")} field={fields.enteredOn} type="date" required />
        <TextareaField label={t("pool.notes")} field={fields.notes} rows={3} maxLength={2000} />
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("pool.new.submit")}
          </button>
          <Link to="/cultivation" className="button">
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </div>
  );
}

export default function NewPoolEntryPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section aria-labelledby="pool-new-title">
      <p>
        <Link to="/cultivation">← {t("pool.title")}</Link>
      </p>
      <h1 id="pool-new-title">{t("pool.new.title")}</h1>
      {data.firm ? <AddForm /> : <FirmSearch />}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "加入培育库 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
