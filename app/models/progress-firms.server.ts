/**
 * The firms behind the progress figures (drill-downs): awarded firms of a tier and year, and the
 * bureau's work list of firms without clean-beauty coverage, keyset-paged, scoped to the caller.
 */
import { NotFound } from "~/domain/errors";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { seesEverything, type Caller } from "~/domain/scope";
import { LEVELS, countsTowardTarget, isLevel, type Level, type TierCode } from "~/domain/tiers";

const CLEAN_BEAUTY = "clean-beauty-factory";

// ───────────────────────────── drill-downs ─────────────────────────────

/**
 * The town a drill-down may show: an officer only its own (another town is 404, like a missing
 * one); reviewers and admins any known town or the whole district (null).
 */
export async function scopedTown(db: Db, caller: Caller, requested: string | null): Promise<string | null> {
  if (requested) {
    const exists = await db.selectFrom("towns").select("code").where("code", "=", requested).executeTakeFirst();
    if (!exists) throw new NotFound("town");
  }
  if (seesEverything(caller)) return requested;
  if (caller.role !== "town_officer" || !caller.townCode) throw new NotFound("town");
  if (requested && requested !== caller.townCode) throw new NotFound("town");
  return caller.townCode;
}

export interface AwardedFirm {
  awardId: number;
  enterpriseId: number;
  name: string;
  uscc: string;
  townCode: string;
  townZh: string;
  townEn: string;
  level: Level;
  counted: boolean;
  recognizedOn: string | null;
  documentNo: string | null;
  archived: boolean;
}

export interface Page<T> {
  rows: T[];
  /** Cursor of the next page, or null on the last one. */
  next: string | null;
}

const PAGE_SIZE = 100;

function encodeCursor(key: string, id: number): string {
  return Buffer.from(JSON.stringify([key, id])).toString("base64url");
}

function decodeCursor(cursor: string | null): [string, number] | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && Number.isInteger(value[1])) return [value[0], value[1]];
  } catch {
    /* fall through: a bad cursor starts from the first page */
  }
  return null;
}

/**
 * The firms behind an "achieved" figure: live awards of `tier` in `year` (at a counting level
 * unless `includeBelow`), in the caller's scope, in order of recognition. That order walks the
 * index awards_live_tier_year_recognized and stops after a page; by name it would sort every
 * award of the year (0.3–0.9 s for 28k awards at 1M firms).
 */
export async function listAwardedFirms(
  db: Db,
  caller: Caller,
  filters: { year: number; tier: TierCode; town: string | null; includeBelow: boolean; cursor: string | null; pageSize?: number },
): Promise<Page<AwardedFirm>> {
  const size = filters.pageSize ?? PAGE_SIZE;
  const town = await scopedTown(db, caller, filters.town);
  const levels = LEVELS.filter((l) => filters.includeBelow || countsTowardTarget(filters.tier, l));
  const after = decodeCursor(filters.cursor);
  const rows = await db
    .selectFrom("awards as w")
    .innerJoin("enterprises as e", "e.id", "w.enterprise_id")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .select([
      "w.id as awardId",
      "e.id as enterpriseId",
      "e.name",
      "e.uscc",
      "e.town_code as townCode",
      "t.name_zh as townZh",
      "t.name_en as townEn",
      "w.level",
      "w.recognized_on as recognizedOn",
      "w.document_no as documentNo",
      "e.archived_at",
    ])
    .where("w.tier_code", "=", filters.tier)
    .where("w.year", "=", filters.year)
    .where("w.level", "in", levels)
    .where("w.revoked_on", "is", null)
    // Renewals (复核) are not new recognitions (0015).
    .where("w.renews_award_id", "is", null)
    .$if(town !== null, (qb) => qb.where("e.town_code", "=", town!))
    .$if(after !== null, (qb) => qb.where(sql<boolean>`(coalesce(w.recognized_on, ''), w.id) > (${after![0]}, ${after![1]})`))
    .orderBy(sql`coalesce(w.recognized_on, '')`)
    .orderBy("w.id")
    .limit(size + 1)
    .execute();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ archived_at, ...r }) => ({
      ...r,
      counted: countsTowardTarget(filters.tier, r.level),
      archived: archived_at !== null,
    })),
    next: rows.length > size && last ? encodeCursor(last.recognizedOn ?? "", last.awardId) : null,
  };
}

/**
 * How many firms hold a live award of the year at a counting level, and how many below it, in
 * the caller's scope (from the counters: the same figures as the dashboard).
 */
export async function countAwarded(db: Db, caller: Caller, year: number, tier: TierCode, town: string | null) {
  const scoped = await scopedTown(db, caller, town);
  const rows = await db
    .selectFrom("progress_award_counts")
    .select(["level", (eb) => eb.fn.sum<number>("n").as("n")])
    .where("year", "=", year)
    .where("tier_code", "=", tier)
    .$if(scoped !== null, (qb) => qb.where("town_code", "=", scoped!))
    .groupBy("level")
    .execute();
  let counted = 0;
  let below = 0;
  for (const r of rows) {
    if (!isLevel(r.level)) continue;
    if (countsTowardTarget(tier, r.level)) counted += Number(r.n);
    else below += Number(r.n);
  }
  return { counted, below };
}

export interface UncoveredFirm {
  id: number;
  name: string;
  uscc: string;
  townCode: string;
  townZh: string;
  townEn: string;
  industryZh: string;
  industryEn: string;
  contactName: string | null;
  contactPhone: string | null;
}

/**
 * The bureau's work list: non-archived above-scale manufacturers without a live clean-beauty
 * award, in the caller's scope, by name.
 */
export async function listUncoveredFirms(db: Db, caller: Caller, filters: { town: string | null; cursor: string | null; pageSize?: number }): Promise<Page<UncoveredFirm>> {
  const size = filters.pageSize ?? PAGE_SIZE;
  const town = await scopedTown(db, caller, filters.town);
  const after = decodeCursor(filters.cursor);
  const rows = await db
    .selectFrom("enterprises as e")
    .innerJoin("towns as t", "t.code", "e.town_code")
    .innerJoin("industries as i", "i.code", "e.industry_code")
    .select([
      "e.id",
      "e.name",
      "e.uscc",
      "e.town_code as townCode",
      "t.name_zh as townZh",
      "t.name_en as townEn",
      "i.name_zh as industryZh",
      "i.name_en as industryEn",
      "e.contact_name as contactName",
      "e.contact_phone as contactPhone",
    ])
    .where("e.above_scale", "=", 1)
    .where("e.archived_at", "is", null)
    .where("i.manufacturing", "=", 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("awards as w")
            .select(sql`1`.as("one"))
            .whereRef("w.enterprise_id", "=", "e.id")
            .where("w.tier_code", "=", CLEAN_BEAUTY)
            .where("w.revoked_on", "is", null),
        ),
      ),
    )
    .$if(town !== null, (qb) => qb.where("e.town_code", "=", town!))
    .$if(after !== null, (qb) => qb.where(sql<boolean>`(e.name, e.id) > (${after![0]}, ${after![1]})`))
    .orderBy("e.name")
    .orderBy("e.id")
    .limit(size + 1)
    .execute();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > size && last ? encodeCursor(last.name, last.id) : null };
}
