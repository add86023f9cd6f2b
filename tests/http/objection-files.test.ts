import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server";
import { openServerDatabase } from "../support/test-db";
import { openNoticeBatch } from "../support/notice-batch";

/**
 * The objection form's file through the real server, without a session: a multipart body within
 * its own limit (a 10 MB file fits, and a bigger file is refused by the field, not by the
 * connection), and a body past that limit answered 413 before any route runs.
 */
let server: RunningServer;
let batchId: number;
let applicationId: number;
let database: Awaited<ReturnType<typeof openServerDatabase>>;

beforeAll(async () => {
  server = await startServer();
  database = await openServerDatabase(server.dataDir);
  ({ batchId, applicationId } = await openNoticeBatch(database.db, "附件公示"));
});
afterAll(async () => {
  await database?.db.destroy();
  await server?.stop();
});

function post(file: Blob, name: string) {
  const form = new FormData();
  form.append("application", String(applicationId));
  form.append("name", "赵六");
  form.append("phone", "13800000002");
  form.append("reason", "附件为现场照片。");
  form.append("file", file, name);
  return fetch(`${server.url}/notices/${batchId}/objection`, { method: "POST", headers: { Origin: server.url }, body: form, redirect: "manual" });
}

describe("the objection form's file over HTTP", () => {
  it("takes a small PNG, refuses a file over 10 MB by its field, and a body over the limit with 413", async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    const ok = await post(new Blob([png], { type: "image/png" }), "现场.png");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/GS\d+-[0-9A-F]{8}/);
    const row = await database.db.selectFrom("notice_objections").selectAll().where("batch_id", "=", batchId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ file_name: "现场.png", file_mime: "image/png", file_size: png.length });
    expect(fs.readFileSync(path.join(server.dataDir, "uploads", row.file_key!))).toEqual(png);

    const big = await post(new Blob([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024)], { type: "application/pdf" }), "big.pdf");
    expect(big.status).toBe(400);
    const page = await big.text();
    expect(page).toContain("超过 10 MB");
    expect(page).toContain("附件为现场照片。");

    const huge = await post(new Blob([Buffer.alloc(12 * 1024 * 1024)]), "huge.pdf");
    expect(huge.status).toBe(413);
    const n = await database.db
      .selectFrom("notice_objections")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("batch_id", "=", batchId)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    // The server still serves.
    expect((await fetch(`${server.url}/notices/${batchId}`)).status).toBe(200);
  });
});
