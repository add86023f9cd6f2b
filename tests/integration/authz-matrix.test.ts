/// <reference types="vite/client" />
/**
 * The authorization matrix: every loader and action of every route module, called as every kind
 * of caller, against one table of expected outcomes. Route modules are enumerated from the
 * folder, so a new route without a row here fails the first test. Each scope is seeded with a
 * canary string; no response may carry the canary of a scope its caller cannot see.
 */
import { isDomainError } from "../../app/domain/errors";
import { domainErrorResponse } from "../../app/server/domain-errors";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dataPaths } from "../../db/client";
import { sql } from "kysely";
import { db } from "~/utils/db.server";
import { createNotification } from "~/models/notification.server";
import { databaseHash } from "../support/db-hash";
import { makeRequest, sessionCookieFor } from "../support/requests";

type Actor = "anonymous" | "entA" | "entB" | "officerX" | "officerY" | "reviewer" | "admin";
const ACTORS: Actor[] = ["anonymous", "entA", "entB", "officerX", "officerY", "reviewer", "admin"];
const USERNAMES: Record<Exclude<Actor, "anonymous">, string> = {
  entA: "ent-jintang",
  entB: "ent-yancang",
  officerX: "officer-jintang",
  officerY: "officer-yancang",
  reviewer: "reviewer",
  admin: "admin",
};

/** "allowed": any answer but a refusal or a server error (200, a redirect elsewhere, 400 for an empty form…). */
type Outcome = "allowed" | "login" | 403 | 404;
type Row = Record<Actor, Outcome>;

const row = (anonymous: Outcome, entA: Outcome, entB: Outcome, officerX: Outcome, officerY: Outcome, reviewer: Outcome, admin: Outcome): Row => ({
  anonymous,
  entA,
  entB,
  officerX,
  officerY,
  reviewer,
  admin,
});
const L = "login" as const;
const A = "allowed" as const;
const EVERYONE = row(A, A, A, A, A, A, A);
const SIGNED_IN = row(L, A, A, A, A, A, A);
const STAFF = row(L, 403, 403, A, A, A, A);
const BUREAU = row(L, 403, 403, 403, 403, A, A);
const ADMIN = row(L, 403, 403, 403, 403, 403, A);
/** Something of firm A (金塘): its own user, its town's officer, the bureau. */
const FIRM_A_READ = row(L, A, 404, A, 404, A, A);
/** Changing something of firm A: officers may look but not change. */
const FIRM_A_WRITE = row(L, A, 404, 403, 404, A, A);
/** Bureau-only changes to firm A (archive): out of scope 404, in scope but not bureau 403. */
const FIRM_A_BUREAU = row(L, 403, 404, 403, 404, A, A);
const NOT_FOUND_SIGNED = row(L, 404, 404, 404, 404, 404, 404);
const NOT_FOUND_ALL = row(404, 404, 404, 404, 404, 404, 404);
/** The cultivation pool: the bureau and town officers; a firm's own account sees none of it (404). */
const POOL = row(L, 404, 404, A, A, A, A);
/** A pool entry of a firm in 金塘 (town A). */
const POOL_ENTRY_A = row(L, 404, 404, A, 404, A, A);

interface Case {
  url: string;
  params?: Record<string, string>;
  loader?: Row;
  action?: Row;
}

let ids: { firmA: number; firmB: number; appA: number; attachmentA: number; userId: number; poolA: number; objectionA: number };

