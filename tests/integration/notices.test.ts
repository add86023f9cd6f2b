/**
 * Public notice (公示): proposing submitted applications into a batch, the public pages (which
 * show what a government notice shows and nothing more), written objections and their
 * resolution, and the closing job (approvals with awards, idempotent, counters kept).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { closeDueNotices, proposeBatch, setNoticeSetting, listNoticeSettings } from "~/models/notice.server";
import { resolveObjection } from "~/models/notice-objection.server";
import { approveAfterNotice, approveApplication } from "~/models/application-approval.server";
import { loadDistrictProgress } from "~/models/progress.server";
import { verifyCounters } from "~/models/progress-check.server";
import * as listPage from "~/routes/notices._index";
import * as batchPage from "~/routes/notices.$id";
import * as objectionPage from "~/routes/notices.$id_.objection";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { callerOf, userIdOf } from "./applications.helpers";

const DISTRICT_TIERS = ["demonstration-factory", "quality-factory", "clean-beauty-factory"] as const;
const TODAY = todayInShanghai();

interface Candidate {
  id: number;
  version: number;
  enterprise_id: number;
  tier_code: string;
  year: number;
  name: string;
  uscc: string;
  contact_phone: string | null;
}

/** Submitted applications of the district tiers, seeded (distinct firms). */
async function submittedDistrictApps(): Promise<Candidate[]> {
  const rows = await db()
    .selectFrom("applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.version", "a.enterprise_id", "a.tier_code", "a.year", "e.name", "e.uscc", "e.contact_phone"])
    .where("a.status", "=", "submitted")
    .where("a.tier_code", "in", [...DISTRICT_TIERS])
    .orderBy("a.id")
    .execute();
  return rows as Candidate[];
}

async function statusOfApp(id: number) {
  return await db().selectFrom("applications").select(["status", "version"]).where("id", "=", id).executeTakeFirstOrThrow();
}

async function awardsFor(id: number) {
  return db().selectFrom("awards").selectAll().where("application_id", "=", id).execute();
}

const anonymous = (path: string, form?: Record<string, string>) => makeRequest(path, form ? { form } : {});

let pool: Candidate[] = [];
let years: number[] = [];
beforeAll(async () => {
  pool = await submittedDistrictApps();
  years = [...new Set(pool.map((a) => a.year))];
});

/** Achieved firms of the district tiers, summed over the years the candidates apply for. */
async function achievedTotal(): Promise<number> {
  let n = 0;
  for (const year of years) {
    const p = await loadDistrictProgress(db(), year);
    for (const tier of DISTRICT_TIERS) n += p.totals[tier].achieved;
  }
  return n;
}

function take(n: number): Candidate[] {
  expect(pool.length).toBeGreaterThanOrEqual(n);
  return pool.splice(0, n);
}

describe("settings", () => {
  it("defaults: on for the district factories (5 working days), off for the others; a change is audited", async () => {
    const settings = await listNoticeSettings(db());
    expect(settings.filter((s) => s.enabled).map((s) => s.tierCode)).toEqual([...DISTRICT_TIERS]);
    const reviewer = await callerOf("reviewer");
    await setNoticeSetting(db(), reviewer, { tierCode: "green-factory", enabled: true, workingDays: 7 });
    expect((await listNoticeSettings(db())).find((s) => s.tierCode === "green-factory")).toEqual({ tierCode: "green-factory", enabled: true, workingDays: 7 });
    const audit = await db().selectFrom("audit_log").select(["actor_id", "subject"]).where("action", "=", "notice.settings").execute();
    expect(audit).toContainEqual({ actor_id: reviewer.id, subject: "tier:green-factory" });
    await setNoticeSetting(db(), reviewer, { tierCode: "green-factory", enabled: false, workingDays: 5 });
    await expect(setNoticeSetting(db(), await callerOf("officer-jintang"), { tierCode: "listed", enabled: true, workingDays: 5 })).rejects.toMatchObject({ kind: "forbidden" });
  });
});

