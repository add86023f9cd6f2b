import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { columnHelper, DataTable } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CheckboxField, FormAlert, TextField } from "~/components/forms";
import { CHECKLIST_TIERS, type ChecklistTierCode } from "~/domain/eligibility";
import { getTier } from "~/domain/tiers";
import {
  addChecklistItem,
  listChecklistForAdmin,
  moveChecklistItem,
  setChecklistItemArchived,
  updateChecklistItem,
  type ChecklistAdminItem,
  type ChecklistChange,
} from "~/models/checklist.server";
import { checklistActionSchema, checklistTierSchema, parseEvidenceRequirements } from "~/schemas/checklist.server";
import { listEvidenceRequirements, setEvidenceRequirements } from "~/models/evidence.server";
import { ATTACHMENT_KINDS, evidenceFieldName } from "~/domain/attachments";
import { TIERS, type TierCode } from "~/domain/tiers";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const BUREAU = ["reviewer", "admin"] as const;

function tierOf(url: URL): ChecklistTierCode {
  const parsed = checklistTierSchema.safeParse(url.searchParams.get("tier"));
  return parsed.success ? parsed.data : CHECKLIST_TIERS[0];
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: BUREAU });
  const url = new URL(request.url);
  const tier = tierOf(url);
  const [items, evidence] = await Promise.all([listChecklistForAdmin(db(), tier), listEvidenceRequirements(db())]);
  const editId = Number(url.searchParams.get("edit"));
  const done = url.searchParams.get("done");
  return {
    tier,
    tiers: CHECKLIST_TIERS.map((code) => ({ code, nameZh: getTier(code).nameZh, nameEn: getTier(code).nameEn })),
    items,
    editing: items.find((i) => i.id === editId && !i.archivedAt) ?? null,
    evidence,
    done: done && ["add", "update", "move", "archive", "restore", "evidence"].includes(done) ? done : null,
    doneLabel: url.searchParams.get("label")?.slice(0, 100) ?? "",
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const url = new URL(request.url);
  const tierParam = checklistTierSchema.safeParse(url.searchParams.get("tier"));
  const formData = await request.formData();
  if (formData.get("intent") === "evidence") {
    const parsed = parseEvidenceRequirements(lang, formData);
    if (!parsed.ok) return data({ formId: "evidence", result: { status: "error" as const, error: { "": [parsed.error] } } }, { status: 400 });
    const { changed } = await setEvidenceRequirements(db(), user, parsed.value);
    const back = new URLSearchParams({ tier: tierParam.success ? tierParam.data : CHECKLIST_TIERS[0], done: "evidence", label: String(changed.length) });
    return redirect(`/admin/checklists?${back}#evidence-title`, 303);
  }
  const submission = parseWithZod(formData, { schema: checklistActionSchema(lang) });
  const formId = submission.payload.intent === "add" ? "add-item" : "edit-item";
  if (!tierParam.success) {
    return data({ formId, result: submission.reply({ formErrors: [translate(lang, "checklist.error.tier")] }) }, { status: 400 });
  }
  if (submission.status !== "success") return data({ formId, result: submission.reply() }, { status: 400 });

  const tier = tierParam.data;
  const value = submission.value;
  let outcome: ChecklistChange;
  switch (value.intent) {
    case "add":
      outcome = await addChecklistItem(db(), user, tier, value);
      break;
    case "update":
      outcome = await updateChecklistItem(db(), user, tier, value.itemId, value);
      break;
    case "move":
      outcome = await moveChecklistItem(db(), user, tier, value.itemId, value.direction);
      break;
    case "archive":
    case "restore":
      outcome = await setChecklistItemArchived(db(), user, tier, value.itemId, value.intent === "archive");
      break;
  }
  if (!outcome.ok) {
    if (outcome.reason === "code-taken") {
      const code = value.intent === "add" ? value.code : "";
      return data({ formId, result: submission.reply({ fieldErrors: { code: [translate(lang, "checklist.error.codeTaken", { code })] } }) }, { status: 400 });
    }
    return data({ formId, result: submission.reply({ formErrors: [translate(lang, "checklist.error.missing")] }) }, { status: 409 });
  }
  const query = new URLSearchParams({ tier, done: value.intent, label: outcome.label });
  return redirect(`/admin/checklists?${query}`, 303);
}

const col = columnHelper<ChecklistAdminItem & { position: number; last: boolean }>();

