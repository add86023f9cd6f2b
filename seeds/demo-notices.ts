/**
 * The demo's public notices (公示): one batch whose window has closed, its firms approved and
 * their awards dated the notice's last day, and one batch open today with an objection waiting
 * for the reviewer. Written as rows, as the commands write them (proposeBatch, fileObjection,
 * closeDueNotices), with fixed times.
 *
 * The closed batch lies in the demo's own past. The open batch was proposed on the demo's last
 * day and is published from the day the demo is loaded (Asia/Shanghai), so that `/notices` shows
 * an open window and the notice-closing job does not close it at the first start; two databases
 * loaded on the same day get the same rows. These history rows are written after the rest of the
 * demo's history, so their ids do not follow their times.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema";
import { getTier, type Level, type TierCode } from "../app/domain/tiers";
import { noticeEndDate } from "../app/domain/notice";
import { addDays } from "../app/domain/validity";
import { loadCalendarExceptions } from "../app/models/calendar.server";
import { createNotification } from "../app/models/notification.server";
import { todayInShanghai } from "../app/utils/format";

/** The district's own factories go through public notice by default. */
const NOTICE_TIERS: TierCode[] = ["demonstration-factory", "quality-factory", "clean-beauty-factory"];
const OFFICE = "定海区经济和信息化局企业服务科";
const PHONE = "0580-2022000";

/** A notice's title names the tiers of its firms, as the bureau's do. */
const titleOf = (year: number, batch: string, apps: readonly { tier_code: string }[]) =>
  `定海区${year}年度${[...new Set(apps.map((a) => getTier(a.tier_code as TierCode).nameZh))].join("、")}拟认定名单公示（${batch}）`;

const addYears = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;

