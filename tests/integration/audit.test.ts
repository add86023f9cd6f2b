import { describe, expect, it } from "vitest";
import * as audit from "~/routes/admin.audit";
import * as login from "~/routes/login";
import { sqlite } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

describe("the audit log", () => {
  it("refuses UPDATE and DELETE, in the database itself", () => {
    sqlite().prepare("INSERT INTO audit_log (at, action, subject) VALUES (?, 'export', 'x')").run(new Date().toISOString());
    expect(() => sqlite().prepare("UPDATE audit_log SET action = 'tampered'").run()).toThrow(/append-only/);
    expect(() => sqlite().prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
  });

  it("keeps application history append-only too", () => {
    const event = sqlite().prepare("SELECT id FROM application_events LIMIT 1").get() as { id: number };
    expect(() => sqlite().prepare("UPDATE application_events SET comment = 'x' WHERE id = ?").run(event.id)).toThrow(/append-only/);
    expect(() => sqlite().prepare("DELETE FROM application_events WHERE id = ?").run(event.id)).toThrow(/append-only/);
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

  it("records refused authorizations", async () => {
    const cookie = await sessionCookieFor("officer-jintang");
    expect(statusOf((await call(audit.loader, makeRequest("/admin/audit", { cookie }))).result)).toBe(403);
    const row = sqlite().prepare("SELECT subject FROM audit_log WHERE action = 'authz.denied' ORDER BY id DESC LIMIT 1").get() as { subject: string };
    expect(row.subject).toBe("/admin/audit");
  });

  it("pages with a keyset cursor, newest first, without repeating entries", async () => {
    const stmt = sqlite().prepare("INSERT INTO audit_log (at, action, subject) VALUES (?, 'export', ?)");
    for (let i = 0; i < 120; i++) stmt.run(new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), `bulk-${i}`);
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