/** One row per route module (file name without extension). */
function cases(): Record<string, Case> {
  return {
    $: { url: "/no-such-page", params: { "*": "no-such-page" }, loader: NOT_FOUND_SIGNED, action: NOT_FOUND_SIGNED },
    _index: { url: "/", loader: SIGNED_IN },
    "account.password": { url: "/account/password", loader: SIGNED_IN, action: SIGNED_IN },
    "admin.audit": { url: "/admin/audit", loader: ADMIN },
    "admin.calendar": { url: "/admin/calendar?year=2026", loader: ADMIN, action: ADMIN },
    "admin.checklists": { url: "/admin/checklists", loader: BUREAU, action: BUREAU },
    "admin.users.$id": { url: `/admin/users/${ids.userId}`, params: { id: String(ids.userId) }, loader: ADMIN, action: ADMIN },
    "admin.users._index": { url: "/admin/users", loader: ADMIN, action: ADMIN },
    "api.cultivation": { url: "/api/cultivation?year=2026&tier=specialized-new", loader: row(401 as unknown as Outcome, 404, 404, A, A, A, A) },
    "cultivation._index": { url: "/cultivation", loader: POOL },
    "cultivation.$id": { url: `/cultivation/${ids.poolA}`, params: { id: String(ids.poolA) }, loader: POOL_ENTRY_A, action: POOL_ENTRY_A },
    "cultivation.$id_.print": { url: `/cultivation/${ids.poolA}/print`, params: { id: String(ids.poolA) }, loader: POOL_ENTRY_A },
    "cultivation.export[.]xlsx": { url: "/cultivation/export.xlsx?town=yancang", loader: POOL },
    "cultivation.new": { url: "/cultivation/new?q=CANARY", loader: POOL, action: POOL },
    "cultivation.discovery": { url: "/cultivation/discovery?tier=specialized-new&town=yancang", loader: POOL, action: POOL },
    "cultivation.discovery[.]xlsx": { url: "/cultivation/discovery.xlsx?tier=specialized-new&town=yancang", loader: POOL },
    "api.candidates": { url: "/api/candidates?tier=specialized-new", loader: row(401 as unknown as Outcome, 404, 404, A, A, A, A) },
    "cultivation.towns": { url: "/cultivation/towns?year=2026&tier=scaled-up", loader: POOL },
    "api.progress": { url: "/api/progress?year=2023", loader: row(401 as unknown as Outcome, A, A, A, A, A, A) },
    "api.awards.expiring": { url: "/api/awards/expiring?within=180", loader: row(401 as unknown as Outcome, A, A, A, A, A, A) },
    "awards.expiring": { url: "/awards/expiring?within=365", loader: SIGNED_IN, action: row(L, A, A, 403, 403, A, A) },
    "awards.expiring[.]xlsx": { url: "/awards/expiring.xlsx?within=365", loader: SIGNED_IN },
    "admin.validity": { url: "/admin/validity", loader: BUREAU, action: BUREAU },
    "applications.$id.attachments": { url: `/applications/${ids.appA}/attachments`, params: { id: String(ids.appA) }, loader: FIRM_A_READ, action: FIRM_A_WRITE },
    "applications.$id": { url: `/applications/${ids.appA}`, params: { id: String(ids.appA) }, loader: FIRM_A_READ, action: FIRM_A_READ },
    "applications.$id_.edit": { url: `/applications/${ids.appA}/edit`, params: { id: String(ids.appA) }, loader: FIRM_A_WRITE, action: FIRM_A_WRITE },
    "applications._index": { url: "/applications?town=yancang", loader: SIGNED_IN },
    "applications.precheck": { url: "/applications/precheck?tier=specialized-new", action: row(L, A, A, 403, 403, A, A) },
    "applications.new": { url: "/applications/new?tier=listed", loader: row(L, A, A, 403, 403, A, A), action: row(L, A, A, 403, 403, A, A) },
    "attachments.$id.delete": { url: `/attachments/${ids.attachmentA}/delete`, params: { id: String(ids.attachmentA) }, action: FIRM_A_WRITE },
    "attachments.$id": { url: `/attachments/${ids.attachmentA}`, params: { id: String(ids.attachmentA) }, loader: FIRM_A_READ },
    "dashboard._index": { url: "/dashboard?year=2023", loader: STAFF },
    "dashboard.report[.]csv": { url: "/dashboard/report.csv?year=2023", loader: STAFF },
    "dashboard.report[.]xlsx": { url: "/dashboard/report.xlsx?year=2023", loader: STAFF },
    "enterprises.$id": { url: `/enterprises/${ids.firmA}`, params: { id: String(ids.firmA) }, loader: FIRM_A_READ, action: FIRM_A_BUREAU },
    "enterprises.$id_.figures": { url: `/enterprises/${ids.firmA}/figures`, params: { id: String(ids.firmA) }, loader: FIRM_A_READ, action: FIRM_A_WRITE },
    "enterprises.$id_.edit": { url: `/enterprises/${ids.firmA}/edit`, params: { id: String(ids.firmA) }, loader: FIRM_A_WRITE, action: FIRM_A_WRITE },
    "enterprises._index": { url: "/enterprises?town=yancang", loader: SIGNED_IN },
    "enterprises.export[.]csv": { url: "/enterprises/export.csv?town=yancang", loader: STAFF },
    "enterprises.export[.]xlsx": { url: "/enterprises/export.xlsx?town=yancang", loader: STAFF },
    "enterprises.import": { url: "/enterprises/import", loader: BUREAU, action: BUREAU },
    "enterprises.import-report[.]xlsx": { url: `/enterprises/import-report.xlsx?id=${"0".repeat(64)}`, loader: row(L, 403, 403, 403, 403, 404, 404) },
    "enterprises.import-template[.]xlsx": { url: "/enterprises/import-template.xlsx?kind=awards", loader: BUREAU },
    "applications.bulk": { url: "/applications/bulk?decision=approve", loader: BUREAU, action: BUREAU },
    "enterprises.new": { url: "/enterprises/new", loader: BUREAU, action: BUREAU },
    healthz: { url: "/healthz", loader: EVERYONE },
    // Everyone signed in has an inbox of their own; the canaries check it names no other scope's firm.
    notifications: { url: "/notifications", loader: SIGNED_IN, action: SIGNED_IN },
    // Public notices: no sign-in; an unknown notice answers 404 to everyone alike.
    "notices._index": { url: "/notices", loader: EVERYONE },
    "notices.$id": { url: "/notices/987654", params: { id: "987654" }, loader: NOT_FOUND_ALL },
    "notices.$id_.objection": { url: "/notices/987654/objection", params: { id: "987654" }, loader: NOT_FOUND_ALL, action: NOT_FOUND_ALL },
    // The bureau's side of public notice: proposing a batch, the settings, an objection's file.
    "notices.new": { url: "/notices/new", loader: BUREAU, action: BUREAU },
    "admin.notices": { url: "/admin/notices", loader: BUREAU, action: BUREAU },
    "objections.$id.file": { url: `/objections/${ids.objectionA}/file`, params: { id: String(ids.objectionA) }, loader: row(L, 404, 404, 404, 404, A, A) },
    language: { url: "/language", loader: EVERYONE, action: EVERYONE },
    login: { url: "/login", loader: EVERYONE, action: EVERYONE },
    logout: { url: "/logout", loader: EVERYONE, action: row(L, L, L, L, L, L, L) },
    // An officer asking for another town's work list gets 404, like any out-of-scope record.
    "progress.coverage": { url: "/progress/coverage?town=yancang", loader: row(L, 403, 403, 404, A, A, A) },
    "progress.firms": { url: "/progress/firms?year=2023&tier=clean-beauty-factory", loader: STAFF },
    targets: { url: "/targets", loader: BUREAU, action: BUREAU },
  };
}

