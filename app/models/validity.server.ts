/**
 * Validity of awards, the expiring list and renewals (复核). The date rules are in
 * app/domain/validity.ts; this module reads the bureau's per-tier settings (`tier_validity`,
 * 0015), scopes lists like the registry, and starts renewal applications. A renewal is approved
 * by approveApplication (application-approval.server.ts), which links the new award and ends the old one.
 */
import { NotFound, type Failure } from "~/domain/errors";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { seesEverything, type Caller } from "~/domain/scope";
import { getTier, isTierCode, type Level, type TierCode, TIER_CODES } from "~/domain/tiers";
import { addDays, daysLeft, inRenewalWindow, REMINDER_THRESHOLDS, reminderThreshold, renewalWindow, type TierValidity } from "~/domain/validity";
import { createApplication } from "~/models/application.server";
import { recordAudit } from "~/models/audit.server";
import { createNotification, firmUsers } from "~/models/notification.server";
import { transact } from "../../db/dialect/transact";
import { knownEligibilityPayload } from "~/models/known-figures.server";
import { todayInShanghai } from "~/utils/format";
import { loadTierValidity } from "~/models/tier-validity.server";

// Kept apart so that application-approval.server.ts can read them without importing this module, which imports it.
export { defaultValidUntil, loadTierValidity } from "~/models/tier-validity.server";

