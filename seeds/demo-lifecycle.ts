/**
 * The demo's title lifecycle (the same on every machine): awards spread over their validity so
 * that some expire within 30, 90 and 180 days of the demo's "today", and renewals (复核) in each
 * state — a draft, one submitted, one approved and linked (the old award ended), one lapsed.
 * The account `ent-renewal` holds a title expiring in 60 days and has its expiry reminder in its
 * inbox; the town officer of the submitted renewal's firm has heard of the submission.
 * Written as rows with fixed dates, like the rest of the demo; the triggers keep the counters.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema";
import { createNotification } from "../app/models/notification.server";
import { addDays, daysLeft } from "../app/domain/validity";

/** The same day `years` later or earlier (the demo's dates avoid 29 February). */
const shiftYears = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;

/** The demo account whose title is up for renewal (password as every demo account). */
export const RENEWAL_ACCOUNT = "ent-renewal";

interface Plan {
  tier: "specialized-new" | "green-factory";
  /** Days from the demo's today to the end of validity (negative: already ended). */
  left: number;
  renewal?: "draft" | "submitted" | "approved";
}

// One firm each, in this order; the first is the account's.
const PLANS: readonly Plan[] = [
  { tier: "green-factory", left: 60 },
  { tier: "green-factory", left: 20 },
  { tier: "specialized-new", left: 150 },
  { tier: "green-factory", left: 45, renewal: "draft" },
  { tier: "specialized-new", left: 100, renewal: "submitted" },
  { tier: "green-factory", left: -30, renewal: "approved" },
  { tier: "specialized-new", left: -120 },
];

/** What a renewal's short form asks of each tier's figures (renewalFieldsOf), as the firm gave them. */
const FIGURES: Record<Plan["tier"], Record<string, number>> = {
  "specialized-new": {
    nicheYears: 8,
    revenueYuan: 86_000_000,
    mainBusinessRevenueYuan: 79_000_000,
    rdExpenseYuan: 4_300_000,
    rdExpensePrevYuan: 3_900_000,
    rdStaff: 21,
    employees: 140,
    debtRatioPercent: 48.5,
    ipClass1: 3,
    ipClass2: 12,
  },
  "green-factory": { energyIntensity: 0.38 },
};

