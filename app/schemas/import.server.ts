import { z } from "zod";
import { isValidIsoDate } from "~/domain/dates";
import { REASON_CODES } from "~/domain/state-machine";
import { LEVELS, isTierCode } from "~/domain/tiers";
import { enterpriseCreateSchema } from "~/schemas/enterprise.server";
import { translate, type Lang } from "~/utils/i18n";

/**
 * One spreadsheet row of the enterprise import, checked by the enterprise form's own rules:
 * every field optional except what the importer always passes (credit code and name), so a
 * list without phones or figures still imports.
 */
export function enterpriseImportRowSchema(lang: Lang, reference: { towns: readonly string[]; industries: readonly string[] }) {
  return enterpriseCreateSchema(lang, reference).partial();
}

const HEX64 = /^[0-9a-f]{64}$/;

function optionalText(max: number, message: string) {
  return z
    .string()
    .trim()
    .max(max, message)
    .refine((v) => !/[<>\p{Cc}]/u.test(v), message)
    .optional();
}

/** The upload form: the file, what it is, and for a recognition list the batch's common values. */
export function importUploadSchema(lang: Lang) {
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
  return z
    .object({
      intent: z.literal("upload"),
      kind: z.enum(["enterprises", "awards", "figures"], { error: t("imp.err.kind") }),
      file: z.custom<File>((v) => v instanceof File && v.size > 0, { error: t("imp.err.noFile") }),
      tier: z
        .string()
        .optional()
        .refine((v) => v === undefined || isTierCode(v), t("imp.err.tierUnknown")),
      level: z.enum(LEVELS, { error: t("imp.err.levelUnknown") }).optional(),
      year: z
        .string()
        .regex(/^\d{4}$/, t("imp.err.year"))
        .transform(Number)
        .refine((y) => y >= 2000 && y <= 2100, t("imp.err.year"))
        .optional(),
      documentNo: optionalText(100, t("imp.err.documentNo")),
      recognizedOn: z.string().refine(isValidIsoDate, t("imp.err.dateField")).optional(),
    })
    .superRefine((v, ctx) => {
      // A figures sheet is of one year, which the sheet itself does not say.
      if (v.kind === "figures" && v.year === undefined) ctx.addIssue({ code: "custom", path: ["year"], message: t("fig.import.yearRequired") });
    });
}

export function importCommitSchema(lang: Lang) {
  const stale = translate(lang, "imp.err.stale");
  return z.object({
    intent: z.literal("commit"),
    id: z.string().regex(HEX64, stale),
    digest: z.string().regex(HEX64, stale),
    skipErrors: z
      .boolean()
      .optional()
      .transform((v) => v ?? false),
  });
}

/** The bulk decision form; `items` ("id:version") are present once the preview was shown. */
export function bulkDecisionSchema(lang: Lang) {
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
  return z
    .object({
      intent: z.enum(["preview", "confirm"]),
      decision: z.enum(["approve", "return"], { error: t("bulk.err.decision") }),
      id: z
        .array(
          z
            .string()
            .regex(/^\d{1,12}$/)
            .transform(Number),
        )
        .max(500, t("bulk.err.tooMany"))
        .optional()
        .transform((ids) => [...new Set(ids ?? [])]),
      items: z
        .array(z.string().regex(/^\d{1,12}:\d{1,9}$/))
        .optional()
        .transform((items) => (items ?? []).map((s) => ({ id: Number(s.split(":")[0]), version: Number(s.split(":")[1]) }))),
      level: z.enum(LEVELS, { error: t("bulk.err.level") }).optional(),
      recognizedOn: z.string().refine(isValidIsoDate, t("bulk.err.dateInvalid")).optional(),
      documentNo: optionalText(100, t("imp.err.documentNo")),
      reasonCode: z.enum(REASON_CODES, { error: t("bulk.err.reason") }).optional(),
      comment: optionalText(2000, t("bulk.err.comment")),
    })
    .superRefine((v, ctx) => {
      if (v.id.length === 0) ctx.addIssue({ code: "custom", path: ["id"], message: t("bulk.err.none") });
      if (v.decision === "approve") {
        if (!v.level) ctx.addIssue({ code: "custom", path: ["level"], message: t("bulk.err.level") });
        if (!v.recognizedOn) ctx.addIssue({ code: "custom", path: ["recognizedOn"], message: t("bulk.err.date") });
        if (!v.documentNo) ctx.addIssue({ code: "custom", path: ["documentNo"], message: t("bulk.err.documentNo") });
      } else {
        if (!v.reasonCode) ctx.addIssue({ code: "custom", path: ["reasonCode"], message: t("bulk.err.reason") });
        if (!v.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: t("bulk.err.comment") });
      }
    });
}
