import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect, unstable_createMemoryUploadHandler } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useMemo } from "react";
import { DataTable, columnHelper, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CheckboxField, FormAlert, SelectField, TextField } from "~/components/forms";
import { LEVELS, LEVEL_NAMES, TIERS } from "~/domain/tiers";
import type { AwardDefaults } from "~/models/award-import.server";
import { commitAwardImport } from "~/models/award-import.server";
import { commitEnterpriseImport } from "~/models/import.server";
import { commitFiguresImport } from "~/models/figures-import.server";
import { loadImportFile, MAX_IMPORT_BYTES, readStoredSheet, SpreadsheetUnreadable, storeImportFile } from "~/models/import-file.server";
import { loadPreview, type PreviewRowView } from "~/models/import-view.server";
import { importCommitSchema, importUploadSchema } from "~/schemas/import.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { parseMultipartForm } from "~/utils/multipart.server";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const BUREAU = ["reviewer", "admin"] as const;
/** Rows sent to the page; the full list is in the downloadable report. */
const ROWS_SHOWN = 300;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const url = new URL(request.url);
  const id = url.searchParams.get("id") ?? "";
  const done = url.searchParams.get("done");
  const result = {
    done: done ? { kind: url.searchParams.get("kind") ?? "", written: Number(url.searchParams.get("n") ?? 0) } : null,
  };
  if (!id) return { ...result, preview: null, missing: false, unreadable: null };
  const loaded = await loadPreview(db(), id, lang);
  if (!loaded.ok) {
    return { ...result, preview: null, missing: loaded.reason === "missing", unreadable: loaded.reason === "missing" ? null : loaded.reason };
  }
  const show = url.searchParams.get("show") ?? "";
  const { view } = loaded;
  const statuses = new Set(view.rows.map((r) => r.status));
  const filtered = statuses.has(show) ? view.rows.filter((r) => r.status === show) : view.rows;
  return {
    ...result,
    missing: false,
    unreadable: null,
    preview: { ...view, show: statuses.has(show) ? show : "", shownTotal: filtered.length, rows: filtered.slice(0, ROWS_SHOWN) },
  };
}

