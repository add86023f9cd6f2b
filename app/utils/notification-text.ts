import { getTier, isTierCode } from "~/domain/tiers";
import { translate, type Lang, type MessageKey } from "./i18n";

export type NotificationParams = Record<string, string | number>;

/** The sentence a notification shows, in the reader's language, from its kind and parameters. */
export function notificationTitle(lang: Lang, kind: string, params: NotificationParams): string {
  const key = `notify.${kind}` as MessageKey;
  const vars: NotificationParams = { ...params };
  const tier = typeof params.tierCode === "string" && isTierCode(params.tierCode) ? getTier(params.tierCode) : null;
  if (tier) vars.tier = lang === "en" ? tier.nameEn : tier.nameZh;
  if (!(key in NOTIFY_KEYS)) return translate(lang, "notify.unknown");
  return translate(lang, key, vars);
}

const NOTIFY_KEYS: Record<string, true> = {
  "notify.application.returned": true,
  "notify.application.approved": true,
  "notify.application.rejected": true,
  "notify.application.submitted": true,
  "notify.application.resubmitted": true,
  "notify.queue.overdue": true,
  "notify.figures.due": true,
  "notify.notice.objection": true,
  "notify.notice.closed": true,
  "notify.award.expiring": true,
};
