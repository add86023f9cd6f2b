import { describe, expect, it } from "vitest";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as index from "~/routes/_index";
import { verifyLogin } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const HOMES: Record<string, string> = {
  admin: "/dashboard",
  reviewer: "/dashboard",
  "officer-jintang": "/enterprises",
  "officer-yancang": "/enterprises",
  "ent-jintang": "/applications",
  "ent-yancang": "/applications",
};

async function auditCount(action: string) {
  const row = await db()
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("action", "=", action)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("sign-in", () => {
  it("answers each of many concurrent checks with its own result (hashing runs one at a time)", async () => {
    const tries = Array.from({ length: 8 }, (_, i) => ({
      username: i % 3 === 2 ? "nobody-here" : "reviewer",
      password: i % 2 === 0 ? "demo-password" : "wrong-password",
    }));
    const started = performance.now();
    const results = await Promise.all(tries.map((t) => verifyLogin(db(), t.username, t.password)));
    expect(results.map((r) => r !== null)).toEqual(tries.map((t) => t.username === "reviewer" && t.password === "demo-password"));
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  for (const [username, home] of Object.entries(HOMES)) {
    it(`${username} signs in with the demo password and lands on ${home}`, async () => {
      const before = await auditCount("login.success");
      const { result } = await call(login.action, makeRequest("/login", { form: { username, password: "demo-password" } }));
      expect(result).toBeInstanceOf(Response);
      const response = result as Response;
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe(home);
      const cookie = response.headers.get("Set-Cookie")!;
      expect(cookie).toMatch(/registry_session=[A-Za-z0-9_-]{43}/);
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Lax");
      expect(cookie).not.toContain("Secure");
      expect(await auditCount("login.success")).toBe(before + 1);
      // The cookie opens the app: "/" sends the user home.
      const session = cookie.split(";")[0];
      const home2 = await call(index.loader, makeRequest("/", { cookie: session }));
      expect((home2.result as Response).headers.get("Location")).toBe(home);
    });
  }

  it("answers a wrong password with one generic Chinese message and an audit row", async () => {
    const before = await auditCount("login.failure");
    const wrong = await call(login.action, makeRequest("/login", { form: { username: "reviewer", password: "nope" } }));
    const unknown = await call(login.action, makeRequest("/login", { form: { username: "nobody", password: "nope" } }));
    expect(statusOf(wrong.result)).toBe(401);
    expect(statusOf(unknown.result)).toBe(401);
    const a = dataOf(wrong.result).result;
    const b = dataOf(unknown.result).result;
    expect(a.error[""]).toEqual(["用户名或密码不正确，请重新输入。"]);
    // The answer must not reveal whether the user exists.
    expect(b.error).toEqual(a.error);
    // The username typed is kept; the password is not sent back.
    expect(a.initialValue.username).toBe("reviewer");
    expect(a.initialValue.password).toBeUndefined();
    expect(await auditCount("login.failure")).toBe(before + 2);
  });

  it("names each empty field", async () => {
    const { result } = await call(login.action, makeRequest("/login", { form: { username: " ", password: "" } }));
    expect(statusOf(result)).toBe(400);
    const { error } = dataOf(result).result;
    expect(error.username).toEqual(["请输入用户名。"]);
    expect(error.password).toEqual(["请输入密码。"]);
  });

  it("answers in English when English was chosen", async () => {
    const { result } = await call(login.action, makeRequest("/login", { form: { username: "reviewer", password: "x" }, cookie: "lang=en" }));
    expect(dataOf(result).result.error[""]).toEqual(["The username or password is incorrect. Please try again."]);
  });

  it("follows a local redirectTo but never another site", async () => {
    const local = await call(login.action, makeRequest("/login", { form: { username: "reviewer", password: "demo-password", redirectTo: "/enterprises?town=jintang" } }));
    expect((local.result as Response).headers.get("Location")).toBe("/enterprises?town=jintang");
    const evil = await call(login.action, makeRequest("/login", { form: { username: "reviewer", password: "demo-password", redirectTo: "//evil.example/" } }));
    expect((evil.result as Response).headers.get("Location")).toBe("/dashboard");
  });

  it("refuses a disabled account like a wrong password", async () => {
    await db().updateTable("users").set({ disabled_at: new Date().toISOString() }).where("username", "=", "officer-yancang").execute();
    const { result } = await call(login.action, makeRequest("/login", { form: { username: "officer-yancang", password: "demo-password" } }));
    expect(statusOf(result)).toBe(401);
    await db().updateTable("users").set({ disabled_at: null }).where("username", "=", "officer-yancang").execute();
  });
});

describe("sign-in throttling", () => {
  it("pauses a username after 5 failures in 15 minutes, even for the right password", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await call(login.action, makeRequest("/login", { form: { username: "ent-yancang", password: `wrong-${i}` } }));
      expect(statusOf(r.result)).toBe(401);
    }
    const { result } = await call(login.action, makeRequest("/login", { form: { username: "ENT-YANCANG", password: "demo-password" } }));
    expect(statusOf(result)).toBe(429);
    expect(dataOf(result).result.error[""][0]).toContain("暂停登录 15 分钟");
    expect(await auditCount("login.throttled")).toBeGreaterThan(0);
    // Other users are not affected.
    const other = await call(login.action, makeRequest("/login", { form: { username: "ent-jintang", password: "demo-password" } }));
    expect((other.result as Response).status).toBe(302);
  });

  it("lets the username in again once the failures are older than 15 minutes", async () => {
    const old = new Date(Date.now() - 16 * 60 * 1000).toISOString();
    const { db } = await import("~/utils/db.server");
    // audit_log is append-only; age the rows by inserting old ones for a fresh username instead.
    for (let i = 0; i < 5; i++) {
      await db()
        .insertInto("audit_log")
        .values({ at: old, action: "login.failure", subject: "officer-jintang" } as never)
        .execute();
    }
    const { result } = await call(login.action, makeRequest("/login", { form: { username: "officer-jintang", password: "demo-password" } }));
    expect((result as Response).status).toBe(302);
  });

  it("pauses a client address after 30 failures across usernames", async () => {
    const context = { clientAddress: "203.0.113.9" };
    for (let i = 0; i < 30; i++) {
      await login.action({ request: makeRequest("/login", { form: { username: `guess-${i}`, password: "x" } }), params: {}, context });
    }
    const result = await login.action({
      request: makeRequest("/login", { form: { username: "admin", password: "demo-password" } }),
      params: {},
      context,
    });
    expect(statusOf(result)).toBe(429);
  });
});

describe("sessions", () => {
  it("sends anonymous visitors to /login, remembering where they were going", async () => {
    const { result } = await call(index.loader, makeRequest("/"));
    expect((result as Response).headers.get("Location")).toBe("/login");
  });

  it("ends the session on logout, server-side", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const out = await call(logout.action, makeRequest("/logout", { method: "POST", cookie }));
    expect((out.result as Response).headers.get("Location")).toBe("/login");
    const sessionId = cookie.split("=")[1];
    expect(await db().selectFrom("sessions").select("id").where("id", "=", sessionId).executeTakeFirst()).toBeUndefined();
    const again = await call(index.loader, makeRequest("/", { cookie }));
    expect((again.result as Response).headers.get("Location")).toBe("/login");
  });

  it("expires idle sessions", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const sessionId = cookie.split("=")[1];
    const longAgo = new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString();
    await db().updateTable("sessions").set({ last_seen_at: longAgo }).where("id", "=", sessionId).execute();
    const { result } = await call(index.loader, makeRequest("/", { cookie }));
    expect((result as Response).headers.get("Location")).toBe("/login");
  });

  it("expires sessions past their absolute lifetime even when active", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const sessionId = cookie.split("=")[1];
    await db()
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", sessionId)
      .execute();
    const { result } = await call(index.loader, makeRequest("/", { cookie }));
    expect((result as Response).headers.get("Location")).toBe("/login");
  });

  it("replaces the old session id at sign-in", async () => {
    const cookie = await sessionCookieFor("reviewer");
    const oldId = cookie.split("=")[1];
    const { result } = await call(login.action, makeRequest("/login", { form: { username: "reviewer", password: "demo-password" }, cookie }));
    const newCookie = (result as Response).headers.get("Set-Cookie")!;
    expect(newCookie).not.toContain(oldId);
    expect(await db().selectFrom("sessions").select("id").where("id", "=", oldId).executeTakeFirst()).toBeUndefined();
  });
});
