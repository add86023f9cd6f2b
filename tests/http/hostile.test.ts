import { sql } from "kysely";
import ExcelJS from "exceljs";
import fc from "fast-check";
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInTo, startServer, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";

/**
 * Hostile input against a real server process: each class of poison that once killed, stalled
 * or misled the registry, then proof that the process still serves (/healthz and a signed-in page).
 */
let server: RunningServer;
let reviewer: string;
let enterprise: string;
let draftId: number;

beforeAll(async () => {
  server = await startServer();
  reviewer = await signIn("reviewer");
  enterprise = await signIn("ent-jintang");
  const database = await openServerDatabase(server.dataDir);
  draftId = (
    await sql<{ id: number }>`SELECT a.id FROM applications a JOIN users u ON u.enterprise_id = a.enterprise_id
      WHERE u.username = 'ent-jintang' AND a.status IN ('draft', 'returned') ORDER BY a.id LIMIT 1`.execute(database.db)
  ).rows[0]!.id;
  await database.db.destroy();
});
afterAll(async () => {
  await server?.stop();
});

const signIn = (username: string) => signInTo(server, username);

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a plain socket, with the body as given (chunked when `chunks` is used). */
function raw(method: string, pathname: string, options: { headers?: Record<string, string>; body?: Buffer | string; chunks?: Iterable<Buffer> } = {}): Promise<RawAnswer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      // A connection per request: a kept-alive one may be closed by the server as it is reused.
      { host: url.hostname, port: url.port, method, path: pathname, agent: false, headers: { Origin: server.url, ...options.headers } },
      (res) => {
        answered = true;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    // Once the answer has come, the server may close while a refused body is still being sent.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (options.chunks) {
      (async () => {
        for (const chunk of options.chunks!) {
          if (req.destroyed || answered) break;
          if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
          // Time between chunks, as a network would leave, so that an early answer is read
          // before more is sent (the server may close once it has answered).
          for (let waited = 0; waited < 2000 && !answered; waited += 20) await new Promise((r) => setTimeout(r, 20));
        }
        req.end();
      })();
    } else req.end(options.body);
  });
}

async function stillServing() {
  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
  const page = await fetch(`${server.url}/enterprises`, { headers: { Cookie: reviewer } });
  expect(page.status).toBe(200);
  expect(server.process.exitCode).toBeNull();
}

