import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormAlert, TextField } from "~/components/forms";
import { TIER_CODES, TIERS, type TierCode } from "~/domain/tiers";
import { listTargets, loadTownSplit, saveTargets, saveTownTargets, type YearTargets } from "~/models/target.server";
import { listTownCodes } from "~/models/reference.server";
import { TownSplitSection } from "~/components/town-split";
import { splitSchema } from "~/schemas/pool.server";
import { parseYearParam } from "~/schemas/progress.server";
import { addYearSchema, intentSchema, saveTargetsSchema } from "~/schemas/target.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { langFromCookieHeader, translate, type MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const EDITORS = ["reviewer", "admin"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: EDITORS });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const params = new URL(request.url).searchParams;
  const parsed = parseYearParam(params.get("year"), lang);
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  const years = await listTargets(db());
  const year = parsed.year ?? years[0]?.year ?? new Date().getUTCFullYear();
  const current = years.find((y) => y.year === year) ?? null;
  // A year without targets is prefilled from the nearest earlier year (else the latest one).
  const source = current ? null : (years.find((y) => y.year < year) ?? years[0] ?? null);
  const saved = params.get("saved");
  const tierParam = params.get("tier");
  const splitTier: TierCode = (TIER_CODES as readonly string[]).includes(tierParam ?? "") ? (tierParam as TierCode) : TIER_CODES[0];
  const splitSaved = params.get("splitSaved");
  return {
    split: await loadTownSplit(db(), year),
    splitTier,
    splitSaved: splitSaved !== null && /^\d+$/.test(splitSaved) ? Number(splitSaved) : null,
    years,
    year,
    counts: current?.counts ?? source?.counts ?? {},
    isNew: current === null,
    prefilledFrom: source?.year ?? null,
    saved: saved !== null && /^\d+$/.test(saved) ? Number(saved) : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: EDITORS });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const formData = await request.formData();
  if (formData.get("intent") === "split") {
    const submission = parseWithZod(formData, { schema: splitSchema(lang, await listTownCodes(db())) });
    if (submission.status !== "success") {
      return data({ intent: "split" as const, result: submission.reply(), message: null }, { status: 400 });
    }
    const { year, tier, towns: counts } = submission.value;
    const given = Object.fromEntries(Object.entries(counts ?? {}).filter((e): e is [string, number] => e[1] !== null));
    const changes = await saveTownTargets(db(), user, year, tier, given);
    return redirect(`/targets?year=${year}&tier=${tier}&splitSaved=${changes.length}#split`);
  }
  const intent = intentSchema.safeParse(formData.get("intent"));
  if (!intent.success) {
    return data({ intent: null, result: null, message: translate(lang, "error.400.title") }, { status: 400 });
  }
  if (intent.data === "add") {
    const submission = parseWithZod(formData, { schema: addYearSchema(lang) });
    if (submission.status !== "success") {
      return data({ intent: "add" as const, result: submission.reply(), message: null }, { status: 400 });
    }
    return redirect(`/targets?year=${submission.value.year}`);
  }
  const submission = parseWithZod(formData, { schema: saveTargetsSchema(lang) });
  if (submission.status !== "success") {
    return data({ intent: "save" as const, result: submission.reply(), message: null }, { status: 400 });
  }
  const { year, intent: _intent, ...counts } = submission.value;
  const changes = await saveTargets(db(), user, year, counts as Record<TierCode, number>);
  return redirect(`/targets?year=${year}&saved=${changes.length}`);
}

