import { describe, expect, it } from "vitest";
import * as users from "~/routes/admin.users._index";
import * as editUser from "~/routes/admin.users.$id";
import * as password from "~/routes/account.password";
import * as login from "~/routes/login";
import * as index from "~/routes/_index";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const NEW_PW = "harbour-lights-2026";

async function userId(username: string) {
  return (await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;
}

describe("user management", () => {
  it("is for admins only: 403 for every other role, on the list and on an account", async () => {
    for (const who of ["reviewer", "officer-jintang", "ent-jintang"]) {
      const cookie = await sessionCookieFor(who);
      expect(statusOf((await call(users.loader, makeRequest("/admin/users", { cookie }))).result), who).toBe(403);
      expect(statusOf((await call(users.action, makeRequest("/admin/users", { cookie, form: { username: "x" } }))).result), who).toBe(403);
      const id = String(await userId("reviewer"));
      expect(statusOf((await call(editUser.action, makeRequest(`/admin/users/${id}`, { cookie, form: { intent: "disable" } }), { id })).result)).toBe(403);
    }
  });

  it("lists the accounts with their scope", async () => {
    const cookie = await sessionCookieFor("admin");
    const { result } = await call(users.loader, makeRequest("/admin/users?role=town_officer", { cookie }));
    const list = dataOf(result).users as { username: string; role: string; townCode: string }[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list.every((u) => u.role === "town_officer")).toBe(true);
    expect(list.find((u) => u.username === "officer-jintang")?.townCode).toBe("jintang");
    expect(JSON.stringify(list)).not.toContain("argon2");
  });

  it("names each problem of a bad new account and creates nothing", async () => {
    const cookie = await sessionCookieFor("admin");
    const before = (await db().selectFrom("users").select("id").execute()).length;
    const { result } = await call(
      users.action,
      makeRequest("/admin/users", {
        cookie,
        form: { username: "a b", displayName: "", role: "enterprise", enterpriseUscc: "91330902MA2A0JT58X", password: "1234567890" },
      }),
    );
    expect(statusOf(result)).toBe(400);
    const error = dataOf(result).result.error;
    expect(error.username[0]).toContain("用户名只能包含");
    expect(error.displayName[0]).toContain("请填写姓名");
    expect(error.enterpriseUscc[0]).toContain("校验位");
    expect(error.password[0]).toContain("常见密码");
    expect((await db().selectFrom("users").select("id").execute()).length).toBe(before);
  });

  it("refuses a taken username and an officer without a town", async () => {
    const cookie = await sessionCookieFor("admin");
    const taken = await call(users.action, makeRequest("/admin/users", { cookie, form: { username: "reviewer", displayName: "张三", role: "reviewer", password: NEW_PW } }));
    expect(dataOf(taken.result).result.error.username).toEqual(["用户名已被使用，请换一个。"]);
    const noTown = await call(
      users.action,
      makeRequest("/admin/users", { cookie, form: { username: "officer-new", displayName: "李四", role: "town_officer", password: NEW_PW } }),
    );
    expect(dataOf(noTown.result).result.error.townCode[0]).toContain("须选择所属镇");
  });

  it("creates an enterprise account bound by credit code that must change its password first", async () => {
    const cookie = await sessionCookieFor("admin");
    const firm = await db().selectFrom("enterprises").select(["id", "uscc"]).where("id", "=", 2).executeTakeFirstOrThrow();
    const { result } = await call(
      users.action,
      makeRequest("/admin/users", {
        cookie,
        form: { username: "ent-new", displayName: "王五", role: "enterprise", enterpriseUscc: ` ${firm.uscc.toLowerCase()} `, password: NEW_PW },
      }),
    );
    expect((result as Response).status).toBe(302);
    const row = await db().selectFrom("users").select(["enterprise_id", "must_change_password", "role"]).where("username", "=", "ent-new").executeTakeFirstOrThrow();
    expect(row).toEqual({ enterprise_id: firm.id, must_change_password: 1, role: "enterprise" });
    const audit = await db().selectFrom("audit_log").select("data").where("action", "=", "user.create").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(audit.data).toContain("ent-new");

    // First sign-in: every page sends the user to the password page until it is changed.
    const signIn = await call(login.action, makeRequest("/login", { form: { username: "ent-new", password: NEW_PW } }));
    const session = (signIn.result as Response).headers.get("Set-Cookie")!.split(";")[0];
    const home = await call(index.loader, makeRequest("/", { cookie: session }));
    expect((home.result as Response).headers.get("Location")).toBe("/account/password");
    const mismatch = await call(
      password.action,
      makeRequest("/account/password", {
        cookie: session,
        form: { currentPassword: NEW_PW, newPassword: "sea-breeze-dinghai-7", confirmPassword: "sea-breeze-dinghai-8" },
      }),
    );
    expect(dataOf(mismatch.result).result.error.confirmPassword).toEqual(["两次输入的新密码不一致。"]);
    const changed = await call(
      password.action,
      makeRequest("/account/password", {
        cookie: session,
        form: { currentPassword: NEW_PW, newPassword: "sea-breeze-dinghai-7", confirmPassword: "sea-breeze-dinghai-7" },
      }),
    );
    expect((changed.result as Response).headers.get("Location")).toBe("/applications");
    const after = await call(index.loader, makeRequest("/", { cookie: session }));
    expect((after.result as Response).headers.get("Location")).toBe("/applications");
  });

  it("disabling an account ends its sessions at once", async () => {
    const admin = await sessionCookieFor("admin");
    const victim = await sessionCookieFor("officer-yancang");
    const id = String(await userId("officer-yancang"));
    const r = await call(editUser.action, makeRequest(`/admin/users/${id}`, { cookie: admin, form: { intent: "disable" } }), { id });
    expect((r.result as Response).status).toBe(302);
    const after = await call(index.loader, makeRequest("/", { cookie: victim }));
    expect((after.result as Response).headers.get("Location")).toBe("/login");
    await call(editUser.action, makeRequest(`/admin/users/${id}`, { cookie: admin, form: { intent: "enable" } }), { id });
  });

  it("an admin's password reset ends the user's sessions and forces a change", async () => {
    const admin = await sessionCookieFor("admin");
    const victim = await sessionCookieFor("officer-jintang");
    const id = String(await userId("officer-jintang"));
    const weak = await call(editUser.action, makeRequest(`/admin/users/${id}`, { cookie: admin, form: { intent: "reset-password", password: "short" } }), { id });
    expect(dataOf(weak.result).result.error.password[0]).toContain("至少需要 10 个字符");
    const ok = await call(editUser.action, makeRequest(`/admin/users/${id}`, { cookie: admin, form: { intent: "reset-password", password: NEW_PW } }), { id });
    expect((ok.result as Response).status).toBe(302);
    const after = await call(index.loader, makeRequest("/", { cookie: victim }));
    expect((after.result as Response).headers.get("Location")).toBe("/login");
    const row = await db().selectFrom("users").select("must_change_password").where("id", "=", Number(id)).executeTakeFirstOrThrow();
    expect(row.must_change_password).toBe(1);
  });

  it("an admin cannot disable itself, and an unknown id is 404", async () => {
    const admin = await sessionCookieFor("admin");
    const id = String(await userId("admin"));
    const self = await call(editUser.action, makeRequest(`/admin/users/${id}`, { cookie: admin, form: { intent: "disable" } }), { id });
    expect(statusOf(self.result)).toBe(400);
    const missing = await call(editUser.loader, makeRequest(`/admin/users/99999`, { cookie: admin }), { id: "99999" });
    expect(statusOf(missing.result)).toBe(404);
    const junk = await call(editUser.loader, makeRequest(`/admin/users/abc`, { cookie: admin }), { id: "abc" });
    expect(statusOf(junk.result)).toBe(404);
  });
});
