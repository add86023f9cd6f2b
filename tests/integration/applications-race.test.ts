/**
 * Two people act on the same application at the same moment: exactly one wins, the other is
 * told it changed under them, and there is never more than one award.
 */
import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { YEAR, appRow, awardsOf, cookieOf, dataOf, eventsOf, firmIdOf, listedForm, postDetail, postNew, redirectedId, specializedForm, statusOf } from "./applications.helpers";

const CONFLICT = "此申报已被他人处理/修改，请刷新后查看最新状态";

function approval(version: number, documentNo: string) {
  return { intent: "approve", version: String(version), level: "provincial", recognizedOn: "2026-12-20", documentNo };
}

describe("concurrent actions on one application", () => {
  it("two approvals at once: one succeeds, the other gets the conflict message, one award", async () => {
    // Sessions first, so both requests start together.
    await cookieOf("reviewer");
    await cookieOf("admin");
    const id = redirectedId((await postNew("ent-jintang", "specialized-new", specializedForm())).result);
    const [a, b] = await Promise.all([postDetail("reviewer", id, approval(2, "浙经信〔2026〕1号")), postDetail("admin", id, approval(2, "浙经信〔2026〕2号"))]);
    const statuses = [statusOf(a.result), statusOf(b.result)].sort();
    expect(statuses).toEqual([302, 409]);
    const loser = statusOf(a.result) === 409 ? a : b;
    expect(dataOf(loser.result).result.error[""]).toEqual([CONFLICT]);
    expect(dataOf(loser.result).intent).toBe("approve");
    const awards = await awardsOf(id);
    expect(awards).toHaveLength(1);
    expect(await appRow(id)).toMatchObject({ status: "approved", version: 3 });
    expect((await eventsOf(id)).filter((e) => e.action === "approve")).toHaveLength(1);
    // The award is the winner's.
    const winnerDoc = statusOf(a.result) === 302 ? "浙经信〔2026〕1号" : "浙经信〔2026〕2号";
    expect(awards[0]!.document_no).toBe(winnerDoc);
  });

  it("an approval against a withdrawal: one of them, never both, and no award if the withdrawal won", async () => {
    await cookieOf("ent-yancang");
    const id = redirectedId((await postNew("ent-yancang", "listed", listedForm({ contactName: "虞丽" }))).result);
    const [approve, withdraw] = await Promise.all([
      postDetail("reviewer", id, { ...approval(2, "定经信〔2026〕9号"), level: "district" }),
      postDetail("ent-yancang", id, { intent: "withdraw", version: "2" }),
    ]);
    expect([statusOf(approve.result), statusOf(withdraw.result)].sort()).toEqual([302, 409]);
    const row = await appRow(id);
    const awards = await awardsOf(id);
    if (statusOf(approve.result) === 302) {
      expect(row.status).toBe("approved");
      expect(awards).toHaveLength(1);
      expect(dataOf(withdraw.result).result.error[""]).toEqual([CONFLICT]);
    } else {
      expect(row.status).toBe("withdrawn");
      expect(awards).toHaveLength(0);
      expect(dataOf(approve.result).result.error[""]).toEqual([CONFLICT]);
    }
    const events = await eventsOf(id);
    expect(events.map((e) => e.action)).toEqual(["create", "submit", row.status === "approved" ? "approve" : "withdraw"]);
  });

  it("many simultaneous decisions of every kind still leave exactly one", async () => {
    const id = redirectedId((await postNew("ent-jintang", "listed", listedForm())).result);
    const results = await Promise.all([
      postDetail("reviewer", id, { ...approval(2, "A"), level: "district" }),
      postDetail("admin", id, { ...approval(2, "B"), level: "district" }),
      postDetail("reviewer", id, { intent: "reject", version: "2", reasonCode: "other", comment: "x" }),
      postDetail("admin", id, { intent: "return", version: "2", reasonCode: "other", comment: "y" }),
      postDetail("ent-jintang", id, { intent: "withdraw", version: "2" }),
    ]);
    expect(results.map((r) => statusOf(r.result)).filter((s) => s === 302)).toHaveLength(1);
    expect(results.map((r) => statusOf(r.result)).filter((s) => s === 409)).toHaveLength(4);
    expect((await eventsOf(id)).length).toBe(3);
    expect((await awardsOf(id)).length).toBeLessThanOrEqual(1);
  });

  it("two creations at once: one application, the other is pointed to it", async () => {
    const form = specializedForm({ intent: "save", contactName: "虞丽" });
    const [a, b] = await Promise.all([postNew("ent-yancang", "specialized-new", form), postNew("ent-yancang", "specialized-new", form)]);
    expect([statusOf(a.result), statusOf(b.result)].sort()).toEqual([302, 409]);
    const winner = statusOf(a.result) === 302 ? a : b;
    const loser = winner === a ? b : a;
    expect(dataOf(loser.result).existingId).toBe(redirectedId(winner.result));
    const open = await db()
      .selectFrom("applications")
      .select("id")
      .where("enterprise_id", "=", await firmIdOf("ent-yancang"))
      .where("tier_code", "=", "specialized-new")
      .where("year", "=", YEAR)
      .execute();
    expect(open).toHaveLength(1);
  });

  it("an approval when the firm already holds a live award of that tier and year is refused clearly", async () => {
    const firm = await firmIdOf("ent-jintang");
    const id = redirectedId(
      (
        await postNew("ent-jintang", "quality-factory", {
          intent: "submit",
          year: String(YEAR),
          contactName: "邬晓燕",
          contactPhone: "13857201368",
          description: "x",
          declaration: "on",
        })
      ).result,
    );
    await db()
      .insertInto("awards")
      .values({ enterprise_id: firm, tier_code: "quality-factory", level: "district", year: YEAR, recognized_on: "2026-12-01", created_at: new Date().toISOString() })
      .execute();
    const { result } = await postDetail("reviewer", id, { ...approval(2, "定经信〔2026〕3号"), level: "district" });
    expect(statusOf(result)).toBe(409);
    expect(dataOf(result).result.error[""]).toEqual(["该企业本年度已有此类别的有效认定记录，不能重复认定。"]);
    expect(await appRow(id)).toMatchObject({ status: "submitted", version: 2 });
    expect((await eventsOf(id)).map((e) => e.action)).toEqual(["create", "submit"]);
  });
});