const modules: Record<string, Record<string, unknown>> = import.meta.glob<Record<string, unknown>>("../../app/routes/*.{ts,tsx}", { eager: true });
const routeName = (file: string) => path.basename(file).replace(/\.tsx?$/, "");

const CANARY = { jintang: "CANARY-JT-4f1c", yancang: "CANARY-YC-8d2e", lincheng: "CANARY-LC-3b7a" } as const;
/** Canaries a caller must never receive. */
const FORBIDDEN_CANARIES: Record<Actor, string[]> = {
  anonymous: Object.values(CANARY),
  entA: [CANARY.yancang, CANARY.lincheng],
  entB: [CANARY.jintang, CANARY.lincheng],
  officerX: [CANARY.yancang, CANARY.lincheng],
  officerY: [CANARY.jintang, CANARY.lincheng],
  reviewer: [],
  admin: [],
};

beforeAll(async () => {
  const firm = (uscc: string) => db().selectFrom("enterprises").select("id").where("uscc", "=", uscc).executeTakeFirstOrThrow();
  const entA = await db().selectFrom("users").select("enterprise_id").where("username", "=", "ent-jintang").executeTakeFirstOrThrow();
  const entB = await db().selectFrom("users").select("enterprise_id").where("username", "=", "ent-yancang").executeTakeFirstOrThrow();
  const firmA = entA.enterprise_id!;
  const firmB = entB.enterprise_id!;
  void firm;
  const lincheng = await db().selectFrom("enterprises").select("id").where("town_code", "=", "lincheng").orderBy("id").executeTakeFirstOrThrow();
  // Canaries in the names and contacts of one firm per scope, and in an application of each.
  for (const [firmId, canary] of [
    [firmA, CANARY.jintang],
    [firmB, CANARY.yancang],
    [lincheng.id, CANARY.lincheng],
  ] as const) {
    await sql`UPDATE enterprises SET name = ${canary} || name, contact_name = ${canary} WHERE id = ${firmId}`.execute(db());
    const apps = await db().selectFrom("applications").select(["id", "payload"]).where("enterprise_id", "=", firmId).execute();
    for (const app of apps) {
      const payload = JSON.stringify({ ...JSON.parse(app.payload), description: canary });
      await db().updateTable("applications").set({ payload }).where("id", "=", app.id).execute();
    }
  }
  // A notification about each canaried firm to its own user, carrying the canary in the firm's name.
  for (const [username, firmId] of [
    ["ent-jintang", firmA],
    ["ent-yancang", firmB],
  ] as const) {
    const user = await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
    await createNotification(db(), {
      recipientId: user.id,
      kind: "application.approved",
      eventKey: `canary:${username}`,
      enterpriseId: firmId,
      params: { tierCode: "listed", year: 2026 },
      link: null,
    });
  }
  const appA = await db().selectFrom("applications").select("id").where("enterprise_id", "=", firmA).where("status", "=", "submitted").orderBy("id").executeTakeFirstOrThrow();
  // An evidence file of firm A's application, on disk under a random key.
  const key = crypto.randomBytes(16).toString("hex");
  const content = Buffer.from(`%PDF-1.4\n${CANARY.jintang}\n`);
  fs.mkdirSync(dataPaths().uploadsDir, { recursive: true });
  fs.writeFileSync(path.join(dataPaths().uploadsDir, key), content);
  const sha256 = crypto.createHash("sha256").update(content).digest("hex");
  const attachment = (
    await sql<{ id: number }>`INSERT INTO attachments (application_id, kind, original_name, mime, size, sha256, storage_key, uploaded_by, uploaded_at)
      VALUES (${appA.id}, 'other', 'evidence.pdf', 'application/pdf', ${content.length}, ${sha256}, ${key}, NULL, ${new Date().toISOString()}) RETURNING id`.execute(db())
  ).rows[0]!;
  const reviewer = await db().selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow();
  // A pool entry of firm A (金塘), with the canary in its plan.
  const poolA = (
    await sql<{ id: number }>`INSERT INTO pool_entries (enterprise_id, tier_code, target_year, entered_on, status, created_at, updated_at)
      VALUES (${firmA}, 'quality-factory', 2026, '2026-03-01', 'cultivating', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z') RETURNING id`.execute(db())
  ).rows[0]!;
  await sql`INSERT INTO pool_tasks (entry_id, title, status, created_at, updated_at)
    VALUES (${poolA.id}, ${CANARY.jintang}, 'open', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')`.execute(db());
  // A written objection to firm A's application with a file attached (bureau only, never public),
  // in a batch not yet published (a published one shows the firm's name to everyone, by design).
  const batch = (
    await sql<{ id: number }>`INSERT INTO notice_batches (title, starts_on, ends_on, working_days, office, phone, created_by, created_at)
      VALUES ('matrix', '2099-03-02', '2099-03-06', 5, 'office', '0580-2022000', NULL, '2026-03-01T00:00:00Z') RETURNING id`.execute(db())
  ).rows[0]!;
  await sql`INSERT INTO notice_items (batch_id, application_id, position) VALUES (${batch.id}, ${appA.id}, 1)`.execute(db());
  const objectionKey = crypto.randomBytes(16).toString("hex");
  fs.writeFileSync(path.join(dataPaths().uploadsDir, objectionKey), content);
  const objectionA = (
    await sql<{
      id: number;
    }>`INSERT INTO notice_objections (reference, batch_id, application_id, name, phone, reason, status, created_at, file_name, file_mime, file_size, file_sha256, file_key)
      VALUES ('GS-MATRIX-1', ${batch.id}, ${appA.id}, 'x', '13800000000', ${CANARY.jintang}, 'pending', '2026-03-03T00:00:00Z', 'proof.pdf', 'application/pdf', ${content.length}, ${sha256}, ${objectionKey}) RETURNING id`.execute(
      db(),
    )
  ).rows[0]!;
  ids = { firmA, firmB, appA: appA.id, attachmentA: attachment.id, userId: reviewer.id, poolA: poolA.id, objectionA: objectionA.id };
});

