/**
 * /applications: an enterprise's own list, a town's list, and the bureau's review queue with its
 * filters, counts per status and keyset pages.
 */
import { describe, expect, it } from "vitest";
import * as listRoute from "~/routes/applications._index";
import { listApplications } from "~/models/application-list.server";
import { findSessionUser } from "~/models/session.server";
import { db } from "~/utils/db.server";
import { STATUSES } from "~/domain/state-machine";
import { call, dataOf, makeRequest } from "../support/requests";
import { cookieOf, firmIdOf } from "./applications.helpers";

async function list(username: string, query = "") {
  const { result } = await call(listRoute.loader, makeRequest(`/applications${query}`, { cookie: await cookieOf(username) }));
  return dataOf(result);
}

async function callerOf(username: string) {
  const cookie = await cookieOf(username);
  return (await findSessionUser(db(), cookie.split("=")[1]!))!;
}

describe("scope", () => {
  it("an enterprise sees only its own applications, newest first, with what to do next", async () => {
    const d = await list("ent-jintang");
    const firm = await firmIdOf("ent-jintang");
    const own = await db().selectFrom("applications").select("id").where("enterprise_id", "=", firm).execute();
    expect(d.rows.length).toBe(own.length);
    expect(d.rows.every((r: any) => r.enterpriseId === firm)).toBe(true);
    const created = d.rows.map((r: any) => r.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    expect(d.order).toBe("mine");
    // Filters of the bureau do not widen it.
    const widened = await list("ent-jintang", "?town=yancang&status=all");
    expect(widened.rows.every((r: any) => r.enterpriseId === firm)).toBe(true);
  });

  it("a town officer sees only its town's firms", async () => {
    const d = await list("officer-yancang", "?status=all");
    expect(d.rows.length).toBeGreaterThan(0);
    expect(d.rows.every((r: any) => r.townCode === "yancang")).toBe(true);
    const other = await list("officer-yancang", "?town=jintang");
    expect(other.rows).toEqual([]);
    const total = STATUSES.reduce((n, s) => n + d.counts[s], 0);
    const inTown = await db()
      .selectFrom("applications as a")
      .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("e.town_code", "=", "yancang")
      .executeTakeFirstOrThrow();
    expect(total).toBe(Number(inTown.n));
  });
});

describe("the review queue", () => {
  it("opens on submitted applications, oldest submission first, with counts per status", async () => {
    const d = await list("reviewer");
    expect(d.filters.statuses).toEqual(["submitted"]);
    expect(d.rows.length).toBeGreaterThan(0);
    expect(d.rows.every((r: any) => r.status === "submitted")).toBe(true);
    const times = d.rows.map((r: any) => r.submittedAt);
    expect([...times].sort()).toEqual(times);
    const byStatus = await db()
      .selectFrom("applications")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    for (const r of byStatus) expect(d.counts[r.status], r.status).toBe(Number(r.n));
  });

  it("filters by tier, year, town, several statuses and firm name", async () => {
    const d = await list("reviewer", "?tier=quality-factory&status=submitted&status=returned&town=yancang&year=2026");
    expect(d.rows.length).toBeGreaterThan(0);
    for (const r of d.rows) {
      expect(r.tierCode).toBe("quality-factory");
      expect(["submitted", "returned"]).toContain(r.status);
      expect(r.townCode).toBe("yancang");
      expect(r.year).toBe(2026);
    }
    // "pipeline" is the dashboard's in-review figure: the same rows as submitted + returned (+ in
    // public notice, none here).
    const pipeline = await list("reviewer", "?tier=quality-factory&status=pipeline&town=yancang&year=2026");
    expect(pipeline.filters.statuses).toEqual(["submitted", "returned", "publicized"]);
    expect(pipeline.rows).toEqual(d.rows);
    const byName = await list("reviewer", `?status=all&q=${encodeURIComponent("盐仓海洋装备")}`);
    expect(byName.rows.length).toBeGreaterThan(0);
    expect(byName.rows.every((r: any) => r.enterpriseName.includes("盐仓海洋装备"))).toBe(true);
    // LIKE wildcards typed by a user are taken literally.
    expect((await list("reviewer", "?status=all&q=%25")).rows).toEqual([]);
    // Malformed filters are ignored, not a 500.
    const junk = await list("reviewer", "?tier=nope&year=20x6&status=bogus&cursor=%%%");
    expect(junk.filters.statuses).toEqual(["submitted"]);
  });

  it("pages with a keyset cursor: every row once, in order, drafts after the submitted ones", async () => {
    const caller = await callerOf("reviewer");
    const seen: { id: number; submittedAt: string | null }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listApplications(db(), caller, { limit: 37, cursor });
      seen.push(...page.rows.map((r) => ({ id: r.id, submittedAt: r.submittedAt })));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const total = await db()
      .selectFrom("applications")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(seen.length).toBe(Number(total.n));
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(2);
    const firstDraft = seen.findIndex((r) => r.submittedAt === null);
    expect(firstDraft).toBeGreaterThan(0);
    expect(seen.slice(firstDraft).every((r) => r.submittedAt === null)).toBe(true);
    const submitted = seen.slice(0, firstDraft);
    for (let i = 1; i < submitted.length; i++) {
      const a = submitted[i - 1]!;
      const b = submitted[i]!;
      expect(a.submittedAt! < b.submittedAt! || (a.submittedAt === b.submittedAt && a.id < b.id)).toBe(true);
    }
    const drafts = seen.slice(firstDraft).map((r) => r.id);
    expect([...drafts].sort((x, y) => x - y)).toEqual(drafts);
  });

  // SQLite's query planner; PostgreSQL's plans are checked by the benchmark's plan report.
  it.runIf(!process.env.DATABASE_URL)("seeks the queue's page on the (status, submitted_at, id) index, without sorting", async () => {
    const { sqlite } = await import("~/utils/db.server");
    // The shape listApplications sends for one status, a cursor and the bureau's scope.
    const plan = sqlite()!
      .prepare(
        `EXPLAIN QUERY PLAN SELECT a.id, e.name, t.name_zh FROM applications a
         JOIN enterprises e ON e.id = a.enterprise_id JOIN towns t ON t.code = e.town_code
         WHERE 1 AND a.status IN ('submitted') AND (a.submitted_at, a.id) > (?, ?)
         ORDER BY a.submitted_at, a.id LIMIT 51`,
      )
      .all("2026-01-01T00:00:00.000Z", 1) as { detail: string }[];
    const text = plan.map((p) => p.detail).join("\n");
    expect(text).toContain("USING INDEX applications_status_submitted (status=? AND submitted_at>?)");
    expect(text).not.toContain("TEMP B-TREE");
  });
});
