/**
 * Deterministic yearly figures (2023–2025) for every demo firm, with a realistic spread against
 * the 专精特新 thresholds: a few firms clearly meet them, some fall one or two criteria short
 * ("near"), most do not. A firm's 2025 revenue, R&D and employees are the values its profile
 * already holds, so the registry's columns (a copy of the latest year) are unchanged by them.
 */
import type { Insertable, Kysely } from "kysely";
import type { DB, EnterpriseFiguresTable } from "../db/schema";
import { chance, deriveSeed, int, mulberry32, roundTo, type Rng } from "./random";

export const DEMO_FIGURE_YEARS = [2023, 2024, 2025] as const;

/** What the figures are derived from: the planned firm (seeds/demo.ts). */
export interface FigureFirm {
  id: number;
  industry: string;
  above: boolean;
  employees: number;
  revenue: number;
  rd: number | null;
  demo: "jintang" | "yancang" | null;
}

export type DemoStanding = "meets" | "near" | "not";

/** The criteria a "near" firm may fall short on. */
const SHORTFALLS = ["ip", "niche", "main-share", "debt", "rd-prev"] as const;
type Shortfall = (typeof SHORTFALLS)[number];

function standingOf(rng: Rng, firm: FigureFirm): { standing: DemoStanding; short: Shortfall[] } {
  if (firm.demo === "jintang") return { standing: "near", short: ["ip"] };
  if (firm.demo === "yancang") return { standing: "meets", short: [] };
  // Only a firm whose profile already clears revenue ≥ ¥15,000,000 and R&D ≥ ¥1,000,000 at ≥ 3%
  // can meet the rules; among them some meet, some fall short.
  const rdOk = firm.rd !== null && firm.rd >= 1_000_000 && firm.rd * 100 >= firm.revenue * 3;
  if (firm.revenue >= 15_000_000 && rdOk) {
    const r = rng();
    if (r < 0.45) return { standing: "meets", short: [] };
    if (r < 0.9) {
      const first = SHORTFALLS[int(rng, 0, SHORTFALLS.length - 1)]!;
      const second = chance(rng, 0.35) ? SHORTFALLS.filter((s) => s !== first)[int(rng, 0, SHORTFALLS.length - 2)]! : null;
      return { standing: "near", short: second ? [first, second] : [first] };
    }
  }
  return { standing: "not", short: [] };
}

/** The figures rows of one firm, oldest year first. */
function firmRows(rng: Rng, firm: FigureFirm, at: string): { standing: DemoStanding; rows: Insertable<EnterpriseFiguresTable>[] } {
  const { standing, short } = standingOf(rng, firm);
  const misses = (s: Shortfall) => short.includes(s);
  // Growth per year, backwards from 2025's profile values.
  const growth = [0.85 + rng() * 0.4, 0.88 + rng() * 0.35];
  const revenues = [0, 0, firm.revenue];
  revenues[1] = roundTo(firm.revenue / growth[1]!, 100);
  revenues[0] = roundTo(revenues[1]! / growth[0]!, 100);
  const rdShare = firm.rd !== null && firm.revenue > 0 ? firm.rd / firm.revenue : null;
  const niche = standing === "not" ? int(rng, 0, 8) : misses("niche") ? 2 : int(rng, 4, 15);
  const mainShare = standing === "not" ? 0.55 + rng() * 0.45 : misses("main-share") ? 0.7 + rng() * 0.08 : 0.86 + rng() * 0.13;
  const debtRatio = standing === "not" ? 0.2 + rng() * 0.7 : misses("debt") ? 0.83 + rng() * 0.1 : 0.25 + rng() * 0.45;
  const ip1 = standing === "not" ? (chance(rng, 0.5) ? 0 : int(rng, 1, 3)) : misses("ip") ? 0 : int(rng, 1, 9);
  const inventions = Math.min(ip1, int(rng, 0, ip1));
  const ip2 = int(rng, 0, 25);
  const rows: Insertable<EnterpriseFiguresTable>[] = [];
  for (let i = 0; i < 3; i++) {
    const year = DEMO_FIGURE_YEARS[i]!;
    const revenue = revenues[i]!;
    const last = i === 2;
    let rd: number | null = last ? firm.rd : rdShare === null ? null : roundTo(revenue * rdShare * (standing === "not" ? 0.9 + rng() * 0.2 : 1.02 + rng() * 0.15), 100);
    // "R&D of the year before" short: 2024's share under 3%.
    if (i === 1 && misses("rd-prev") && rd !== null) rd = roundTo(revenue * 0.022, 100);
    if (rd !== null && rd > revenue) rd = revenue;
    const employees = last ? firm.employees : Math.max(1, Math.round(firm.employees * (0.85 + rng() * 0.25)));
    const assets = roundTo(revenue * (0.6 + rng() * 0.9), 100);
    rows.push({
      enterprise_id: firm.id,
      year,
      revenue_yuan: revenue,
      main_business_revenue_yuan: roundTo(revenue * Math.min(1, mainShare), 100),
      rd_expense_yuan: rd,
      employees,
      rd_staff: Math.max(0, Math.min(employees, Math.round(employees * (standing === "not" ? rng() * 0.12 : 0.1 + rng() * 0.2)))),
      total_assets_yuan: assets,
      total_liabilities_yuan: roundTo(assets * Math.min(0.98, debtRatio + (rng() - 0.5) * 0.04), 100),
      net_profit_yuan: roundTo(revenue * (chance(rng, 0.12) ? -(rng() * 0.08) : rng() * 0.12), 100),
      equity_financing_yuan: standing !== "not" && chance(rng, 0.15) ? roundTo(5_000_000 + rng() * 30_000_000, 10_000) : 0,
      invention_patents: Math.max(0, inventions - (2 - i)),
      ip_class1: Math.max(0, ip1 - (2 - i)),
      ip_class2: Math.max(0, ip2 - (2 - i) * 2),
      niche_years: Math.max(0, niche - (2 - i)),
      source: i === 2 && chance(rng, 0.4) ? "enterprise" : "import",
      updated_by: null,
      updated_at: at.replace(/^\d{4}/, String(year + 1)),
      version: 1,
    });
  }
  return { standing, rows };
}

/** The planned rows and each firm's intended standing (no I/O; for tests and the seed). */
export function planDemoFigures(firms: readonly FigureFirm[], seed: number) {
  const rng = mulberry32(deriveSeed(seed, "figures"));
  const standings = new Map<number, DemoStanding>();
  const rows: Insertable<EnterpriseFiguresTable>[] = [];
  for (const firm of firms) {
    const planned = firmRows(rng, firm, "2000-03-20T02:00:00.000Z");
    standings.set(firm.id, planned.standing);
    rows.push(...planned.rows);
  }
  return { rows, standings };
}

/** Writes the demo figures, in the seed's transaction. */
export async function seedDemoFigures(trx: Kysely<DB>, firms: readonly FigureFirm[], seed: number): Promise<void> {
  // Newest year first: the database copies a firm's latest year onto it (migration 0011), and the
  // 2025 figures equal the profile's values already, so the firms stay at version 1.
  const rows = [...planDemoFigures(firms, seed).rows].sort((a, b) => b.year - a.year);
  for (let i = 0; i < rows.length; i += 200)
    await trx
      .insertInto("enterprise_figures")
      .values(rows.slice(i, i + 200))
      .execute();
}
