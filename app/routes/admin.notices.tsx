import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TierSettings } from "~/components/tier-settings";
import { getTier } from "~/domain/tiers";
import { listNoticeSettings, setNoticeSetting } from "~/models/notice.server";
import { noticeSettingSchema } from "~/schemas/notice.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { langFromCookieHeader, translate } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const BUREAU = ["reviewer", "admin"] as const;

/** /admin/notices — per tier: public notice before recognition (on/off) and its working days. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { roles: BUREAU });
  return { rows: await listNoticeSettings(db()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { roles: BUREAU });
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const form = await request.formData();
  const submission = parseWithZod(form, { schema: noticeSettingSchema(lang) });
  if (submission.status !== "success") {
    const errors = submission.error ?? {};
    return data(
      {
        ok: false as const,
        tier: String(form.get("tier") ?? ""),
        days: String(form.get("workingDays") ?? "").slice(0, 20),
        enabled: form.get("enabled") === "on",
        error: (errors.workingDays ?? errors.tier ?? errors.enabled ?? [translate(lang, "noticeAdmin.error.days")])[0]!,
      },
      { status: 400 },
    );
  }
  const v = submission.value;
  await setNoticeSetting(db(), user, { tierCode: v.tier, enabled: v.enabled, workingDays: v.workingDays });
  const tier = getTier(v.tier);
  return { ok: true as const, tier: v.tier, message: translate(lang, "noticeAdmin.saved", { tier: lang === "en" ? tier.nameEn : tier.nameZh }) };
}

export default function NoticeSettingsPage() {
  const { rows } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const failed = result && !result.ok ? result : null;
  const mineOf = (tierCode: string) => (failed && failed.tier === tierCode ? failed : null);
  return (
    <TierSettings
      title={t("noticeAdmin.title")}
      intro={t("noticeAdmin.intro")}
      saved={result?.ok ? result.message : null}
      alert={
        failed && !rows.some((r) => r.tierCode === failed.tier) ? (
          <p className="alert alert--error" role="alert">
            {failed.error}
          </p>
        ) : null
      }
      scroll
      rows={rows}
      heads={[t("propose.col.tier"), t("noticeAdmin.enabled"), t("noticeAdmin.days")]}
      formIdPrefix="notice"
      rowKey={(r) => `${r.tierCode}-${mineOf(r.tierCode) ? "e" : "v"}-${r.enabled}-${r.workingDays}`}
      saveLabel={t("noticeAdmin.save")}
      saveAriaLabel={(name) => `${t("noticeAdmin.save")} ${name}`}
      cells={(r, formId, name) => {
        const mine = mineOf(r.tierCode);
        return (
          <>
            <td>
              <input form={formId} type="checkbox" name="enabled" aria-label={`${name} ${t("noticeAdmin.enabled")}`} defaultChecked={mine ? mine.enabled : r.enabled} />
            </td>
            <td>
              <input
                form={formId}
                name="workingDays"
                inputMode="numeric"
                size={4}
                maxLength={20}
                aria-label={`${name} ${t("noticeAdmin.days")}`}
                defaultValue={mine ? mine.days : String(r.workingDays)}
                aria-invalid={mine ? true : undefined}
                aria-describedby={mine ? `${formId}-error` : undefined}
              />
              {mine ? (
                <span className="field-error" id={`${formId}-error`} role="alert">
                  {mine.error}
                </span>
              ) : null}
            </td>
          </>
        );
      }}
    />
  );
}

export const meta: MetaFunction = () => [{ title: "公示设置 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
