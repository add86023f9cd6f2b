/**
 * What the demo data's modules share: the public constants, the demo's clock (fixed instants in
 * Asia/Shanghai, never the machine's) and the batched insert.
 */
import type { InsertObject, Insertable, Kysely } from "kysely";
import type { DB } from "../db/schema";
import type { Rng } from "./random";

// ───────────────────────────── public constants ─────────────────────────────

export const DEMO_SEED = 0x0d1a2023;
export const DEMO_PASSWORD = "demo-password";

/** Credit codes of the two firms behind the `ent-jintang` and `ent-yancang` accounts. */
export const DEMO_ENTERPRISE_USCC = {
  jintang: "91330902MA2A0JT58C",
  yancang: "91330902MA2A1YC376",
} as const;

export const DEMO_ENTERPRISE_NAMES = {
  jintang: "舟山金塘塑机螺杆科技有限公司",
  yancang: "浙江盐仓海洋装备有限公司",
} as const;

/** "Today" of the demo data: nothing is dated after this instant (2026-11-27 17:00 CST). */
export const DEMO_NOW = "2026-11-27T09:00:00.000Z";

// ───────────────────────────── time helpers ─────────────────────────────

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const CST = 8 * HOUR;
export const NOW_CAP = Date.parse(DEMO_NOW);

/** Midnight Asia/Shanghai of a calendar date, as UTC milliseconds. */
export function cstMidnight(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) - CST;
}
/** Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function cstDate(ms: number): string {
  return new Date(ms + CST).toISOString().slice(0, 10);
}
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
/** Maps an instant into office hours (08:30–17:30 CST) of the same day, keeping order within the day. */
export function officeTime(ms: number): number {
  const dayStart = Math.floor((ms + CST) / DAY) * DAY - CST;
  const frac = (ms - dayStart) / DAY;
  return dayStart + 8.5 * HOUR + Math.round(frac * 9 * 60) * MINUTE;
}
export function randomTime(rng: Rng, from: number, to: number): number {
  const t = officeTime(from + rng() * Math.max(0, to - from));
  return Math.min(t, NOW_CAP);
}
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const md = date.slice(5) === "02-29" ? "02-28" : date.slice(5);
  return `${y}-${md}`;
}

/** Inserts rows in batches of `size`, in the order given (explicit ids keep it). */
export async function insertChunks<T extends keyof DB & string>(trx: Kysely<DB>, table: T, rows: readonly Insertable<DB[T]>[], size = 200) {
  for (let i = 0; i < rows.length; i += size) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as InsertObject<DB, T>[])
      .execute();
  }
}