function multipart(boundary: string, parts: { headers: string; body: Buffer | string }[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\n${part.headers}\r\n\r\n`), Buffer.from(part.body), Buffer.from("\r\n"));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

describe("a server under hostile input", () => {
  it("survives a redirect target with control characters, after sign-in and language switch alike", async () => {
    for (const target of ["/\u0001x", "/enterprises\r\nSet-Cookie: a=b", "/\u0000", "/\u007f", "/企业?\u0008"]) {
      const lang = await raw("POST", "/language", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ lang: "en", redirectTo: target }).toString(),
      });
      expect(lang.status, JSON.stringify(target)).toBe(302);
      expect(lang.headers.location).toBe("/");
      const login = await raw("POST", "/login", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "officer-yancang", password: "demo-password", redirectTo: target }).toString(),
      });
      expect(login.status, JSON.stringify(target)).toBe(302);
      expect(login.headers.location).toBe("/enterprises");
    }
    await stillServing();
  });

  it("never sends a signed-in user to another host", async () => {
    for (const target of ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil.example"]) {
      const res = await raw("POST", "/login", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "officer-yancang", password: "demo-password", redirectTo: target }).toString(),
      });
      expect(res.status).toBe(302);
      expect(res.headers.location, JSON.stringify(target)).toBe("/enterprises");
    }
  });

  it("counts the bytes of a chunked body: an anonymous post of megabytes is refused with 413", async () => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const chunks = function* () {
      for (let i = 0; i < 400; i++) yield chunk; // 25 MB offered, never announced
    };
    const res = await raw("POST", "/login", {
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      chunks: chunks(),
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain("提交内容过大");
    await stillServing();
  });

  it("holds signed-in forms to 1 MB and uploads to 12 MB, chunked or not", async () => {
    const form = await raw("POST", `/applications/${draftId}/edit`, {
      headers: { Cookie: enterprise, "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      chunks: [Buffer.from("intent=save&x="), Buffer.alloc(1024 * 1024 + 10, "b")],
    });
    expect(form.status).toBe(413);
    const boundary = "hostile-boundary";
    const upload = await raw("POST", `/applications/${draftId}/attachments`, {
      headers: { Cookie: enterprise, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Transfer-Encoding": "chunked" },
      chunks: [multipart(boundary, [{ headers: 'Content-Disposition: form-data; name="file"; filename="a.pdf"', body: Buffer.alloc(13 * 1024 * 1024, 1) }])],
    });
    expect(upload.status).toBe(413);
    await stillServing();
  });

  it("bounds the number of multipart parts and urlencoded fields", async () => {
    const boundary = "many-parts";
    const parts = Array.from({ length: 500 }, (_, i) => ({ headers: `Content-Disposition: form-data; name="f${i}"`, body: "x" }));
    const res = await raw("POST", `/applications/${draftId}/attachments`, {
      headers: { Cookie: enterprise, "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body: multipart(boundary, parts),
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain("表单部件过多");
    const fields = await raw("POST", "/applications/bulk", {
      headers: { Cookie: reviewer, "Content-Type": "application/x-www-form-urlencoded" },
      body: Array.from({ length: 20_000 }, (_, i) => `ids=${i}`).join("&"),
    });
    expect(fields.status).toBe(413);
    await stillServing();
  });

  it("answers a form route's wrong content type with 415 and a malformed multipart body with 400", async () => {
    const json = await raw("POST", "/login", { headers: { "Content-Type": "application/json" }, body: '{"username":"admin"}' });
    expect(json.status).toBe(415);
    const signedInJson = await raw("POST", `/applications/${draftId}/edit`, {
      headers: { Cookie: enterprise, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(signedInJson.status).toBe(415);
    const noBoundary = await raw("POST", `/applications/${draftId}/attachments`, {
      headers: { Cookie: enterprise, "Content-Type": "multipart/form-data" },
      body: "whatever",
    });
    expect(noBoundary.status).toBe(400);
    const garbage = await raw("POST", `/applications/${draftId}/attachments`, {
      headers: { Cookie: enterprise, "Content-Type": "multipart/form-data; boundary=zz" },
      body: "--zz\r\nno headers at all",
    });
    expect(garbage.status).toBe(400);
    const untyped = await raw("POST", "/login", { body: "username=a" });
    expect(untyped.status).toBe(415);
    await stillServing();
  });

  it("answers TRACE and other unserved methods with 405", async () => {
    for (const method of ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await raw(method, "/login");
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD, POST");
    }
    await stillServing();
  });

  it("takes any evidence file name, quoted or not, without a 500", async () => {
    const names = ["a=b.pdf", "a;b.pdf", 'a"b.pdf', "a'b.pdf", 'a\\"; x=".pdf', "line\nbreak.pdf", "tab\t.pdf", '证书=;".pdf', "%0d%0a.pdf", "../../etc/passwd"];
    for (const name of names) {
      const boundary = "names-boundary";
      for (const disposition of [
        `Content-Disposition: form-data; name="file"; filename="${name}"`,
        `Content-Disposition: form-data; name="file"; filename=${name}`,
        `Content-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(name)}`,
      ]) {
        if (/[\r\n]/.test(disposition.replace(/\r?\n/g, "")) === false && /\n/.test(disposition)) {
          // A raw line break ends the header line: the part's headers are then malformed.
        }
        const res = await raw("POST", `/applications/${draftId}/attachments`, {
          headers: { Cookie: enterprise, "Content-Type": `multipart/form-data; boundary=${boundary}` },
          body: multipart(boundary, [
            { headers: 'Content-Disposition: form-data; name="kind"', body: "other" },
            { headers: `${disposition}\r\nContent-Type: application/pdf`, body: PDF },
          ]),
        });
        expect([303, 400], `${JSON.stringify(disposition)} → ${res.status} ${res.body.slice(0, 200)}`).toContain(res.status);
      }
    }
    await stillServing();
  });

  it("refuses a tiny spreadsheet reaching column XFD by its limit, and reads an honest one, off the serving thread", async () => {
    const workbook = async (fill: (ws: ExcelJS.Worksheet) => void) => {
      const wb = new ExcelJS.Workbook();
      fill(wb.addWorksheet("名单"));
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const upload = (file: Buffer) => {
      const boundary = "sheet-boundary";
      return raw("POST", "/enterprises/import", {
        headers: { Cookie: reviewer, "Content-Type": `multipart/form-data; boundary=${boundary}` },
        body: multipart(boundary, [
          { headers: 'Content-Disposition: form-data; name="intent"', body: "upload" },
          { headers: 'Content-Disposition: form-data; name="kind"', body: "enterprises" },
          { headers: 'Content-Disposition: form-data; name="file"; filename="名单.xlsx"', body: file },
        ]),
      });
    };
    const bomb = await workbook((ws) => {
      for (let r = 1; r <= 3000; r++) ws.getCell(r, 16384).value = r;
    });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const refused = await upload(bomb);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("第 200 列");
    const honest = await upload(
      await workbook((ws) => {
        ws.addRow(["企业名称", "统一社会信用代码"]);
        ws.addRow(["某某有限公司", "91330902719524024G"]);
      }),
    );
    expect(honest.status).toBe(303);
    expect(honest.headers.location).toMatch(/^\/enterprises\/import\?id=[0-9a-f]{64}$/);
    await stillServing();
  });

  it("answers a forced password change on the JSON API with 403, not the figures", async () => {
    const database = await openServerDatabase(server.dataDir);
    await sql`UPDATE users SET must_change_password = 1 WHERE username = 'officer-jintang'`.execute(database.db);
    await database.db.destroy();
    const cookie = await signIn("officer-jintang");
    const res = await fetch(`${server.url}/api/progress`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "password-change-required" });
    const page = await fetch(`${server.url}/dashboard`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(page.headers.get("location")).toBe("/account/password");
  });

  it("believes no client's X-Forwarded-For: the sign-in limit counts the socket's address", async () => {
    let last = 0;
    for (let i = 0; i < 32; i++) {
      const res = await raw("POST", "/login", {
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": `203.0.113.${i}` },
        body: new URLSearchParams({ username: `nobody-${i}`, password: "wrong-password" }).toString(),
      });
      last = res.status;
    }
    // 30 failures from one address within the window close it, whatever address is claimed.
    expect(last).toBe(429);
    const database = await openServerDatabase(server.dataDir);
    const claimed = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_log WHERE address LIKE '203.0.113.%'`.execute(database.db);
    await database.db.destroy();
    expect(Number(claimed.rows[0]!.n)).toBe(0);
  });

  it("holds its memory after the whole suite", async () => {
    await stillServing();
    const status = fs.readFileSync(`/proc/${server.process.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
    console.log(`server RSS after the hostile suite: ${Math.round(rssKb / 1024)} MB`);
    expect(rssKb).toBeLessThan(800 * 1024);
  });

  it("property: any redirect target sent to sign-in lands on this site", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: "binary" }), async (tail) => {
        const res = await raw("POST", "/language", {
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ lang: "zh", redirectTo: `/${tail}` }).toString(),
        });
        expect(res.status).toBe(302);
        const location = res.headers.location!;
        expect(location.startsWith("/") && !location.startsWith("//")).toBe(true);
        expect(new URL(location, "http://registry.invalid").host).toBe("registry.invalid");
      }),
      { numRuns: 150 },
    );
    await stillServing();
  });

  it("property: any multipart file name is answered without a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: "binary" }), async (name) => {
        const boundary = "prop-boundary";
        const res = await raw("POST", `/applications/${draftId}/attachments`, {
          headers: { Cookie: enterprise, "Content-Type": `multipart/form-data; boundary=${boundary}` },
          body: multipart(boundary, [
            { headers: 'Content-Disposition: form-data; name="kind"', body: "other" },
            { headers: `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf`, body: PDF },
          ]),
        });
        expect([303, 400, 413]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    await stillServing();
  });
});
