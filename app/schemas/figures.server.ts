import { z } from "zod";
import { FIGURE_FIELDS, checkFigures, emptyFigures, figureFormName, isMoneyKind, type FigureKey, type FigureMessage, type Figures } from "~/domain/figures";
import { formatWan, parseWan } from "~/domain/money";
import { doubtfulFigures } from "~/domain/plausibility";
import { normalizeTypedNumber } from "~/domain/typed-number";
import { translate, type Lang } from "~/utils/i18n";

export { figureFormName };

const COUNT_UNITS = ["人", "名", "项", "件", "个"];
const YEAR_UNITS = ["年"];

export interface FiguresFormValue {
  year: number;
  version: number;
  figures: Figures;
  confirmFigures: boolean;
}

function label(lang: Lang, key: FigureKey): string {
  const f = FIGURE_FIELDS.find((x) => x.key === key)!;
  return lang === "en" ? f.labelEn : f.labelZh;
}

/**
 * One year's figures as typed: money in 万元 (full-width digits, separators and a trailing 万元
 * accepted, as every money field), net profit with a minus sign when a loss, counts as whole
 * numbers with their unit allowed ("120人"). Blank is "not known". Each figure on its own here;
 * the checks between figures (R&D above revenue, …) follow on the parsed values.
 */
export function figuresFormSchema(lang: Lang, years: { min: number; max: number }) {
  const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate(lang, key, vars);
  const text = z.string().max(200, t("fig.err.tooLong")).optional();
  const shape: Record<string, z.ZodTypeAny> = {
    year: z.string({ error: t("fig.err.year") }).regex(/^\d{4}$/, t("fig.err.year")),
    version: z
      .string()
      .regex(/^\d{1,9}$/, t("fig.err.stale"))
      .default("0"),
    confirmFigures: z.string().optional(),
  };
  for (const f of FIGURE_FIELDS) shape[figureFormName(f.key)] = text;
  return z
    .object(shape)
    .superRefine((raw, ctx) => {
      const year = Number(raw.year);
      if (year < years.min || year > years.max) ctx.addIssue({ code: "custom", path: ["year"], message: t("fig.err.yearRange", { min: years.min, max: years.max }) });
    })
    .transform((raw, ctx): FiguresFormValue => {
      const figures = emptyFigures();
      for (const f of FIGURE_FIELDS) {
        const name = figureFormName(f.key);
        const typed = String(raw[name] ?? "").trim();
        if (typed === "") continue;
        const fail = (message: string) => ctx.addIssue({ code: "custom", path: [name], message });
        if (/[\p{Cc}<>]/u.test(typed)) {
          fail(t("fig.err.number", { field: label(lang, f.key) }));
          continue;
        }
        if (isMoneyKind(f.kind)) {
          const negative = f.kind === "signed-money" && /^[-−－]/.test(typed);
          const r = parseWan(negative ? typed.replace(/^[-−－]\s*/, "") : typed);
          if (!r.ok) fail(`${label(lang, f.key)}：${lang === "en" ? r.messageEn : r.message}`);
          else figures[f.key] = negative && r.yuan !== 0 ? -r.yuan : r.yuan;
          continue;
        }
        const n = normalizeTypedNumber(typed, f.kind === "years" ? YEAR_UNITS : COUNT_UNITS);
        if (/^-\d+$/.test(n)) {
          fail(t("fig.err.negative", { field: label(lang, f.key) }));
          continue;
        }
        if (!/^[+]?\d{1,9}$/.test(n)) {
          fail(t("fig.err.int", { field: label(lang, f.key) }));
          continue;
        }
        figures[f.key] = Number(n);
      }
      // Between figures (R&D above revenue, …): the domain's rules, by field.
      for (const e of checkFigures(figures).errors) ctx.addIssue({ code: "custom", path: [figureFormName(e.field)], message: lang === "en" ? e.en : e.zh });
      return { year: Number(raw.year), version: Number(raw.version ?? 0), figures, confirmFigures: raw.confirmFigures === "on" || raw.confirmFigures === "yes" };
    });
}

/** Messages of the domain by form field. */
export function figureMessagesByField(lang: Lang, messages: FigureMessage[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of messages) (out[figureFormName(m.field)] ??= []).push(lang === "en" ? m.en : m.zh);
  return out;
}

/**
 * The doubtful figures the person has not confirmed: an amount about 10,000 times the previous
 * year's reads as 元 typed into a 万元 field (the plausibility rule of the application forms);
 * any figure more than 10 times the previous year's is to be checked. Null when nothing is
 * doubtful or it was confirmed.
 */
export function unconfirmedFigureDoubts(
  lang: Lang,
  figures: Figures,
  previous: { year: number; figures: Figures } | null,
  confirmed: boolean,
): { fieldErrors: Record<string, string[]>; formErrors: string[] } | null {
  if (confirmed || !previous) return null;
  const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate(lang, key, vars);
  const fieldErrors: Record<string, string[]> = {};
  const doubts = doubtfulFigures(
    { revenueYuan: figures.revenueYuan, mainBusinessRevenueYuan: figures.mainBusinessRevenueYuan, rdExpenseYuan: figures.rdExpenseYuan },
    { profile: { revenueYuan: previous.figures.revenueYuan, rdExpenseYuan: previous.figures.rdExpenseYuan }, earlier: null },
  );
  for (const d of doubts) {
    const key = d.key as FigureKey;
    const vars = {
      field: label(lang, key),
      value: formatWan(d.valueYuan, { grouping: true }),
      year: previous.year,
      ref: formatWan(d.reference.yuan, { grouping: true }),
      ratio: d.ratio.toLocaleString("en-US"),
      suggest: formatWan(d.asIfYuan ?? 0, { grouping: true }),
    };
    (fieldErrors[figureFormName(key)] ??= []).push(t(d.kind === "yuan-for-wan" ? "fig.doubt.yuanForWan" : "fig.doubt.tenTimes", vars));
  }
  for (const w of checkFigures(figures, previous.figures).warnings) {
    const name = figureFormName(w.field);
    if (!fieldErrors[name]) fieldErrors[name] = [lang === "en" ? w.en : w.zh];
  }
  const names = Object.keys(fieldErrors);
  if (names.length === 0) return null;
  return {
    fieldErrors: { ...fieldErrors, confirmFigures: [t("fig.doubt.confirmRequired")] },
    formErrors: [t("fig.doubt.summary", { count: names.length })],
  };
}
