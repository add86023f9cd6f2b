import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { columnHelper, DataTable } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, SelectField, TextField } from "~/components/forms";
import {
  countUnread,
  getEmailSettings,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  saveEmailSettings,
  type NotificationView,
} from "~/models/notification.server";
import { notificationActionSchema } from "~/schemas/notification.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import { notificationTitle } from "~/utils/notification-text";

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(\d{1,15})$/;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const cursor = CURSOR.exec(url.searchParams.get("before") ?? "");
  const [list, unread, settings] = await Promise.all([
    listNotifications(db(), user, cursor ? { at: cursor[1]!, id: Number(cursor[2]) } : undefined),
    countUnread(db(), user),
    getEmailSettings(db(), user),
  ]);
  const done = url.searchParams.get("done");
  return {
    items: list.items,
    next: list.next,
    unread,
    settings,
    done: done === "read" || done === "settings" ? done : done === "readAll" ? "readAll" : null,
    doneCount: Math.min(Math.max(Number(url.searchParams.get("n")) || 0, 0), 1_000_000),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const submission = parseWithZod(await request.formData(), { schema: notificationActionSchema(lang) });
  const formId = submission.payload.intent === "settings" ? "email-settings" : "inbox";
  if (submission.status !== "success") return data({ formId, result: submission.reply() }, { status: 400 });
  const value = submission.value;
  switch (value.intent) {
    case "read": {
      const ok = await markNotificationRead(db(), user, value.id);
      if (!ok) return data({ formId, result: submission.reply({ formErrors: [translate(lang, "notifications.error.missing")] }) }, { status: 404 });
      return redirect("/notifications?done=read", 303);
    }
    case "readAll": {
      const n = await markAllNotificationsRead(db(), user);
      return redirect(`/notifications?done=readAll&n=${n}`, 303);
    }
    case "settings":
      await saveEmailSettings(db(), user, { email: value.email || null, mode: value.mode });
      return redirect("/notifications?done=settings", 303);
  }
}

type Row = NotificationView & { title: string };
const col = columnHelper<Row>();

export default function NotificationsPage() {
  const { items, next, unread, settings, done, doneCount } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const rows: Row[] = items.map((i) => ({ ...i, title: notificationTitle(t.lang, i.kind, i.params) }));
  const columns = [
    col.accessor("createdAt", { header: t("notifications.col.when"), cell: (info) => formatDateTime(info.getValue()) }),
    col.accessor("title", {
      header: t("notifications.col.message"),
      cell: (info) => {
        const r = info.row.original;
        const text = r.readAt ? info.getValue() : <strong>{info.getValue()}</strong>;
        return r.link ? <Link to={r.link}>{text}</Link> : text;
      },
    }),
    col.accessor("readAt", {
      header: t("notifications.col.status"),
      cell: (info) =>
        info.getValue() ? <span className="badge badge--muted">{t("notifications.read")}</span> : <span className="badge badge--info">{t("notifications.unread")}</span>,
    }),
    col.display({
      id: "actions",
      header: t("common.actions"),
      cell: (info) => (info.row.original.readAt ? null : <ReadButton id={info.row.original.id} title={info.row.original.title} />),
    }),
  ];
  const inboxErrors = actionData?.formId === "inbox" ? (actionData.result.error?.[""] ?? Object.values(actionData.result.error ?? {}).flat()) : null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("notifications.title")}</h1>
          <p className="muted">
            {t("notifications.intro")} <span data-testid="unread-summary">{t("notifications.unreadCount", { n: unread })}</span>
          </p>
        </div>
        {unread > 0 ? (
          <Form method="post" className="inline-form">
            <button type="submit" name="intent" value="readAll" className="button">
              {t("notifications.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {done ? (
        <div className="alert alert--ok" role="status">
          {done === "read" ? t("notifications.markedRead") : done === "readAll" ? t("notifications.markedAllRead", { n: doneCount }) : t("notifications.saved")}
        </div>
      ) : null}
      {inboxErrors?.length ? <FormAlert errors={inboxErrors as string[]} /> : null}
      <DataTable columns={columns} data={rows} getRowId={(r) => String(r.id)} empty={t("notifications.none")} />
      {next ? (
        <p>
          <Link to={`?before=${encodeURIComponent(next)}`}>{t("notifications.older")}</Link>
        </p>
      ) : null}
      <EmailSettingsForm settings={settings} lastResult={actionData?.formId === "email-settings" ? actionData.result : undefined} />
    </>
  );
}

function ReadButton({ id, title }: { id: number; title: string }) {
  const t = useT();
  const navigation = useNavigation();
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        name="intent"
        value="read"
        className="button button--small"
        aria-label={t("notifications.markReadLabel", { title })}
        disabled={navigation.state === "submitting"}
      >
        {t("notifications.markRead")}
      </button>
    </Form>
  );
}

function EmailSettingsForm({ settings, lastResult }: { settings: { email: string | null; mode: string }; lastResult: SubmissionResult<string[]> | undefined }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "email-settings",
    lastResult,
    shouldRevalidate: "onBlur",
    defaultValue: { email: settings.email ?? "", mode: settings.mode },
  });
  return (
    <section className="card" aria-labelledby="email-settings-title">
      <h2 id="email-settings-title">{t("notifications.settings")}</h2>
      <p className="muted">{t("notifications.settingsIntro")}</p>
      <Form method="post" {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="form-grid">
          <TextField
            label={t("notifications.email")}
            hint={t("notifications.emailHint")}
            field={fields.email}
            maxLength={254}
            autoComplete="email"
            inputMode="email"
            spellCheck={false}
          />
          <SelectField
            label={t("notifications.mode")}
            field={fields.mode}
            required
            options={(["immediate", "digest", "off"] as const).map((m) => ({ value: m, label: t(`notifications.mode.${m}`) }))}
          />
        </div>
        <div className="form-actions">
          <button type="submit" name="intent" value="settings" className="button button--primary">
            {t("notifications.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "消息 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
