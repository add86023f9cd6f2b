/**
 * The working-day calendar's exceptions (calendar_exceptions): the holidays and make-up working
 * days the bureau keeps on /admin/calendar, read by every job that counts working days.
 */
import { Forbidden, type Failure } from "~/domain/errors";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/dialect/sql";
import { transact } from "../../db/dialect/transact";
import { exceptionMap, type CalendarExceptionKind, type CalendarExceptions } from "~/domain/calendar";
import { seesEverything, type Caller } from "~/domain/scope";
import { recordAudit } from "~/models/audit.server";

export interface CalendarEntry {
  date: string;
  kind: CalendarExceptionKind;
  nameZh: string;
  nameEn: string;
}

/** The exceptions of one year, in date order. */
export async function listCalendarYear(db: Db, year: number): Promise<CalendarEntry[]> {
  const rows = await db
    .selectFrom("calendar_exceptions")
    .select(["date", "kind", "name_zh", "name_en"])
    .where("date", ">=", `${year}-01-01`)
    .where("date", "<=", `${year}-12-31`)
    .orderBy("date")
    .execute();
  return rows.map((r) => ({ date: r.date, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en }));
}

/** The years that have exceptions, for the page's year switch. */
export async function calendarYears(db: Db): Promise<number[]> {
  const rows = await db.selectFrom("calendar_exceptions").select("date").orderBy("date").execute();
  return [...new Set(rows.map((r) => Number(r.date.slice(0, 4))))];
}

/** Every exception (a few dozen a year), as the domain's calendar functions read them. */
export async function loadCalendarExceptions(db: Db): Promise<CalendarExceptions> {
  const rows = await db.selectFrom("calendar_exceptions").select(["date", "kind"]).execute();
  return exceptionMap(rows);
}

function assertAdmin(caller: Caller) {
  if (!seesEverything(caller) || caller.role !== "admin") throw new Forbidden("role");
}

export async function addCalendarException(db: Db, caller: Caller, entry: CalendarEntry): Promise<{ ok: true } | Failure<"date-taken">> {
  assertAdmin(caller);
  try {
    await transact(db, async (trx) => {
      await trx
        .insertInto("calendar_exceptions")
        .values({ date: entry.date, kind: entry.kind, name_zh: entry.nameZh, name_en: entry.nameEn, updated_by: caller.id, updated_at: new Date().toISOString() })
        .execute();
      await recordAudit(trx, { actorId: caller.id, action: "calendar.add", subject: `calendar:${entry.date}`, data: entry });
    });
    return { ok: true };
  } catch (error) {
    if (isUniqueViolation(error, "calendar_exceptions") || isPrimaryKeyViolation(error)) return { ok: false, reason: "date-taken" };
    throw error;
  }
}

/** SQLite reports a duplicate primary key of a table without rowid alias as SQLITE_CONSTRAINT_PRIMARYKEY. */
function isPrimaryKeyViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export async function removeCalendarException(db: Db, caller: Caller, date: string): Promise<{ ok: true; entry: CalendarEntry } | Failure<"missing">> {
  assertAdmin(caller);
  return transact(db, async (trx) => {
    const row = await trx.selectFrom("calendar_exceptions").select(["date", "kind", "name_zh", "name_en"]).where("date", "=", date).executeTakeFirst();
    if (!row) return { ok: false as const, reason: "missing" as const };
    await trx.deleteFrom("calendar_exceptions").where("date", "=", date).execute();
    const entry = { date: row.date, kind: row.kind, nameZh: row.name_zh, nameEn: row.name_en };
    await recordAudit(trx, { actorId: caller.id, action: "calendar.remove", subject: `calendar:${date}`, data: entry });
    return { ok: true as const, entry };
  });
}