/** Saves one tier's settings (admins and reviewers), audited with the values before and after. */
export async function updateTierValidity(db: Db, caller: Caller, input: TierValidity): Promise<void> {
  if (!seesEverything(caller)) throw new NotFound("award");
  const before = (await loadTierValidity(db)).get(input.tierCode)!;
  const now = new Date().toISOString();
  await transact(db, async (trx) => {
    await trx
      .insertInto("tier_validity")
      .values({
        tier_code: input.tierCode,
        validity_months: input.validityMonths,
        renew_before_days: input.renewBeforeDays,
        renew_after_days: input.renewAfterDays,
        updated_by: caller.id,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column("tier_code").doUpdateSet({
          validity_months: input.validityMonths,
          renew_before_days: input.renewBeforeDays,
          renew_after_days: input.renewAfterDays,
          updated_by: caller.id,
          updated_at: now,
        }),
      )
      .execute();
    await recordAudit(trx, { actorId: caller.id, action: "validity.update", subject: `tier:${input.tierCode}`, data: { before, after: input } });
  });
}

export const EXPIRING_SORTS = ["validUntil", "name", "tier"] as const;
/** Of the awards ending in a year: renewed (superseded by a renewal), or lapsed (window closed without one). */
export const RENEWAL_STATES = ["renewed", "lapsed"] as const;
export type RenewalState = (typeof RENEWAL_STATES)[number];
export type ExpiringSort = (typeof EXPIRING_SORTS)[number];
/** The most rows one list or export returns. */
export const EXPIRING_LIMIT = 5000;

export interface ExpiringAward {
  awardId: number;
  enterpriseId: number;
  name: string;
  townCode: string;
  tier: TierCode;
  level: Level;
  recognizedOn: string | null;
  validUntil: string;
  daysLeft: number;
  /** The last day a renewal can be started. */
  renewBy: string;
  /** An open renewal application of this award, if any. */
  renewal: { applicationId: number; status: string } | null;
  /** Superseded by its renewal (listed only when a year is asked for). */
  renewed: boolean;
  /** Past its renewal window without a renewal (listed only when a year is asked for). */
  lapsed: boolean;
}

/**
 * Current (not revoked, not superseded) awards in the caller's scope that expire within `within`
 * days of `today`, and those already expired but still inside their tier's renewal window.
 * Enterprises see their own firm, town officers their town, the bureau everything; archived
 * firms are left out like in the registry.
 */
export async function listExpiringAwards(
  db: Db,
  caller: Caller,
  options: {
    within: number;
    today?: string;
    tier?: TierCode | null;
    sort?: ExpiringSort;
    enterpriseId?: number | null;
    /** Instead of `within`: the (not revoked) awards whose validity ends in this year, renewed and lapsed included. */
    year?: number | null;
    state?: RenewalState | null;
  },
): Promise<{ asOf: string; within: number; awards: ExpiringAward[]; truncated: boolean }> {
  const today = options.today ?? todayInShanghai();
  const validity = await loadTierValidity(db);
  const maxAfter = Math.max(...[...validity.values()].map((v) => v.renewAfterDays));
  const year = options.year ?? null;
  let q = db
    .selectFrom("awards as w")
    .innerJoin("enterprises as e", "e.id", "w.enterprise_id")
    .select([
      "w.id as awardId",
      "e.id as enterpriseId",
      "e.name",
      "e.town_code as townCode",
      "w.tier_code as tier",
      "w.level",
      "w.recognized_on as recognizedOn",
      "w.valid_until as validUntil",
      "w.ended_on as endedOn",
    ])
    .where("w.revoked_on", "is", null)
    .where("w.valid_until", "is not", null)
    .where("e.archived_at", "is", null);
  if (year === null) {
    q = q.where("w.ended_on", "is", null).where("w.valid_until", ">=", addDays(today, -maxAfter)).where("w.valid_until", "<=", addDays(today, options.within));
  } else {
    q = q.where("w.valid_until", ">=", `${year}-01-01`).where("w.valid_until", "<=", `${year}-12-31`);
    if (options.state === "renewed") q = q.where("w.ended_on", "is not", null);
    if (options.state === "lapsed")
      q = q.where("w.ended_on", "is", null).where("w.valid_until", "<", addDays(today, -Math.min(...[...validity.values()].map((v) => v.renewAfterDays))));
  }
  if (!seesEverything(caller)) {
    q =
      caller.role === "enterprise"
        ? q.where("e.id", "=", caller.enterpriseId ?? -1)
        : caller.role === "town_officer"
          ? q.where("e.town_code", "=", caller.townCode ?? "")
          : q.where("e.id", "=", -1);
  }
  if (options.tier) q = q.where("w.tier_code", "=", options.tier);
  if (options.enterpriseId) q = q.where("e.id", "=", options.enterpriseId);
  const rows = await q
    .orderBy("w.valid_until")
    .orderBy("w.id")
    .limit(EXPIRING_LIMIT + 1)
    .execute();
  const truncated = rows.length > EXPIRING_LIMIT;
  const awards: ExpiringAward[] = [];
  for (const r of rows.slice(0, EXPIRING_LIMIT)) {
    if (!isTierCode(r.tier)) continue;
    const v = validity.get(r.tier)!;
    const until = r.validUntil!;
    const window = renewalWindow(until, v);
    const renewed = r.endedOn !== null;
    const lapsed = !renewed && today > window.closes;
    if (year === null ? lapsed : options.state === "lapsed" ? !lapsed : false) continue;
    awards.push({
      awardId: Number(r.awardId),
      enterpriseId: Number(r.enterpriseId),
      name: r.name,
      townCode: r.townCode,
      tier: r.tier,
      level: r.level as Level,
      recognizedOn: r.recognizedOn,
      validUntil: until,
      daysLeft: daysLeft(until, today),
      renewBy: window.closes,
      renewal: null,
      renewed,
      lapsed,
    });
  }
  if (awards.length > 0) {
    const ids = awards.map((a) => a.awardId);
    const open = await db
      .selectFrom("applications")
      .select(["id", "status", "renews_award_id"])
      .where("renews_award_id", "in", ids)
      .where("status", "in", ["draft", "submitted", "returned"])
      .execute();
    const byAward = new Map(open.map((o) => [Number(o.renews_award_id), { applicationId: Number(o.id), status: o.status }]));
    for (const a of awards) a.renewal = byAward.get(a.awardId) ?? null;
  }
  const sort = options.sort ?? "validUntil";
  if (sort === "name") awards.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.awardId - b.awardId));
  if (sort === "tier")
    awards.sort((a, b) => getTier(a.tier).sort - getTier(b.tier).sort || (a.validUntil < b.validUntil ? -1 : a.validUntil > b.validUntil ? 1 : a.awardId - b.awardId));
  return { asOf: today, within: options.within, awards, truncated };
}

export type StartRenewalResult = { ok: true; applicationId: number; created: boolean } | Failure<"not-renewable" | "outside-window" | "duplicate", { existingId?: number }>;

