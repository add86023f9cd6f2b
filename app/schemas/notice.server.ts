import { z } from "zod";
import { MAX_NOTICE_WORKING_DAYS } from "~/domain/notice";
import { REASON_CODES } from "~/domain/state-machine";
import { TIERS, type TierCode } from "~/domain/tiers";
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
    application: z.coerce
      .number({ error: t("objection.error.application") })
      .int(t("objection.error.application"))
      .positive(t("objection.error.application"))
      .max(Number.MAX_SAFE_INTEGER, t("objection.error.application")),
    name: z
      .string({ error: t("objection.error.name") })
      .trim()
      .min(1, t("objection.error.name"))
      .max(50, t("objection.error.name"))
      .regex(ONE_LINE, t("objection.error.chars")),
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

/** The bureau's proposal of a notice batch (/notices/new). */
export function proposeSchema(lang: Lang, today: string) {
  const t = (key: MessageKey) => translate(lang, key);
  return z.object({
    intent: z.enum(["preview", "confirm"]).default("preview"),
    title: z
      .string({ error: t("propose.error.title") })
      .trim()
      .min(1, t("propose.error.title"))
      .max(200, t("propose.error.title"))
      .regex(ONE_LINE, t("propose.error.title")),
    startsOn: z
      .string({ error: t("propose.error.startsOn") })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, t("propose.error.startsOn"))
      .refine((v) => {
        const d = new Date(`${v}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= today && v <= "2100-12-31";
      }, t("propose.error.startsOn")),
    office: z
      .string({ error: t("propose.error.office") })
      .trim()
      .min(1, t("propose.error.office"))
      .max(200, t("propose.error.office"))
      .regex(ONE_LINE, t("propose.error.office")),
    phone: z
      .string({ error: t("propose.error.phone") })
      .trim()
      .max(40, t("propose.error.phone"))
      .refine((v) => PHONE.test(v) && v.replace(/\D/g, "").length >= 7 && v.replace(/\D/g, "").length <= 20, t("propose.error.phone")),
    // Each ticked application as "id:version" (the version the reviewer saw).
    pick: z
      .array(z.string(), { error: t("propose.error.pick") })
      .min(1, t("propose.error.pick"))
      .max(200, t("propose.error.pick"))
      // Checked on the whole list, so that the message stands by the list, not by one box.
      .refine((list) => list.every((p) => /^[1-9]\d{0,11}:\d{1,9}$/.test(p)), t("propose.error.pick"))
      .transform((list) => [...new Map(list.map((p) => [Number(p.split(":")[0]), Number(p.split(":")[1])])).entries()].map(([id, version]) => ({ id, version }))),
    /** The last day the preview showed; confirming checks it is still the same. */
    endsOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  });
}

/** Resolving an objection on the application page. */
export function resolveObjectionSchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z
    .object({
      intent: z.literal("resolve-objection"),
      objection: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
      version: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      outcome: z.enum(["dismissed", "upheld"], { error: t("objections.error.outcome") }),
      decision: z.enum(["return", "reject"], { error: t("objections.error.decision") }).optional(),
      reasonCode: z.enum(REASON_CODES, { error: t("objections.error.reasonCode") }).optional(),
      resolution: z
        .string({ error: t("objections.error.resolution") })
        .trim()
        .min(1, t("objections.error.resolution"))
        .max(2000, t("objections.error.resolution"))
        .regex(PLAIN, t("objections.error.resolution")),
    })
    .superRefine((v, ctx) => {
      if (v.outcome !== "upheld") return;
      if (!v.decision) ctx.addIssue({ code: "custom", path: ["decision"], message: t("objections.error.decision") });
      if (!v.reasonCode) ctx.addIssue({ code: "custom", path: ["reasonCode"], message: t("objections.error.reasonCode") });
    });
}

/** One row of the notice settings page. */
export function noticeSettingSchema(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z.object({
    tier: z.enum(TIERS.map((x) => x.code) as [TierCode, ...TierCode[]], { error: t("noticeAdmin.error.tier") }),
    enabled: z.preprocess((v) => v === "on" || v === "1" || v === "true", z.boolean()),
    workingDays: z.coerce
      .number({ error: t("noticeAdmin.error.days") })
      .int(t("noticeAdmin.error.days"))
      .min(1, t("noticeAdmin.error.days"))
      .max(MAX_NOTICE_WORKING_DAYS, t("noticeAdmin.error.days")),
  });
}