async function cookieFor(actor: Actor): Promise<string | undefined> {
  if (actor === "anonymous") return undefined;
  // A fresh session per call: logout and password actions may end the one they are given.
  return sessionCookieFor(USERNAMES[actor]);
}

async function invoke(fn: (args: any) => unknown, request: Request, params: Record<string, string>) {
  try {
    return await fn({ request, params, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    if (isDomainError(thrown)) return domainErrorResponse(thrown);
    throw thrown;
  }
}

function classify(result: unknown): { outcome: Outcome | number; status: number; location: string | null } {
  let status = 200;
  let location: string | null = null;
  if (result instanceof Response) {
    status = result.status;
    location = result.headers.get("Location");
  } else if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    status = (result as { init?: { status?: number } }).init?.status ?? 200;
  }
  if (status >= 300 && status < 400 && location?.startsWith("/login")) return { outcome: "login", status, location };
  if (status === 403 || status === 404 || status === 401) return { outcome: status as Outcome, status, location };
  return { outcome: status >= 500 ? status : "allowed", status, location };
}

async function bodyText(result: unknown): Promise<string> {
  if (result instanceof Response) {
    const type = result.headers.get("Content-Type") ?? "";
    if (type.includes("spreadsheetml")) return ""; // zipped: its rows are checked by the export tests
    return result.clone().text();
  }
  const payload = result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit" ? (result as { data: unknown }).data : result;
  return JSON.stringify(payload ?? null);
}

describe("authorization matrix", () => {
  it("has a row for every route module, and a loader/action row for each it exports", () => {
    const table = cases();
    const missing: string[] = [];
    for (const [file, mod] of Object.entries(modules)) {
      const name = routeName(file);
      const entry = table[name];
      if (!entry) missing.push(`${name}: no row`);
      else {
        if (typeof mod.loader === "function" && !entry.loader) missing.push(`${name}: loader not covered`);
        if (typeof mod.action === "function" && !entry.action) missing.push(`${name}: action not covered`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(modules).length).toBeGreaterThan(25);
  });

  for (const kind of ["loader", "action"] as const) {
    it(`answers every ${kind} as the table says for every caller, and leaks no other scope's canary`, async () => {
      const table = cases();
      const wrong: string[] = [];
      const leaks: string[] = [];
      for (const [file, mod] of Object.entries(modules)) {
        const name = routeName(file);
        const fn = mod[kind];
        const entry = table[name];
        if (typeof fn !== "function" || !entry?.[kind]) continue;
        for (const actor of ACTORS) {
          const cookie = await cookieFor(actor);
          const request = kind === "loader" ? makeRequest(entry.url, { cookie }) : makeRequest(entry.url, { cookie, form: { intent: "__matrix-probe__" } });
          const before = kind === "loader" ? await databaseHash() : "";
          const result = await invoke(fn as (args: any) => unknown, request, entry.params ?? {});
          // No state change on GET, whoever asks.
          if (kind === "loader" && (await databaseHash()) !== before) wrong.push(`loader ${name} as ${actor} changed the database`);
          const { outcome, status, location } = classify(result);
          const expected = entry[kind]![actor];
          if (outcome !== expected) wrong.push(`${kind} ${name} as ${actor}: expected ${expected}, got ${outcome} (${status}${location ? ` → ${location}` : ""})`);
          if (kind === "loader") {
            const text = await bodyText(result);
            for (const canary of FORBIDDEN_CANARIES[actor]) {
              if (text.includes(canary)) leaks.push(`${name} as ${actor} carries ${canary}`);
            }
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(leaks).toEqual([]);
    }, 300_000);
  }

  it("the canaries are really there for those who may see them", async () => {
    const entry = cases()["enterprises.$id"];
    const mod = Object.entries(modules).find(([f]) => routeName(f) === "enterprises.$id")![1];
    const asOfficer = await invoke(mod.loader as any, makeRequest(entry.url, { cookie: await cookieFor("officerX") }), entry.params!);
    expect(await bodyText(asOfficer)).toContain(CANARY.jintang);
    const list = Object.entries(modules).find(([f]) => routeName(f) === "enterprises._index")![1];
    const all = await invoke(list.loader as any, makeRequest("/enterprises?q=CANARY", { cookie: await cookieFor("reviewer") }), {});
    const text = await bodyText(all);
    for (const canary of Object.values(CANARY)) expect(text).toContain(canary);
  });
});
