import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { columnHelper, DataTable } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextField } from "~/components/forms";
import { weekday } from "~/domain/calendar";
import { addCalendarException, calendarYears, listCalendarYear, removeCalendarException, type CalendarEntry } from "~/models/calendar.server";
import { calendarActionSchema } from "~/schemas/notification.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const ADMIN = ["admin"] as const;

function yearOf(url: URL): number {
  const raw = url.searchParams.get("year");
  const year = raw && /^\d{4}$/.test(raw) ? Number(raw) : Number(todayInShanghai().slice(0, 4));
  return year >= 1990 && year <= 2100 ? year : Number(todayInShanghai().slice(0, 4));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: ADMIN });
  const url = new URL(request.url);
  const year = yearOf(url);
  const [entries, years] = await Promise.all([listCalendarYear(db(), year), calendarYears(db())]);
  const done = url.searchParams.get("done");
  const date = url.searchParams.get("date") ?? "";
  return {
    year,
    years: [...new Set([...years, year])].sort(),
    entries,
    done: done === "add" || done === "remove" ? done : null,
    doneDate: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : "",
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: ADMIN });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const submission = parseWithZod(await request.formData(), { schema: calendarActionSchema(lang) });
  const formId = submission.payload.intent === "remove" ? "remove-day" : "add-day";
  if (submission.status !== "success") return data({ formId, result: submission.reply() }, { status: 400 });
  const value = submission.value;
  const year = value.date.slice(0, 4);
  if (value.intent === "add") {
    const outcome = await addCalendarException(db(), user, value);
    if (!outcome.ok) {
      return data({ formId, result: submission.reply({ fieldErrors: { date: [translate(lang, "calendar.error.dateTaken", { date: value.date })] } }) }, { status: 400 });
    }
    return redirect(`/admin/calendar?year=${year}&done=add&date=${value.date}`, 303);
  }
  const outcome = await removeCalendarException(db(), user, value.date);
  if (!outcome.ok) return data({ formId, result: submission.reply({ formErrors: [translate(lang, "calendar.error.missing")] }) }, { status: 409 });
  return redirect(`/admin/calendar?year=${year}&done=remove&date=${value.date}`, 303);
}

const col = columnHelper<CalendarEntry>();

export default function CalendarPage() {
  const { year, years, entries, done, doneDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const name = (e: CalendarEntry) => t.pick({ zh: e.nameZh, en: e.nameEn });
  const columns = [
    col.accessor("date", { header: t("calendar.col.date") }),
    col.display({ id: "weekday", header: t("calendar.col.weekday"), cell: (info) => t(`weekday.${weekday(info.row.original.date)}` as MessageKey) }),
    col.accessor("kind", {
      header: t("calendar.col.kind"),
      cell: (info) => <span className={`badge ${info.getValue() === "holiday" ? "badge--muted" : "badge--info"}`}>{t(`calendar.kind.${info.getValue()}`)}</span>,
    }),
    col.display({ id: "name", header: t("calendar.col.name"), cell: (info) => name(info.row.original) }),
    col.display({
      id: "actions",
      header: t("common.actions"),
      cell: (info) => <RemoveButton entry={info.row.original} label={t("calendar.removeLabel", { date: info.row.original.date, name: name(info.row.original) })} />,
    }),
  ];
  const removeErrors = actionData?.formId === "remove-day" ? Object.values(actionData.result.error ?? {}).flat() : null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("calendar.title")}</h1>
          <p className="muted">{t("calendar.intro")}</p>
        </div>
      </div>
      <nav className="tier-tabs" aria-label={t("calendar.year")}>
        {years.map((y) => (
          <Link key={y} to={`?year=${y}`} className="tier-tabs__tab" aria-current={y === year ? "page" : undefined}>
            {y}
          </Link>
        ))}
      </nav>
      {done ? (
        <div className="alert alert--ok" role="status">
          {t(done === "add" ? "calendar.added" : "calendar.removed", { date: doneDate })}
        </div>
      ) : null}
      {removeErrors?.length ? <FormAlert errors={removeErrors as string[]} /> : null}
      <DataTable columns={columns} data={entries} getRowId={(r) => r.date} empty={t("calendar.none")} />
      <AddDayForm year={year} lastResult={actionData?.formId === "add-day" ? actionData.result : undefined} />
    </>
  );
}

function RemoveButton({ entry, label }: { entry: CalendarEntry; label: string }) {
  const t = useT();
  const navigation = useNavigation();
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="date" value={entry.date} />
      <button type="submit" name="intent" value="remove" aria-label={label} className="button button--small button--danger" disabled={navigation.state === "submitting"}>
        {t("calendar.remove")}
      </button>
    </Form>
  );
}

function AddDayForm({ year, lastResult }: { year: number; lastResult: SubmissionResult<string[]> | undefined }) {
  const t = useT();
  const [form, fields] = useForm<{ date: string; kind: string; nameZh: string; nameEn: string }>({
    id: "add-day",
    lastResult,
    shouldRevalidate: "onBlur",
    defaultValue: { kind: "workday" },
  });
  return (
    <section className="card checklist-form" aria-labelledby="add-day-title">
      <h2 id="add-day-title">{t("calendar.add")}</h2>
      <Form method="post" action={`/admin/calendar?year=${year}`} {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="form-grid">
          <TextField
            label={t("calendar.field.date")}
            hint={t("calendar.field.dateHint")}
            field={fields.date}
            required
            maxLength={10}
            placeholder={`${year}-10-10`}
            autoComplete="off"
          />
          <SelectField
            label={t("calendar.field.kind")}
            field={fields.kind}
            required
            options={(["holiday", "workday"] as const).map((k) => ({ value: k, label: t(`calendar.kind.${k}`) }))}
          />
          <TextField label={t("calendar.field.nameZh")} field={fields.nameZh} required maxLength={40} />
          <TextField label={t("calendar.field.nameEn")} field={fields.nameEn} required maxLength={80} lang="en" />
        </div>
        <div className="form-actions">
          <button type="submit" name="intent" value="add" className="button button--primary">
            {t("calendar.addButton")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "工作日历 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
