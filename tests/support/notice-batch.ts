import { proposeBatch } from "~/models/notice.server";
import { todayInShanghai } from "~/utils/format";
import type { Db } from "../../db/client";

/**
 * Puts the first submitted application of a notice tier of the demo data into a batch open from
 * today, as the reviewer does: what the HTTP tests of the public objection form start from.
 */
export async function openNoticeBatch(db: Db, title: string): Promise<{ batchId: number; applicationId: number }> {
  const app = await db
    .selectFrom("applications")
    .select(["id", "version"])
    .where("status", "=", "submitted")
    .where("tier_code", "in", ["demonstration-factory", "quality-factory", "clean-beauty-factory"])
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const reviewer = await db.selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  const result = await proposeBatch(
    db,
    { id: reviewer.id, role: "reviewer", enterpriseId: null, townCode: null },
    { title, startsOn: todayInShanghai(), office: "区经信局", phone: "0580-2022000", applications: [app] },
  );
  if (!result.ok) throw new Error(`propose failed: ${result.reason}`);
  return { batchId: result.batchId, applicationId: app.id };
}