export default function ChecklistsPage() {
  const { tier, tiers, items, editing, done, doneLabel, evidence } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const active = items.filter((i) => !i.archivedAt);
  const archived = items.filter((i) => i.archivedAt);
  const label = (i: ChecklistAdminItem) => t.pick({ zh: i.labelZh, en: i.labelEn });
  const tierName = (x: { nameZh: string; nameEn: string }) => t.pick({ zh: x.nameZh, en: x.nameEn });
  const current = tiers.find((x) => x.code === tier)!;

  const activeColumns = [
    col.accessor("position", { header: t("checklist.col.order"), meta: { numeric: true } }),
    col.accessor("code", { header: t("checklist.col.code"), cell: (info) => <code className="checklist-code">{info.getValue()}</code> }),
    col.accessor("labelZh", { header: t("checklist.col.labelZh") }),
    col.accessor("labelEn", { header: t("checklist.col.labelEn") }),
    col.accessor("required", {
      header: t("checklist.col.required"),
      cell: (info) =>
        info.getValue() ? <span className="badge badge--info">{t("checklist.required")}</span> : <span className="badge badge--muted">{t("checklist.optional")}</span>,
    }),
    col.display({
      id: "actions",
      header: t("common.actions"),
      cell: (info) => {
        const item = info.row.original;
        return (
          <div className="checklist-actions">
            <ItemButton
              tier={tier}
              item={item}
              intent="move"
              direction="up"
              disabled={item.position === 1}
              label={t("checklist.moveUp")}
              aria={t("checklist.moveUpLabel", { label: label(item) })}
            />
            <ItemButton
              tier={tier}
              item={item}
              intent="move"
              direction="down"
              disabled={item.last}
              label={t("checklist.moveDown")}
              aria={t("checklist.moveDownLabel", { label: label(item) })}
            />
            <Link className="button button--small" to={`?tier=${tier}&edit=${item.id}#edit-item`} aria-label={t("checklist.editLabel", { label: label(item) })}>
              {t("checklist.edit")}
            </Link>
            <ItemButton tier={tier} item={item} intent="archive" danger label={t("checklist.archive")} aria={t("checklist.archiveLabel", { label: label(item) })} />
          </div>
        );
      },
    }),
  ];
  const archivedColumns = [
    col.accessor("code", { header: t("checklist.col.code"), cell: (info) => <code>{info.getValue()}</code> }),
    col.accessor("labelZh", { header: t("checklist.col.labelZh") }),
    col.accessor("labelEn", { header: t("checklist.col.labelEn") }),
    col.accessor("archivedAt", {
      header: t("checklist.col.status"),
      cell: (info) => <span className="badge badge--muted">{t("checklist.archivedAt", { date: formatDate(info.getValue()) })}</span>,
    }),
    col.display({
      id: "actions",
      header: t("common.actions"),
      cell: (info) => (
        <ItemButton tier={tier} item={info.row.original} intent="restore" label={t("checklist.restore")} aria={t("checklist.restoreLabel", { label: label(info.row.original) })} />
      ),
    }),
  ];

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("checklist.title")}</h1>
          <p className="muted checklist-intro">{t("checklist.intro")}</p>
        </div>
      </div>

      <nav className="tier-tabs" aria-label={t("checklist.tiers")}>
        {tiers.map((x) => (
          <Link key={x.code} to={`?tier=${x.code}`} className="tier-tabs__tab" aria-current={x.code === tier ? "page" : undefined}>
            {tierName(x)}
          </Link>
        ))}
      </nav>

      {done ? (
        <div className="alert alert--ok" role="status">
          {t(`checklist.saved.${done}` as MessageKey, { label: doneLabel })}
        </div>
      ) : null}
      {actionData?.formId !== "add-item" && actionData?.formId !== "edit-item" && actionData?.formId !== "evidence" && actionData?.result.error?.[""] ? (
        <FormAlert errors={actionData.result.error[""]} />
      ) : null}

      <section aria-labelledby="items-title">
        <h2 id="items-title">
          {tierName(current)} · {t("checklist.items")}
        </h2>
        <DataTable
          columns={activeColumns}
          data={active.map((i, n) => ({ ...i, position: n + 1, last: n === active.length - 1 }))}
          getRowId={(r) => String(r.id)}
          empty={t("checklist.none")}
        />
      </section>

      {editing ? (
        <EditItemForm key={editing.id} tier={tier} item={editing} lastResult={actionData?.formId === "edit-item" ? actionData.result : undefined} />
      ) : (
        <AddItemForm tier={tier} lastResult={actionData?.formId === "add-item" ? actionData.result : undefined} />
      )}

      <EvidenceForm tier={tier} evidence={evidence} errors={actionData?.formId === "evidence" ? (actionData.result.error?.[""] ?? undefined) : undefined} />

      {archived.length ? (
        <section aria-labelledby="archived-title">
          <h2 id="archived-title">{t("checklist.archived")}</h2>
          <DataTable columns={archivedColumns} data={archived.map((i) => ({ ...i, position: 0, last: false }))} getRowId={(r) => String(r.id)} />
        </section>
      ) : null}
    </>
  );
}

