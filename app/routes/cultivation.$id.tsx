import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextareaField, TextField, useSuccessKey } from "~/components/forms";
import { EXIT_REASONS, isOverdue, POOL_ROUTES, POOL_STATUSES, routeRequired, TASK_STATUSES } from "~/domain/pool";
import { STATUS_NAMES } from "~/domain/state-machine";
import { getTier } from "~/domain/tiers";
import { changePoolStatus, getPoolEntry, listOfficerChoices, updatePoolEntry, type PoolCommandResult } from "~/models/pool-entry.server";
import { addPoolTask, addPoolVisit, setPoolTaskStatus } from "~/models/pool-plan.server";
import { entryIntentSchema, statusSchema, taskSchema, taskStatusSchema, updateEntrySchema, visitSchema } from "~/schemas/pool.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, translate, type Lang, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

function entryId(params: { id?: string }): number {
  return /^[1-9]\d{0,14}$/.test(params.id ?? "") ? Number(params.id) : -1;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const today = todayInShanghai();
  const entry = await getPoolEntry(db(), user, entryId(params), today);
  const officers = await listOfficerChoices(db(), user, entry.townCode);
  const saved = new URL(request.url).searchParams.get("saved") === "1";
  return { entry, officers: officers.map((o) => ({ id: o.id, name: o.name })), today, saved };
}

