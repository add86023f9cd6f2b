/**
 * Public notice (公示), the public list: the notices open, upcoming or lately closed, and one
 * notice with its items, read without sign-in.
 */
import { NotFound } from "~/domain/errors";
import type { Db } from "../../db/client";
import { noticeWindow, type NoticeWindow } from "~/domain/notice";
import type { TierCode } from "~/domain/tiers";
import { todayInShanghai } from "~/utils/format";

// ───────────────────────────── the public list ─────────────────────────────

/** A notice id from the URL; anything but a plain positive number answers 404. */
export function noticeIdOf(raw: string | undefined): number {
  if (!raw || !/^[1-9]\d{0,14}$/.test(raw)) throw new NotFound("notice");
  return Number(raw);
}

export interface PublicNoticeItem {
  applicationId: number;
  position: number;
  firm: string;
  tierCode: TierCode;
  town: { zh: string; en: string };
}

export interface PublicNotice {
  id: number;
  title: string;
  startsOn: string;
  endsOn: string;
  workingDays: number;
  office: string;
  phone: string;
  window: NoticeWindow;
  items: PublicNoticeItem[];
}

/**
 * What a published notice shows and nothing more: the firm's name, the tier, the town and the
 * window with the office and phone for objections. No credit code, figure or contact of a firm.
 */
async function publicItems(db: Db, batchIds: number[]): Promise<Map<number, PublicNoticeItem[]>> {
  const rows = batchIds.length
    ? await db
        .selectFrom("notice_items as i")
        .innerJoin("applications as a", "a.id", "i.application_id")
        .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
        .innerJoin("towns as t", "t.code", "e.town_code")
        .select(["i.batch_id", "i.application_id", "i.position", "e.name as firm", "a.tier_code", "t.name_zh as town_zh", "t.name_en as town_en"])
        .where("i.batch_id", "in", batchIds)
        .orderBy("i.batch_id")
        .orderBy("i.position")
        .execute()
    : [];
  const map = new Map<number, PublicNoticeItem[]>();
  for (const r of rows) {
    const list = map.get(r.batch_id) ?? [];
    list.push({ applicationId: r.application_id, position: r.position, firm: r.firm, tierCode: r.tier_code as TierCode, town: { zh: r.town_zh, en: r.town_en } });
    map.set(r.batch_id, list);
  }
  return map;
}

/** Published notices (started on or before today), newest first: the open ones, then the past. */
export async function listPublicNotices(db: Db, today = todayInShanghai()): Promise<PublicNotice[]> {
  const batches = await db
    .selectFrom("notice_batches")
    .select(["id", "title", "starts_on", "ends_on", "working_days", "office", "phone"])
    .where("starts_on", "<=", today)
    .orderBy("starts_on", "desc")
    .orderBy("id", "desc")
    .limit(200)
    .execute();
  const items = await publicItems(
    db,
    batches.map((b) => b.id),
  );
  return batches.map((b) => ({
    id: b.id,
    title: b.title,
    startsOn: b.starts_on,
    endsOn: b.ends_on,
    workingDays: b.working_days,
    office: b.office,
    phone: b.phone,
    window: noticeWindow(b.starts_on, b.ends_on, today),
    items: items.get(b.id) ?? [],
  }));
}

/** One published notice; an unknown id, or one not yet published, answers 404. */
export async function getPublicNotice(db: Db, id: number, today = todayInShanghai()): Promise<PublicNotice> {
  const b = await db
    .selectFrom("notice_batches")
    .select(["id", "title", "starts_on", "ends_on", "working_days", "office", "phone"])
    .where("id", "=", id)
    .where("starts_on", "<=", today)
    .executeTakeFirst();
  if (!b) throw new NotFound("notice");
  const items = await publicItems(db, [b.id]);
  return {
    id: b.id,
    title: b.title,
    startsOn: b.starts_on,
    endsOn: b.ends_on,
    workingDays: b.working_days,
    office: b.office,
    phone: b.phone,
    window: noticeWindow(b.starts_on, b.ends_on, today),
    items: items.get(b.id) ?? [],
  };
}
