import { z } from "zod";
import { CHECKLIST_TIERS } from "~/domain/eligibility";
import { evidenceFieldName, isAttachmentKind, type AttachmentKind } from "~/domain/attachments";
import { TIERS, type TierCode } from "~/domain/tiers";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

export const CHECKLIST_CODE = /^[a-z][a-z0-9-]{1,39}$/;
const LABEL_ZH_MAX = 100;
const LABEL_EN_MAX = 200;

/** The forms of /admin/checklists, told apart by `intent`. */
export function checklistActionSchema(lang: Lang) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const labels = {
    labelZh: z
      .string({ error: t("checklist.error.labelZhRequired") })
      .trim()
      .min(1, t("checklist.error.labelZhRequired"))
      .max(LABEL_ZH_MAX, t("checklist.error.tooLong", { max: LABEL_ZH_MAX })),
    labelEn: z
      .string({ error: t("checklist.error.labelEnRequired") })
      .trim()
      .min(1, t("checklist.error.labelEnRequired"))
      .max(LABEL_EN_MAX, t("checklist.error.tooLong", { max: LABEL_EN_MAX })),
    // An unticked checkbox is absent from the form.
    required: z.boolean().optional().default(false),
  };
  const itemId = z
    .number({ error: t("checklist.error.missing") })
    .int()
    .positive(t("checklist.error.missing"));
  return z.discriminatedUnion("intent", [
    z.object({
      intent: z.literal("add"),
      code: z
        .string({ error: t("checklist.error.codeRequired") })
        .trim()
        .min(1, t("checklist.error.codeRequired"))
        .regex(CHECKLIST_CODE, t("checklist.error.codeFormat")),
      ...labels,
    }),
    z.object({ intent: z.literal("update"), itemId, ...labels }),
    z.object({ intent: z.literal("move"), itemId, direction: z.enum(["up", "down"]) }),
    z.object({ intent: z.literal("archive"), itemId }),
    z.object({ intent: z.literal("restore"), itemId }),
  ]);
}

export type ChecklistAction = z.infer<ReturnType<typeof checklistActionSchema>>;

export const checklistTierSchema = z.enum(CHECKLIST_TIERS);

/**
 * The required-evidence form: each tier's ticked kinds (an unticked box is absent, so a tier with
 * none ticked requires nothing). A value that is not a kind is refused, naming the tier's row.
 */
export function parseEvidenceRequirements(lang: Lang, formData: FormData): { ok: true; value: Record<TierCode, AttachmentKind[]> } | { ok: false; error: string } {
  const value = {} as Record<TierCode, AttachmentKind[]>;
  for (const tier of TIERS) {
    const raw = formData.getAll(evidenceFieldName(tier.code));
    if (raw.length > 20 || raw.some((v) => !isAttachmentKind(v))) {
      return { ok: false, error: translate(lang, "checklist.evidence.error.kind", { tier: lang === "en" ? tier.nameEn : tier.nameZh }) };
    }
    value[tier.code] = [...new Set(raw as AttachmentKind[])];
  }
  return { ok: true, value };
}