function ItemButton({
  tier,
  item,
  intent,
  direction,
  label,
  aria,
  disabled,
  danger,
}: {
  tier: string;
  item: { id: number };
  intent: "move" | "archive" | "restore";
  direction?: "up" | "down";
  label: string;
  aria: string;
  disabled?: boolean;
  danger?: boolean;
}) {
  const navigation = useNavigation();
  return (
    <Form method="post" action={`/admin/checklists?tier=${tier}`} className="inline-form">
      <input type="hidden" name="itemId" value={item.id} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <button
        type="submit"
        name="intent"
        value={intent}
        aria-label={aria}
        className={`button button--small${danger ? " button--danger" : ""}`}
        disabled={disabled || navigation.state === "submitting"}
      >
        {label}
      </button>
    </Form>
  );
}

type LastResult = SubmissionResult<string[]> | undefined;

const evidenceCol = columnHelper<{ code: TierCode; nameZh: string; nameEn: string; kinds: readonly string[] }>();

/** Which evidence kinds each tier requires before a firm may submit: one row per tier. */
function EvidenceForm({ tier, evidence, errors }: { tier: string; evidence: Record<TierCode, readonly string[]>; errors?: string[] }) {
  const t = useT();
  const navigation = useNavigation();
  const columns = [
    evidenceCol.accessor("nameZh", { header: t("checklist.evidence.tier"), cell: (info) => t.pick({ zh: info.row.original.nameZh, en: info.row.original.nameEn }) }),
    ...ATTACHMENT_KINDS.filter((k) => k !== "other").map((kind) =>
      evidenceCol.display({
        id: kind,
        header: t(`attachments.kind.${kind}` as MessageKey),
        cell: (info) => {
          const row = info.row.original;
          const tierName = t.pick({ zh: row.nameZh, en: row.nameEn });
          return (
            <input
              type="checkbox"
              name={evidenceFieldName(row.code)}
              value={kind}
              defaultChecked={row.kinds.includes(kind)}
              aria-label={t("checklist.evidence.boxLabel", { tier: tierName, kind: t(`attachments.kind.${kind}` as MessageKey) })}
            />
          );
        },
      }),
    ),
  ];
  return (
    <section className="card evidence-requirements" aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t("checklist.evidence.title")}</h2>
      <p className="muted small">{t("checklist.evidence.intro")}</p>
      {errors?.length ? <FormAlert errors={errors} /> : null}
      <Form method="post" action={`/admin/checklists?tier=${tier}`}>
        <DataTable columns={columns} data={TIERS.map((x) => ({ code: x.code, nameZh: x.nameZh, nameEn: x.nameEn, kinds: evidence[x.code] ?? [] }))} getRowId={(r) => r.code} />
        <div className="form-actions">
          <button type="submit" name="intent" value="evidence" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("checklist.evidence.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function AddItemForm({ tier, lastResult }: { tier: string; lastResult: LastResult }) {
  const t = useT();
  const [form, fields] = useForm({ id: "add-item", lastResult, shouldRevalidate: "onBlur" });
  return (
    <section className="card checklist-form" aria-labelledby="add-item-title">
      <h2 id="add-item-title">{t("checklist.add")}</h2>
      <Form method="post" action={`/admin/checklists?tier=${tier}`} {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="form-grid">
          <TextField label={t("checklist.field.code")} hint={t("checklist.field.codeHint")} field={fields.code} required maxLength={40} autoComplete="off" spellCheck={false} />
          <TextField label={t("checklist.field.labelZh")} field={fields.labelZh} required maxLength={100} />
          <TextField label={t("checklist.field.labelEn")} field={fields.labelEn} required maxLength={200} lang="en" />
        </div>
        <CheckboxField label={t("checklist.field.required")} field={fields.required} />
        <div className="form-actions">
          <button type="submit" name="intent" value="add" className="button button--primary">
            {t("checklist.addButton")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function EditItemForm({ tier, item, lastResult }: { tier: string; item: ChecklistAdminItem; lastResult: LastResult }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "edit-item",
    lastResult,
    shouldRevalidate: "onBlur",
    defaultValue: { labelZh: item.labelZh, labelEn: item.labelEn, required: item.required ? "on" : "" },
  });
  return (
    <section className="card checklist-form" id="edit-item" aria-labelledby="edit-item-title">
      <h2 id="edit-item-title">
        {t("checklist.editLabel", { label: t.pick({ zh: item.labelZh, en: item.labelEn }) })} <code className="small">{item.code}</code>
      </h2>
      <Form method="post" action={`/admin/checklists?tier=${tier}&edit=${item.id}`} {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="itemId" value={item.id} />
        <div className="form-grid">
          {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the editor opens on the user's click on 修改, focus follows it */}
          <TextField label={t("checklist.field.labelZh")} field={fields.labelZh} required maxLength={100} autoFocus />
          <TextField label={t("checklist.field.labelEn")} field={fields.labelEn} required maxLength={200} lang="en" />
        </div>
        <CheckboxField label={t("checklist.field.required")} field={fields.required} />
        <div className="form-actions">
          <button type="submit" name="intent" value="update" className="button button--primary">
            {t("checklist.save")}
          </button>
          <Link to={`?tier=${tier}`} className="button button--ghost">
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "区级工厂评价清单 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