/** A refused command as a form error (the form keeps what was typed). */
function commandError(
  lang: Lang,
  intent: string,
  result: Exclude<PoolCommandResult, { ok: true }>,
  reply: (o: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }) => SubmissionResult<string[]>,
) {
  const keyed: Record<string, [string, MessageKey]> = {
    conflict: ["", "pool.err.conflict"],
    exited: ["", "pool.err.exited"],
    same: ["to", "pool.err.same"],
    "reason-required": ["exitReason", "pool.err.reason"],
    "note-required": ["exitNote", "pool.err.note"],
    "reason-not-allowed": ["exitReason", "pool.err.reasonNotAllowed"],
    "route-required": ["route", "pool.err.route"],
    "route-not-allowed": ["route", "pool.err.routeNotAllowed"],
    "officer-invalid": ["officerId", "pool.err.officer"],
    "task-not-found": ["", "pool.err.task"],
  };
  const [field, key] = keyed[result.reason] ?? ["", "pool.err.conflict"];
  const status = result.reason === "conflict" ? 409 : 400;
  return data({ intent, result: reply(field === "" ? { formErrors: [translate(lang, key)] } : { fieldErrors: { [field]: [translate(lang, key)] } }) }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const id = entryId(params);
  const today = todayInShanghai();
  // Scope first: out of scope is 404 whatever was posted.
  await getPoolEntry(db(), user, id, today);
  const formData = await request.formData();
  const intent = entryIntentSchema.safeParse(formData.get("intent"));
  if (!intent.success) return data({ intent: null, result: null }, { status: 400 });
  const back = redirect(`/cultivation/${id}?saved=1`);

  switch (intent.data) {
    case "update": {
      const s = parseWithZod(formData, { schema: updateEntrySchema(lang) });
      if (s.status !== "success") return data({ intent: "update", result: s.reply() }, { status: 400 });
      const r = await updatePoolEntry(db(), user, id, s.value);
      return r.ok ? back : commandError(lang, "update", r, (o) => s.reply(o));
    }
    case "status": {
      const s = parseWithZod(formData, { schema: statusSchema(lang) });
      if (s.status !== "success") return data({ intent: "status", result: s.reply() }, { status: 400 });
      const r = await changePoolStatus(db(), user, id, { ...s.value, today });
      return r.ok ? back : commandError(lang, "status", r, (o) => s.reply(o));
    }
    case "task": {
      const s = parseWithZod(formData, { schema: taskSchema(lang) });
      if (s.status !== "success") return data({ intent: "task", result: s.reply() }, { status: 400 });
      const r = await addPoolTask(db(), user, id, s.value);
      return r.ok ? back : commandError(lang, "task", r, (o) => s.reply(o));
    }
    case "task-status": {
      const s = parseWithZod(formData, { schema: taskStatusSchema(lang) });
      if (s.status !== "success") return data({ intent: "task-status", result: s.reply() }, { status: 400 });
      const r = await setPoolTaskStatus(db(), user, id, s.value.taskId, s.value.status, today);
      return r.ok ? back : commandError(lang, "task-status", r, (o) => s.reply(o));
    }
    case "visit": {
      const s = parseWithZod(formData, { schema: visitSchema(lang) });
      if (s.status !== "success") return data({ intent: "visit", result: s.reply() }, { status: 400 });
      await addPoolVisit(db(), user, id, s.value);
      return back;
    }
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function lastResultFor(actionData: ReturnType<typeof useActionData<typeof action>>, intent: string) {
  return actionData && actionData.intent === intent ? actionData.result : undefined;
}

function EditEntryForm({ data: d }: { data: LoaderData }) {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const key = useSuccessKey(actionData);
  const e = d.entry;
  const [form, fields] = useForm<Record<"intent" | "version" | "route" | "officerId" | "targetYear" | "notes", string>>({
    id: `pool-update-${key}`,
    lastResult: lastResultFor(actionData, "update"),
    defaultValue: { route: e.route ?? "", officerId: e.officerId ? String(e.officerId) : "", targetYear: String(e.targetYear), notes: e.notes ?? "" },
  });
  return (
    <section className="card" aria-labelledby="pool-edit-title">
      <h2 id="pool-edit-title">{t("pool.entry.edit")}</h2>
      <Form method="post" {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="update" />
        <input type="hidden" name="version" value={e.version} />
        {routeRequired(e.tierCode) ? (
          <SelectField
            label={t("pool.route")}
            field={fields.route}
            required
            placeholder="—"
            options={POOL_ROUTES.map((r) => ({ value: r, label: t(`pool.route.${r}` as MessageKey) }))}
          />
        ) : null}
        <SelectField
          label={t("pool.officer")}
          field={fields.officerId}
          placeholder={t("pool.officerNone")}
          options={d.officers.map((o) => ({ value: String(o.id), label: o.name, lang: "zh" }))}
        />
        <TextField label={t("pool.year")} field={fields.targetYear} inputMode="numeric" required />
        <TextareaField label={t("pool.notes")} field={fields.notes} rows={3} maxLength={2000} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t("pool.entry.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function StatusForm({ data: d }: { data: LoaderData }) {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const key = useSuccessKey(actionData);
  const e = d.entry;
  const [form, fields] = useForm<Record<"intent" | "version" | "to" | "exitReason" | "exitNote", string>>({
    id: `pool-status-${key}`,
    lastResult: lastResultFor(actionData, "status"),
  });
  return (
    <section className="card" aria-labelledby="pool-status-title">
      <h2 id="pool-status-title">{t("pool.entry.statusChange")}</h2>
      <Form method="post" {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="status" />
        <input type="hidden" name="version" value={e.version} />
        <SelectField
          label={t("pool.entry.newStatus")}
          field={fields.to}
          required
          placeholder="—"
          options={POOL_STATUSES.filter((s) => s !== e.status).map((s) => ({ value: s, label: t(`pool.status.${s}` as MessageKey) }))}
        />
        <SelectField
          label={t("pool.entry.exitReason")}
          field={fields.exitReason}
          placeholder="—"
          options={EXIT_REASONS.map((r) => ({ value: r, label: t(`pool.exit.${r}` as MessageKey) }))}
        />
        <TextField label={t("pool.entry.exitNote")} field={fields.exitNote} maxLength={500} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t("pool.entry.change")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function TaskForm() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const key = useSuccessKey(actionData);
  const [form, fields] = useForm<Record<"intent" | "title" | "owner" | "dueOn" | "notes", string>>({
    id: `pool-task-${key}`,
    lastResult: lastResultFor(actionData, "task"),
  });
  return (
    <Form method="post" {...getFormProps(form)} noValidate className="pool-task-form">
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="task" />
      <TextField label={t("pool.plan.what")} field={fields.title} required maxLength={200} />
      <TextField label={t("pool.plan.owner")} field={fields.owner} maxLength={100} />
      <TextField label={t("pool.plan.due")} field={fields.dueOn} type="date" />
      <TextareaField label={t("pool.plan.notes")} field={fields.notes} rows={2} maxLength={2000} />
      <div className="form-actions">
        <button type="submit" className="button">
          {t("pool.plan.add")}
        </button>
      </div>
    </Form>
  );
}

function VisitForm({ today }: { today: string }) {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const key = useSuccessKey(actionData);
  const [form, fields] = useForm<Record<"intent" | "visitedOn" | "visitor" | "findings", string>>({
    id: `pool-visit-${key}`,
    lastResult: lastResultFor(actionData, "visit"),
    defaultValue: { visitedOn: today },
  });
  return (
    <Form method="post" {...getFormProps(form)} noValidate className="pool-visit-form">
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="visit" />
      <TextField label={t("pool.visit.date")} field={fields.visitedOn} type="date" required />
      <TextField label={t("pool.visit.who")} field={fields.visitor} required maxLength={100} />
      <TextareaField label={t("pool.visit.found")} field={fields.findings} required rows={3} maxLength={2000} />
      <div className="form-actions">
        <button type="submit" className="button">
          {t("pool.visit.add")}
        </button>
      </div>
    </Form>
  );
}

export default function PoolEntryPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const e = d.entry;
  const tier = getTier(e.tierCode);
  const tierName = t.pick({ zh: tier.nameZh, en: tier.nameEn });
  const active = e.status !== "exited";
  const taskStatusError = actionData?.intent === "task-status" ? actionData.result?.error?.[""] : null;
  return (
    <section aria-labelledby="pool-entry-title" className="pool-entry">
      <p className="no-print">
        <Link to="/cultivation">← {t("pool.title")}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1 id="pool-entry-title">{t("pool.entry.title", { name: e.enterpriseName, tier: tierName })}</h1>
          <p>
            <span className={`badge pool-status pool-status--${e.status}`}>{t(`pool.status.${e.status}` as MessageKey)}</span>{" "}
            {e.exitReason
              ? t("pool.entry.exited", { date: e.exitedOn ?? "", reason: `${t(`pool.exit.${e.exitReason}` as MessageKey)}${e.exitNote ? `（${e.exitNote}）` : ""}` })
              : null}
          </p>
        </div>
        <div className="page-head__actions">
          <Link to={`/cultivation/${e.id}/print`} className="button">
            {t("pool.entry.print")}
          </Link>
          <Link to={`/enterprises/${e.enterpriseId}`} className="button">
            {t("pool.entry.firm")}
          </Link>
        </div>
      </div>
      {d.saved ? (
        <div className="alert alert--ok" role="status">
          {t("pool.entry.saved")}
        </div>
      ) : null}
      <dl className="pool-facts card">
        <div>
          <dt>{t("pool.uscc")}</dt>
          <dd>{e.uscc}</dd>
        </div>
        <div>
          <dt>{t("pool.town")}</dt>
          <dd>{t.pick({ zh: e.townNameZh, en: e.townNameEn })}</dd>
        </div>
        <div>
          <dt>{t("pool.year")}</dt>
          <dd>{e.targetYear}</dd>
        </div>
        {e.route ? (
          <div>
            <dt>{t("pool.route")}</dt>
            <dd>{t(`pool.route.${e.route}` as MessageKey)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("pool.officer")}</dt>
          <dd>{e.officerName ?? t("pool.officerNone")}</dd>
        </div>
        <div>
          <dt>{t("pool.enteredOn")}</dt>
          <dd>{e.enteredOn}</dd>
        </div>
        {e.notes ? (
          <div>
            <dt>{t("pool.notes")}</dt>
            <dd className="pre-wrap">{e.notes}</dd>
          </div>
        ) : null}
      </dl>

      <section className="card" aria-labelledby="pool-plan-title">
        <h2 id="pool-plan-title">{t("pool.plan.title")}</h2>
        {taskStatusError ? <FormAlert errors={taskStatusError} /> : null}
        {e.tasks.length === 0 ? (
          <p className="muted">{t("pool.plan.none")}</p>
        ) : (
          <table className="table pool-tasks">
            <thead>
              <tr>
                <th scope="col">{t("pool.plan.what")}</th>
                <th scope="col">{t("pool.plan.owner")}</th>
                <th scope="col">{t("pool.plan.due")}</th>
                <th scope="col">{t("pool.plan.status")}</th>
                {active ? (
                  <th scope="col" className="no-print">
                    {t("common.actions")}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {e.tasks.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.title}
                    {k.notes ? <div className="small muted pre-wrap">{k.notes}</div> : null}
                  </td>
                  <td>{k.owner ?? "—"}</td>
                  <td>
                    {k.dueOn ?? "—"}
                    {isOverdue(k, d.today) ? (
                      <>
                        {" "}
                        <span className="badge badge--bad">{t("pool.plan.overdue")}</span>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {t(`pool.task.${k.status}` as MessageKey)}
                    {k.doneOn ? <div className="small muted">{t("pool.plan.doneOn", { date: k.doneOn })}</div> : null}
                  </td>
                  {active ? (
                    <td className="no-print">
                      {TASK_STATUSES.filter((s) => s !== k.status).map((s) => (
                        <Form method="post" key={s} className="inline-form">
                          <input type="hidden" name="intent" value="task-status" />
                          <input type="hidden" name="taskId" value={k.id} />
                          <input type="hidden" name="status" value={s} />
                          <button type="submit" className="button button--small" aria-label={`${t("pool.plan.setStatus")} ${t(`pool.task.${s}` as MessageKey)}：${k.title}`}>
                            {t(`pool.task.${s}` as MessageKey)}
                          </button>
                        </Form>
                      ))}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {active ? <TaskForm /> : null}
      </section>

      <section className="card" aria-labelledby="pool-visits-title">
        <h2 id="pool-visits-title">{t("pool.visit.title")}</h2>
        {e.visits.length === 0 ? (
          <p className="muted">{t("pool.visit.none")}</p>
        ) : (
          <ul className="pool-visits">
            {e.visits.map((v) => (
              <li key={v.id}>
                <strong>{v.visitedOn}</strong> · {v.visitor}
                <div className="pre-wrap">{v.findings}</div>
              </li>
            ))}
          </ul>
        )}
        <VisitForm today={d.today} />
      </section>

      <section className="card" aria-labelledby="pool-apps-title">
        <h2 id="pool-apps-title">{t("pool.entry.applications")}</h2>
        {e.applications.length === 0 ? (
          <p className="muted">{t("pool.entry.noApplications")}</p>
        ) : (
          <ul>
            {e.applications.map((a) => (
              <li key={a.id}>
                <Link to={`/applications/${a.id}`}>
                  {a.year} · {t.pick(STATUS_NAMES[a.status])}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      {active ? (
        <div className="pool-forms">
          <EditEntryForm data={d} />
          <StatusForm data={d} />
        </div>
      ) : null}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "培育库条目 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
