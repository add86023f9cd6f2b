/**
 * A small seeded pseudo-random toolkit for deterministic data (demo seed, synthetic benchmark
 * data). Same seed → same sequence on every machine: only integer arithmetic (Math.imul, shifts)
 * and plain multiplication, never Math.random(), Date.now() or transcendental functions.
 */

/** Returns numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a fast 32-bit generator with a good enough distribution for test data. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from a base seed and a label (FNV-1a), for independent sub-streams. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Integer in [min, max], both inclusive. */
export function int(rng: Rng, min: number, max: number): number {
  if (max < min) throw new RangeError(`int: max ${max} < min ${min}`);
  return min + Math.floor(rng() * (max - min + 1));
}

/** True with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** A uniformly chosen element; throws on an empty list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError("pick: empty list");
  return items[Math.floor(rng() * items.length)]!;
}

/**
 * An element chosen with probability proportional to `weight(item)` (non-positive weights are
 * never chosen); undefined when no item has a positive weight.
 */
export function weightedPick<T>(rng: Rng, items: readonly T[], weight: (item: T) => number): T | undefined {
  let total = 0;
  const weights = items.map((item) => {
    const w = weight(item);
    const positive = w > 0 ? w : 0;
    total += positive;
    return positive;
  });
  if (total <= 0) return undefined;
  let r = rng() * total;
  for (let i = 0; i < items.length; i++) {
    if (weights[i]! <= 0) continue;
    r -= weights[i]!;
    if (r < 0) return items[i];
  }
  // Floating-point remainder: the last positive item.
  for (let i = items.length - 1; i >= 0; i--) if (weights[i]! > 0) return items[i];
  return undefined;
}

/** A shuffled copy (Fisher–Yates). */
export function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** n distinct elements (or all of them when n ≥ length), in random order. */
export function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  return shuffle(rng, items).slice(0, Math.max(0, n));
}

/** Integer multiple of `step` nearest to x (e.g. money rounded to ¥100). */
export function roundTo(x: number, step: number): number {
  return Math.round(x / step) * step;
}
