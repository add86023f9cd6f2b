/**
 * Applications (培育申报), the list and the review queue: filtered within the caller's scope,
 * keyset-paged, with the counts per status.
 */
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { likeInsensitive } from "../../db/dialect/sql";
import type { Caller } from "~/domain/scope";
import { seesEverything } from "~/domain/scope";
import { STATUSES, type Status, type TownOpinion } from "~/domain/state-machine";
import type { Level, TierCode } from "~/domain/tiers";
import { base, scope } from "~/models/application-read.server";

// ───────────────────────────── the list and the review queue ─────────────────────────────

export interface ApplicationListFilters {
  tier?: TierCode;
  year?: number;
  statuses?: readonly Status[];
  town?: string;
  q?: string;
  /** Levels sought to keep, or "none" for applications with no level yet (级别未定). */
  levelSought?: readonly Level[] | "none";
  /** true: renewal (复核) applications only; false: none of them (the pipeline never holds one). */
  renewal?: boolean;
  cursor?: string | null;
  limit?: number;
}

export interface ApplicationListRow {
  id: number;
  enterpriseId: number;
  enterpriseName: string;
  townCode: string;
  townNameZh: string;
  townNameEn: string;
  tierCode: TierCode;
  year: number;
  levelSought: Level | null;
  status: Status;
  townOpinion: TownOpinion | null;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApplicationList {
  rows: ApplicationListRow[];
  nextCursor: string | null;
  /** Applications per status under the same filters (status aside). */
  counts: Record<Status, number>;
  /** "mine": newest first (an enterprise's own); "queue": oldest submission first. */
  order: "mine" | "queue";
}

type Cursor = { s: string | null; c: string; i: number };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}
function decodeCursor(text: string | null | undefined): Cursor | null {
  if (!text) return null;
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (c && (c.s === null || typeof c.s === "string") && typeof c.c === "string" && Number.isSafeInteger(c.i)) {
      return c as Cursor;
    }
  } catch {
    /* a hand-edited cursor is ignored: the first page */
  }
  return null;
}

/**
 * Applications per status under the list's filters. Without a name search they come from the
 * trigger-kept counters (a few hundred rows), not from a GROUP BY over every application in
 * scope, which at province scale reads millions of rows on each view of the queue.
 */
async function statusCounts(db: Db, caller: Caller, filters: ApplicationListFilters, filtered: ReturnType<typeof base>): Promise<{ status: Status; n: number }[]> {
  // The status counters know no name and no level: a search or a level filter counts the rows.
  const searching = Boolean(filters.q && filters.q.trim() !== "") || filters.levelSought !== undefined || filters.renewal !== undefined;
  const town = seesEverything(caller) ? filters.town : caller.role === "town_officer" ? (caller.townCode ?? "") : undefined;
  if (!searching && seesEverything(caller) && !town) {
    return db
      .selectFrom("application_status_totals")
      .select(["status", (eb) => eb.fn.sum<number>("n").as("n")])
      .$if(Boolean(filters.tier), (qb) => qb.where("tier_code", "=", filters.tier!))
      .$if(Boolean(filters.year), (qb) => qb.where("year", "=", filters.year!))
      .groupBy("status")
      .execute() as Promise<{ status: Status; n: number }[]>;
  }
  if (!searching && town !== undefined && (seesEverything(caller) || !filters.town || filters.town === town)) {
    return db
      .selectFrom("progress_application_counts")
      .select(["status", (eb) => eb.fn.sum<number>("n").as("n")])
      .where("town_code", "=", town)
      .$if(Boolean(filters.tier), (qb) => qb.where("tier_code", "=", filters.tier!))
      .$if(Boolean(filters.year), (qb) => qb.where("year", "=", filters.year!))
      .groupBy("status")
      .execute() as Promise<{ status: Status; n: number }[]>;
  }
  return filtered
    .select(["a.status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("a.status")
    .execute();
}

/**
 * The applications the caller may see, filtered. Enterprises get their own, newest first; town
 * officers and the bureau get a queue, oldest submission first, keyset-paged on
 * (submitted_at, id) with row values (index applications_status_submitted). Drafts (no
 * submitted_at) come after every submitted one, in order of id.
 */
export async function listApplications(db: Db, caller: Caller, filters: ApplicationListFilters): Promise<ApplicationList> {
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 200);
  const order: ApplicationList["order"] = caller.role === "enterprise" ? "mine" : "queue";

  let filtered = base(db).innerJoin("towns as t", "t.code", "e.town_code").where(scope(caller));
  if (filters.tier) filtered = filtered.where("a.tier_code", "=", filters.tier);
  if (filters.year) filtered = filtered.where("a.year", "=", filters.year);
  if (filters.town) filtered = filtered.where("e.town_code", "=", filters.town);
  if (filters.levelSought === "none") filtered = filtered.where("a.level_sought", "is", null);
  else if (filters.levelSought?.length) filtered = filtered.where("a.level_sought", "in", [...filters.levelSought]);
  if (filters.renewal !== undefined) filtered = filtered.where("a.renews_award_id", filters.renewal ? "is not" : "is", null);
  if (filters.q && filters.q.trim() !== "") {
    const like = `%${filters.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filtered = filtered.where(likeInsensitive(db, sql`e.name`, like));
  }

  const countRows = await statusCounts(db, caller, filters, filtered);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of countRows) counts[r.status] = Number(r.n);

  let q = filtered.select([
    "a.id",
    "a.enterprise_id",
    "e.name",
    "e.town_code",
    "t.name_zh",
    "t.name_en",
    "a.tier_code",
    "a.year",
    "a.level_sought",
    "a.status",
    "a.town_opinion",
    "a.submitted_at",
    "a.created_at",
    "a.updated_at",
  ]);
  if (filters.statuses && filters.statuses.length > 0) q = q.where("a.status", "in", [...filters.statuses]);

  const cursor = decodeCursor(filters.cursor);
  if (order === "mine") {
    if (cursor) q = q.where(sql<boolean>`(a.created_at, a.id) < (${cursor.c}, ${cursor.i})`);
    q = q.orderBy("a.created_at", "desc").orderBy("a.id", "desc");
  } else if (filters.statuses?.length && !filters.statuses.includes("draft")) {
    // Every status but draft has a submitted_at: a plain row-value seek on the index.
    if (cursor && cursor.s !== null) q = q.where(sql<boolean>`(a.submitted_at, a.id) > (${cursor.s}, ${cursor.i})`);
    q = q.orderBy("a.submitted_at").orderBy("a.id");
  } else {
    if (cursor && cursor.s !== null) {
      q = q.where(sql<boolean>`(a.submitted_at IS NULL OR (a.submitted_at, a.id) > (${cursor.s}, ${cursor.i}))`);
    } else if (cursor) {
      q = q.where(sql<boolean>`(a.submitted_at IS NULL AND a.id > ${cursor.i})`);
    }
    q = q
      .orderBy(sql`a.submitted_at IS NULL`)
      .orderBy("a.submitted_at")
      .orderBy("a.id");
  }
  const rows = await q.limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    order,
    counts,
    nextCursor: rows.length > limit && last ? encodeCursor({ s: last.submitted_at, c: last.created_at, i: last.id }) : null,
    rows: page.map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.name,
      townCode: r.town_code,
      townNameZh: r.name_zh,
      townNameEn: r.name_en,
      tierCode: r.tier_code as TierCode,
      year: r.year,
      levelSought: r.level_sought,
      status: r.status,
      townOpinion: r.town_opinion,
      submittedAt: r.submitted_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
  };
}
