/**
 * The bureau's side of public notice through its routes: proposing a batch (/notices/new) with a
 * preview of the window, validation by field and conflicts per application; the settings page
 * (/admin/notices); resolving objections on the application page; and the objection form's
 * optional file (type by content, size, empty, odd names; typed text kept; bureau-only download).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dataPaths } from "../../db/client";
import { listNoticeSettings, proposeBatch } from "~/models/notice.server";
import * as proposePage from "~/routes/notices.new";
import * as settingsPage from "~/routes/admin.notices";
import * as detailPage from "~/routes/applications.$id";
import * as objectionPage from "~/routes/notices.$id_.objection";
import * as filePage from "~/routes/objections.$id.file";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { callerOf, cookieOf } from "./applications.helpers";

const DISTRICT_TIERS = ["demonstration-factory", "quality-factory", "clean-beauty-factory"] as const;
const TODAY = todayInShanghai();

interface Candidate {
  id: number;
  version: number;
  tier_code: string;
  name: string;
}
let pool: Candidate[] = [];
beforeAll(async () => {
  pool = (await db()
    .selectFrom("applications as a")
    .innerJoin("enterprises as e", "e.id", "a.enterprise_id")
    .select(["a.id", "a.version", "a.tier_code", "e.name"])
    .where("a.status", "=", "submitted")
    .where("a.tier_code", "in", [...DISTRICT_TIERS])
    .orderBy("a.id")
    .execute()) as Candidate[];
});
function take(n: number): Candidate[] {
  expect(pool.length).toBeGreaterThanOrEqual(n);
  return pool.splice(0, n);
}
const statusOfApp = async (id: number) => db().selectFrom("applications").select(["status", "version"]).where("id", "=", id).executeTakeFirstOrThrow();
const errorsOf = (result: unknown) => dataOf(result).result.error as Record<string, string[]>;

async function propose(form: Record<string, string | string[]>, username = "reviewer") {
  return call(proposePage.action, makeRequest("/notices/new", { cookie: await cookieOf(username), form }));
}

describe("proposing a notice batch (/notices/new)", () => {
  it("lists submitted applications of the tiers with notice, previews the window in working days, then publishes", async () => {
    const loaded = dataOf((await call(proposePage.loader, makeRequest("/notices/new", { cookie: await cookieOf("reviewer") }))).result);
    expect(loaded.proposable.length).toBeGreaterThan(2);
    expect(loaded.proposable.every((p: { tierCode: string }) => (DISTRICT_TIERS as readonly string[]).includes(p.tierCode))).toBe(true);
    const two = take(2);
    const base = {
      title: "2026 年第一批区级工厂拟认定公示",
      startsOn: "2099-09-30",
      office: "区经信局企业科",
      phone: "0580-2022000",
      pick: two.map((a) => `${a.id}:${a.version}`),
    };
    const preview = await propose({ ...base, intent: "preview" });
    expect(statusOf(preview.result)).toBe(200);
    const shown = dataOf(preview.result).preview;
    expect(shown).toMatchObject({ startsOn: "2099-09-30", workingDays: 5, n: 2 });
    expect(shown.endsOn > "2099-09-30").toBe(true);
    for (const a of two) expect((await statusOfApp(a.id)).status).toBe("submitted");
    // Confirming another selection than the one previewed previews again.
    const otherPick = await propose({ ...base, pick: base.pick.slice(0, 1), intent: "confirm", endsOn: shown.endsOn, picked: shown.picked });
    expect(dataOf(otherPick.result).preview.n).toBe(1);
    expect((await statusOfApp(two[0]!.id)).status).toBe("submitted");

    const confirmed = await propose({ ...base, intent: "confirm", endsOn: shown.endsOn, picked: shown.picked });
    const response = confirmed.result as Response;
    expect(response.status).toBe(303);
    const batchId = Number(new URL(response.headers.get("Location")!, "http://x").searchParams.get("published"));
    const batch = await db().selectFrom("notice_batches").selectAll().where("id", "=", batchId).executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ title: base.title, starts_on: "2099-09-30", ends_on: shown.endsOn, office: base.office, phone: base.phone });
    for (const a of two) expect((await statusOfApp(a.id)).status).toBe("publicized");
    expect(await db().selectFrom("audit_log").select("id").where("action", "=", "notice.propose").where("subject", "=", `notice:${batchId}`).execute()).toHaveLength(1);
    const after = dataOf((await call(proposePage.loader, makeRequest(`/notices/new?published=${batchId}`, { cookie: await cookieOf("reviewer") }))).result);
    expect(after.batch).toMatchObject({ id: batchId, endsOn: shown.endsOn });
  });

  it("refuses bad input by field, writing nothing, and keeps what was typed", async () => {
    const [a] = take(1);
    const good = { title: "公示", startsOn: TODAY, office: "区经信局", phone: "0580-2022000", pick: `${a!.id}:${a!.version}`, intent: "preview" };
    const batches = async () =>
      Number(
        (
          await db()
            .selectFrom("notice_batches")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n0 = await batches();
    const cases: [Record<string, string | string[]>, string][] = [
      [{ ...good, title: "" }, "title"],
      [{ ...good, title: "x".repeat(201) }, "title"],
      [{ ...good, title: "公示\u0007" }, "title"],
      [{ ...good, title: "<script>" }, "title"],
      [{ ...good, startsOn: "2026-02-30" }, "startsOn"],
      [{ ...good, startsOn: "2000-01-01" }, "startsOn"],
      [{ ...good, startsOn: "tomorrow" }, "startsOn"],
      [{ ...good, office: "\u202e局" }, "office"],
      [{ ...good, phone: "call me" }, "phone"],
      [{ ...good, pick: [] }, "pick"],
      [{ ...good, pick: "abc" }, "pick"],
      [{ ...good, pick: "-1:0" }, "pick"],
    ];
    for (const [form, field] of cases) {
      const form2 = { ...form };
      if (Array.isArray(form2.pick) && form2.pick.length === 0) delete (form2 as Record<string, unknown>).pick;
      const res = await propose(form2);
      expect(statusOf(res.result), `${field}: ${JSON.stringify(form).slice(0, 60)}`).toBe(400);
      expect(Object.keys(errorsOf(res.result))).toContain(field);
      expect(errorsOf(res.result)[field]![0]).toMatch(/[\u4e00-\u9fff]/);
    }
    const kept = await propose({ ...good, title: "" });
    expect(dataOf(kept.result).result.initialValue).toMatchObject({ office: "区经信局", phone: "0580-2022000", pick: `${a!.id}:${a!.version}` });
    // An unknown application id is a conflict reported by itself, not a 500.
    const unknown = await propose({ ...good, pick: ["987654321:1", `${a!.id}:${a!.version}`] });
    expect(statusOf(unknown.result)).toBe(409);
    expect(dataOf(unknown.result).conflicts).toHaveLength(1);
    // A tier without public notice (专精特新 by default) cannot be proposed.
    const other = await db()
      .selectFrom("applications")
      .select(["id", "version"])
      .where("status", "=", "submitted")
      .where("tier_code", "=", "specialized-new")
      .executeTakeFirstOrThrow();
    const off = await propose({ ...good, pick: `${other.id}:${other.version}` });
    expect(statusOf(off.result)).toBe(400);
    expect(errorsOf(off.result).pick![0]).toContain("不需公示");
    expect(await batches()).toBe(n0);
    // Not the bureau: refused before anything is read.
    expect(statusOf((await propose(good, "officer-jintang")).result)).toBe(403);
  });

  it("reports every application that changed meanwhile, by name, and publishes nothing", async () => {
    const three = take(3);
    const reviewer = await callerOf("reviewer");
    // Two of them change after the page was loaded: one is proposed elsewhere, one gets a new version.
    const elsewhere = await proposeBatch(db(), reviewer, {
      title: "另一批",
      startsOn: "2099-10-08",
      office: "区经信局",
      phone: "0580-2022000",
      applications: [{ id: three[0]!.id, version: three[0]!.version }],
    });
    expect(elsewhere.ok).toBe(true);
    await db()
      .updateTable("applications")
      .set({ version: three[1]!.version + 1 })
      .where("id", "=", three[1]!.id)
      .execute();
    const form = {
      title: "公示",
      startsOn: "2099-10-08",
      office: "区经信局",
      phone: "0580-2022000",
      pick: three.map((a) => `${a.id}:${a.version}`),
      intent: "confirm",
      endsOn: "2099-10-15",
      picked: three.map((a) => `${a.id}:${a.version}`).join(","),
    };
    const res = await propose(form);
    expect(statusOf(res.result)).toBe(409);
    const lines = dataOf(res.result).conflicts as string[];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(three[0]!.name);
    expect(lines[0]).toContain("公示中");
    expect(lines[1]).toContain(three[1]!.name);
    expect((await statusOfApp(three[2]!.id)).status).toBe("submitted");
    expect(dataOf(res.result).result.initialValue).toMatchObject({ title: "公示", office: "区经信局" });
  });
});

describe("notice settings (/admin/notices)", () => {
  const post = async (form: Record<string, string>, username = "admin") => call(settingsPage.action, makeRequest("/admin/notices", { cookie: await cookieOf(username), form }));

  it("saves a tier's switch and working days, audited; refuses bad input by field", async () => {
    const ok = await post({ tier: "green-factory", enabled: "on", workingDays: "7" });
    expect(statusOf(ok.result)).toBe(200);
    expect((await listNoticeSettings(db())).find((s) => s.tierCode === "green-factory")).toEqual({ tierCode: "green-factory", enabled: true, workingDays: 7 });
    expect(await db().selectFrom("audit_log").select("id").where("action", "=", "notice.settings").where("subject", "=", "tier:green-factory").execute()).toHaveLength(1);
    const off = await post({ tier: "green-factory", workingDays: "7" }, "reviewer");
    expect(statusOf(off.result)).toBe(200);
    expect((await listNoticeSettings(db())).find((s) => s.tierCode === "green-factory")!.enabled).toBe(false);
    for (const days of ["0", "31", "abc", "5.5", "", "1e3", "7\u0000"]) {
      const res = await post({ tier: "quality-factory", enabled: "on", workingDays: days });
      expect(statusOf(res.result), days).toBe(400);
      expect(dataOf(res.result)).toMatchObject({ ok: false, tier: "quality-factory", error: "请填写 1–30 之间的整数。" });
    }
    const badTier = await post({ tier: "no-such-tier", workingDays: "5" });
    expect(statusOf(badTier.result)).toBe(400);
    expect((await listNoticeSettings(db())).find((s) => s.tierCode === "quality-factory")).toEqual({ tierCode: "quality-factory", enabled: true, workingDays: 5 });
    expect(statusOf((await post({ tier: "quality-factory", workingDays: "5" }, "ent-jintang")).result)).toBe(403);
  });
});

/** A PDF file part as a browser sends it. */
const pdf = (name: string, bytes = Buffer.from("%PDF-1.4\n%test\n")) => new File([bytes], name, { type: "application/pdf" });