describe("proposing, the public pages and objections", () => {
  it("proposes into a batch (publicized, still in the pipeline, counters equal a recount) and publishes only names, tiers and towns", async () => {
    const apps = take(2);
    const year = apps[0]!.year;
    const before = await loadDistrictProgress(db(), year);
    const reviewer = await callerOf("reviewer");
    const result = await proposeBatch(db(), reviewer, {
      title: "2026年度区级工厂拟认定名单公示（第一批）",
      startsOn: TODAY,
      office: "区经信局产业科",
      phone: "0580-2022000",
      applications: apps.map((a) => ({ id: a.id, version: a.version })),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const a of apps) expect((await statusOfApp(a.id)).status).toBe("publicized");
    const events = await db()
      .selectFrom("application_events")
      .select(["application_id", "action", "from_status", "to_status"])
      .where(
        "application_id",
        "in",
        apps.map((a) => a.id),
      )
      .where("action", "=", "propose")
      .execute();
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.from_status === "submitted" && e.to_status === "publicized")).toBe(true);
    const after = await loadDistrictProgress(db(), year);
    for (const tier of DISTRICT_TIERS) {
      expect(after.totals[tier].pipeline).toBe(before.totals[tier].pipeline);
    }
    expect(await verifyCounters(db())).toEqual([]);

    // While the window is open, no one approves by hand.
    const { version } = await statusOfApp(apps[0]!.id);
    expect(await approveApplication(db(), reviewer, apps[0]!.id, { version, level: "district", recognizedOn: TODAY, documentNo: "定经信〔2026〕1号" })).toEqual({
      ok: false,
      reason: "conflict",
    });
    expect((await statusOfApp(apps[0]!.id)).status).toBe("publicized");
    expect(await awardsFor(apps[0]!.id)).toHaveLength(0);

    // A second proposal of the same applications finds them no longer submitted: nothing written.
    const batches = await db().selectFrom("notice_batches").select("id").execute();
    const again = await proposeBatch(db(), reviewer, {
      title: "重复",
      startsOn: TODAY,
      office: "x",
      phone: "0580-2022000",
      applications: apps.map((a) => ({ id: a.id, version: a.version })),
    });
    expect(again).toMatchObject({ ok: false, reason: "conflict" });
    expect(await db().selectFrom("notice_batches").select("id").execute()).toHaveLength(batches.length);

    // The public list and the batch page, anonymous.
    const list = await call(listPage.loader, anonymous("/notices"));
    expect(statusOf(list.result)).toBe(200);
    const listed = dataOf(list.result);
    const open = listed.open.find((n: { id: number }) => n.id === result.batchId);
    expect(open.items.map((i: { firm: string }) => i.firm)).toEqual(apps.map((a) => a.name));
    const page = await call(batchPage.loader, anonymous(`/notices/${result.batchId}`), { id: String(result.batchId) });
    const text = JSON.stringify(dataOf(page.result));
    for (const a of apps) {
      expect(text).toContain(a.name);
      expect(text).not.toContain(a.uscc);
      if (a.contact_phone) expect(text).not.toContain(a.contact_phone);
    }
    // Nothing of a firm not in the batch, nor of the application's figures.
    for (const other of pool.slice(0, 3)) expect(text).not.toContain(other.name);
    expect(text).not.toMatch(/revenue|payload|eligibility|uscc|contact/i);
    // Unknown and malformed ids answer 404; so does an application id used as a notice id.
    for (const id of ["999999", "0", "abc", "1e3", String(apps[0]!.id + 100000)]) {
      const r = await call(batchPage.loader, anonymous(`/notices/${id}`), { id });
      expect(statusOf(r.result)).toBe(404);
      const o = await call(objectionPage.loader, anonymous(`/notices/${id}/objection`), { id });
      expect(statusOf(o.result)).toBe(404);
    }
  });

  it("refuses tiers without public notice and a caller who may not decide", async () => {
    const other = await db().selectFrom("applications").select(["id", "version"]).where("status", "=", "submitted").where("tier_code", "=", "listed").executeTakeFirst();
    if (other) {
      const r = await proposeBatch(db(), await callerOf("reviewer"), { title: "t", startsOn: TODAY, office: "o", phone: "0580-2022000", applications: [other] });
      expect(r).toMatchObject({ ok: false, reason: "notice-off" });
      expect((await statusOfApp(other.id)).status).toBe("submitted");
    }
    const [a] = pool;
    await expect(
      proposeBatch(db(), await callerOf("officer-jintang"), {
        title: "t",
        startsOn: TODAY,
        office: "o",
        phone: "0580-2022000",
        applications: [{ id: a!.id, version: a!.version }],
      }),
    ).rejects.toMatchObject({ kind: "forbidden" });
    expect((await statusOfApp(a!.id)).status).toBe("submitted");
  });

  it("takes an objection from anyone (reference, audited, reviewers notified), refuses bad input by field, and an upheld one returns the application", async () => {
    const [a, b] = take(2);
    const reviewer = await callerOf("reviewer");
    const r = await proposeBatch(db(), reviewer, {
      title: "第二批",
      startsOn: TODAY,
      office: "区经信局",
      phone: "0580-2022000",
      applications: [a!, b!].map((x) => ({ id: x.id, version: x.version })),
    });
    if (!r.ok) throw new Error("propose failed");
    const path = `/notices/${r.batchId}/objection`;
    const post = (form: Record<string, string>) => call(objectionPage.action, anonymous(path, form), { id: String(r.batchId) });
    const good = { application: String(a!.id), name: "张三", phone: "138 0000 0000", reason: "该企业去年发生环保处罚，不符合洁美工厂条件。" };

    // Bad input, field by field; nothing written.
    const count = async () =>
      Number(
        (
          await db()
            .selectFrom("notice_objections")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n0 = await count();
    const cases: [Record<string, string>, string][] = [
      [{ ...good, reason: "<script>alert(1)</script>" }, "reason"],
      [{ ...good, reason: "x".repeat(2001) }, "reason"],
      [{ ...good, reason: "" }, "reason"],
      [{ ...good, name: "张\u0000三" }, "name"],
      [{ ...good, name: "a\u202eb" }, "name"],
      [{ ...good, name: "x".repeat(51) }, "name"],
      [{ ...good, phone: "call me" }, "phone"],
      [{ ...good, phone: "1".repeat(41) }, "phone"],
      [{ ...good, application: "abc" }, "application"],
      [{ ...good, application: "-1" }, "application"],
      [{ ...good, application: "99999999999999999999" }, "application"],
      // An application of another batch or none, and an unknown one, answer alike.
      [{ ...good, application: String(pool[0]!.id) }, "application"],
      [{ ...good, application: "987654321" }, "application"],
    ];
    const sameMessage = new Set<string>();
    for (const [form, field] of cases) {
      const res = await post(form);
      expect(statusOf(res.result), JSON.stringify(form).slice(0, 80)).toBe(400);
      const errors = dataOf(res.result).result.error;
      expect(Object.keys(errors)).toEqual([field]);
      if (field === "application" && /^\d+$/.test(form.application!) && form.application!.length < 15) sameMessage.add(errors.application[0]);
    }
    expect(sameMessage.size).toBe(1);
    expect(await count()).toBe(n0);

    // The kept input: what was typed comes back in the reply.
    const kept = await post({ ...good, reason: "<b>x</b>" });
    expect(dataOf(kept.result).result.initialValue).toMatchObject({ name: "张三", phone: "138 0000 0000" });

    const ok = await post(good);
    expect(statusOf(ok.result)).toBe(200);
    const reference = dataOf(ok.result).reference as string;
    expect(reference).toMatch(new RegExp(`^GS${r.batchId}-[0-9A-F]{8}$`));
    const row = await db().selectFrom("notice_objections").selectAll().where("reference", "=", reference).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ application_id: a!.id, batch_id: r.batchId, name: "张三", status: "pending", reason: good.reason });
    expect(await db().selectFrom("audit_log").select("subject").where("action", "=", "notice.objection").where("subject", "=", `application:${a!.id}`).execute()).toHaveLength(1);
    const note = await db()
      .selectFrom("notifications")
      .select(["kind", "link"])
      .where("recipient_id", "=", await userIdOf("reviewer"))
      .where("event_key", "=", `objection:${row.id}`)
      .executeTakeFirstOrThrow();
    expect(note).toEqual({ kind: "notice.objection", link: `/applications/${a!.id}` });
    // The public page does not show the objection.
    const page = JSON.stringify(dataOf((await call(batchPage.loader, anonymous(`/notices/${r.batchId}`), { id: String(r.batchId) })).result));
    expect(page).not.toContain(reference);
    expect(page).not.toContain("张三");

    // Upheld: the application is returned, with the reason, in one step.
    const { version } = await statusOfApp(a!.id);
    expect(
      await resolveObjection(db(), reviewer, row.id, { outcome: "upheld", resolution: "经核实，异议属实。", decision: "return", reasonCode: "data-inconsistent", version }),
    ).toEqual({ ok: true });
    expect((await statusOfApp(a!.id)).status).toBe("returned");
    const resolved = await db().selectFrom("notice_objections").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(resolved).toMatchObject({ status: "upheld", resolution: "经核实，异议属实。", resolved_by: reviewer.id });
    // Resolving twice is refused.
    expect(await resolveObjection(db(), reviewer, row.id, { outcome: "dismissed", resolution: "x" })).toEqual({ ok: false, reason: "conflict" });
    expect(await verifyCounters(db())).toEqual([]);
  });

  it("refuses an objection outside the window with a clear message", async () => {
    const [a] = take(1);
    const r = await proposeBatch(db(), await callerOf("reviewer"), {
      title: "已结束的公示",
      startsOn: "2026-09-30",
      office: "区经信局",
      phone: "0580-2022000",
      applications: [{ id: a!.id, version: a!.version }],
    });
    if (!r.ok) throw new Error("propose failed");
    expect(r.endsOn).toBe("2026-10-12");
    const res = await call(objectionPage.action, anonymous(`/notices/${r.batchId}/objection`, { application: String(a!.id), name: "李四", phone: "13800000000", reason: "理由" }), {
      id: String(r.batchId),
    });
    expect(statusOf(res.result)).toBe(409);
    expect(dataOf(res.result).result.error[""][0]).toContain("2026-10-12");
    expect(await db().selectFrom("notice_objections").select("id").where("batch_id", "=", r.batchId).execute()).toHaveLength(0);
  });
});

