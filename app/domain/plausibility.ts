/**
 * Plausibility of the money an application states, against what the registry already knows of
 * the firm: its profile (上年营业收入, 上年研发费用) and its application of an earlier year. An
 * amount 10 times or more above what it is compared with is doubtful; about 10,000 times is the
 * mark of a figure typed in 元 into a 万元 field (68,350,000 for 6,835 万元). The firm must
 * confirm a doubtful figure before it submits. Pure: the caller loads the references.
 */
import { YUAN_PER_WAN } from "./money";

export interface FirmFigures {
  /** The profile's 上年营业收入 and 上年研发费用, integer yuan; null when not kept. */
  profile: { revenueYuan: number | null; rdExpenseYuan: number | null };
  /** The firm's latest application of an earlier year: its year and stated figures. */
  earlier: { year: number; revenueYuan: number | null; rdExpenseYuan: number | null } | null;
}

export type DoubtKind = "yuan-for-wan" | "ten-times";

export interface DoubtfulFigure {
  /** The payload key of the figure (revenueYuan, rdExpenseYuan, …). */
  key: string;
  valueYuan: number;
  /** What it was compared with. */
  reference: { source: "profile" | "earlier"; field: "revenue" | "rdExpense"; yuan: number; year?: number };
  /** value / reference, rounded to a whole number. */
  ratio: number;
  kind: DoubtKind;
  /** For "yuan-for-wan": the amount in yuan had the typed number been 元 (what 万元 would read). */
  asIfYuan?: number;
}

/** Which reference each money field of the forms is compared with. */
const COMPARED: Record<string, "revenue" | "rdExpense"> = {
  revenueYuan: "revenue",
  mainBusinessRevenueYuan: "revenue",
  revenuePrevYuan: "revenue",
  priorYearRevenueYuan: "revenue",
  ytdRevenueYuan: "revenue",
  rdExpenseYuan: "rdExpense",
  rdExpensePrevYuan: "rdExpense",
};

/** 10× or more above the reference is doubtful. */
export const DOUBT_RATIO = 10;
/** Between these ratios the figure reads as 元 typed for 万元 (10,000×, give or take a year's change). */
const YUAN_FOR_WAN = [2_000, 50_000] as const;

/**
 * The doubtful money figures of a payload, one per figure (compared with the profile first, else
 * with the earlier application). Figures of 0 or not given, and references of 0, are not judged.
 */
export function doubtfulFigures(payload: Record<string, unknown>, firm: FirmFigures): DoubtfulFigure[] {
  const out: DoubtfulFigure[] = [];
  for (const [key, field] of Object.entries(COMPARED)) {
    const value = payload[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) continue;
    const candidates = [
      { source: "profile" as const, yuan: firm.profile[`${field}Yuan`] },
      { source: "earlier" as const, yuan: firm.earlier?.[`${field}Yuan`] ?? null, year: firm.earlier?.year },
    ];
    for (const c of candidates) {
      if (c.yuan === null || c.yuan <= 0) continue;
      const ratio = value / c.yuan;
      if (ratio < DOUBT_RATIO) break;
      const yuanForWan = ratio >= YUAN_FOR_WAN[0] && ratio <= YUAN_FOR_WAN[1];
      const doubt: DoubtfulFigure = {
        key,
        valueYuan: value,
        reference: { source: c.source, field, yuan: c.yuan, ...(c.source === "earlier" && c.year ? { year: c.year } : {}) },
        ratio: Math.round(ratio),
        kind: yuanForWan ? "yuan-for-wan" : "ten-times",
      };
      if (yuanForWan) doubt.asIfYuan = Math.round(value / YUAN_PER_WAN);
      out.push(doubt);
      break;
    }
  }
  return out;
}