async function fileObjectionWith(batchId: number, applicationId: number, file: File | null, extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ application: String(applicationId), name: "赵六", phone: "13800000002", reason: "该企业有环保处罚记录。", ...extra })) form.append(k, v);
  if (file) form.append("file", file);
  return call(objectionPage.action, makeRequest(`/notices/${batchId}/objection`, { form }), { id: String(batchId) });
}

describe("objections with a file, and their resolution on the application page", () => {
  let batchId = 0;
  let apps: Candidate[] = [];
  beforeAll(async () => {
    apps = take(3);
    const r = await proposeBatch(db(), await callerOf("reviewer"), {
      title: "附件公示",
      startsOn: TODAY,
      office: "区经信局",
      phone: "0580-2022000",
      applications: apps.map((a) => ({ id: a.id, version: a.version })),
    });
    if (!r.ok) throw new Error("propose failed");
    batchId = r.batchId;
  });
  const objections = async () =>
    Number(
      (
        await db()
          .selectFrom("notice_objections")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("batch_id", "=", batchId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const tmpFiles = () => (fs.existsSync(path.join(dataPaths().uploadsDir, "tmp")) ? fs.readdirSync(path.join(dataPaths().uploadsDir, "tmp")) : []);

  it("refuses a wrong type named .pdf, an empty file and an oversize one by the file field, keeping the typed text", async () => {
    const n0 = await objections();
    const cases: [File, RegExp][] = [
      [new File([Buffer.from("MZ\x90\x00 not a pdf at all")], "证明.pdf", { type: "application/pdf" }), /不是 PDF、JPEG 或 PNG/],
      [new File([], "空文件.pdf", { type: "application/pdf" }), /空文件/],
      [pdf("大文件.pdf", Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024)])), /超过 10 MB/],
    ];
    for (const [file, message] of cases) {
      const res = await fileObjectionWith(batchId, apps[0]!.id, file);
      expect(statusOf(res.result), file.name).toBe(400);
      const errors = errorsOf(res.result);
      expect(Object.keys(errors)).toEqual(["file"]);
      expect(errors.file![0]).toMatch(message);
      expect(dataOf(res.result).result.initialValue).toMatchObject({ name: "赵六", phone: "13800000002", reason: "该企业有环保处罚记录。" });
      expect(dataOf(res.result).reference).toBeNull();
    }
    // A bad file and a bad field are both reported at once.
    const both = await fileObjectionWith(batchId, apps[0]!.id, new File([Buffer.from("GIF89a")], "a.png"), { name: "" });
    expect(Object.keys(errorsOf(both.result)).sort()).toEqual(["file", "name"]);
    expect(await objections()).toBe(n0);
    expect(tmpFiles()).toEqual([]);
  });

  it("keeps a file whose name carries control characters under a cleaned name; only the bureau downloads it", async () => {
    const res = await fileObjectionWith(batchId, apps[0]!.id, pdf("../\u0000证\u202e据\u0007.pdf"));
    expect(statusOf(res.result)).toBe(200);
    const reference = dataOf(res.result).reference as string;
    const row = await db().selectFrom("notice_objections").selectAll().where("reference", "=", reference).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ file_name: "证据.pdf", file_mime: "application/pdf", file_size: 15 });
    expect(row.file_key).toMatch(/^[0-9a-f]{32}$/);
    expect(fs.readFileSync(path.join(dataPaths().uploadsDir, row.file_key!)).toString()).toBe("%PDF-1.4\n%test\n");
    const audit = await db().selectFrom("audit_log").select("data").where("action", "=", "notice.objection").where("subject", "=", `application:${apps[0]!.id}`).execute();
    expect(audit.at(-1)!.data).toContain(row.file_sha256!);
    // Without a file the form works as before.
    expect(statusOf((await fileObjectionWith(batchId, apps[1]!.id, new File([], ""))).result)).toBe(200);

    const download = async (username: string | null, id: string = String(row.id)) =>
      (await call(filePage.loader, makeRequest(`/objections/${id}/file`, { cookie: username ? await cookieOf(username) : undefined }), { id })).result as Response;
    const got = await download("reviewer");
    expect(got.status).toBe(200);
    expect(got.headers.get("Content-Type")).toBe("application/pdf");
    expect(got.headers.get("Content-Disposition")).toContain("filename*=UTF-8''%E8%AF%81%E6%8D%AE.pdf");
    expect(await got.text()).toBe("%PDF-1.4\n%test\n");
    expect((await download(null)).status).toBe(302);
    for (const u of ["ent-jintang", "officer-jintang"]) expect((await download(u)).status).toBe(404);
    for (const bad of ["abc", "0", "-1", "1e3", "99999999999"]) expect((await download("reviewer", bad)).status).toBe(404);
  });

  it("resolves on the application page: dismissed with a reason, or upheld with the application returned in one step", async () => {
    const reviewerCookie = await cookieOf("reviewer");
    const postResolve = async (appId: number, form: Record<string, string>, cookie = reviewerCookie) =>
      call(detailPage.action, makeRequest(`/applications/${appId}`, { cookie, form: { intent: "resolve-objection", ...form } }), { id: String(appId) });
    const [first] = await db().selectFrom("notice_objections").select(["id"]).where("application_id", "=", apps[0]!.id).orderBy("id").execute();
    const second = await db().selectFrom("notice_objections").select(["id"]).where("application_id", "=", apps[1]!.id).executeTakeFirstOrThrow();

    const page = dataOf((await call(detailPage.loader, makeRequest(`/applications/${apps[0]!.id}`, { cookie: reviewerCookie }), { id: String(apps[0]!.id) })).result);
    expect(page.notice).toMatchObject({ id: batchId, title: "附件公示" });
    expect(page.objections).toHaveLength(1);
    expect(page.objections[0]).toMatchObject({ name: "赵六", status: "pending", file: { name: "证据.pdf", mime: "application/pdf" } });

    const { version } = await statusOfApp(apps[0]!.id);
    // Upheld without a decision or reason: field messages, nothing changed.
    const missing = await postResolve(apps[0]!.id, { objection: String(first!.id), version: String(version), outcome: "upheld", resolution: "属实" });
    expect(statusOf(missing.result)).toBe(400);
    expect(Object.keys(errorsOf(missing.result)).sort()).toEqual(["decision", "reasonCode"]);
    const hostile = await postResolve(apps[0]!.id, { objection: String(first!.id), version: String(version), outcome: "dismissed", resolution: "x\u0000".repeat(1500) });
    expect(Object.keys(errorsOf(hostile.result))).toEqual(["resolution"]);
    expect(dataOf(hostile.result).result.initialValue).toMatchObject({ outcome: "dismissed" });
    // An objection of another application is not found from this page; a firm may not resolve.
    expect(statusOf((await postResolve(apps[0]!.id, { objection: String(second.id), version: "1", outcome: "dismissed", resolution: "x" })).result)).toBe(404);
    expect(statusOf((await postResolve(apps[0]!.id, { objection: "abc", version: "1", outcome: "dismissed", resolution: "x" })).result)).toBe(404);
    expect(
      statusOf((await postResolve(apps[0]!.id, { objection: String(first!.id), version: "1", outcome: "dismissed", resolution: "x" }, await cookieOf("officer-jintang"))).result),
    ).toBeOneOf([403, 404]);
    expect((await db().selectFrom("notice_objections").select("status").where("id", "=", first!.id).executeTakeFirstOrThrow()).status).toBe("pending");

    const upheld = await postResolve(apps[0]!.id, {
      objection: String(first!.id),
      version: String(version),
      outcome: "upheld",
      decision: "return",
      reasonCode: "data-inconsistent",
      resolution: "经核实，异议属实。",
    });
    expect((upheld.result as Response).status).toBe(302);
    expect(await db().selectFrom("notice_objections").select(["status", "resolution"]).where("id", "=", first!.id).executeTakeFirstOrThrow()).toEqual({
      status: "upheld",
      resolution: "经核实，异议属实。",
    });
    expect(await statusOfApp(apps[0]!.id)).toMatchObject({ status: "returned" });
    const events = await db().selectFrom("application_events").select(["action", "to_status"]).where("application_id", "=", apps[0]!.id).orderBy("id", "desc").execute();
    expect(events[0]).toEqual({ action: "return", to_status: "returned" });
    // Twice: refused with a message, not a 500.
    const again = await postResolve(apps[0]!.id, { objection: String(first!.id), version: String(version + 1), outcome: "dismissed", resolution: "x" });
    expect(statusOf(again.result)).toBe(409);

    const dismissed = await postResolve(apps[1]!.id, { objection: String(second.id), version: "0", outcome: "dismissed", resolution: "异议不实。" });
    expect((dismissed.result as Response).status).toBe(302);
    expect((await db().selectFrom("notice_objections").select("status").where("id", "=", second.id).executeTakeFirstOrThrow()).status).toBe("dismissed");
    expect((await statusOfApp(apps[1]!.id)).status).toBe("publicized");
    expect(
      await db()
        .selectFrom("audit_log")
        .select("id")
        .where("action", "=", "notice.resolve")
        .where("subject", "in", [`application:${apps[0]!.id}`, `application:${apps[1]!.id}`])
        .execute(),
    ).toHaveLength(2);
  });
});