describe("closing a notice (the scheduled job)", () => {
  it("approves those with no objection standing (award dated the notice's end), leaves the others, and a re-run writes nothing more", async () => {
    const apps = take(3);
    const reviewer = await callerOf("reviewer");
    const r = await proposeBatch(db(), reviewer, {
      title: "第三批",
      startsOn: TODAY,
      office: "区经信局",
      phone: "0580-2022000",
      applications: apps.map((x) => ({ id: x.id, version: x.version })),
    });
    if (!r.ok) throw new Error("propose failed");
    const ok = await call(
      objectionPage.action,
      anonymous(`/notices/${r.batchId}/objection`, { application: String(apps[2]!.id), name: "王五", phone: "13800000001", reason: "有异议" }),
      { id: String(r.batchId) },
    );
    const reference = dataOf(ok.result).reference as string;

    // While the window is open, nothing happens to this batch (an earlier test's closed batch is handled).
    await closeDueNotices(db(), new Date(`${TODAY}T12:00:00+08:00`));
    for (const a of apps) expect((await statusOfApp(a.id)).status).toBe("publicized");
    expect(await db().selectFrom("notice_batches").select("closed_at").where("id", "=", r.batchId).executeTakeFirstOrThrow()).toEqual({ closed_at: null });
    const before = await achievedTotal();
    const later = new Date(new Date(`${r.endsOn}T12:00:00+08:00`).getTime() + 24 * 3600_000);

    // A crash after the first approval: that one is done, the rest not (each approval commits alone).
    expect(await approveAfterNotice(db(), apps[0]!.id, { recognizedOn: r.endsOn, documentNo: null, batchId: r.batchId })).toBe(true);
    // (Earlier tests' batches, still in notice without a standing objection, close too.)
    const first = await closeDueNotices(db(), later);
    expect(first.approved).toBeGreaterThanOrEqual(1);
    expect(first.waiting).toBeGreaterThanOrEqual(1);
    for (const a of apps.slice(0, 2)) {
      expect((await statusOfApp(a.id)).status).toBe("approved");
      const awards = await awardsFor(a.id);
      expect(awards).toHaveLength(1);
      expect(awards[0]).toMatchObject({ recognized_on: r.endsOn, enterprise_id: a.enterprise_id, tier_code: a.tier_code, revoked_on: null });
    }
    expect((await statusOfApp(apps[2]!.id)).status).toBe("publicized");
    // The dashboard's achieved count rises by exactly the number approved (firms new to their tier).
    expect(await achievedTotal()).toBe(before + 1 + first.approved);
    const approvedNow = await db()
      .selectFrom("application_events as e")
      .innerJoin("notice_items as i", "i.application_id", "e.application_id")
      .select(["e.application_id"])
      .where("e.action", "=", "approve")
      .where("e.actor_id", "is", null)
      .execute();
    for (const { application_id } of approvedNow) expect(await awardsFor(application_id)).toHaveLength(1);
    expect(await verifyCounters(db())).toEqual([]);

    // Re-run: nothing more; the reviewers heard of the closing once.
    expect(await closeDueNotices(db(), later)).toMatchObject({ approved: 0 });
    for (const a of apps) expect((await awardsFor(a.id)).length).toBeLessThanOrEqual(1);
    const closed = await db().selectFrom("notifications").select("id").where("event_key", "=", `notice:${r.batchId}:closed`).where("recipient_id", "=", reviewer.id).execute();
    expect(closed).toHaveLength(1);
    const batch = await db().selectFrom("notice_batches").select("closed_at").where("id", "=", r.batchId).executeTakeFirstOrThrow();
    expect(batch.closed_at).not.toBeNull();

    // The reviewer dismisses the objection: the next run approves that one too.
    const objection = await db().selectFrom("notice_objections").select("id").where("reference", "=", reference).executeTakeFirstOrThrow();
    expect(await resolveObjection(db(), reviewer, objection.id, { outcome: "dismissed", resolution: "异议不实。" })).toEqual({ ok: true });
    expect(await closeDueNotices(db(), later)).toMatchObject({ approved: 1 });
    expect((await statusOfApp(apps[2]!.id)).status).toBe("approved");
    expect(await awardsFor(apps[2]!.id)).toHaveLength(1);
    expect(await closeDueNotices(db(), later)).toMatchObject({ approved: 0 });
    expect(await verifyCounters(db())).toEqual([]);
  });
});
