import crypto from "node:crypto";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import type { Role } from "~/domain/state-machine";

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** …and in any case this long after sign-in. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so browsing does not write on every request. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface SessionUser extends Caller {
  username: string;
  displayName: string;
  mustChangePassword: boolean;
  sessionId: string;
}

export async function createSession(db: Db, userId: number, now = new Date()): Promise<string> {
  const id = crypto.randomBytes(32).toString("base64url");
  await db
    .insertInto("sessions")
    .values({
      id,
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
      last_seen_at: now.toISOString(),
    })
    .execute();
  return id;
}

/** The signed-in user of a session id, or null when the session is unknown, expired or disabled. */
export async function findSessionUser(db: Db, sessionId: string, now = new Date()): Promise<SessionUser | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.id as sessionId",
      "sessions.expires_at",
      "sessions.last_seen_at",
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.enterprise_id",
      "users.town_code",
      "users.must_change_password",
      "users.disabled_at",
    ])
    .where("sessions.id", "=", sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const idleSince = now.getTime() - Date.parse(row.last_seen_at);
  if (row.disabled_at || Date.parse(row.expires_at) <= now.getTime() || idleSince > SESSION_IDLE_MS) {
    await deleteSession(db, sessionId);
    return null;
  }
  if (idleSince > TOUCH_EVERY_MS) {
    await db.updateTable("sessions").set({ last_seen_at: now.toISOString() }).where("id", "=", sessionId).execute();
  }
  return {
    sessionId: row.sessionId,
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    enterpriseId: row.enterprise_id,
    townCode: row.town_code,
    mustChangePassword: row.must_change_password === 1,
  };
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}
