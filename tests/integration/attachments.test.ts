import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dataPaths } from "../../db/client";
import { listAttachments } from "~/models/attachment.server";
import * as upload from "~/routes/applications.$id.attachments";
import * as download from "~/routes/attachments.$id";
import * as remove from "~/routes/attachments.$id.delete";
import { db } from "~/utils/db.server";
import { translate } from "~/utils/i18n";
import { call, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const PDF = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("IHDR-rest-of-png")]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("JFIF-rest-of-jpeg")]);
const EXE = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 0x90)]);

/** Every file under the uploads folder (temporary ones included). */
function filesOnDisk(): string[] {
  const root = dataPaths().uploadsDir;
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).map((p) => path.join(root, p)).filter((p) => fs.statSync(p).isFile());
}

let seq = 0;
/** A fresh application of a firm in the given status (a year far ahead keeps it clear of seeded ones). */
async function newApplication(enterpriseId: number, status: "draft" | "submitted" | "returned" | "approved" = "draft") {
  seq += 1;
  const now = new Date().toISOString();
  const row = await db()
    .insertInto("applications")
    .values({
      enterprise_id: enterpriseId,
      tier_code: "listed",
      year: 2040 + seq,
      level_sought: "district",
      status,
      payload: "{}",
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function setStatus(applicationId: number, status: "draft" | "submitted" | "returned" | "approved") {
  await db().updateTable("applications").set({ status }).where("id", "=", applicationId).execute();
}

function uploadRequest(applicationId: number, cookie: string, file: { bytes: Buffer; name: string; type?: string } | null, kind: string | null = "other") {
  const form = new FormData();
  if (kind !== null) form.append("kind", kind);
  if (file) form.append("file", new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? "application/octet-stream" }));
  return makeRequest(`/applications/${applicationId}/attachments`, { cookie, form });
}

async function uploadAs(applicationId: number, cookie: string, file: { bytes: Buffer; name: string; type?: string } | null, kind: string | null = "other") {
  const { result } = await call(upload.action, uploadRequest(applicationId, cookie, file, kind), { id: String(applicationId) });
  return result as Response;
}

/** The outcome the attachment list will show, read from the redirect. */
function outcomeOf(response: Response) {
  expect(response.status).toBe(303);
  const url = new URL(response.headers.get("Location")!, "http://x");
  return {
    path: url.pathname,
    hash: url.hash,
    notice: url.searchParams.get("attachment"),
    error: url.searchParams.get("attachmentError"),
    file: url.searchParams.get("file"),
  };
}

async function rowsOf(applicationId: number) {
  return db()
    .selectFrom("attachments")
    .select(["id", "kind", "original_name", "mime", "size", "sha256", "storage_key", "deleted_at", "uploaded_by"])
    .where("application_id", "=", applicationId)
    .orderBy("id")
    .execute();
}

async function auditCount(action: string) {
  const row = await db()
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("action", "=", action)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

let ent1: string;
let ent2: string;
let reviewer: string;
let officerJintang: string;
let officerYancang: string;

beforeAll(async () => {
  ent1 = await sessionCookieFor("ent-jintang");
  ent2 = await sessionCookieFor("ent-yancang");
  reviewer = await sessionCookieFor("reviewer");
  officerJintang = await sessionCookieFor("officer-jintang");
  officerYancang = await sessionCookieFor("officer-yancang");
  // The demo accounts' firms: ent-jintang → 1 (金塘镇), ent-yancang → 2 (盐仓街道).
  const firms = await db().selectFrom("users").select(["username", "enterprise_id"]).where("role", "=", "enterprise").execute();
  expect(firms.find((f) => f.username === "ent-jintang")?.enterprise_id).toBe(1);
  expect(firms.find((f) => f.username === "ent-yancang")?.enterprise_id).toBe(2);
});

describe("uploading evidence files", () => {
  it("accepts a PDF renamed .png as a PDF, stored under a random key with its size and SHA-256", async () => {
    const app = await newApplication(1);
    const before = await auditCount("attachment.upload");
    const response = await uploadAs(app, ent1, { bytes: PDF, name: "scan.png", type: "image/png" }, "business-licence");
    expect(outcomeOf(response)).toEqual({ path: `/applications/${app}`, hash: "#attachments", notice: "uploaded", error: null, file: "scan.png" });
    const [row] = await rowsOf(app);
    expect(row).toMatchObject({ kind: "business-licence", original_name: "scan.png", mime: "application/pdf", size: PDF.length, deleted_at: null });
    expect(row.sha256).toBe(crypto.createHash("sha256").update(PDF).digest("hex"));
    expect(row.storage_key).toMatch(/^[0-9a-f]{32}$/);
    const stored = path.join(dataPaths().uploadsDir, row.storage_key);
    expect(fs.readFileSync(stored).equals(PDF)).toBe(true);
    expect(filesOnDisk().some((f) => f.includes("scan"))).toBe(false);
    expect(await auditCount("attachment.upload")).toBe(before + 1);
  });

  it("tells JPEG and PNG by their first bytes", async () => {
    const app = await newApplication(1);
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: JPEG, name: "photo", type: "text/plain" })).notice).toBe("uploaded");
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: PNG, name: "图.PDF" })).notice).toBe("uploaded");
    expect((await rowsOf(app)).map((r) => r.mime)).toEqual(["image/jpeg", "image/png"]);
  });

  it("refuses an executable renamed .pdf, naming the file, and leaves nothing behind", async () => {
    const app = await newApplication(1);
    const filesBefore = filesOnDisk().length;
    const outcome = outcomeOf(await uploadAs(app, ent1, { bytes: EXE, name: "setup.pdf", type: "application/pdf" }));
    expect(outcome).toMatchObject({ error: "type", file: "setup.pdf", notice: null });
    const message = translate("zh", "attachments.error.type", { name: outcome.file! });
    expect(message).toContain("“setup.pdf”");
    expect(message).toContain("只接受 PDF、JPEG、PNG 格式");
    expect(translate("en", "attachments.error.type", { name: outcome.file! })).toContain("Only PDF, JPEG and PNG are accepted");
    expect(await rowsOf(app)).toEqual([]);
    expect(filesOnDisk().length).toBe(filesBefore);
  });

  it("refuses a file over 10 MB while it streams, with nothing left on disk", async () => {
    const app = await newApplication(1);
    const filesBefore = filesOnDisk().length;
    const big = Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]);
    const outcome = outcomeOf(await uploadAs(app, ent1, { bytes: big, name: "年报.pdf" }));
    expect(outcome).toMatchObject({ error: "size", file: "年报.pdf" });
    expect(translate("zh", "attachments.error.size", { name: "年报.pdf" })).toContain("超过 10 MB");
    expect(await rowsOf(app)).toEqual([]);
    expect(filesOnDisk().length).toBe(filesBefore);
  });

  it("accepts a file of exactly 10 MB", async () => {
    const app = await newApplication(1);
    const exact = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 - PDF.length)]);
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: exact, name: "exact.pdf" })).notice).toBe("uploaded");
    expect((await rowsOf(app))[0].size).toBe(10 * 1024 * 1024);
  });

  it("refuses the 21st file of an application before reading it", async () => {
    const app = await newApplication(2);
    for (let i = 1; i <= 20; i++) {
      expect(outcomeOf(await uploadAs(app, ent2, { bytes: PNG, name: `p${i}.png` })).notice).toBe("uploaded");
    }
    const filesBefore = filesOnDisk().length;
    const outcome = outcomeOf(await uploadAs(app, ent2, { bytes: PDF, name: "p21.pdf" }));
    expect(outcome.error).toBe("count");
    expect((await rowsOf(app)).length).toBe(20);
    expect(filesOnDisk().length).toBe(filesBefore);
    // Removing one makes room again.
    const [first] = await rowsOf(app);
    await call(remove.action, makeRequest(`/attachments/${first.id}/delete`, { method: "POST", cookie: ent2 }), { id: String(first.id) });
    expect(outcomeOf(await uploadAs(app, ent2, { bytes: PDF, name: "p21.pdf" })).notice).toBe("uploaded");
  });

  it("stores a name with path separators and control characters safely, keeping the Chinese", async () => {
    const app = await newApplication(1);
    const raw = "..\\..\\证书/营业\u202E执照\u0007（2024）.pdf";
    const outcome = outcomeOf(await uploadAs(app, ent1, { bytes: PDF, name: raw }));
    expect(outcome.notice).toBe("uploaded");
    const [row] = await rowsOf(app);
    expect(row.original_name).toBe("营业执照（2024）.pdf");
    expect(outcome.file).toBe("营业执照（2024）.pdf");
    // On disk: only the random key, inside the uploads folder.
    expect(filesOnDisk().filter((f) => f.includes("执照") || f.includes(".."))).toEqual([]);
    const views = await listAttachments(db(), { id: 5, role: "enterprise", enterpriseId: 1, townCode: null }, app);
    expect(views.map((v) => v.originalName)).toEqual(["营业执照（2024）.pdf"]);

    const { result } = await call(download.loader, makeRequest(`/attachments/${row.id}`, { cookie: ent1 }), { id: String(row.id) });
    const res = result as Response;
    expect(res.status).toBe(200);
    const disposition = res.headers.get("Content-Disposition")!;
    expect(disposition).toBe(`attachment; filename="attachment-${row.id}.pdf"; filename*=UTF-8''${encodeURIComponent("营业执照（2024）.pdf")}`);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1])).toBe("营业执照（2024）.pdf");
  });

  it("refuses an upload without a kind or without a file, keeping nothing", async () => {
    const app = await newApplication(1);
    const filesBefore = filesOnDisk().length;
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: PDF, name: "a.pdf" }, null)).error).toBe("kind");
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: PDF, name: "a.pdf" }, "passport")).error).toBe("kind");
    expect(outcomeOf(await uploadAs(app, ent1, null)).error).toBe("empty");
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: Buffer.alloc(0), name: "" })).error).toBe("empty");
    expect(outcomeOf(await uploadAs(app, ent1, { bytes: Buffer.alloc(0), name: "empty.pdf" })).error).toBe("empty");
    expect(await rowsOf(app)).toEqual([]);
    expect(filesOnDisk().length).toBe(filesBefore);
  });

  it("answers a body that is not multipart with a message, not a 500", async () => {
    const app = await newApplication(1);
    const request = makeRequest(`/applications/${app}/attachments`, {
      method: "POST",
      cookie: ent1,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const plain = new Request(request, { body: "kind=other" });
    const { result } = await call(upload.action, plain, { id: String(app) });
    expect(outcomeOf(result as Response).error).toBe("malformed");
  });

  it("refuses uploads once the application is submitted or decided", async () => {
    for (const status of ["submitted", "approved"] as const) {
      const app = await newApplication(1, status);
      expect(outcomeOf(await uploadAs(app, ent1, { bytes: PDF, name: "late.pdf" })).error).toBe("status");
      expect(outcomeOf(await uploadAs(app, reviewer, { bytes: PDF, name: "late.pdf" })).error).toBe("status");
      expect(await rowsOf(app)).toEqual([]);
    }
    const returned = await newApplication(1, "returned");
    expect(outcomeOf(await uploadAs(returned, ent1, { bytes: PDF, name: "补充.pdf" })).notice).toBe("uploaded");
  });

  it("lets a reviewer upload on a firm's behalf", async () => {
    const app = await newApplication(2);
    expect(outcomeOf(await uploadAs(app, reviewer, { bytes: PDF, name: "代传.pdf" })).notice).toBe("uploaded");
    expect((await rowsOf(app))[0].uploaded_by).toBe(2);
  });

  it("sends a GET of the upload address back to the application, and answers 404 outside scope", async () => {
    const own = await newApplication(1);
    const { result } = await call(upload.loader, makeRequest(`/applications/${own}/attachments`, { cookie: ent1 }), { id: String(own) });
    expect((result as Response).headers.get("Location")).toBe(`/applications/${own}`);
    const other = await newApplication(2);
    const refused = await call(upload.loader, makeRequest(`/applications/${other}/attachments`, { cookie: ent1 }), { id: String(other) });
    expect((refused.result as Response).status).toBe(404);
  });
});