export async function seedDemoLifecycle(trx: Kysely<DB>, demoNow: string, passwordHash: string, excludedFirmNames: readonly string[]): Promise<void> {
  const today = demoNow.slice(0, 10);
  const year = Number(today.slice(0, 4));
  const at = (days: number, hour = 2) => `${addDays(today, days)}T${String(hour).padStart(2, "0")}:00:00.000Z`;
  const reviewer = await trx.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  const last = await trx
    .selectFrom("application_events")
    .select((eb) => eb.fn.max("at").as("at"))
    .executeTakeFirstOrThrow();
  const lastEvent = String(last.at ?? demoNow);
  // Firms with no application this year and no award of the lifecycle's tiers: nothing collides.
  const firms = await trx
    .selectFrom("enterprises as e")
    .select(["e.id", "e.name", "e.town_code"])
    .where("e.archived_at", "is", null)
    .where("e.name", "not in", [...excludedFirmNames])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("applications as a")
            .select("a.id")
            .whereRef("a.enterprise_id", "=", "e.id")
            .where("a.year", ">=", year - 3),
        ),
      ),
    )
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("awards as w").select("w.id").whereRef("w.enterprise_id", "=", "e.id").where("w.tier_code", "in", ["specialized-new", "green-factory"]))),
    )
    .orderBy("e.id")
    .limit(PLANS.length)
    .execute();
  if (firms.length < PLANS.length) throw new Error("seedDemoLifecycle: not enough firms");

  const account = await trx
    .insertInto("users")
    .values({
      username: RENEWAL_ACCOUNT,
      display_name: firms[0]!.name,
      role: "enterprise",
      enterprise_id: firms[0]!.id,
      town_code: null,
      password_hash: passwordHash,
      created_at: "2023-01-04T02:20:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  for (const [i, plan] of PLANS.entries()) {
    const firm = firms[i]!;
    const validUntil = addDays(today, plan.left);
    const recognizedOn = shiftYears(validUntil, -3);
    const award = await trx
      .insertInto("awards")
      .values({
        enterprise_id: firm.id,
        tier_code: plan.tier,
        level: "provincial",
        year: Number(recognizedOn.slice(0, 4)),
        recognized_on: recognizedOn,
        valid_until: validUntil,
        document_no: `定经信〔${recognizedOn.slice(0, 4)}〕${40 + i}号`,
        created_by: reviewer.id,
        created_at: `${recognizedOn}T02:00:00.000Z`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    if (i === 0) {
      await createNotification(trx, {
        recipientId: account.id,
        kind: "award.expiring",
        eventKey: `award.expiring:${award.id}:90`,
        enterpriseId: firm.id,
        params: { tierCode: plan.tier, date: validUntil, days: daysLeft(validUntil, today) },
        link: "/awards/expiring?within=180",
        now: at(0, 1),
      });
    }
    if (!plan.renewal) continue;

    // The renewal application and its history, as the commands write them: after every other
    // event of the demo (the log reads in time order), before its "today".
    const step = (n: number) => new Date(Date.parse(lastEvent) + (i * 10 + n) * 60_000).toISOString();
    const created = step(1);
    const submitted = step(2);
    const decidedAt = step(3);
    const decided = decidedAt.slice(0, 10);
    const status = plan.renewal;
    const actor = (await trx.selectFrom("users").select("id").where("role", "=", "town_officer").where("town_code", "=", firm.town_code).orderBy("id").executeTakeFirstOrThrow())
      .id;
    const app = await trx
      .insertInto("applications")
      .values({
        enterprise_id: firm.id,
        tier_code: plan.tier,
        year,
        level_sought: "provincial",
        status,
        version: status === "draft" ? 1 : status === "submitted" ? 2 : 3,
        payload: JSON.stringify({
          contactName: "王敏",
          contactPhone: "13905800000",
          description: "复核：各项指标保持认定时水平，企业说明见附件。",
          ...FIGURES[plan.tier],
          declaration: status !== "draft",
        }),
        renews_award_id: award.id,
        submitted_at: status === "draft" ? null : submitted,
        decided_at: status === "approved" ? decidedAt : null,
        decided_by: status === "approved" ? reviewer.id : null,
        created_at: created,
        updated_at: status === "draft" ? created : status === "submitted" ? submitted : decidedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const events: { at: string; action: string; from: "draft" | "submitted" | null; to: "draft" | "submitted" | "approved" }[] = [
      { at: created, action: "create", from: null, to: "draft" },
    ];
    if (status !== "draft") events.push({ at: submitted, action: "submit", from: "draft", to: "submitted" });
    if (status === "approved") events.push({ at: decidedAt, action: "approve", from: "submitted", to: "approved" });
    for (const e of events) {
      await trx
        .insertInto("application_events")
        .values({
          application_id: app.id,
          at: e.at,
          actor_id: e.action === "approve" ? reviewer.id : actor,
          action: e.action,
          from_status: e.from,
          to_status: e.to,
          comment: null,
          data: null,
        })
        .execute();
    }
    if (status === "submitted") {
      const officer = await trx.selectFrom("users").select("id").where("role", "=", "town_officer").where("town_code", "=", firm.town_code).orderBy("id").executeTakeFirst();
      if (officer) {
        await createNotification(trx, {
          recipientId: officer.id,
          kind: "application.submitted",
          eventKey: `application:${app.id}:v2`,
          enterpriseId: firm.id,
          params: { tierCode: plan.tier, year, applicationId: app.id },
          link: `/applications/${app.id}`,
          now: submitted,
        });
      }
    }
    if (status === "approved") {
      // The renewal award continues the old one, which ends on the day of the decision.
      await trx.updateTable("awards").set({ ended_on: decided }).where("id", "=", award.id).execute();
      await trx
        .insertInto("awards")
        .values({
          enterprise_id: firm.id,
          tier_code: plan.tier,
          level: "provincial",
          year,
          recognized_on: decided,
          valid_until: shiftYears(decided, 3),
          document_no: `定经信〔${year}〕${60 + i}号`,
          application_id: app.id,
          renews_award_id: award.id,
          created_by: reviewer.id,
          created_at: decidedAt,
        })
        .execute();
    }
  }
}