async function readForm(request: Request): Promise<FormData | null> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("multipart/form-data")) return request.formData();
  try {
    return await parseMultipartForm(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES }));
  } catch {
    return null;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const formData = await readForm(request);
  if (!formData) {
    return data({ intent: "upload", result: { status: "error" as const, error: { file: [t("imp.err.tooLarge")] } } }, { status: 413 });
  }
  if (formData.get("intent") === "commit") {
    const submission = parseWithZod(formData, { schema: importCommitSchema(lang) });
    if (submission.status !== "success") return data({ intent: "commit", result: submission.reply() }, { status: 400 });
    const { id, digest, skipErrors } = submission.value;
    const stored = await loadImportFile(id);
    if (!stored) return data({ intent: "commit", result: submission.reply({ formErrors: [t("imp.err.stale")] }) }, { status: 409 });
    const sheet = await readStoredSheet(stored);
    const file = { fileName: stored.meta.fileName, sha256: stored.meta.sha256 };
    const outcome =
      stored.meta.kind === "figures"
        ? await commitFiguresImport(db(), user, sheet, file, { year: stored.meta.year!, digest, skipErrors, lang })
        : stored.meta.kind === "enterprises"
          ? await commitEnterpriseImport(db(), user, sheet, file, { digest, skipErrors, lang, year: stored.meta.year })
          : await commitAwardImport(db(), user, sheet, file, { digest, lang, defaults: stored.meta.defaults ?? {} });
    if (!outcome.ok) {
      const message = outcome.reason === "conflict" ? t("imp.commit.conflict", { row: outcome.row, name: outcome.name ?? "" }) : t(`imp.commit.${outcome.reason}` as MessageKey);
      const status = outcome.reason === "has-errors" ? 400 : 409;
      return data(
        { intent: "commit", result: submission.reply(outcome.reason === "has-errors" ? { fieldErrors: { skipErrors: [message] } } : { formErrors: [message] }) },
        { status },
      );
    }
    const written = "created" in outcome ? outcome.created : "written" in outcome ? outcome.written : outcome.counts.new + outcome.counts.update;
    return redirect(`/enterprises/import?id=${id}&done=1&kind=${stored.meta.kind}&n=${written}`, 303);
  }

  const submission = parseWithZod(formData, { schema: importUploadSchema(lang) });
  if (submission.status !== "success") return data({ intent: "upload", result: submission.reply() }, { status: 400 });
  const { kind, file, tier, level, year, documentNo, recognizedOn } = submission.value;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const defaults: AwardDefaults | undefined =
    kind === "awards" ? { tier: tier as AwardDefaults["tier"], level, year, documentNo: documentNo || undefined, recognizedOn } : undefined;
  const stored = await storeImportFile(bytes, {
    kind,
    fileName: Array.from(file.name || "upload")
      .slice(0, 200)
      .join(""),
    uploadedBy: user.id,
    uploadedAt: new Date().toISOString(),
    defaults,
    ...(kind !== "awards" && year !== undefined ? { year } : {}),
  });
  try {
    // Parsed once here; preview and confirm read the parsed rows.
    await readStoredSheet({ meta: stored, bytes });
  } catch (error) {
    if (!(error instanceof SpreadsheetUnreadable)) throw error;
    return data({ intent: "upload", result: submission.reply({ fieldErrors: { file: [t(`imp.unreadable.${error.reason}` as MessageKey)] } }) }, { status: 400 });
  }
  return redirect(`/enterprises/import?id=${stored.id}`, 303);
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Preview = NonNullable<LoaderData["preview"]>;

function UploadForm() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm<{ kind: string; file: string; tier: string; level: string; year: string; documentNo: string; recognizedOn: string }>({
    id: "import-upload",
    lastResult: actionData?.intent === "upload" ? (actionData.result as never) : undefined,
    defaultValue: { kind: "enterprises" },
  });
  return (
    <section className="card import-upload" aria-labelledby="upload-title">
      <h2 id="upload-title">{t("imp.upload.title")}</h2>
      <p className="muted">{t("imp.upload.intro")}</p>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="upload" />
        <SelectField
          label={t("imp.upload.kind")}
          field={fields.kind}
          required
          options={[
            { value: "enterprises", label: t("imp.kind.enterprises") },
            { value: "awards", label: t("imp.kind.awards") },
            { value: "figures", label: t("fig.import.kind") },
          ]}
        />
        <div className={`field${fields.file.errors?.length ? " field--invalid" : ""}`}>
          <label htmlFor={fields.file.id} className="field__label">
            {t("imp.upload.file")}
            <span className="field__required" aria-hidden="true">
              {" "}
              *
            </span>
          </label>
          <input
            id={fields.file.id}
            name={fields.file.name}
            type="file"
            className="input"
            accept=".xlsx,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            required
            aria-invalid={fields.file.errors?.length ? true : undefined}
            aria-describedby={`${fields.file.id}-hint${fields.file.errors?.length ? ` ${fields.file.errorId}` : ""}`}
          />
          <p id={`${fields.file.id}-hint`} className="field__hint">
            {t("imp.upload.fileHint")}
          </p>
          {fields.file.errors?.length ? (
            <ul id={fields.file.errorId} className="field__errors">
              {fields.file.errors.map((e: string) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <fieldset className="import-defaults">
          <legend>{t("imp.defaults.legend")}</legend>
          <p className="field__hint">{t("imp.defaults.hint")}</p>
          <div className="import-defaults__grid">
            <SelectField
              label={t("imp.defaults.tier")}
              field={fields.tier}
              placeholder={t("imp.defaults.fromFile")}
              options={TIERS.map((tier) => ({ value: tier.code, label: t.pick({ zh: tier.nameZh, en: tier.nameEn }) }))}
            />
            <SelectField
              label={t("imp.defaults.level")}
              field={fields.level}
              placeholder={t("imp.defaults.fromFile")}
              options={LEVELS.map((l) => ({ value: l, label: t.pick(LEVEL_NAMES[l]) }))}
            />
            <TextField label={t("imp.defaults.year")} field={fields.year} inputMode="numeric" maxLength={4} placeholder="2024" hint={t("fig.import.yearHint")} />
            <TextField label={t("imp.defaults.documentNo")} field={fields.documentNo} maxLength={100} />
            <TextField label={t("imp.defaults.recognizedOn")} field={fields.recognizedOn} type="date" />
          </div>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("imp.upload.submit")}
          </button>
        </div>
      </Form>
      <p className="import-templates">
        {t("imp.templates")}{" "}
        <a href="/enterprises/import-template.xlsx?kind=enterprises" download>
          {t("imp.template.enterprises")}
        </a>
        {" · "}
        <a href="/enterprises/import-template.xlsx?kind=awards" download>
          {t("imp.template.awards")}
        </a>
      </p>
    </section>
  );
}

function useRowColumns(): DataTableColumn<PreviewRowView>[] {
  const t = useT();
  return useMemo(() => {
    const col = columnHelper<PreviewRowView>();
    return [
      col.accessor("row", { header: () => t("imp.col.row"), meta: { numeric: true } }),
      col.accessor("statusLabel", {
        header: () => t("imp.col.status"),
        cell: (c) => <span className={`badge import-badge import-badge--${c.row.original.tone}`}>{c.getValue()}</span>,
      }),
      col.accessor("uscc", { header: () => t("imp.col.uscc"), cell: (c) => <span className="mono">{c.getValue() ?? "—"}</span> }),
      col.accessor("name", { header: () => t("imp.col.name"), cell: (c) => c.getValue() ?? "—" }),
      col.accessor("details", {
        header: () => t("imp.col.details"),
        cell: (c) =>
          (c.getValue() as string[]).length ? (
            <ul className="import-details">
              {(c.getValue() as string[]).map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          ) : (
            <span className="muted">—</span>
          ),
      }),
    ] as DataTableColumn<PreviewRowView>[];
  }, [t]);
}

function PreviewSection({ preview }: { preview: Preview }) {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const columns = useRowColumns();
  const [form, fields] = useForm<{ skipErrors: boolean }>({
    id: "import-commit",
    lastResult: actionData?.intent === "commit" ? (actionData.result as never) : undefined,
  });
  const base = `/enterprises/import?id=${preview.id}`;
  const encoding = preview.format === "xlsx" ? "Excel (.xlsx)" : `CSV · ${preview.encoding === "gbk" ? "GBK" : preview.encoding === "utf-8-bom" ? "UTF-8 (BOM)" : "UTF-8"}`;
  return (
    <>
      <section className="card import-summary" aria-labelledby="preview-title">
        <h2 id="preview-title">
          {t("imp.preview.title", { kind: t(preview.kind === "enterprises" ? "imp.kind.enterprises" : preview.kind === "figures" ? "fig.import.kind" : "imp.kind.awards") })}
        </h2>
        <dl className="import-facts">
          <dt>{t("imp.preview.file")}</dt>
          <dd>
            {preview.fileName}{" "}
            <span className="muted">
              （{encoding}
              {preview.sheetName ? ` · ${t("imp.preview.sheet")}「${preview.sheetName}」` : ""}）
            </span>
          </dd>
          {preview.year ? (
            <>
              <dt>{t("fig.year")}</dt>
              <dd>{t("fig.import.year", { year: preview.year })}</dd>
            </>
          ) : null}
          {preview.headerRow ? (
            <>
              <dt>{t("imp.preview.headerRow")}</dt>
              <dd>{t("imp.preview.headerRowN", { n: preview.headerRow })}</dd>
            </>
          ) : null}
          <dt>{t("imp.preview.columns")}</dt>
          <dd>
            <ul className="import-chips">
              {preview.columns.map((c) => (
                <li key={c.header} title={c.label}>
                  {c.header}
                  {c.header !== c.label ? <span className="muted"> → {c.label}</span> : null}
                </li>
              ))}
            </ul>
          </dd>
          {preview.ignoredColumns.length ? (
            <>
              <dt>{t("imp.preview.ignored")}</dt>
              <dd className="muted">{preview.ignoredColumns.join("、")}</dd>
            </>
          ) : null}
          {preview.defaults && Object.values(preview.defaults).some(Boolean) ? (
            <>
              <dt>{t("imp.defaults.legend")}</dt>
              <dd>
                {[
                  preview.defaults.tier
                    ? t.pick({ zh: TIERS.find((x) => x.code === preview.defaults!.tier)!.nameZh, en: TIERS.find((x) => x.code === preview.defaults!.tier)!.nameEn })
                    : null,
                  preview.defaults.level ? t.pick(LEVEL_NAMES[preview.defaults.level]) : null,
                  preview.defaults.year ? String(preview.defaults.year) : null,
                  preview.defaults.documentNo ?? null,
                  preview.defaults.recognizedOn ?? null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </dd>
            </>
          ) : null}
        </dl>
        {preview.fileErrors.length ? (
          <div className="alert alert--error" role="alert">
            {preview.fileErrors.map((e) => (
              <p key={e}>{e}</p>
            ))}
          </div>
        ) : null}
        <nav aria-label={t("imp.preview.filter")} className="status-counts import-counts">
          <ul>
            <li>
              <Link to={base} className={preview.show === "" ? "is-active" : undefined} aria-current={preview.show === "" ? "true" : undefined}>
                {t("imp.preview.all")} <span className="count">{preview.counts.reduce((n, c) => n + c.n, 0)}</span>
              </Link>
            </li>
            {preview.counts.map((c) => (
              <li key={c.status}>
                <Link
                  to={`${base}&show=${c.status}`}
                  className={`import-count import-count--${c.tone}${preview.show === c.status ? " is-active" : ""}`}
                  aria-current={preview.show === c.status ? "true" : undefined}
                >
                  {c.label} <span className="count">{c.n}</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {preview.blank ? <p className="muted small">{t("imp.preview.blank", { n: preview.blank })}</p> : null}
      </section>

      <section className="card import-confirm" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t("imp.confirm.title")}</h2>
        {preview.writable === 0 ? (
          <>
            <p>{preview.fileErrors.length ? t("imp.confirm.fileErrors") : preview.errors > 0 ? t("imp.confirm.allErrors") : t("imp.confirm.nothing")}</p>
            <p>
              <Link to="/enterprises/import" className="button">
                {t("imp.confirm.another")}
              </Link>
            </p>
          </>
        ) : (
          <Form method="post" {...getFormProps(form)} noValidate>
            <FormAlert id={form.errorId} errors={form.errors} />
            <input type="hidden" name="intent" value="commit" />
            <input type="hidden" name="id" value={preview.id} />
            <input type="hidden" name="digest" value={preview.digest} />
            <p>
              {preview.kind === "enterprises"
                ? t("imp.confirm.enterprises", { new: preview.counts[0]!.n, update: preview.counts[1]!.n })
                : preview.kind === "figures"
                  ? t("fig.import.confirm", { year: preview.year ?? "", new: preview.counts[0]!.n, update: preview.counts[1]!.n })
                  : t("imp.confirm.awards", { n: preview.writable })}
            </p>
            {preview.errors > 0 ? <CheckboxField field={fields.skipErrors} label={t("imp.confirm.skipErrors", { n: preview.errors })} /> : null}
            <p className="muted small">{t("imp.confirm.atomic")}</p>
            <div className="form-actions">
              <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
                {t("imp.confirm.submit")}
              </button>
              <Link to="/enterprises/import" className="button">
                {t("imp.confirm.another")}
              </Link>
            </div>
          </Form>
        )}
        <p>
          <a href={`/enterprises/import-report.xlsx?id=${preview.id}`} download>
            {t("imp.report.download")}
          </a>
        </p>
      </section>

      <DataTable
        columns={columns}
        data={preview.rows}
        getRowId={(r) => String(r.row)}
        caption={t("imp.preview.caption", { shown: preview.rows.length, total: preview.shownTotal })}
        empty={t("imp.preview.empty")}
      />
      {preview.shownTotal > preview.rows.length ? <p className="muted small">{t("imp.preview.more", { n: preview.shownTotal - preview.rows.length })}</p> : null}
    </>
  );
}

export default function ImportPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section aria-labelledby="import-title" className="import-page">
      <div className="page-head">
        <h1 id="import-title">{t("imp.title")}</h1>
        <div className="page-head__actions">
          <Link to="/enterprises" className="button">
            {t("imp.back")}
          </Link>
        </div>
      </div>
      {d.done ? (
        <div className="alert alert--ok" role="status">
          {d.done.kind === "awards"
            ? t("imp.done.awards", { n: d.done.written })
            : d.done.kind === "figures"
              ? t("fig.import.done", { n: d.done.written })
              : t("imp.done.enterprises", { n: d.done.written })}
        </div>
      ) : null}
      {d.missing ? (
        <div className="alert alert--error" role="alert">
          {t("imp.err.stale")}
        </div>
      ) : null}
      {d.unreadable ? (
        <div className="alert alert--error" role="alert">
          {t(`imp.unreadable.${d.unreadable}` as MessageKey)}
        </div>
      ) : null}
      {d.preview ? <PreviewSection preview={d.preview} /> : <UploadForm />}
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: "批量导入 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
