/**
 * The cultivation pool's model on a real database: adding (one and many), the one-active-entry
 * rule in the database itself, manual changes, and the status following the firm's application
 * of the same tier and year inside the application's transaction — also when two people act at
 * once.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Caller } from "~/domain/scope";
import { listOverdueTasks, listPool } from "~/models/pool.server";
import { addToPool, changePoolStatus, getPoolEntry } from "~/models/pool-entry.server";
import { addPoolTask, addPoolVisit, setPoolTaskStatus } from "~/models/pool-plan.server";
import { db } from "~/utils/db.server";
import { attachRequiredEvidence } from "../support/evidence";
import { YEAR, cookieOf, dataOf, firmIdOf, listedForm, postDetail, postNew, redirectedId, specializedForm, statusOf } from "./applications.helpers";

async function callerOf(username: string): Promise<Caller> {
  const u = await db().selectFrom("users").select(["id", "role", "enterprise_id", "town_code"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: u.id, role: u.role, enterpriseId: u.enterprise_id, townCode: u.town_code };
}

async function entryOf(enterpriseId: number, tier: string) {
  return db()
    .selectFrom("pool_entries")
    .select(["id", "status", "target_year", "version"])
    .where("enterprise_id", "=", enterpriseId)
    .where("tier_code", "=", tier)
    .where("status", "<>", "exited")
    .executeTakeFirst();
}

const TODAY = "2026-11-27";

async function add(username: string, enterpriseIds: number[], tier: "specialized-new" | "listed" | "scaled-up", route: "nurture" | null = null) {
  return addToPool(db(), await callerOf(username), {
    enterpriseIds,
    tierCode: tier,
    targetYear: YEAR,
    route,
    officerId: null,
    enteredOn: TODAY,
    notes: null,
  });
}

/** Firms of a town with no active entry in a tier. */
async function freeFirms(town: string, tier: string, n: number): Promise<number[]> {
  const rows = await db()
    .selectFrom("enterprises as e")
    .select("e.id")
    .where("e.town_code", "=", town)
    .where("e.archived_at", "is", null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("pool_entries as p").select("p.id").whereRef("p.enterprise_id", "=", "e.id").where("p.tier_code", "=", tier).where("p.status", "<>", "exited"))),
    )
    .orderBy("e.id")
    .limit(n)
    .execute();
  return rows.map((r) => r.id);
}

describe("adding to the pool", () => {
  it("adds many firms at once (as discovery will), skipping those out of scope or already in", async () => {
    const jintang = await freeFirms("jintang", "listed", 3);
    const yancang = await freeFirms("yancang", "listed", 1);
    const first = await add("officer-jintang", [...jintang, ...yancang], "listed");
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.result.added.map((a) => a.enterpriseId)).toEqual(jintang);
    expect(first.result.skipped).toEqual([{ enterpriseId: yancang[0], reason: "not-found" }]);
    const again = await add("reviewer", [jintang[0]!], "listed");
    expect(again.ok && again.result.skipped).toEqual([{ enterpriseId: jintang[0], reason: "already-active" }]);
    const audit = await db().selectFrom("audit_log").select(["data"]).where("action", "=", "pool.add").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data!).entries).toHaveLength(3);
  });

  it("升规 entries need a route; other tiers take none", async () => {
    const [firm] = await freeFirms("jintang", "scaled-up", 1);
    expect(await add("reviewer", [firm!], "scaled-up")).toEqual({ ok: false, reason: "route-required" });
    expect(await add("reviewer", [firm!], "listed", "nurture")).toEqual({ ok: false, reason: "route-not-allowed" });
    const ok = await add("reviewer", [firm!], "scaled-up", "nurture");
    expect(ok.ok && ok.result.added).toHaveLength(1);
  });

  it("the database refuses a second active entry of a firm and tier, and allows one after an exit", async () => {
    const [firm] = await freeFirms("yancang", "green-factory", 1);
    const insert = (status: string, exitReason: string | null) =>
      sql`INSERT INTO pool_entries (enterprise_id, tier_code, target_year, entered_on, status, exit_reason, created_at, updated_at)
          VALUES (${firm}, 'green-factory', 2026, '2026-01-05', ${status}, ${exitReason}, '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z')`.execute(db());
    await insert("cultivating", null);
    await expect(insert("applied", null)).rejects.toThrow();
    await insert("exited", "firm-declined");
    await sql`UPDATE pool_entries SET status = 'exited', exit_reason = 'moved-out' WHERE enterprise_id = ${firm} AND tier_code = 'green-factory' AND status = 'cultivating'`.execute(
      db(),
    );
    await insert("cultivating", null);
    // An exit without a reason, and "other" without a note, are refused by CHECKs too.
    await expect(sql`UPDATE pool_entries SET status = 'exited' WHERE enterprise_id = ${firm} AND status = 'cultivating'`.execute(db())).rejects.toThrow();
    await expect(sql`UPDATE pool_entries SET status = 'exited', exit_reason = 'other' WHERE enterprise_id = ${firm} AND status = 'cultivating'`.execute(db())).rejects.toThrow();
  });

  it("two people adding the same firm at once make one entry", async () => {
    const [firm] = await freeFirms("jintang", "quality-factory", 1);
    const [officer, reviewer] = [await callerOf("officer-jintang"), await callerOf("reviewer")];
    const input = { enterpriseIds: [firm!], tierCode: "quality-factory" as const, targetYear: YEAR, route: null, officerId: null, enteredOn: TODAY, notes: null };
    const results = await Promise.all([addToPool(db(), officer, input), addToPool(db(), reviewer, input), addToPool(db(), reviewer, input)]);
    const added = results.flatMap((r) => (r.ok ? r.result.added : []));
    expect(added).toHaveLength(1);
    const n = await db()
      .selectFrom("pool_entries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("enterprise_id", "=", firm!)
      .where("tier_code", "=", "quality-factory")
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });
});