describe("scope", () => {
  let app1: number;
  let fileId: number;

  beforeAll(async () => {
    app1 = await newApplication(1);
    await uploadAs(app1, ent1, { bytes: PDF, name: "jintang.pdf" });
    fileId = (await rowsOf(app1))[0].id;
  });

  it("hides another firm's file and application behind 404", async () => {
    const dl = await call(download.loader, makeRequest(`/attachments/${fileId}`, { cookie: ent2 }), { id: String(fileId) });
    expect(statusOf(dl.result)).toBe(404);
    const up = await call(upload.action, uploadRequest(app1, ent2, { bytes: PDF, name: "x.pdf" }), { id: String(app1) });
    expect(statusOf(up.result)).toBe(404);
    const del = await call(remove.action, makeRequest(`/attachments/${fileId}/delete`, { method: "POST", cookie: ent2 }), { id: String(fileId) });
    expect(statusOf(del.result)).toBe(404);
    await expect(listAttachments(db(), { id: 6, role: "enterprise", enterpriseId: 2, townCode: null }, app1)).rejects.toMatchObject({ kind: "not-found" });
    expect((await rowsOf(app1)).length).toBe(1);
    expect((await rowsOf(app1))[0].deleted_at).toBeNull();
  });

  it("gives 404 for an id that does not exist or is not a number", async () => {
    for (const id of ["999999", "abc", "1e3"]) {
      const { result } = await call(download.loader, makeRequest(`/attachments/${id}`, { cookie: reviewer }), { id });
      expect(statusOf(result)).toBe(404);
    }
  });

  it("lets the firm's town officer read and download, but not change", async () => {
    const dl = await call(download.loader, makeRequest(`/attachments/${fileId}`, { cookie: officerJintang }), { id: String(fileId) });
    expect(statusOf(dl.result)).toBe(200);
    const up = await call(upload.action, uploadRequest(app1, officerJintang, { bytes: PDF, name: "x.pdf" }), { id: String(app1) });
    expect(statusOf(up.result)).toBe(403);
    const del = await call(remove.action, makeRequest(`/attachments/${fileId}/delete`, { method: "POST", cookie: officerJintang }), { id: String(fileId) });
    expect(statusOf(del.result)).toBe(403);
    const views = await listAttachments(db(), { id: 3, role: "town_officer", enterpriseId: null, townCode: "jintang" }, app1);
    expect(views.map((v) => v.originalName)).toEqual(["jintang.pdf"]);
  });

  it("hides a firm of another town from a town officer", async () => {
    const dl = await call(download.loader, makeRequest(`/attachments/${fileId}`, { cookie: officerYancang }), { id: String(fileId) });
    expect(statusOf(dl.result)).toBe(404);
  });

  it("sends an anonymous visitor to sign in", async () => {
    const { result } = await call(download.loader, makeRequest(`/attachments/${fileId}`), { id: String(fileId) });
    expect((result as Response).headers.get("Location")).toBe(`/login?redirectTo=%2Fattachments%2F${fileId}`);
  });
});

