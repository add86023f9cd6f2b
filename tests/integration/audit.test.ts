import { describe, expect, it } from "vitest";
import * as audit from "~/routes/admin.audit";
import * as login from "~/routes/login";
import { sql } from "kysely";
import { db } from "~/utils/db.server";
import { translate, type MessageKey } from "~/utils/i18n";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

describe("the audit log", () => {
  it("refuses UPDATE and DELETE, in the database itself", async () => {
    await sql`INSERT INTO audit_log (at, action, subject) VALUES (${new Date().toISOString()}, 'export', 'x')`.execute(db());
    await expect(sql`UPDATE audit_log SET action = 'tampered'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(db())).rejects.toThrow(/append-only/);
  });

  it("keeps application history append-only too", async () => {
    const event = (await sql<{ id: number }>`SELECT id FROM application_events LIMIT 1`.execute(db())).rows[0]!;
    await expect(sql`UPDATE application_events SET comment = 'x' WHERE id = ${event.id}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM application_events WHERE id = ${event.id}`.execute(db())).rejects.toThrow(/append-only/);
  });

  it("shows admins sign-ins and failures with actor, time and address, filterable", async () => {
    await login.action({ request: makeRequest("/login", { form: { username: "reviewer", password: "bad" } }), params: {}, context: { clientAddress: "198.51.100.7" } });
    await login.action({ request: makeRequest("/login", { form: { username: "reviewer", password: "demo-password" } }), params: {}, context: { clientAddress: "198.51.100.7" } });
    const cookie = await sessionCookieFor("admin");
    const failures = dataOf((await call(audit.loader, makeRequest("/admin/audit?action=login.failure", { cookie }))).result);
    expect(failures.entries.length).toBeGreaterThan(0);
    expect(failures.entries.every((e: { action: string }) => e.action === "login.failure")).toBe(true);
    expect(failures.entries[0]).toMatchObject({ subject: "reviewer", address: "198.51.100.7" });
    const byReviewer = dataOf((await call(audit.loader, makeRequest("/admin/audit?actor=reviewer&action=login.success", { cookie }))).result);
    expect(byReviewer.entries[0]).toMatchObject({ actorUsername: "reviewer", action: "login.success" });
    expect(failures.actions).toContain("login.failure");
  });

  it("names the actions in words and the subjects by name, in both languages", async () => {
    const reviewer = await db().selectFrom("users").select(["id", "display_name"]).where("username", "=", "reviewer").executeTakeFirstOrThrow();
    const firm = await db().selectFrom("enterprises").select(["id", "name"]).orderBy("id").executeTakeFirstOrThrow();
    const at = new Date().toISOString();
    await sql`INSERT INTO audit_log (at, action, subject) VALUES (${at}, 'password.reset', ${`user:${reviewer.id}`})`.execute(db());
    await sql`INSERT INTO audit_log (at, action, subject) VALUES (${at}, 'enterprise.update', ${`enterprise:${firm.id}`})`.execute(db());
    const cookie = await sessionCookieFor("admin");
    const page = dataOf((await call(audit.loader, makeRequest("/admin/audit", { cookie }))).result);
    const reset = page.entries.find((e: { action: string; subject: string }) => e.action === "password.reset" && e.subject === `user:${reviewer.id}`);
    expect(reset.subjectName).toBe(`${reviewer.display_name}（reviewer）`);
    const changed = page.entries.find((e: { action: string; subject: string }) => e.action === "enterprise.update" && e.subject === `enterprise:${firm.id}`);
    expect(changed.subjectName).toBe(firm.name);
    for (const action of [...page.actions, "user.create", "password.reset", "authz.denied"]) {
      expect(translate("zh", `audit.act.${action}` as MessageKey), action).toMatch(/[\u4e00-\u9fff]/);
      expect(translate("en", `audit.act.${action}` as MessageKey), action).toMatch(/^[A-Z]/);
    }
    expect(translate("zh", "audit.act.password.reset")).toBe("重置密码");
    expect(translate("zh", "audit.act.user.create")).toBe("新建账号");
  });

  it("records refused authorizations", async () => {
    const cookie = await sessionCookieFor("officer-jintang");
    expect(statusOf((await call(audit.loader, makeRequest("/admin/audit", { cookie }))).result)).toBe(403);
    const row = (await sql<{ subject: string }>`SELECT subject FROM audit_log WHERE action = 'authz.denied' ORDER BY id DESC LIMIT 1`.execute(db())).rows[0]!;
    expect(row.subject).toBe("/admin/audit");
  });

  it("pages with a keyset cursor, newest first, without repeating entries", async () => {
    for (let i = 0; i < 120; i++) {
      await sql`INSERT INTO audit_log (at, action, subject) VALUES (${new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()}, 'export', ${`bulk-${i}`})`.execute(db());
    }
    const cookie = await sessionCookieFor("admin");
    const seen: number[] = [];
    let url = "/admin/audit?action=export&from=2026-01-01&to=2026-01-01";
    for (let pages = 0; pages < 5 && url; pages++) {
      const page = dataOf((await call(audit.loader, makeRequest(url, { cookie }))).result);
      seen.push(...page.entries.map((e: { id: number }) => e.id));
      url = page.next ? `/admin/audit?action=export&from=2026-01-01&to=2026-01-01&before=${encodeURIComponent(page.next)}` : "";
    }
    expect(seen.length).toBe(120);
    expect(new Set(seen).size).toBe(120);
  });
});