/** One award joined to its firm (`w`, `e`), only when the caller may see the firm. */
function awardInScope(db: Db, caller: Caller, awardId: number) {
  let q = db.selectFrom("awards as w").innerJoin("enterprises as e", "e.id", "w.enterprise_id").where("w.id", "=", awardId);
  if (!seesEverything(caller)) {
    q = caller.role === "enterprise" ? q.where("e.id", "=", caller.enterpriseId ?? -1) : q.where("e.town_code", "=", caller.townCode ?? "");
  }
  return q;
}

/** The renewal window of an award's tier (days before and after its end), or null outside the caller's scope. */
export async function renewalWindowOf(db: Db, caller: Caller, awardId: number): Promise<{ renewBeforeDays: number; renewAfterDays: number } | null> {
  if (!Number.isSafeInteger(awardId) || awardId <= 0) return null;
  const award = await awardInScope(db, caller, awardId).select("w.tier_code").executeTakeFirst();
  const v = award && isTierCode(award.tier_code) ? (await loadTierValidity(db)).get(award.tier_code) : undefined;
  return v ? { renewBeforeDays: v.renewBeforeDays, renewAfterDays: v.renewAfterDays } : null;
}

/**
 * Starts (or finds) the renewal application of an award the caller may see: a draft of the
 * current year for the same tier and level, prefilled from what the registry knows of the firm.
 * 404 outside the caller's scope; refused when the award is revoked, superseded, of a tier that
 * does not lapse, or outside its renewal window.
 */
export async function startRenewal(db: Db, caller: Caller, awardId: number, today = todayInShanghai()): Promise<StartRenewalResult> {
  if (!Number.isSafeInteger(awardId) || awardId <= 0) throw new NotFound("award");
  const award = await awardInScope(db, caller, awardId)
    .select(["w.id", "w.enterprise_id", "w.tier_code", "w.level", "w.valid_until", "w.revoked_on", "w.ended_on", "e.town_code", "e.archived_at"])
    .executeTakeFirst();
  if (!award) throw new NotFound("award");
  const existing = await db
    .selectFrom("applications")
    .select(["id"])
    .where("renews_award_id", "=", awardId)
    .where("status", "in", ["draft", "submitted", "returned"])
    .executeTakeFirst();
  if (existing) return { ok: true, applicationId: Number(existing.id), created: false };
  if (caller.role === "town_officer") return { ok: false, reason: "not-renewable" };
  if (!isTierCode(award.tier_code) || award.revoked_on !== null || award.ended_on !== null || award.valid_until === null || award.archived_at !== null) {
    return { ok: false, reason: "not-renewable" };
  }
  const v = (await loadTierValidity(db)).get(award.tier_code)!;
  if (!inRenewalWindow(award.valid_until, today, v)) return { ok: false, reason: "outside-window" };
  const year = Number(today.slice(0, 4));
  const known = await knownEligibilityPayload(db, caller, Number(award.enterprise_id), year);
  const result = await createApplication(db, caller, Number(award.enterprise_id), award.tier_code, {
    year,
    levelSought: award.level as Level,
    payload: { ...known.payload },
    submit: false,
    renewsAwardId: awardId,
  });
  if (!result.ok) {
    if (result.reason === "duplicate") return { ok: false, reason: "duplicate", existingId: "existingId" in result ? result.existingId : undefined };
    return { ok: false, reason: "not-renewable" };
  }
  return { ok: true, applicationId: result.id, created: true };
}

export interface RenewalSummary {
  tier: TierCode;
  /** Current or superseded awards whose validity ends this year. */
  due: number;
  /** Of those, renewed (a renewal award links to them). */
  done: number;
  /** Of those, past their renewal window without a renewal. */
  lapsed: number;
}

/**
 * Per tier: the renewals due in `year` (validity ending that year), done, and lapsed.
 * District-wide counts from counters, never from the award rows: the current awards (due;
 * lapsed once their window closed before today) and the awards a renewal renews (due and done).
 * The year's months come from 0022's award_expiry_months; the month in which the window closes
 * today is split by day from 0021's award_expiry_counts (its days before the cut-off lapsed).
 */
