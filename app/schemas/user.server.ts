import { z } from "zod";
import { checkPassword, PASSWORD_MESSAGES } from "~/domain/password";
import { ROLES } from "~/domain/state-machine";
import { validateUscc } from "~/domain/uscc";
import { pick, translate, type Lang, type MessageKey } from "~/utils/i18n";

function fieldsFor(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return {
    displayName: z
      .string({ error: t("users.displayNameRequired") })
      .trim()
      .min(1, t("users.displayNameRequired"))
      .max(50, t("users.displayNameTooLong")),
    role: z.enum(ROLES, { error: t("users.roleRequired") }),
    enterpriseUscc: z.string().trim().max(40).optional(),
    townCode: z.string().trim().max(40).optional(),
  };
}

const ALWAYS = { when: () => true };

/** Role bindings: an enterprise user needs a firm, a town officer a town (a CHECK in the users table too). */
function checkBinding(lang: Lang) {
  return (value: { role?: string; enterpriseUscc?: string; townCode?: string }, ctx: z.RefinementCtx) => {
    if (value.role === "enterprise") {
      if (!value.enterpriseUscc) {
        ctx.addIssue({ code: "custom", path: ["enterpriseUscc"], message: translate(lang, "users.enterpriseRequired") });
      } else {
        const checked = validateUscc(value.enterpriseUscc);
        if (!checked.ok) {
          ctx.addIssue({ code: "custom", path: ["enterpriseUscc"], message: lang === "en" ? checked.messageEn : checked.message });
        }
      }
    }
    if (value.role === "town_officer" && !value.townCode) {
      ctx.addIssue({ code: "custom", path: ["townCode"], message: translate(lang, "users.townRequired") });
    }
  };
}

export function passwordField(lang: Lang, usernameOf: () => string = () => "") {
  return z.string({ error: pick(lang, PASSWORD_MESSAGES["too-short"]) }).superRefine((pw, ctx) => {
    const problem = checkPassword(pw, usernameOf());
    if (problem) ctx.addIssue({ code: "custom", message: pick(lang, PASSWORD_MESSAGES[problem]) });
  });
}

export function createUserSchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return (
    z
      .object({
        username: z
          .string({ error: t("users.usernameRequired") })
          .trim()
          .regex(/^[A-Za-z0-9_-]{3,32}$/, t("users.usernameFormat")),
        ...fieldsFor(lang),
        password: z.string({ error: pick(lang, PASSWORD_MESSAGES["too-short"]) }),
      })
      // `when: always` so every problem is named in one answer, not only after the fields parse.
      .superRefine(checkBinding(lang), ALWAYS)
      .superRefine((value, ctx) => {
        if (typeof value.password !== "string") return;
        const problem = checkPassword(value.password, typeof value.username === "string" ? value.username : "");
        if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: pick(lang, PASSWORD_MESSAGES[problem]) });
      }, ALWAYS)
  );
}

export function userIntentSchema(lang: Lang) {
  return z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("update"), ...fieldsFor(lang) }).superRefine(checkBinding(lang), ALWAYS),
    z.object({ intent: z.literal("disable") }),
    z.object({ intent: z.literal("enable") }),
    z.object({ intent: z.literal("reset-password"), password: z.string({ error: pick(lang, PASSWORD_MESSAGES["too-short"]) }) }),
  ]);
}

export function changePasswordSchema(lang: Lang, username: string) {
  const t = (key: MessageKey) => translate(lang, key);
  return z
    .object({
      currentPassword: z.string({ error: t("account.currentWrong") }).max(256),
      newPassword: passwordField(lang, () => username),
      confirmPassword: z.string({ error: t("account.mismatch") }),
    })
    .superRefine((value, ctx) => {
      if (typeof value.confirmPassword === "string" && value.newPassword !== value.confirmPassword) {
        ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: t("account.mismatch") });
      }
      if (value.newPassword === value.currentPassword) {
        ctx.addIssue({ code: "custom", path: ["newPassword"], message: t("account.sameAsOld") });
      }
    }, ALWAYS);
}