describe("the status follows the firm's application", () => {
  it("submit → applied, return keeps it, withdrawal of the returned one → cultivating", async () => {
    const firm = await firmIdOf("ent-jintang");
    await add("reviewer", [firm], "specialized-new");
    expect((await entryOf(firm, "specialized-new"))?.status).toBe("cultivating");
    const id = redirectedId((await postNew("ent-jintang", "specialized-new", specializedForm())).result);
    expect((await entryOf(firm, "specialized-new"))?.status).toBe("applied");
    const back = await postDetail("reviewer", id, { intent: "return", version: "2", reasonCode: "evidence-missing", comment: "请补充研发费用专项审计报告" });
    expect(statusOf(back.result)).toBe(302);
    expect((await entryOf(firm, "specialized-new"))?.status).toBe("applied");
    const withdrawn = await postDetail("ent-jintang", id, { intent: "withdraw", version: "3" });
    expect(statusOf(withdrawn.result)).toBe(302);
    expect((await entryOf(firm, "specialized-new"))?.status).toBe("cultivating");
  });

  it("approval → recognized; a rejection of another firm's → cultivating; a firm added while in review starts applied", async () => {
    const firm = await firmIdOf("ent-yancang");
    const id = redirectedId((await postNew("ent-yancang", "listed", listedForm())).result);
    await add("reviewer", [firm], "listed");
    expect((await entryOf(firm, "listed"))?.status).toBe("applied");
    const approved = await postDetail("reviewer", id, { intent: "approve", version: "2", level: "district", recognizedOn: `${YEAR}-03-01`, documentNo: "定经信〔2027〕3号" });
    expect(statusOf(approved.result)).toBe(302);
    expect((await entryOf(firm, "listed"))?.status).toBe("recognized");
    const revoked = await postDetail("reviewer", id, { intent: "revoke", version: "3", reason: "挂牌终止", revokedOn: `${YEAR}-05-01` });
    expect(statusOf(revoked.result)).toBe(302);
    expect((await entryOf(firm, "listed"))?.status).toBe("cultivating");
  });

  it("an entry of another target year is not moved", async () => {
    const firm = await firmIdOf("ent-jintang");
    await addToPool(db(), await callerOf("reviewer"), {
      enterpriseIds: [firm],
      tierCode: "green-factory",
      targetYear: YEAR + 1,
      route: null,
      officerId: null,
      enteredOn: TODAY,
      notes: null,
    });
    const { greenForm } = await import("./applications.helpers");
    redirectedId((await postNew("ent-jintang", "green-factory", greenForm())).result);
    expect((await entryOf(firm, "green-factory"))?.status).toBe("cultivating");
  });

  it("races: an approval against a withdrawal, and an add against a submission, leave the pool consistent", async () => {
    await cookieOf("ent-jintang");
    await cookieOf("reviewer");
    const firm = await firmIdOf("ent-jintang");
    await db().deleteFrom("pool_tasks").execute();
    // A fresh tier for this firm: demonstration-factory has no entry of this year.
    const { greenForm } = await import("./applications.helpers");
    void greenForm;
    for (let round = 0; round < 3; round++) {
      const tier = "listed";
      const active = await entryOf(firm, tier);
      if (active)
        await changePoolStatus(db(), await callerOf("reviewer"), active.id, { version: active.version, to: "exited", exitReason: "other", exitNote: "测试轮次", today: TODAY });
      const open = await db()
        .selectFrom("applications")
        .select(["id", "version", "status"])
        .where("enterprise_id", "=", firm)
        .where("tier_code", "=", tier)
        .where("year", "=", YEAR)
        .where("status", "in", ["draft", "submitted", "returned"])
        .executeTakeFirst();
      if (open) await postDetail("ent-jintang", open.id, { intent: "withdraw", version: String(open.version) });
      // An add racing the submission that creates the application.
      const [, created] = await Promise.all([add("officer-jintang", [firm], tier), postNew("ent-jintang", tier, listedForm())]);
      const id = redirectedId(created.result);
      expect((await entryOf(firm, tier))?.status).toBe("applied");
      // An approval racing a withdrawal: the entry ends as the application ended.
      const [a, w] = await Promise.all([
        postDetail("reviewer", id, { intent: "approve", version: "2", level: "district", recognizedOn: `${YEAR}-02-01`, documentNo: `定经信〔2027〕${round}号` }),
        postDetail("ent-jintang", id, { intent: "withdraw", version: "2" }),
      ]);
      expect([statusOf(a.result), statusOf(w.result)].sort()).toEqual([302, 409]);
      const app = await db().selectFrom("applications").select("status").where("id", "=", id).executeTakeFirstOrThrow();
      const entry = await entryOf(firm, tier);
      expect(entry?.status).toBe(app.status === "approved" ? "recognized" : "cultivating");
      if (app.status === "approved") {
        await postDetail("reviewer", id, { intent: "revoke", version: "3", reason: "测试撤销", revokedOn: `${YEAR}-02-02` });
        expect((await entryOf(firm, tier))?.status).toBe("cultivating");
      }
      void dataOf;
    }
  });
});

