import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIERS } from "~/domain/tiers";
import { signInTo, startServer, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const signIn = (username: string) => signInTo(server, username);

describe("the running server", () => {
  it("answers /healthz with 200 ok", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
  });

  it("serves the Chinese sign-in page with security headers", async () => {
    const res = await fetch(`${server.url}/login`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain("定海区企业梯度培育登记系统");
    expect(html).toContain('name="username"');
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // Every inline script carries this response's nonce.
    const scripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs] of scripts) expect(attrs).toContain(`nonce="${nonce}"`);
  });

  it("sends anonymous visitors of any page to /login", async () => {
    for (const page of ["/", "/dashboard", "/enterprises", "/applications", "/targets"]) {
      const res = await fetch(`${server.url}${page}`, { redirect: "manual" });
      expect(res.status, page).toBe(302);
      expect(res.headers.get("location"), page).toMatch(/^\/login/);
    }
  });

  it("signs in over HTTP and the session cookie opens the home page", async () => {
    const cookie = await signIn("reviewer");
    const res = await fetch(`${server.url}/`, { redirect: "manual", headers: { Cookie: cookie } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dashboard");
  });

  it("lets every demo account sign in and answers every page and API without a server error", async () => {
    const pages = [
      "/",
      "/dashboard",
      "/dashboard?year=2025",
      "/enterprises",
      "/enterprises?q=%E8%88%9F&sort=name",
      "/applications",
      "/applications?status=pipeline",
      "/applications/bulk",
      "/targets",
      "/progress/coverage",
      "/admin/users",
      "/admin/audit",
      "/admin/checklists",
      "/api/progress",
      "/enterprises/export.csv",
    ];
    for (const username of ["admin", "reviewer", "officer-jintang", "officer-yancang", "ent-jintang", "ent-yancang"]) {
      const cookie = await signIn(username);
      const home = await fetch(`${server.url}/`, { headers: { Cookie: cookie } });
      expect(home.status, `${username} home`).toBe(200);
      for (const page of pages) {
        const res = await fetch(`${server.url}${page}`, { headers: { Cookie: cookie }, redirect: "manual" });
        expect(res.status, `${username} ${page}`).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
  });

  it("sends a page whole, with its length, its data inline and the header's current section marked", async () => {
    const cookie = await signIn("reviewer");
    const res = await fetch(`${server.url}/enterprises`, { headers: { Cookie: cookie, "Accept-Encoding": "identity" } });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(body.byteLength);
    const html = body.toString("utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("</body></html>");
    // No streaming placeholders: React rendered the page and its inline data before sending.
    expect(html).not.toContain("<template");
    expect(html).not.toContain("$RC");
    // The loader data was inline at the first pass (utils/whole-page.server.ts): no boundary left
    // for the browser to render.
    expect(html).not.toContain("<!--$!-->");
    expect(html).toContain("window.__remixContext.streamController.close()");
    // The header's links are plain anchors; the current section is marked for screen readers.
    const nav = /<nav class="site-nav"[^]*?<\/nav>/.exec(html)![0];
    expect(nav).toMatch(/<a href="\/enterprises" class="active" aria-current="page" data-discover="true">/);
    expect(nav).toMatch(/<a href="\/dashboard" data-discover="true">/);
    // Rows link to their firms with plain anchors.
    expect(html).toMatch(/<td><a href="\/enterprises\/\d+" data-discover="true">/);
  });

  it("never puts a NUL byte in a page", async () => {
    // React 18's Node renderer wrote the unused tail of its 2 kB buffer when a Chinese character
    // did not fit at its end: the checklists page came out with 修\0改, shown as 修�改.
    const admin = await signIn("admin");
    const paths = [...TIERS.map((t) => `/admin/checklists?tier=${t.code}`), "/dashboard", "/enterprises", "/applications", "/targets", "/admin/audit"];
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`, { headers: { Cookie: admin, "Accept-Encoding": "identity" } });
      expect(res.status, path).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.indexOf(0), path).toBe(-1);
    }
  });

  it("keeps a full Chinese dashboard under 65,536 characters, with 15 towns of four-digit figures", async () => {
    // V8 keeps a flattened string of 65,536 or more two-byte characters (Chinese text) in its
    // large-object space: on this machine turning such a page into bytes cost 0.7 ms more than a
    // page just under the size. This is the dashboard at its largest: a full page of the league.
    const database = await openServerDatabase(server.dataDir);
    const year = 2026;
    await sql`INSERT INTO towns (code, name_zh, name_en, kind, managed_by, sort) VALUES
      ('budget-1', '预算测试经济开发区街道', 'Budget Test Economic Development Subdistrict', 'street', 'district', 901),
      ('budget-2', '预算测试海洋产业集聚区镇', 'Budget Test Marine Industry Cluster Town', 'town', 'district', 902)`.execute(database.db);
    const towns = (await sql<{ code: string }>`SELECT code FROM towns ORDER BY sort, code LIMIT 15`.execute(database.db)).rows.map((t) => t.code);
    expect(towns).toHaveLength(15);
    await database.db.transaction().execute(async (trx) => {
      for (const town of towns) {
        await sql`INSERT INTO progress_coverage_counts (town_code, total, covered) VALUES (${town}, 99999, 9999)
          ON CONFLICT (town_code) DO UPDATE SET total = 99999, covered = 9999`.execute(trx);
        for (const tier of TIERS) {
          await sql`INSERT INTO progress_award_counts (year, tier_code, town_code, level, n) VALUES (${year}, ${tier.code}, ${town}, 'national', 9999)
            ON CONFLICT (year, tier_code, town_code, level) DO UPDATE SET n = excluded.n`.execute(trx);
          await sql`INSERT INTO progress_application_counts (year, tier_code, town_code, status, n) VALUES (${year}, ${tier.code}, ${town}, 'submitted', 9999)
            ON CONFLICT (year, tier_code, town_code, status) DO UPDATE SET n = excluded.n`.execute(trx);
          // The league's pipeline is read by level sought (0017): at a level every tier counts.
          await sql`INSERT INTO pipeline_level_counts (year, tier_code, town_code, level_sought, n) VALUES (${year}, ${tier.code}, ${town}, 'national', 9999)
            ON CONFLICT (year, tier_code, town_code, level_sought) DO UPDATE SET n = excluded.n`.execute(trx);
        }
      }
    });
    await database.db.destroy();
    const cookie = await signIn("reviewer");
    for (const lang of ["zh", "en"]) {
      const headers = { Cookie: `${cookie}; lang=${lang}`, "Accept-Encoding": "identity" };
      const res = await fetch(`${server.url}/dashboard?year=${year}`, { headers });
      expect(res.status).toBe(200);
      const html = await res.text();
      const league = html.slice(html.indexOf('id="league-title"'));
      const pipeline = lang === "zh" ? "在审" : "In review";
      expect(league.match(new RegExp(`aria-label="[^"]+ ${pipeline} \\d+"`, "g")), lang).toHaveLength(15 * TIERS.length + TIERS.length);
      expect(league).toContain(lang === "zh" ? "预算测试海洋产业集聚区镇" : "Budget Test Marine Industry Cluster Town");
      expect(league).toContain(`/applications?tier=${TIERS[0]!.code}&amp;year=${year}&amp;status=pipeline&amp;town=`);
      // The English page says the same in longer words (about 71,000 characters here): Chinese
      // first, and the budget holds for the Chinese page.
      if (lang === "zh") expect(html.length).toBeLessThan(65_536);
      else expect(html.length).toBeLessThan(80_000);
    }
  });

  it("sends a page with gzip when the browser accepts it", async () => {
    const cookie = await signIn("reviewer");
    const res = await fetch(`${server.url}/enterprises`, { headers: { Cookie: cookie, "Accept-Encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(await res.text()).toContain("</html>");
  });

  it("refuses a cross-site POST before it reaches the app", async () => {
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      body: new URLSearchParams({ username: "reviewer", password: "demo-password" }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses an oversized form body with 413", async () => {
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { Origin: server.url },
      body: new URLSearchParams({ username: "x".repeat(2 * 1024 * 1024), password: "y" }),
    });
    expect(res.status).toBe(413);
  });

  it("records the client's address on audit rows written by the guards, not only at sign-in", async () => {
    const cookie = await signIn("officer-jintang");
    const refused = await fetch(`${server.url}/admin/audit`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(refused.status).toBe(403);
    const database = await openServerDatabase(server.dataDir);
    const row = (
      await sql<{ address: string | null }>`SELECT address FROM audit_log WHERE action = 'authz.denied' AND subject = '/admin/audit' ORDER BY id DESC LIMIT 1`.execute(database.db)
    ).rows[0];
    await database.db.destroy();
    expect(row?.address).toMatch(/127\.0\.0\.1/);
  });

  it("keeps its data across a restart, without seeding twice", async () => {
    const count = async () => {
      const database = await openServerDatabase(server.dataDir);
      const one = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(database.db)).rows[0]!.n);
      const n = {
        enterprises: await one(sql<{ n: number }>`SELECT count(*) AS n FROM enterprises`),
        users: await one(sql<{ n: number }>`SELECT count(*) AS n FROM users`),
        awards: await one(sql<{ n: number }>`SELECT count(*) AS n FROM awards`),
        audit: await one(sql<{ n: number }>`SELECT count(*) AS n FROM audit_log WHERE action = 'login.success'`),
      };
      await database.db.destroy();
      return n;
    };
    const before = await count();
    expect(before.enterprises).toBeGreaterThan(250);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    expect(await count()).toEqual(before);
    expect(server.output()).toContain("Using ");
  }, 120_000); // a real restart
});