function TargetsTable({ years, selected }: { years: YearTargets[]; selected: number }) {
  const t = useT();
  const col = columnHelper<YearTargets>();
  const columns: DataTableColumn<YearTargets>[] = [
    col.accessor("year", {
      header: t("targets.year"),
      cell: (info) => (info.getValue() === selected ? <strong>{info.getValue()}</strong> : info.getValue()),
    }),
    ...TIERS.map((tier) =>
      col.display({
        id: tier.code,
        header: t(`progress.short.${tier.code}` as MessageKey),
        meta: { numeric: true },
        cell: (info) => info.row.original.counts[tier.code] ?? "—",
      }),
    ),
    col.accessor("updatedAt", {
      header: t("targets.updatedAt"),
      cell: (info) => (
        <span className="small">
          {formatDateTime(info.getValue())}
          {info.row.original.updatedBy ? ` · ${info.row.original.updatedBy}` : ""}
        </span>
      ),
    }),
    col.display({
      id: "edit",
      header: t("common.actions"),
      cell: (info) => (
        <Link to={`?year=${info.row.original.year}`} aria-label={t("targets.edit", { year: info.row.original.year })}>
          {t("targets.editLink")}
        </Link>
      ),
    }),
  ];
  return <DataTable columns={columns} data={years} getRowId={(r) => String(r.year)} caption={t("targets.title")} empty={t("targets.none")} />;
}

function EditForm() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const defaults: Record<string, string> = { year: String(loaderData.year) };
  for (const code of TIER_CODES) {
    const n = loaderData.counts[code];
    if (n !== undefined) defaults[code] = String(n);
  }
  const [form, fields] = useForm({
    id: `targets-save-${loaderData.year}`,
    lastResult: actionData?.intent === "save" ? actionData.result : undefined,
    defaultValue: defaults,
    shouldRevalidate: "onInput",
  });
  const titleId = "targets-edit-title";
  return (
    <section className="card dash-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{t("targets.edit", { year: loaderData.year })}</h2>
      {loaderData.isNew ? (
        <p className="alert alert--info">
          {loaderData.prefilledFrom !== null ? t("targets.prefilled", { year: loaderData.year, from: loaderData.prefilledFrom }) : t("targets.emptyNew", { year: loaderData.year })}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} noValidate>
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="year" value={loaderData.year} />
        <FormAlert errors={fields.year.errors} />
        <div className="targets-grid">
          {TIERS.map((tier) => (
            <TextField
              key={tier.code}
              label={t.pick({ zh: tier.nameZh, en: tier.nameEn })}
              field={fields[tier.code]}
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              required
              hint={t.pick({ zh: tier.countingRuleZh, en: tier.countingRuleEn })}
            />
          ))}
        </div>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("common.save")}
          </button>
          <Link to={`/dashboard?year=${loaderData.year}`} className="button">
            {t("progress.backToDashboard")}
          </Link>
        </div>
      </Form>
    </section>
  );
}

function AddYearForm() {
  const actionData = useActionData<typeof action>();
  const t = useT();
  const [form, fields] = useForm({
    id: "targets-add",
    lastResult: actionData?.intent === "add" ? actionData.result : undefined,
    shouldRevalidate: "onInput",
  });
  return (
    <section className="card dash-section" aria-labelledby="targets-add-title">
      <h2 id="targets-add-title">{t("targets.newYear")}</h2>
      <Form method="post" {...getFormProps(form)} noValidate className="year-add">
        <input type="hidden" name="intent" value="add" />
        <TextField label={t("targets.year")} field={fields.year} type="number" inputMode="numeric" min={2000} max={2100} required hint={t("targets.newYearHint")} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t("targets.add")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export default function TargetsPage() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t("targets.title")}</h1>
          <p className="muted">{t("targets.intro")}</p>
        </div>
      </div>
      {loaderData.saved !== null ? (
        <div className="alert alert--ok" role="status">
          {loaderData.saved > 0 ? t("targets.saved", { year: loaderData.year, n: loaderData.saved }) : t("targets.savedNone", { year: loaderData.year })}
        </div>
      ) : null}
      {actionData?.message ? <FormAlert errors={[actionData.message]} /> : null}
      <TargetsTable years={loaderData.years} selected={loaderData.year} />
      <div className="targets-forms">
        <EditForm key={loaderData.year} />
        <AddYearForm />
      </div>
      <TownSplitSection
        key={`${loaderData.year}-${loaderData.splitTier}`}
        split={loaderData.split}
        tier={loaderData.splitTier}
        saved={loaderData.splitSaved}
        lastResult={actionData?.intent === "split" ? actionData.result : undefined}
      />
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "年度目标 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
