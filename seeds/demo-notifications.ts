/**
 * Notifications of the demo accounts, derived from the demo applications (the same on every
 * machine): each firm user hears of its firm's decided applications, each town officer of its
 * town's latest submissions, the bureau of the overdue queue. All but the newest two of each
 * account are read.
 */
import type { Kysely } from "kysely";
import type { DB } from "../db/schema";
import { createNotification, type NotificationKind } from "../app/models/notification.server";
import type { TierCode } from "../app/domain/tiers";

const DECIDED: Record<string, NotificationKind> = { returned: "application.returned", approved: "application.approved", rejected: "application.rejected" };
const UNREAD_PER_USER = 2;

export async function seedDemoNotifications(trx: Kysely<DB>, demoNow: string): Promise<void> {
  const users = await trx
    .selectFrom("users")
    .select(["id", "role", "enterprise_id", "town_code"])
    .where("username", "in", ["admin", "reviewer", "officer-jintang", "officer-yancang", "ent-jintang", "ent-yancang"])
    .orderBy("id")
    .execute();
  for (const user of users) {
    const made: { id: number; at: string }[] = [];
    const add = async (kind: NotificationKind, eventKey: string, enterpriseId: number | null, params: Record<string, string | number>, link: string, at: string) => {
      const id = await createNotification(trx, { recipientId: user.id, kind, eventKey, enterpriseId, params, link, now: at });
      if (id !== null) made.push({ id, at });
    };
    if (user.role === "enterprise" && user.enterprise_id !== null) {
      const apps = await trx
        .selectFrom("applications")
        .select(["id", "tier_code", "year", "status", "version", "decided_at", "updated_at"])
        .where("enterprise_id", "=", user.enterprise_id)
        .where("status", "in", ["returned", "approved", "rejected"])
        .orderBy("id")
        .execute();
      for (const a of apps) {
        await add(
          DECIDED[a.status]!,
          `application:${a.id}:v${a.version}`,
          user.enterprise_id,
          { tierCode: a.tier_code as TierCode, year: a.year, applicationId: a.id },
          `/applications/${a.id}`,
          a.decided_at ?? a.updated_at,
        );
      }
    } else if (user.role === "town_officer" && user.town_code !== null) {
      const apps = await trx
        .selectFrom("applications as a")
        .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
        .select(["a.id", "a.enterprise_id", "a.tier_code", "a.year", "a.version", "a.submitted_at"])
        .where("e.town_code", "=", user.town_code)
        .where("a.status", "=", "submitted")
        .orderBy("a.submitted_at", "desc")
        .orderBy("a.id", "desc")
        .limit(5)
        .execute();
      for (const a of apps) {
        await add(
          "application.submitted",
          `application:${a.id}:v${a.version}`,
          a.enterprise_id,
          { tierCode: a.tier_code as TierCode, year: a.year, applicationId: a.id },
          `/applications/${a.id}`,
          a.submitted_at!,
        );
      }
    } else {
      const queue = await trx
        .selectFrom("applications")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("submitted_at").as("oldest")])
        .where("status", "=", "submitted")
        .executeTakeFirstOrThrow();
      if (Number(queue.n) > 0) {
        const oldest = new Date(new Date(String(queue.oldest)).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
        for (const [day, at] of [
          ["2026-11-26", "2026-11-26T00:30:00.000Z"],
          ["2026-11-27", "2026-11-27T00:30:00.000Z"],
        ] as const) {
          if (at > demoNow) continue;
          await add("queue.overdue", `queue.overdue:${day}`, null, { n: Number(queue.n), oldest }, "/applications?status=submitted", at);
        }
      }
    }
    // The newest stay unread; the others were read an hour after they came.
    const byAge = made.sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : y.id - x.id));
    for (const n of byAge.slice(UNREAD_PER_USER)) {
      await trx
        .updateTable("notifications")
        .set({ read_at: new Date(new Date(n.at).getTime() + 3600_000).toISOString() })
        .where("id", "=", n.id)
        .execute();
    }
  }
}