export async function seedDemoNotices(trx: Kysely<DB>, demoNow: string, excludedFirmNames: readonly string[], loadedOn = todayInShanghai()): Promise<void> {
  const year = Number(demoNow.slice(0, 4));
  const reviewer = await trx.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  // Submitted applications of the notice tiers whose firms hold no pool entry for the tier (the
  // pool follows applications through the commands, which these rows bypass).
  const candidates = await trx
    .selectFrom("applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.tier_code", "a.level_sought", "a.version", "a.enterprise_id", "e.name"])
    .where("a.status", "=", "submitted")
    .where("a.year", "=", year)
    .where("a.renews_award_id", "is", null)
    .where("a.tier_code", "in", NOTICE_TIERS)
    .where("e.name", "not in", [...excludedFirmNames])
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("pool_entries as p").select("p.id").whereRef("p.enterprise_id", "=", "a.enterprise_id").whereRef("p.tier_code", "=", "a.tier_code"))),
    )
    .orderBy("a.submitted_at")
    .orderBy("a.id")
    .limit(4)
    .execute();
  if (candidates.length < 4) throw new Error("seedDemoNotices: not enough submitted applications of the notice tiers");
  const calendar = await loadCalendarExceptions(trx);

  const publicize = async (batchId: number, app: (typeof candidates)[number], position: number, at: string) => {
    await trx.insertInto("notice_items").values({ batch_id: batchId, application_id: app.id, position }).execute();
    await trx
      .updateTable("applications")
      .set({ status: "publicized", version: app.version + 1, updated_at: at })
      .where("id", "=", app.id)
      .execute();
    await trx
      .insertInto("application_events")
      .values({ application_id: app.id, at, actor_id: reviewer.id, action: "propose", from_status: "submitted", to_status: "publicized", comment: null, data: null })
      .execute();
  };

  // The closed batch: proposed the day after its two applications' last events, five working
  // days, then approved by the closing job (no actor) with awards dated the notice's last day.
  const latest = await trx
    .selectFrom("application_events")
    .select((eb) => eb.fn.max("at").as("at"))
    .where(
      "application_id",
      "in",
      candidates.slice(0, 2).map((a) => a.id),
    )
    .executeTakeFirstOrThrow();
  const closedStart = addDays(String(latest.at ?? demoNow).slice(0, 10), 1);
  const closedEnd = noticeEndDate(closedStart, 5, calendar);
  const proposedAt = `${closedStart}T00:30:00.000Z`;
  if (`${addDays(closedEnd, 1)}T00:05:00.000Z` > demoNow) throw new Error("seedDemoNotices: the closed notice would end after the demo's today");
  const closed = await trx
    .insertInto("notice_batches")
    .values({
      title: titleOf(year, "第一批", candidates.slice(0, 2)),
      starts_on: closedStart,
      ends_on: closedEnd,
      working_days: 5,
      office: OFFICE,
      phone: PHONE,
      created_by: reviewer.id,
      created_at: proposedAt,
      closed_at: `${addDays(closedEnd, 1)}T00:05:00.000Z`,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [i, app] of candidates.slice(0, 2).entries()) {
    await publicize(closed.id, app, i + 1, proposedAt);
    const at = `${addDays(closedEnd, 1)}T00:05:00.000Z`;
    const tier = getTier(app.tier_code as TierCode);
    const level = (app.level_sought ?? tier.countingLevel) as Level;
    const validUntil = tier.validityYears ? addYears(closedEnd, tier.validityYears) : null;
    const documentNo = `定经信〔${year}〕${80 + i}号`;
    await trx
      .updateTable("applications")
      .set({ status: "approved", version: app.version + 2, updated_at: at, decided_at: at, decided_by: null })
      .where("id", "=", app.id)
      .execute();
    await trx
      .insertInto("application_events")
      .values({
        application_id: app.id,
        at,
        actor_id: null,
        action: "approve",
        from_status: "publicized",
        to_status: "approved",
        comment: null,
        data: JSON.stringify({ level, recognizedOn: closedEnd, validUntil, documentNo, noticeBatch: closed.id }),
      })
      .execute();
    await trx
      .insertInto("awards")
      .values({
        enterprise_id: app.enterprise_id,
        tier_code: app.tier_code,
        level,
        year,
        recognized_on: closedEnd,
        valid_until: validUntil,
        document_no: documentNo,
        application_id: app.id,
        created_by: null,
        created_at: at,
      })
      .execute();
  }

  // The open batch: from the day the demo is loaded, with one objection pending.
  const openStart = loadedOn;
  const openEnd = noticeEndDate(openStart, 5, calendar);
  // Proposed on the demo's last day, published from the day the demo is loaded.
  const openedAt = new Date(Date.parse(demoNow) - 3_600_000).toISOString();
  const open = await trx
    .insertInto("notice_batches")
    .values({
      title: titleOf(year, "第二批", candidates.slice(2)),
      starts_on: openStart,
      ends_on: openEnd,
      working_days: 5,
      office: OFFICE,
      phone: PHONE,
      created_by: reviewer.id,
      created_at: openedAt,
      closed_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const [first, second] = candidates.slice(2);
  await publicize(open.id, first!, 1, openedAt);
  await publicize(open.id, second!, 2, openedAt);
  const objection = await trx
    .insertInto("notice_objections")
    .values({
      reference: `GS${open.id}-DEMO0001`,
      batch_id: open.id,
      application_id: first!.id,
      name: "李先生",
      phone: "13800000000",
      reason: `${first!.name}厂区东侧仍有露天堆放的废料，与公示的“洁美工厂”条件不符，请核实。`,
      address: null,
      status: "pending",
      resolution: null,
      resolved_by: null,
      resolved_at: null,
      created_at: `${openStart}T01:30:00.000Z`,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // The bureau hears of it, as fileObjection tells every reviewer and admin.
  const bureau = await trx.selectFrom("users").select("id").where("role", "in", ["reviewer", "admin"]).where("disabled_at", "is", null).orderBy("id").execute();
  for (const user of bureau) {
    await createNotification(trx, {
      recipientId: user.id,
      kind: "notice.objection",
      eventKey: `objection:${objection.id}`,
      enterpriseId: first!.enterprise_id,
      params: { tierCode: first!.tier_code, year, applicationId: first!.id, reference: `GS${open.id}-DEMO0001` },
      link: `/applications/${first!.id}`,
      now: `${openStart}T01:30:00.000Z`,
    });
  }
}
