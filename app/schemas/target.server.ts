import { z } from "zod";
import { TIER_CODES, type TierCode } from "~/domain/tiers";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export const TARGET_INTENTS = ["save", "add"] as const;
export const MAX_TARGET = 100_000;

function yearField(lang: Lang) {
  const message = translate(lang, "targets.yearInvalid");
  return z
    .string({ error: message })
    .trim()
    .regex(/^\d{4}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(2000, message).max(2100, message));
}

function countField(lang: Lang) {
  const t = (key: MessageKey) => translate(lang, key);
  return z
    .string({ error: t("targets.countRequired") })
    .trim()
    .regex(/^\d+$/, t("targets.countInvalid"))
    .transform(Number)
    .pipe(z.number().int().max(MAX_TARGET, t("targets.countTooLarge")));
}

/** intent=save: one whole number ≥ 0 per tier, named by the tier code. */
export function saveTargetsSchema(lang: Lang) {
  const counts = Object.fromEntries(TIER_CODES.map((code) => [code, countField(lang)])) as Record<TierCode, ReturnType<typeof countField>>;
  return z.object({ intent: z.literal("save"), year: yearField(lang), ...counts });
}

/** intent=add: a year to open for editing. */
export function addYearSchema(lang: Lang) {
  return z.object({ intent: z.literal("add"), year: yearField(lang) });
}

export const intentSchema = z.enum(TARGET_INTENTS);
