import { z } from "zod";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

/** No control characters (C0, C1), bidi or zero-width marks, or markup. */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
const PLAIN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f<>\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]*$/;
// eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f<>\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]*$/;
const PHONE = /^\+?[0-9][0-9 -]{5,22}[0-9]$/;

/** The public objection form of /notices/:id/objection. */
export function objectionSchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z.object({
    application: z.coerce.number({ error: t("objection.error.application") }).int(t("objection.error.application")).positive(t("objection.error.application")).max(Number.MAX_SAFE_INTEGER, t("objection.error.application")),
    name: z.string({ error: t("objection.error.name") }).trim().min(1, t("objection.error.name")).max(50, t("objection.error.name")).regex(ONE_LINE, t("objection.error.chars")),
    phone: z
      .string({ error: t("objection.error.phone") })
      .trim()
      .max(40, t("objection.error.phone"))
      .refine((v) => PHONE.test(v) && v.replace(/\D/g, "").length >= 7 && v.replace(/\D/g, "").length <= 20, t("objection.error.phone")),
    reason: z
      .string({ error: t("objection.error.reason") })
      .trim()
      .min(1, t("objection.error.reason"))
      .max(2000, t("objection.error.reason"))
      .regex(PLAIN, t("objection.error.chars")),
  });
}
