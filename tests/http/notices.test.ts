import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";
import { openNoticeBatch } from "../support/notice-batch";

/**
 * The public objection form through the real server: no session, its own body limit (2,000
 * Chinese characters fit, a bigger body is 413), the same-origin check, and a flood from one
 * address answered 429 before the body is read or any route runs.
 */
let server: RunningServer;
let batchId: number;
let applicationId: number;
let database: Awaited<ReturnType<typeof openServerDatabase>>;

beforeAll(async () => {
  server = await startServer();
  database = await openServerDatabase(server.dataDir);
  ({ batchId, applicationId } = await openNoticeBatch(database.db, "HTTP 公示"));
});
afterAll(async () => {
  await database?.db.destroy();
  await server?.stop();
});

async function objectionCount(): Promise<number> {
  // This file's own application: the demo's open notice has an objection of its own.
  const row = await database.db
    .selectFrom("notice_objections")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("application_id", "=", applicationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function post(form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/notices/${batchId}/objection`, {
    method: "POST",
    headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

describe("the public objection form over HTTP", () => {
  it("serves the public pages without a session, and takes a full-length objection", async () => {
    const list = await fetch(`${server.url}/notices`);
    expect(list.status).toBe(200);
    expect(list.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await list.text()).toContain("HTTP 公示");
    const reason = "异".repeat(2000); // 18 KB percent-encoded: above the 16 KB of other anonymous posts
    const res = await post({ application: String(applicationId), name: "赵六", phone: "13800000002", reason });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/GS\d+-[0-9A-F]{8}/);
    expect(await objectionCount()).toBe(1);
  });

  it("refuses a cross-site post and an oversized body without writing", async () => {
    const cross = await post({ application: String(applicationId), name: "x", phone: "13800000003", reason: "y" }, { Origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    const big = await post({ application: String(applicationId), name: "x", phone: "13800000003", reason: "y".repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(await objectionCount()).toBe(1);
  });

  it("answers a flood from one address 429 once past the limit, and writes nothing more", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await post({ application: String(applicationId), name: "刷屏", phone: "13800000004", reason: `<b>${i}</b>` });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    // 5 posts per address per 15 minutes: 3 were spent above (one cross-site post never reached the limiter).
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    expect(await objectionCount()).toBe(1);
    // Other pages still serve.
    expect((await fetch(`${server.url}/notices/${batchId}`)).status).toBe(200);
  });
});
