import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { transact } from "../../db/dialect/transact";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import { likeInsensitive, sameUsername } from "../../db/dialect/sql";
import { recordAudit } from "./audit.server";

/**
 * Password hashing runs in libuv's threads, off the event loop, but it still needs a core: each
 * argon2id call is ~20 ms of CPU and 19 MiB. Unbounded, a burst of sign-ins ran four at once and
 * took both cores of a small server from the thread that renders pages (its event loop stalled
 * 100–200 ms). One at a time, a burst of 8 queues for ~160 ms and pages keep a core.
 */
let hashing: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = hashing.then(work, work);
  hashing = run.catch(() => undefined);
  return run;
}
const hash = (password: string) => oneAtATime(() => argon2Hash(password));
const verify = (stored: string, password: string) => oneAtATime(() => argon2Verify(stored, password));

/** A fixed hash to verify against when the username is unknown, so timing does not tell. */
let decoyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * Checks a username and password. Returns the user's id, or null for every kind of failure
 * (unknown user, wrong password, disabled account) so the caller cannot tell them apart.
 */
export async function verifyLogin(db: Db, username: string, password: string): Promise<{ id: number } | null> {
  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash", "disabled_at"])
    .where(sameUsername(db, sql`username`, username.trim()))
    .executeTakeFirst();
  if (!user) {
    decoyHash ??= hash("decoy-password-never-matches");
    await verify(await decoyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(user.password_hash, password).catch(() => false);
  if (!ok || user.disabled_at) return null;
  return { id: user.id };
}

export async function findUserIdByUsername(db: Db, username: string): Promise<number | null> {
  const row = await db
    .selectFrom("users")
    .select("id")
    .where(sameUsername(db, sql`username`, username.trim()))
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: "enterprise" | "town_officer" | "reviewer" | "admin";
  enterpriseId: number | null;
  enterpriseName: string | null;
  townCode: string | null;
  mustChangePassword: boolean;
  disabledAt: string | null;
  createdAt: string;
}

function usersQuery(db: Db) {
  return db
    .selectFrom("users")
    .leftJoin("enterprises", "enterprises.id", "users.enterprise_id")
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.enterprise_id",
      "enterprises.name as enterprise_name",
      "users.town_code",
      "users.must_change_password",
      "users.disabled_at",
      "users.created_at",
    ]);
}

function toUserRow(r: Awaited<ReturnType<ReturnType<typeof usersQuery>["executeTakeFirstOrThrow"]>>): UserRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    townCode: r.town_code,
    mustChangePassword: r.must_change_password === 1,
    disabledAt: r.disabled_at,
    createdAt: r.created_at,
  };
}

/** Every account (admins only: the route guards the role). Ordered by role, then username. */
export async function listUsers(db: Db, filters: { q?: string; role?: string } = {}): Promise<UserRow[]> {
  let query = usersQuery(db);
  if (filters.q) {
    const like = `%${filters.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([likeInsensitive(db, sql`users.username`, like), likeInsensitive(db, sql`users.display_name`, like)]));
  }
  if (filters.role) query = query.where("users.role", "=", filters.role as UserRow["role"]);
  const rows = await query.orderBy("users.role").orderBy("users.username").limit(1000).execute();
  return rows.map(toUserRow);
}

export async function getUserRow(db: Db, id: number): Promise<UserRow | null> {
  const row = await usersQuery(db).where("users.id", "=", id).executeTakeFirst();
  return row ? toUserRow(row) : null;
}

export interface UserInput {
  username: string;
  displayName: string;
  role: UserRow["role"];
  enterpriseId: number | null;
  townCode: string | null;
}

/**
 * Creates an account whose first sign-in must choose a new password. Every command on accounts
 * writes its audit row in its own transaction: no change without its row, and no row without it.
 */
export async function createUser(db: Db, actorId: number, input: UserInput, password: string): Promise<number> {
  const passwordHash = await hashPassword(password);
  const enterpriseId = input.role === "enterprise" ? input.enterpriseId : null;
  const townCode = input.role === "town_officer" ? input.townCode : null;
  return transact(db, async (trx) => {
    const row = await trx
      .insertInto("users")
      .values({
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        enterprise_id: enterpriseId,
        town_code: townCode,
        password_hash: passwordHash,
        must_change_password: 1,
        created_at: new Date().toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId, action: "user.create", subject: `user:${row.id}`, data: { username: input.username, role: input.role, enterpriseId, townCode } });
    return row.id;
  });
}

export async function usernameTaken(db: Db, username: string, exceptId?: number): Promise<boolean> {
  let q = db
    .selectFrom("users")
    .select("id")
    .where(sameUsername(db, sql`username`, username));
  if (exceptId) q = q.where("id", "!=", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Changes an account's name, role and scope, audited with the values before and after. */
export async function updateUser(db: Db, actorId: number, id: number, input: Omit<UserInput, "username">): Promise<void> {
  const after = {
    displayName: input.displayName,
    role: input.role,
    enterpriseId: input.role === "enterprise" ? input.enterpriseId : null,
    townCode: input.role === "town_officer" ? input.townCode : null,
  };
  await transact(db, async (trx) => {
    const row = await trx.selectFrom("users").select(["display_name", "role", "enterprise_id", "town_code"]).where("id", "=", id).executeTakeFirst();
    if (!row) return;
    await trx
      .updateTable("users")
      .set({ display_name: after.displayName, role: after.role, enterprise_id: after.enterpriseId, town_code: after.townCode })
      .where("id", "=", id)
      .execute();
    const before = { displayName: row.display_name, role: row.role, enterpriseId: row.enterprise_id, townCode: row.town_code };
    await recordAudit(trx, { actorId, action: "user.update", subject: `user:${id}`, data: { before, after } });
  });
}

/** Disabling an account also ends all its sessions at once. */
export async function setUserDisabled(db: Db, actorId: number, id: number, disabled: boolean): Promise<void> {
  await transact(db, async (trx) => {
    await trx
      .updateTable("users")
      .set({ disabled_at: disabled ? new Date().toISOString() : null })
      .where("id", "=", id)
      .execute();
    if (disabled) await trx.deleteFrom("sessions").where("user_id", "=", id).execute();
    await recordAudit(trx, { actorId, action: "user.update", subject: `user:${id}`, data: { disabled } });
  });
}

/**
 * Sets a new password. An admin's reset forces a change at next sign-in and ends the user's
 * sessions; a user's own change clears that flag and keeps only the current session. Audited as
 * a reset or a change by `actorId`, in the same transaction.
 */
export async function setPassword(db: Db, id: number, password: string, options: { actorId: number; forceChange: boolean; keepSessionId?: string }): Promise<void> {
  const passwordHash = await hashPassword(password);
  await transact(db, async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: passwordHash, must_change_password: options.forceChange ? 1 : 0 })
      .where("id", "=", id)
      .execute();
    let del = trx.deleteFrom("sessions").where("user_id", "=", id);
    if (options.keepSessionId) del = del.where("id", "!=", options.keepSessionId);
    await del.execute();
    await recordAudit(trx, { actorId: options.actorId, action: options.forceChange ? "password.reset" : "password.change", subject: `user:${id}` });
  });
}

export async function verifyPassword(db: Db, id: number, password: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("password_hash").where("id", "=", id).executeTakeFirst();
  if (!row) return false;
  return verify(row.password_hash, password).catch(() => false);
}
