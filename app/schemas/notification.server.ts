import { z } from "zod";
import { isValidIsoDate } from "~/domain/dates";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

/** A plausible address: one @, no spaces or control characters, a dot in the domain. */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
const EMAIL = /^[^\s@<>"()\\,;:\u0000-\u001f\u007f]+@[^\s@<>"()\\,;:\u0000-\u001f\u007f]+\.[^\s@<>"()\\,;:\u0000-\u001f\u007f]+$/;

/** The forms of /notifications, told apart by `intent`. */
export function notificationActionSchema(lang: Lang) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  return z.discriminatedUnion(
    "intent",
    [
      z.object({
        intent: z.literal("read"),
        id: z
          .number({ error: t("notifications.error.missing") })
          .int()
          .positive(t("notifications.error.missing"))
          .max(Number.MAX_SAFE_INTEGER),
      }),
      z.object({ intent: z.literal("readAll") }),
      z.object({
        intent: z.literal("settings"),
        email: z.string().trim().max(254, t("notifications.error.emailTooLong")).regex(EMAIL, t("notifications.error.email")).optional(),
        mode: z.enum(["immediate", "digest", "off"], { error: t("notifications.error.mode") }),
      }),
    ],
    { error: t("notifications.error.intent") },
  );
}

// eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
const NAME_CHARS = /^[^\u0000-\u001f\u007f-\u009f<>\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]*$/;

/** The forms of /admin/calendar. */
export function calendarActionSchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  const date = z
    .string({ error: t("calendar.error.date") })
    .trim()
    .refine(isValidIsoDate, t("calendar.error.date"));
  return z.discriminatedUnion(
    "intent",
    [
      z.object({
        intent: z.literal("add"),
        date,
        kind: z.enum(["holiday", "workday"], { error: t("calendar.error.kind") }),
        nameZh: z
          .string({ error: t("calendar.error.nameZh") })
          .trim()
          .min(1, t("calendar.error.nameZh"))
          .max(40, t("calendar.error.nameZh"))
          .regex(NAME_CHARS, t("calendar.error.nameChars")),
        nameEn: z
          .string({ error: t("calendar.error.nameEn") })
          .trim()
          .min(1, t("calendar.error.nameEn"))
          .max(80, t("calendar.error.nameEn"))
          .regex(NAME_CHARS, t("calendar.error.nameChars")),
      }),
      z.object({ intent: z.literal("remove"), date }),
    ],
    { error: t("notifications.error.intent") },
  );
}
