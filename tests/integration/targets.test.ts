import { describe, expect, it } from "vitest";
import { TIER_CODES } from "~/domain/tiers";
import * as targets from "~/routes/targets";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

async function targetsOf(year: number) {
  const rows = await db().selectFrom("targets").select(["tier_code", "target_count", "updated_by"]).where("year", "=", year).execute();
  return Object.fromEntries(rows.map((r) => [r.tier_code, r.target_count]));
}

async function auditRows(subjectPrefix: string) {
  const rows = await db()
    .selectFrom("audit_log")
    .select(["actor_id", "subject", "data"])
    .where("action", "=", "target.update")
    .where("subject", "like", `${subjectPrefix}%`)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data!) }));
}

function form(year: number | string, counts: (number | string)[], intent = "save") {
  const f: Record<string, string> = { intent, year: String(year) };
  TIER_CODES.forEach((code, i) => (f[code] = String(counts[i])));
  return f;
}

describe("/targets", () => {
  it("shows every year's targets to a reviewer, 2023 being 20/12/3/1/10/10/20", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const page = dataOf((await call(targets.loader, makeRequest("/targets?year=2023", { cookie }))).result);
    const y2023 = page.years.find((y: any) => y.year === 2023);
    expect(TIER_CODES.map((c) => y2023.counts[c])).toEqual([20, 12, 3, 1, 10, 10, 20]);
    expect(page.year).toBe(2023);
    expect(page.isNew).toBe(false);
    expect(page.years.map((y: any) => y.year)).toEqual([...page.years.map((y: any) => y.year)].sort((a: number, b: number) => b - a));
  });

  it("saves a year's targets and writes one audit row per change with old and new value", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const reviewer = await db().selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
    const before = await targetsOf(2025);
    const counts = TIER_CODES.map((c) => before[c]!);
    counts[4] = before["demonstration-factory"]! + 3; // 示范
    counts[6] = 0; // 洁美
    const { result } = await call(targets.action, makeRequest("/targets", { cookie, form: form(2025, counts) }));
    expect((result as Response).status).toBe(302);
    expect((result as Response).headers.get("Location")).toBe("/targets?year=2025&saved=2");
    const after = await targetsOf(2025);
    expect(after["demonstration-factory"]).toBe(before["demonstration-factory"]! + 3);
    expect(after["clean-beauty-factory"]).toBe(0);
    expect(after["specialized-new"]).toBe(before["specialized-new"]);
    const audit = await auditRows("2025/");
    expect(audit).toEqual([
      {
        actor_id: reviewer.id,
        subject: "2025/demonstration-factory",
        data: { year: 2025, tier: "demonstration-factory", old: before["demonstration-factory"], new: before["demonstration-factory"]! + 3 },
      },
      {
        actor_id: reviewer.id,
        subject: "2025/clean-beauty-factory",
        data: { year: 2025, tier: "clean-beauty-factory", old: before["clean-beauty-factory"], new: 0 },
      },
    ]);
    // Saving the same values again changes nothing and audits nothing.
    const again = await call(
      targets.action,
      makeRequest("/targets", {
        cookie,
        form: form(
          2025,
          TIER_CODES.map((c) => after[c]!),
        ),
      }),
    );
    expect((again.result as Response).headers.get("Location")).toBe("/targets?year=2025&saved=0");
    expect(await auditRows("2025/")).toHaveLength(2);
  });

  it("refuses counts that are not whole numbers ≥ 0, naming the field, and keeps what was typed", async () => {
    const cookie = await sessionCookieFor("admin");
    const before = await targetsOf(2024);
    const { result } = await call(targets.action, makeRequest("/targets", { cookie, form: form(2024, ["-1", "2.5", "", "abc", "5", "100001", "7"]) }));
    expect(statusOf(result)).toBe(400);
    const reply = dataOf(result).result;
    expect(reply.error["specialized-new"]).toEqual(["目标应为不小于 0 的整数。"]);
    expect(reply.error["scaled-up"]).toEqual(["目标应为不小于 0 的整数。"]);
    expect(reply.error["green-factory"]).toEqual(["请填写目标。"]);
    expect(reply.error.listed).toEqual(["目标应为不小于 0 的整数。"]);
    expect(reply.error["quality-factory"]).toEqual(["目标不能超过 100000。"]);
    expect(reply.error["demonstration-factory"]).toBeUndefined();
    expect(reply.initialValue["scaled-up"]).toBe("2.5");
    expect(await targetsOf(2024)).toEqual(before);
  });

  it("refuses a year outside 2000–2100, in English when English was chosen", async () => {
    const cookie = `${await sessionCookieFor("reviewer")}; lang=en`;
    for (const year of ["1999", "2101", "20x5", ""]) {
      const { result } = await call(targets.action, makeRequest("/targets", { cookie, form: form(year, [1, 1, 1, 1, 1, 1, 1]) }));
      expect(statusOf(result), year).toBe(400);
      expect(dataOf(result).result.error.year).toEqual(["The year must be a whole number from 2000 to 2100."]);
      const add = await call(targets.action, makeRequest("/targets", { cookie, form: { intent: "add", year } }));
      expect(statusOf(add.result)).toBe(400);
    }
    expect(await targetsOf(1999)).toEqual({});
    const badIntent = await call(targets.action, makeRequest("/targets", { cookie, form: { intent: "drop", year: "2023" } }));
    expect(statusOf(badIntent.result)).toBe(400);
    const badQuery = await call(targets.loader, makeRequest("/targets?year=1850", { cookie }));
    expect(statusOf(badQuery.result)).toBe(400);
  });

  it("adds a year: prefilled from the year before, created only when saved, audited from null", async () => {
    const cookie = await sessionCookieFor("admin");
    const add = await call(targets.action, makeRequest("/targets", { cookie, form: { intent: "add", year: "2027" } }));
    expect((add.result as Response).headers.get("Location")).toBe("/targets?year=2027");
    expect(await targetsOf(2027)).toEqual({});
    const page = dataOf((await call(targets.loader, makeRequest("/targets?year=2027", { cookie }))).result);
    expect(page.isNew).toBe(true);
    expect(page.prefilledFrom).toBe(2026);
    expect(TIER_CODES.map((c) => page.counts[c])).toEqual(TIER_CODES.map((c) => page.years.find((y: any) => y.year === 2026).counts[c]));
    const save = await call(targets.action, makeRequest("/targets", { cookie, form: form(2027, [22, 12, 4, 1, 6, 10, 16]) }));
    expect((save.result as Response).headers.get("Location")).toBe("/targets?year=2027&saved=7");
    expect(await targetsOf(2027)).toMatchObject({ "specialized-new": 22, "green-factory": 4, "clean-beauty-factory": 16 });
    const audit = await auditRows("2027/");
    expect(audit).toHaveLength(7);
    expect(audit.every((a) => a.data.old === null)).toBe(true);
  });

  it("is for reviewers and admins only", async () => {
    for (const username of ["officer-jintang", "ent-jintang"]) {
      const cookie = await sessionCookieFor(username);
      const page = await call(targets.loader, makeRequest("/targets", { cookie }));
      expect(statusOf(page.result), username).toBe(403);
      const before = await targetsOf(2026);
      const save = await call(targets.action, makeRequest("/targets", { cookie, form: form(2026, [0, 0, 0, 0, 0, 0, 0]) }));
      expect(statusOf(save.result), username).toBe(403);
      expect(await targetsOf(2026)).toEqual(before);
    }
    const anon = await call(targets.action, makeRequest("/targets", { form: form(2026, [0, 0, 0, 0, 0, 0, 0]) }));
    expect((anon.result as Response).headers.get("Location")).toMatch(/^\/login/);
  });
});
