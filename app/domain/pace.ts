/**
 * Which tier is furthest behind its pace: with the year's target spread evenly over the year,
 * by today a tier "should" have target × (share of the year gone) recognitions. The tier whose
 * achieved count falls short of that by the largest share of its target is the one to act on.
 */

/** Share of `year` gone by `today` (YYYY-MM-DD, Shanghai calendar), 0 before it, 1 after it. */
export function yearElapsedShare(year: number, today: string): number {
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  if (y < year) return 0;
  if (y > year) return 1;
  const start = Date.UTC(year, 0, 1);
  const days = (Date.UTC(year + 1, 0, 1) - start) / 86_400_000;
  return (Date.UTC(y, m - 1, d) - start) / 86_400_000 / days;
}

export interface BehindPace {
  tier: string;
  /** Recognitions a tier on pace would have by today (rounded down). */
  expected: number;
  /** expected − achieved, at least 1. */
  shortfall: number;
}

/**
 * The tier furthest behind its pace, or null when every tier with a target is on pace. Ties go to
 * the larger shortfall in recognitions, then to the earlier tier.
 */
export function furthestBehindPace(tiers: readonly { tier: string; target: number; achieved: number }[], elapsedShare: number): BehindPace | null {
  let best: (BehindPace & { share: number }) | null = null;
  for (const f of tiers) {
    if (f.target <= 0) continue;
    const expected = Math.floor(f.target * elapsedShare);
    const shortfall = expected - f.achieved;
    if (shortfall < 1) continue;
    const share = shortfall / f.target;
    if (!best || share > best.share || (share === best.share && shortfall > best.shortfall)) {
      best = { tier: f.tier, expected, shortfall, share };
    }
  }
  return best ? { tier: best.tier, expected: best.expected, shortfall: best.shortfall } : null;
}
