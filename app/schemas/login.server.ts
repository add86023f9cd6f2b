import { z } from "zod";
import { translate, type Lang } from "~/utils/i18n";

export function loginSchema(lang: Lang) {
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
  return z.object({
    username: z
      .string({ error: t("auth.usernameRequired") })
      .trim()
      .min(1, t("auth.usernameRequired"))
      .max(64, t("auth.tooLong")),
    password: z
      .string({ error: t("auth.passwordRequired") })
      .min(1, t("auth.passwordRequired"))
      .max(256, t("auth.tooLong")),
    redirectTo: z.string().max(2000).optional(),
  });
}
