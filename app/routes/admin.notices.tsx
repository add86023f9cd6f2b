import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
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
  return (
    <div>
      <h1>{t("noticeAdmin.title")}</h1>
      <p className="muted">{t("noticeAdmin.intro")}</p>
      {result?.ok ? (
        <p className="alert alert--success" role="status">
          {result.message}
        </p>
      ) : null}
      {failed && !rows.some((r) => r.tierCode === failed.tier) ? (
        <p className="alert alert--error" role="alert">
          {failed.error}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("propose.col.tier")}</th>
              <th scope="col">{t("noticeAdmin.enabled")}</th>
              <th scope="col">{t("noticeAdmin.days")}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const tier = getTier(r.tierCode);
              const mine = failed && failed.tier === r.tierCode ? failed : null;
              const formId = `notice-${r.tierCode}`;
              const name = t.pick({ zh: tier.nameZh, en: tier.nameEn });
              return (
                <tr key={`${r.tierCode}-${mine ? "e" : "v"}-${r.enabled}-${r.workingDays}`}>
                  <th scope="row">{name}</th>
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
                  <td>
                    <Form method="post" id={formId}>
                      <input type="hidden" name="tier" value={r.tierCode} />
                      <button type="submit" aria-label={`${t("noticeAdmin.save")} ${name}`}>
                        {t("noticeAdmin.save")}
                      </button>
                    </Form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "公示设置 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
