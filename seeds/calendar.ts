import type { Kysely } from "kysely";
import type { CalendarExceptionKind } from "../app/domain/calendar";
import type { DB } from "../db/schema";

export interface CalendarSeedRow {
  date: string;
  kind: CalendarExceptionKind;
  nameZh: string;
  nameEn: string;
}

const holidays = (from: string, to: string, nameZh: string, nameEn: string): CalendarSeedRow[] => {
  const rows: CalendarSeedRow[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
    rows.push({ date: d.toISOString().slice(0, 10), kind: "holiday", nameZh, nameEn });
  }
  return rows;
};
const workday = (date: string, nameZh: string, nameEn: string): CalendarSeedRow => ({
  date,
  kind: "workday",
  nameZh: `${nameZh}调休上班`,
  nameEn: `${nameEn} make-up working day`,
});

/**
 * China's national holidays of 2026 and their make-up working days, as published in
 * 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council, 4 November 2025):
 * 元旦 1月1日–3日 (4日周日上班); 春节 2月15日–23日 (2月14日周六、2月28日周六上班);
 * 清明节 4月4日–6日; 劳动节 5月1日–5日 (5月9日周六上班); 端午节 6月19日–21日;
 * 中秋节 9月25日–27日; 国庆节 10月1日–7日 (9月20日周日、10月10日周六上班).
 */
export const CALENDAR_2026: readonly CalendarSeedRow[] = [
  ...holidays("2026-01-01", "2026-01-03", "元旦", "New Year's Day"),
  workday("2026-01-04", "元旦", "New Year's Day"),
  workday("2026-02-14", "春节", "Spring Festival"),
  ...holidays("2026-02-15", "2026-02-23", "春节", "Spring Festival"),
  workday("2026-02-28", "春节", "Spring Festival"),
  ...holidays("2026-04-04", "2026-04-06", "清明节", "Qingming Festival"),
  ...holidays("2026-05-01", "2026-05-05", "劳动节", "Labour Day"),
  workday("2026-05-09", "劳动节", "Labour Day"),
  ...holidays("2026-06-19", "2026-06-21", "端午节", "Dragon Boat Festival"),
  workday("2026-09-20", "国庆节", "National Day"),
  ...holidays("2026-09-25", "2026-09-27", "中秋节", "Mid-Autumn Festival"),
  ...holidays("2026-10-01", "2026-10-07", "国庆节", "National Day"),
  workday("2026-10-10", "国庆节", "National Day"),
];

/**
 * Loads the published calendar of each year that has no exception yet, so that an exception the
 * bureau removed on /admin/calendar is not put back at the next start.
 */
export async function seedCalendar(db: Kysely<DB>, rows: readonly CalendarSeedRow[] = CALENDAR_2026): Promise<number> {
  const years = [...new Set(rows.map((r) => r.date.slice(0, 4)))];
  let added = 0;
  for (const year of years) {
    const existing = await db
      .selectFrom("calendar_exceptions")
      .select("date")
      .where("date", ">=", `${year}-01-01`)
      .where("date", "<=", `${year}-12-31`)
      .limit(1)
      .executeTakeFirst();
    if (existing) continue;
    const ofYear = rows.filter((r) => r.date.startsWith(year));
    await db
      .insertInto("calendar_exceptions")
      .values(ofYear.map((r) => ({ date: r.date, kind: r.kind, name_zh: r.nameZh, name_en: r.nameEn, updated_by: null, updated_at: "2025-11-04T00:00:00.000Z" })))
      .onConflict((oc) => oc.column("date").doNothing())
      .execute();
    added += ofYear.length;
  }
  return added;
}
