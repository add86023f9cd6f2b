import { hash, verify } from "@node-rs/argon2";
import type { Db } from "../../db/client";

/** A fixed hash to verify against when the username is unknown, so timing does not tell. */
let decoyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * Checks a username and password. Returns the user's id, or null for every kind of failure
 * (unknown user, wrong password, disabled account) so the caller cannot tell them apart.
 */
export async function verifyLogin(
  db: Db,
  username: string,
  password: string,
): Promise<{ id: number } | null> {
  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash", "disabled_at"])
    .where("username", "=", username.trim())
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
    .where("username", "=", username.trim())
    .executeTakeFirst();
  return row?.id ?? null;
}
