/**
 * /admin/calendar: the admin lists a year's holidays and make-up working days, adds and removes
 * them (audited, refused by field when wrong), and the jobs read the result.
 */
import { describe, expect, it } from "vitest";
import { isWorkingDay } from "~/domain/calendar";
import { loadCalendarExceptions } from "~/models/calendar.server";
import * as page from "~/routes/admin.calendar";
import * as inbox from "~/routes/notifications";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const post = async (form: Record<string, string>, username = "admin") => call(page.action, makeRequest("/admin/calendar", { cookie: await sessionCookieFor(username), form }));

describe("/admin/calendar", () => {
  it("lists the 2026 holidays as published", async () => {
    const data = dataOf((await call(page.loader, makeRequest("/admin/calendar?year=2026", { cookie: await sessionCookieFor("admin") }))).result);
    expect(data.entries).toHaveLength(39);
    expect(data.entries.filter((e: { kind: string }) => e.kind === "workday").map((e: { date: string }) => e.date)).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
    expect(data.entries.find((e: { date: string }) => e.date === "2026-10-01")).toMatchObject({ kind: "holiday", nameZh: "国庆节", nameEn: "National Day" });
  });

  it("adds a make-up working day (audited, read by the jobs), refuses the same date again, and removes it", async () => {
    expect(isWorkingDay("2027-02-06", await loadCalendarExceptions(db()))).toBe(false); // a Saturday
    const added = await post({ intent: "add", date: "2027-02-06", kind: "workday", nameZh: "春节调休上班", nameEn: "Spring Festival make-up working day" });
    expect((added.result as Response).headers.get("Location")).toBe("/admin/calendar?year=2027&done=add&date=2027-02-06");
    const row = await db().selectFrom("calendar_exceptions").selectAll().where("date", "=", "2027-02-06").executeTakeFirstOrThrow();
    const admin = await db().selectFrom("users").select("id").where("username", "=", "admin").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: "workday", name_zh: "春节调休上班", updated_by: admin.id });
    expect(isWorkingDay("2027-02-06", await loadCalendarExceptions(db()))).toBe(true);

    const again = await post({ intent: "add", date: "2027-02-06", kind: "holiday", nameZh: "重复", nameEn: "Again" });
    expect(statusOf(again.result)).toBe(400);
    expect(dataOf(again.result).result.error.date).toEqual(["2027-02-06 已有安排，请先删除原记录。"]);

    const removed = await post({ intent: "remove", date: "2027-02-06" });
    expect((removed.result as Response).headers.get("Location")).toBe("/admin/calendar?year=2027&done=remove&date=2027-02-06");
    expect(await db().selectFrom("calendar_exceptions").select("date").where("date", "=", "2027-02-06").executeTakeFirst()).toBeUndefined();
    expect(statusOf((await post({ intent: "remove", date: "2027-02-06" })).result)).toBe(409);

    const audit = await db().selectFrom("audit_log").select(["action", "subject", "actor_id"]).where("subject", "=", "calendar:2027-02-06").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["calendar.add", "calendar.remove"]);
    expect(audit.every((a) => a.actor_id === admin.id)).toBe(true);
  });

  it("refuses bad input by its field, keeping what was typed", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ intent: "add", date: "2026-02-30", kind: "workday", nameZh: "x", nameEn: "x" }, "date", "请填写有效日期，格式 YYYY-MM-DD（1990–2100 年）。"],
      [{ intent: "add", date: "2026-10-11", kind: "weekend", nameZh: "x", nameEn: "x" }, "kind", "请选择“放假”或“调休上班”。"],
      [{ intent: "add", date: "2026-10-11", kind: "workday", nameZh: "调休\u0000", nameEn: "x" }, "nameZh", "名称不能包含控制字符或尖括号。"],
      [{ intent: "add", date: "2026-10-11", kind: "workday", nameZh: "调".repeat(41), nameEn: "x" }, "nameZh", "请填写中文名称（不超过 40 个字符）。"],
      [{ intent: "add", date: "2026-10-11", kind: "workday", nameZh: "调休", nameEn: "<b>x</b>" }, "nameEn", "名称不能包含控制字符或尖括号。"],
    ];
    for (const [form, field, message] of cases) {
      const { result } = await post(form);
      expect(statusOf(result)).toBe(400);
      const reply = dataOf(result).result;
      expect(reply.error[field]).toEqual([message]);
      expect(reply.initialValue[field]).toBe(form[field]);
    }
    expect(await db().selectFrom("calendar_exceptions").select("date").where("date", "=", "2026-10-11").executeTakeFirst()).toBeUndefined();
    // A reviewer may not change the calendar.
    expect(statusOf((await post({ intent: "add", date: "2026-10-11", kind: "workday", nameZh: "调休", nameEn: "x" }, "reviewer")).result)).toBe(403);
  });

  it("pages answer odd query values without failing", async () => {
    const admin = await sessionCookieFor("admin");
    for (const q of ["year=99999", "year=-1", "year=abc", "year=2026&year=2027", "done=<script>&date=../../x"]) {
      const { result } = await call(page.loader, makeRequest(`/admin/calendar?${q}`, { cookie: admin }));
      expect(statusOf(result)).toBe(200);
      expect(dataOf(result).doneDate).not.toContain("<");
    }
    const ent = await sessionCookieFor("ent-jintang");
    for (const q of ["before=garbage", "before=2026-01-01T00:00:00.000Z|99999999999999999999", "before=%00", "n=1e308&done=readAll"]) {
      const { result } = await call(inbox.loader, makeRequest(`/notifications?${q}`, { cookie: ent }));
      expect(statusOf(result)).toBe(200);
    }
  });
});