describe("bulk decisions and the pool", () => {
  it("a bulk approval racing a withdrawal and a manual exit leaves every entry matching its application", async () => {
    const { applyBulkDecision } = await import("~/models/bulk-decision.server");
    const reviewer = await callerOf("reviewer");
    // Three firms of 盐仓 in the 示范工厂 pool, each with an application submitted for YEAR.
    const firms = await freeFirms("yancang", "demonstration-factory", 3);
    await add("reviewer", firms, "demonstration-factory" as any);
    const appIds: number[] = [];
    for (const firm of firms) {
      const row = await db()
        .insertInto("applications")
        .values({
          enterprise_id: firm,
          tier_code: "demonstration-factory",
          year: YEAR,
          level_sought: "district",
          status: "draft",
          payload: "{}",
          created_at: "2026-11-01T00:00:00Z",
          updated_at: "2026-11-01T00:00:00Z",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      appIds.push(row.id);
    }
    const { saveApplication, withdrawApplication } = await import("~/models/application.server");
    for (const id of appIds) {
      await attachRequiredEvidence(db(), reviewer, id, "demonstration-factory");
      expect(await saveApplication(db(), reviewer, id, { version: 1, submit: true, year: YEAR, levelSought: "district", payload: {} })).toEqual({ ok: true, id });
    }
    for (const firm of firms) expect((await entryOf(firm, "demonstration-factory"))?.status).toBe("applied");
    const third = await entryOf(firms[2]!, "demonstration-factory");
    const [bulk, withdrawn, exited] = await Promise.all([
      applyBulkDecision(
        db(),
        reviewer,
        appIds.slice(0, 2).map((id) => ({ id, version: 2 })),
        { decision: "approve", level: "district", recognizedOn: `${YEAR}-01-10`, documentNo: "定经信〔2027〕5号", comment: null },
      ),
      withdrawApplication(db(), reviewer, appIds[1]!, { version: 2 }),
      changePoolStatus(db(), reviewer, third!.id, { version: third!.version, to: "exited", exitReason: "moved-out", exitNote: null, today: TODAY }),
    ]);
    expect(exited).toEqual({ ok: true });
    // Either the batch won (both approved, the withdrawal conflicts) or the withdrawal did (the batch changed nothing).
    expect(bulk.ok !== withdrawn.ok).toBe(true);
    for (const [i, firm] of firms.entries()) {
      const app = await db().selectFrom("applications").select("status").where("id", "=", appIds[i]!).executeTakeFirstOrThrow();
      const entry = await db()
        .selectFrom("pool_entries")
        .select("status")
        .where("enterprise_id", "=", firm)
        .where("tier_code", "=", "demonstration-factory")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      const expected = i === 2 ? "exited" : app.status === "approved" ? "recognized" : app.status === "submitted" ? "applied" : "cultivating";
      expect(entry.status).toBe(expected);
    }
  });
});

describe("plans, visits and manual changes", () => {
  it("tasks, overdue tasks in scope, visits, exit with a reason; exited is final", async () => {
    const [firm] = await freeFirms("jintang", "demonstration-factory", 1);
    const added = await add("officer-jintang", [firm!], "demonstration-factory" as any);
    if (!added.ok) throw new Error("not added");
    const entryId = added.result.added[0]!.entryId;
    const officer = await callerOf("officer-jintang");
    const task = await addPoolTask(db(), officer, entryId, { title: "完成智能化改造诊断", owner: "企业", dueOn: "2026-10-01", notes: null });
    expect(task.ok).toBe(true);
    const overdue = await listOverdueTasks(db(), officer, TODAY, 500);
    expect(overdue.some((t) => t.entryId === entryId)).toBe(true);
    expect((await listOverdueTasks(db(), await callerOf("officer-yancang"), TODAY, 500)).some((t) => t.entryId === entryId)).toBe(false);
    if (task.ok) await setPoolTaskStatus(db(), officer, entryId, task.id, "done", TODAY);
    expect((await listOverdueTasks(db(), officer, TODAY, 500)).some((t) => t.entryId === entryId)).toBe(false);
    await addPoolVisit(db(), officer, entryId, { visitedOn: "2026-11-20", visitor: "金塘镇 联络员", findings: "车间改造进度过半" });
    const detail = await getPoolEntry(db(), officer, entryId, TODAY);
    expect(detail.tasks[0]).toMatchObject({ status: "done", doneOn: TODAY });
    expect(detail.visits[0]).toMatchObject({ findings: "车间改造进度过半" });
    // Out of scope: another town's officer and an enterprise get 404.
    await expect(getPoolEntry(db(), await callerOf("officer-yancang"), entryId, TODAY)).rejects.toMatchObject({ kind: "not-found" });
    await expect(getPoolEntry(db(), await callerOf("ent-jintang"), entryId, TODAY)).rejects.toMatchObject({ kind: "not-found" });
    expect(await changePoolStatus(db(), officer, entryId, { version: detail.version, to: "exited", exitReason: null, exitNote: null, today: TODAY })).toEqual({
      ok: false,
      reason: "reason-required",
    });
    expect(await changePoolStatus(db(), officer, entryId, { version: detail.version, to: "exited", exitReason: "firm-declined", exitNote: null, today: TODAY })).toEqual({
      ok: true,
    });
    expect(await changePoolStatus(db(), officer, entryId, { version: detail.version + 1, to: "cultivating", exitReason: null, exitNote: null, today: TODAY })).toEqual({
      ok: false,
      reason: "exited",
    });
    const list = await listPool(db(), officer, { status: "exited" }, TODAY);
    expect(list.rows.find((r) => r.id === entryId)).toMatchObject({ status: "exited", exitReason: "firm-declined" });
    const audit = await db().selectFrom("audit_log").select("action").where("subject", "=", `pool:${entryId}`).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["pool.status", "pool.task", "pool.task", "pool.visit"]);
  });
});
