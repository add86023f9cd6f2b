import { describe, expect, it, vi } from "vitest";

// The audit log is the real one, wrapped so that one insert can be made to fail on demand.
vi.mock("~/models/audit.server", async (importOriginal) => {
  const real = await importOriginal<typeof import("~/models/audit.server")>();
  return { ...real, recordAudit: vi.fn(real.recordAudit) };
});

import * as audit from "~/models/audit.server";
import { setEnterpriseArchived } from "~/models/enterprise.server";
import { createUser, setPassword, setUserDisabled, updateUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { sessionCookieFor } from "../support/requests";

const PW = "harbour-lights-2026";

/** The next audit row is written, then its insert fails as a full disk or a broken log would. */
async function nextAuditFails() {
  const real = await vi.importActual<typeof import("~/models/audit.server")>("~/models/audit.server");
  vi.mocked(audit.recordAudit).mockImplementationOnce(async (trx, entry) => {
    await real.recordAudit(trx, entry);
    throw new Error("audit log refused the row");
  });
}

async function auditRows(subject: string) {
  return (await db().selectFrom("audit_log").select(["action", "data"]).where("subject", "=", subject).execute()).length;
}

async function account(username: string) {
  return db().selectFrom("users").selectAll().where("username", "=", username).executeTakeFirstOrThrow();
}

async function sessionsOf(userId: number) {
  return (await db().selectFrom("sessions").select("id").where("user_id", "=", userId).execute()).length;
}

describe("a command and its audit row are one transaction", () => {
  it("creating an account: no account when its audit row fails, one row when it does not", async () => {
    const admin = await account("admin");
    const input = { username: "audit-new", displayName: "审计测试", role: "reviewer" as const, enterpriseId: null, townCode: null };
    await nextAuditFails();
    await expect(createUser(db(), admin.id, input, PW)).rejects.toThrow("audit log refused");
    expect(await db().selectFrom("users").select("id").where("username", "=", "audit-new").executeTakeFirst()).toBeUndefined();

    const id = await createUser(db(), admin.id, input, PW);
    expect(await auditRows(`user:${id}`)).toBe(1);
  });

  it("changing, disabling and resetting an account: nothing changes when the audit row fails", async () => {
    const admin = await account("admin");
    const before = await account("reviewer");
    await sessionCookieFor("reviewer");
    const sessions = await sessionsOf(before.id);
    expect(sessions).toBeGreaterThan(0);
    const rows = await auditRows(`user:${before.id}`);

    await nextAuditFails();
    await expect(updateUser(db(), admin.id, before.id, { displayName: "改名失败", role: "admin", enterpriseId: null, townCode: null })).rejects.toThrow();
    await nextAuditFails();
    await expect(setUserDisabled(db(), admin.id, before.id, true)).rejects.toThrow();
    await nextAuditFails();
    await expect(setPassword(db(), before.id, PW, { actorId: admin.id, forceChange: true })).rejects.toThrow();

    const after = await account("reviewer");
    expect(after).toEqual(before);
    expect(await sessionsOf(before.id)).toBe(sessions);
    expect(await auditRows(`user:${before.id}`)).toBe(rows);

    // And with the log working, each command leaves its change and its row.
    await setUserDisabled(db(), admin.id, before.id, true);
    expect((await account("reviewer")).disabled_at).not.toBeNull();
    expect(await sessionsOf(before.id)).toBe(0);
    await setUserDisabled(db(), admin.id, before.id, false);
    expect(await auditRows(`user:${before.id}`)).toBe(rows + 2);
  });

  it("archiving a firm: not archived when its audit row fails", async () => {
    const admin = await account("admin");
    const caller = { id: admin.id, role: "admin" as const, townCode: null, enterpriseId: null };
    const firm = await db().selectFrom("enterprises").select(["id", "version"]).where("archived_at", "is", null).orderBy("id").executeTakeFirstOrThrow();
    const rows = await auditRows(`enterprise:${firm.id}`);
    await nextAuditFails();
    await expect(setEnterpriseArchived(db(), caller as never, firm.id, true)).rejects.toThrow();
    const after = await db().selectFrom("enterprises").select(["archived_at", "version"]).where("id", "=", firm.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ archived_at: null, version: firm.version });
    expect(await auditRows(`enterprise:${firm.id}`)).toBe(rows);
  });
});