export async function renewalSummary(db: Db, year: number, today = todayInShanghai()): Promise<RenewalSummary[]> {
  const validity = await loadTierValidity(db);
  const lapsing = TIER_CODES.filter((t) => validity.get(t)!.validityMonths !== null);
  if (lapsing.length === 0) return [];
  // One range of each key per tier: at a million firms, 192 month rows and at most 248 day rows
  // a tier, where the year by day was 2,778 rows a tier (2.3 ms on PostgreSQL for five tiers).
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  type Row = { tier: string; kind: string; n: number | string; lapsed: number | string };
  const perTier = lapsing.flatMap((t) => {
    // Lapsed: the window closed before today, that is the validity ended before the cut-off.
    const cutoff = addDays(today, -validity.get(t)!.renewAfterDays);
    const cutMonth = cutoff.slice(0, 7);
    return [
      sql<Row>`
      SELECT tier_code AS tier, kind, sum(n) AS n, sum(CASE WHEN month < ${cutMonth} THEN n ELSE 0 END) AS lapsed
      FROM award_expiry_months
      WHERE tier_code = ${t} AND kind IN ('current', 'renewed') AND month >= ${from.slice(0, 7)} AND month <= ${to.slice(0, 7)}
      GROUP BY tier_code, kind`,
      // The cut-off's own month, by day: nothing when it falls outside the year.
      sql<Row>`
      SELECT tier_code AS tier, kind, 0 AS n, sum(n) AS lapsed
      FROM award_expiry_counts
      WHERE tier_code = ${t} AND kind = 'current' AND valid_until >= ${`${cutMonth}-01`} AND valid_until < ${cutoff}
        AND valid_until >= ${from} AND valid_until <= ${to}
      GROUP BY tier_code, kind`,
    ];
  });
  const rows = await sql<Row>`${sql.join(perTier, sql` UNION ALL `)}`.execute(db);
  const out = new Map<TierCode, RenewalSummary>(lapsing.map((t) => [t, { tier: t, due: 0, done: 0, lapsed: 0 }]));
  for (const r of rows.rows) {
    const s = isTierCode(r.tier) ? out.get(r.tier) : undefined;
    if (!s) continue;
    s.due += Number(r.n);
    if (r.kind === "renewed") s.done += Number(r.n);
    else s.lapsed += Number(r.lapsed);
  }
  return [...out.values()];
}

/**
 * The daily expiry reminders: each current award whose end of validity is 180, 90 or 30 days
 * away or nearer, without an open renewal, notifies its firm's users once per threshold
 * (`award.expiring:<award>:<threshold>`, so running again writes nothing more), linking to the
 * expiring list where the renewal starts.
 */
export async function remindAwardsExpiring(db: Db, now: Date): Promise<{ awards: number; notified: number }> {
  const today = todayInShanghai(now);
  const rows = await db
    .selectFrom("awards as w")
    .innerJoin("enterprises as e", "e.id", "w.enterprise_id")
    .select(["w.id", "w.enterprise_id", "w.tier_code", "w.valid_until"])
    .where("w.revoked_on", "is", null)
    .where("w.ended_on", "is", null)
    .where("w.valid_until", ">=", today)
    .where("w.valid_until", "<=", addDays(today, REMINDER_THRESHOLDS[0]))
    .where("e.archived_at", "is", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom("applications as a").select("a.id").whereRef("a.renews_award_id", "=", "w.id").where("a.status", "in", ["draft", "submitted", "returned", "approved"]),
        ),
      ),
    )
    .orderBy("w.id")
    .execute();
  let notified = 0;
  await transact(db, async (trx) => {
    for (const r of rows) {
      const threshold = reminderThreshold(r.valid_until!, today);
      if (threshold === null) continue;
      for (const recipientId of await firmUsers(trx, Number(r.enterprise_id))) {
        const id = await createNotification(trx, {
          recipientId,
          kind: "award.expiring",
          eventKey: `award.expiring:${r.id}:${threshold}`,
          enterpriseId: Number(r.enterprise_id),
          params: { tierCode: r.tier_code, date: r.valid_until!, days: daysLeft(r.valid_until!, today) },
          link: `/awards/expiring?within=${REMINDER_THRESHOLDS[0]}`,
          now: now.toISOString(),
        });
        if (id !== null) notified++;
      }
    }
  });
  return { awards: rows.length, notified };
}