describe("downloading", () => {
  it("sends the file as an attachment with its real type, nosniff, and the name fixed to the type", async () => {
    const app = await newApplication(2);
    await uploadAs(app, ent2, { bytes: PDF, name: "report.png" });
    const [row] = await rowsOf(app);
    const { result } = await call(download.loader, makeRequest(`/attachments/${row.id}`, { cookie: reviewer }), { id: String(row.id) });
    const res = result as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Length")).toBe(String(PDF.length));
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(res.headers.get("Cache-Control")).toContain("no-store");
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it("answers 404 when the stored file has gone from disk", async () => {
    const app = await newApplication(2);
    await uploadAs(app, ent2, { bytes: JPEG, name: "gone.jpg" });
    const [row] = await rowsOf(app);
    fs.rmSync(path.join(dataPaths().uploadsDir, row.storage_key));
    const { result } = await call(download.loader, makeRequest(`/attachments/${row.id}`, { cookie: ent2 }), { id: String(row.id) });
    expect(statusOf(result)).toBe(404);
  });
});

describe("removing files", () => {
  it("soft-deletes in a draft: gone from the list and downloads, kept on disk, audited", async () => {
    const app = await newApplication(1);
    await uploadAs(app, ent1, { bytes: PDF, name: "旧版.pdf" });
    const [row] = await rowsOf(app);
    const before = await auditCount("attachment.remove");
    const { result } = await call(remove.action, makeRequest(`/attachments/${row.id}/delete`, { method: "POST", cookie: ent1 }), { id: String(row.id) });
    expect(outcomeOf(result as Response)).toMatchObject({ path: `/applications/${app}`, notice: "removed", file: "旧版.pdf" });
    expect((await rowsOf(app))[0].deleted_at).not.toBeNull();
    expect(await listAttachments(db(), { id: 5, role: "enterprise", enterpriseId: 1, townCode: null }, app)).toEqual([]);
    const dl = await call(download.loader, makeRequest(`/attachments/${row.id}`, { cookie: ent1 }), { id: String(row.id) });
    expect(statusOf(dl.result)).toBe(404);
    expect(fs.existsSync(path.join(dataPaths().uploadsDir, row.storage_key))).toBe(true);
    expect(await auditCount("attachment.remove")).toBe(before + 1);
  });

  it("lets a reviewer remove while the application is returned", async () => {
    const app = await newApplication(2, "returned");
    await uploadAs(app, ent2, { bytes: PDF, name: "错传.pdf" });
    const [row] = await rowsOf(app);
    const { result } = await call(remove.action, makeRequest(`/attachments/${row.id}/delete`, { method: "POST", cookie: reviewer }), { id: String(row.id) });
    expect(outcomeOf(result as Response).notice).toBe("removed");
  });

  it("refuses once the application is submitted, approved or otherwise decided", async () => {
    const app = await newApplication(1);
    await uploadAs(app, ent1, { bytes: PDF, name: "证据.pdf" });
    const [row] = await rowsOf(app);
    for (const status of ["submitted", "approved"] as const) {
      await setStatus(app, status);
      for (const cookie of [ent1, reviewer]) {
        const { result } = await call(remove.action, makeRequest(`/attachments/${row.id}/delete`, { method: "POST", cookie }), { id: String(row.id) });
        expect(outcomeOf(result as Response).error).toBe("status");
      }
    }
    expect((await rowsOf(app))[0].deleted_at).toBeNull();
    await setStatus(app, "returned");
    const { result } = await call(remove.action, makeRequest(`/attachments/${row.id}/delete`, { method: "POST", cookie: ent1 }), { id: String(row.id) });
    expect(outcomeOf(result as Response).notice).toBe("removed");
  });

  it("cannot remove a file twice", async () => {
    const app = await newApplication(1);
    await uploadAs(app, ent1, { bytes: PDF, name: "once.pdf" });
    const [row] = await rowsOf(app);
    await call(remove.action, makeRequest(`/attachments/${row.id}/delete`, { method: "POST", cookie: ent1 }), { id: String(row.id) });
    const again = await call(remove.action, makeRequest(`/attachments/${row.id}/delete`, { method: "POST", cookie: ent1 }), { id: String(row.id) });
    expect(statusOf(again.result)).toBe(404);
  });
});
