import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TierSettings } from "~/components/tier-settings";
import { getTier, TIERS } from "~/domain/tiers";
import { loadTierValidity, updateTierValidity } from "~/models/validity.server";
import { parseValidityForm } from "~/schemas/validity.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const BUREAU = ["reviewer", "admin"] as const;

/** /admin/validity — each tier's validity (months; empty: does not lapse) and renewal window. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: BUREAU });
  const v = await loadTierValidity(db());
  return { rows: TIERS.map((tier) => v.get(tier.code)!) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const parsed = parseValidityForm(await request.formData(), lang);
  if (!parsed.ok) return data({ ok: false as const, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  await updateTierValidity(db(), user, parsed.value);
  const tier = getTier(parsed.value.tierCode);
  return { ok: true as const, message: translate(lang, "val.settings.saved", { tier: lang === "en" ? tier.nameEn : tier.nameZh }), tier: tier.code };
}

export default function ValiditySettingsPage() {
  const { rows } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const failed = result && !result.ok ? result : null;
  const mineOf = (tierCode: string) => (failed && failed.values.tier === tierCode ? failed : null);
  return (
    <TierSettings
      title={t("val.settings.title")}
      intro={t("val.settings.intro")}
      saved={result?.ok ? result.message : null}
      rows={rows}
      heads={[t("val.tier"), t("val.settings.months"), t("val.settings.before"), t("val.settings.after")]}
      formIdPrefix="validity"
      rowKey={(r) => `${r.tierCode}-${mineOf(r.tierCode) ? "e" : "v"}-${r.validityMonths}-${r.renewBeforeDays}-${r.renewAfterDays}`}
      saveLabel={t("val.settings.save")}
      cells={(r, formId) => {
        const mine = mineOf(r.tierCode);
        const cell = (k: "months" | "before" | "after", fallback: string, placeholder?: string) => (
          <td>
            <input
              form={formId}
              name={k}
              inputMode="numeric"
              size={5}
              aria-label={t(`val.settings.${k}`)}
              placeholder={placeholder}
              defaultValue={mine ? mine.values[k] : fallback}
              aria-invalid={mine?.fieldErrors[k] ? true : undefined}
            />
            {mine?.fieldErrors[k] ? (
              <span className="field-error" id={`${formId}-${k}-error`} role="alert">
                {mine.fieldErrors[k]}
              </span>
            ) : null}
          </td>
        );
        return (
          <>
            {cell("months", r.validityMonths === null ? "" : String(r.validityMonths), t("val.settings.noLapse"))}
            {cell("before", String(r.renewBeforeDays))}
            {cell("after", String(r.renewAfterDays))}
          </>
        );
      }}
    />
  );
}

export const meta: MetaFunction = () => [{ title: "认定有效期设置 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
