import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInTo, startServer, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";

/**
 * The registry over real HTTP: single-fetch `.data` requests are public endpoints too, so scope
 * must hold there exactly as on the pages.
 */
let server: RunningServer;
let firms: { jintang: { id: number; name: string }; yancang: { id: number; name: string } };

beforeAll(async () => {
  server = await startServer();
  const database = await openServerDatabase(server.dataDir);
  const firmOf = async (username: string) =>
    (
      await sql<{ id: number; name: string }>`SELECT e.id, e.name FROM users u JOIN enterprises e ON e.id = u.enterprise_id
        WHERE u.username = ${username}`.execute(database.db)
    ).rows[0]!;
  firms = { jintang: await firmOf("ent-jintang"), yancang: await firmOf("ent-yancang") };
  await database.db.destroy();
});
afterAll(async () => {
  await server?.stop();
});

const signIn = (username: string) => signInTo(server, username);

async function get(cookie: string, pathAndQuery: string) {
  const res = await fetch(`${server.url}${pathAndQuery}`, { headers: { Cookie: cookie }, redirect: "manual" });
  return { status: res.status, body: await res.text(), res };
}

describe("the registry over HTTP", () => {
  it("never hands a town officer another town's firm, through pages or .data requests", async () => {
    const cookie = await signIn("officer-jintang");
    for (const p of [`/enterprises/${firms.yancang.id}`, `/enterprises/${firms.yancang.id}.data`]) {
      const { status, body } = await get(cookie, p);
      expect(status).toBe(404);
      expect(body).not.toContain(firms.yancang.name);
    }
    const page = await get(cookie, `/enterprises/${firms.yancang.id}`);
    expect(page.body).toContain("页面不存在");
    // Out of scope is 404 even where the role could never edit: a 403 would confirm the firm exists.
    for (const p of [`/enterprises/${firms.yancang.id}/edit`, `/enterprises/${firms.yancang.id}/edit.data`]) {
      expect((await get(cookie, p)).status).toBe(404);
    }
    const list = await get(cookie, "/enterprises.data?town=yancang&q=%E6%B5%99%E6%B1%9F");
    expect(list.status).toBe(200);
    expect(list.body).not.toContain(firms.yancang.name);
    const own = await get(cookie, `/enterprises.data?town=yancang&q=${encodeURIComponent(firms.jintang.name)}`);
    expect(own.body).toContain(firms.jintang.name);
    const csv = await get(cookie, "/enterprises/export.csv?town=yancang");
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(firms.jintang.name);
    expect(csv.body).not.toContain(firms.yancang.name);
    expect(csv.body).not.toContain("盐仓街道");
  });

  it("never hands an enterprise user another firm", async () => {
    const cookie = await signIn("ent-jintang");
    for (const p of [`/enterprises/${firms.yancang.id}`, `/enterprises/${firms.yancang.id}.data`, `/enterprises/${firms.yancang.id}/edit.data`]) {
      const { status, body } = await get(cookie, p);
      expect(status).toBe(404);
      expect(body).not.toContain(firms.yancang.name);
    }
    const list = await get(cookie, "/enterprises");
    expect(list.status).toBe(302);
    expect(list.res.headers.get("location")).toBe(`/enterprises/${firms.jintang.id}`);
    expect((await get(cookie, `/enterprises/${firms.jintang.id}`)).body).toContain(firms.jintang.name);
  });

  it("renders the list without JavaScript: a GET filter form, sort links and a next-page link", async () => {
    const cookie = await signIn("reviewer");
    const { status, body } = await get(cookie, "/enterprises?town=jintang&sort=updated&dir=desc");
    expect(status).toBe(200);
    expect(body).toMatch(/<form[^>]*method="get"[^>]*role="search"/);
    expect(body).toMatch(/共 \d+ 家/);
    expect(body).toContain('href="/enterprises?town=jintang&amp;sort=name&amp;dir=asc"');
    expect(body).toContain('href="/enterprises/export.xlsx?town=jintang&amp;sort=updated&amp;dir=desc"');
    expect(body).toMatch(/href="\/enterprises\?town=jintang&amp;sort=updated&amp;dir=desc&amp;cursor=[A-Za-z0-9_-]+"/);
  });
});
