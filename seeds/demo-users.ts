/** The demo accounts: administrator, reviewer, a liaison officer per town, the two firms' users. */
import type { Kysely } from "kysely";
import type { DB, UsersTable } from "../db/schema";
import type { Firm } from "./demo-firms";
import { TOWNS } from "./reference";
import { DEMO_ENTERPRISE_NAMES, MINUTE, iso } from "./demo-common";

// ───────────────────────────── users ─────────────────────────────

interface UserSpec {
  username: string;
  display_name: string;
  role: UsersTable["role"];
  town_code?: string;
  enterprise?: "jintang" | "yancang";
  created_at: string;
}

export function userSpecs(): UserSpec[] {
  const specs: UserSpec[] = [
    { username: "admin", display_name: "系统管理员", role: "admin", created_at: "2022-12-20T01:00:00.000Z" },
    { username: "reviewer", display_name: "区经信局 审核员", role: "reviewer", created_at: "2022-12-20T01:10:00.000Z" },
    { username: "officer-jintang", display_name: "金塘镇 联络员", role: "town_officer", town_code: "jintang", created_at: "2022-12-20T01:20:00.000Z" },
    { username: "officer-yancang", display_name: "盐仓街道 联络员", role: "town_officer", town_code: "yancang", created_at: "2022-12-20T01:30:00.000Z" },
    { username: "ent-jintang", display_name: DEMO_ENTERPRISE_NAMES.jintang, role: "enterprise", enterprise: "jintang", created_at: "2023-01-04T02:00:00.000Z" },
    { username: "ent-yancang", display_name: DEMO_ENTERPRISE_NAMES.yancang, role: "enterprise", enterprise: "yancang", created_at: "2023-01-04T02:10:00.000Z" },
  ];
  // One liaison officer for every other town, so each town's recommendations have an author.
  TOWNS.filter((t) => t.code !== "jintang" && t.code !== "yancang").forEach((t, i) => {
    specs.push({
      username: `officer-${t.code}`,
      display_name: `${t.name_zh} 联络员`,
      role: "town_officer",
      town_code: t.code,
      created_at: iso(Date.parse("2022-12-21T01:00:00.000Z") + i * 10 * MINUTE),
    });
  });
  return specs;
}

/**
 * Writes the demo accounts, all with `passwordHash`, and answers the id of an account by its
 * username. An account that already exists (e.g. an admin created by hand) is kept as it is and reused.
 */
export async function insertDemoUsers(trx: Kysely<DB>, firms: readonly Firm[], passwordHash: string): Promise<(name: string | null) => number | null> {
  const specs = userSpecs();
  const userIds = new Map<string, number>();
  for (const s of specs) {
    const found = await trx.selectFrom("users").select("id").where("username", "=", s.username).executeTakeFirst();
    if (found) {
      userIds.set(s.username, found.id);
      continue;
    }
    const enterpriseId = s.enterprise ? firms.find((f) => f.demo === s.enterprise)!.id : null;
    const row = await trx
      .insertInto("users")
      .values({
        username: s.username,
        display_name: s.display_name,
        role: s.role,
        enterprise_id: enterpriseId,
        town_code: s.town_code ?? null,
        password_hash: passwordHash,
        must_change_password: 0,
        disabled_at: null,
        created_at: s.created_at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    userIds.set(s.username, row.id);
  }
  const uid = (name: string | null) => {
    if (name === null) return null;
    const id = userIds.get(name);
    if (id === undefined) throw new Error(`seed plan: unknown actor ${name}`);
    return id;
  };
  return uid;
}
