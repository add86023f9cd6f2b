/**
 * Helpers shared by the application tests: post the real routes' actions with real FormData and
 * read back the rows they wrote.
 */
import * as detailRoute from "~/routes/applications.$id";
import * as editRoute from "~/routes/applications.$id_.edit";
import * as newRoute from "~/routes/applications.new";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";
import { attachRequiredEvidence } from "../support/evidence";
import type { Caller } from "~/domain/scope";

/** Next year is always among the years one may apply for, and has no seeded applications. */
export const YEAR = Number(todayInShanghai().slice(0, 4)) + 1;

const cookies = new Map<string, string>();
export async function cookieOf(username: string): Promise<string> {
  if (!cookies.has(username)) cookies.set(username, await sessionCookieFor(username));
  return cookies.get(username)!;
}

export async function firmIdOf(username: string): Promise<number> {
  const row = await db().selectFrom("users").select("enterprise_id").where("username", "=", username).executeTakeFirstOrThrow();
  return row.enterprise_id!;
}

export async function userIdOf(username: string): Promise<number> {
  const row = await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return row.id;
}

/** A complete 专精特新 form (amounts typed in 万元). */
export function specializedForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    intent: "submit",
    year: String(YEAR),
    levelSought: "provincial",
    contactName: "邬晓燕",
    contactPhone: "13857201368",
    description: "企业深耕注塑机螺杆机筒细分市场。",
    declaration: "on",
    nicheYears: "8",
    mainProduct: "注塑机螺杆机筒",
    revenueWan: "5016.46",
    mainBusinessRevenueWan: "4732.87",
    rdExpenseWan: "223.34",
    rdExpensePrevWan: "210",
    rdStaff: "18",
    employees: "180",
    debtRatioPercent: "40.2",
    ipClass1: "2",
    ipClass2: "34",
    equityFinancingWan: "",
    evaluationScore: "79",
    ...overrides,
  };
}

export function scaledUpForm(overrides: Record<string, string | string[]> = {}) {
  return {
    intent: "submit",
    year: String(YEAR),
    contactName: "虞丽",
    contactPhone: "0580-2061835",
    description: "产能持续释放，预计年内主营业务收入突破2000万元。",
    declaration: "on",
    route: "cultivate",
    priorYearRevenueWan: "1650",
    ytdRevenueWan: "1890.5",
    expectedMonth: `${YEAR}-09`,
    ...overrides,
  };
}

export function listedForm(overrides: Record<string, string | string[]> = {}) {
  return {
    intent: "submit",
    year: String(YEAR),
    contactName: "邬晓燕",
    contactPhone: "13857201368",
    description: "已启动规范化改制。",
    declaration: "on",
    board: "regional",
    stage: "tutoring",
    ...overrides,
  };
}

export function greenForm(overrides: Record<string, string | string[]> = {}) {
  return {
    intent: "submit",
    year: String(YEAR),
    levelSought: "municipal",
    contactName: "邬晓燕",
    contactPhone: "13857201368",
    description: "实施清洁生产和节能降碳改造。",
    declaration: "on",
    energyIntensity: "0.412",
    certificates: ["iso9001", "iso14001"],
    dischargePermit: "yes",
    ...overrides,
  };
}

export async function callerOf(username: string): Promise<Caller> {
  const row = await db().selectFrom("users").select(["id", "role", "enterprise_id", "town_code"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: row.id, role: row.role as Caller["role"], enterpriseId: row.enterprise_id, townCode: row.town_code };
}

/** POST /applications/new?tier=… as `username`, exactly as posted (a submission may be kept as a draft). */
export async function postNewRaw(username: string, tier: string, form: Record<string, string | string[]>, extra = "") {
  const request = makeRequest(`/applications/new?tier=${tier}${extra}`, { cookie: await cookieOf(username), form });
  return call(newRoute.action, request);
}

/**
 * POST /applications/new?tier=… as `username`, as a firm does it: a submission that the new form
 * keeps as a draft for want of evidence files (→ /applications/N/edit?missing=evidence) gets
 * the required files attached and is submitted again from the edit form.
 */
export async function postNew(username: string, tier: string, form: Record<string, string | string[]>, extra = "") {
  const first = await postNewRaw(username, tier, form, extra);
  const location = first.result instanceof Response ? (first.result.headers.get("Location") ?? "") : "";
  const m = /^\/applications\/(\d+)\/edit\?missing=evidence$/.exec(location);
  if (!m) return first;
  const id = Number(m[1]);
  const { version } = await db().selectFrom("applications").select("version").where("id", "=", id).executeTakeFirstOrThrow();
  return postEdit(username, id, { ...form, version: String(version) });
}

/**
 * POST /applications/:id/edit as `username`. A submission first gets the tier's required
 * evidence attached (as the firm would upload it); postEditRaw posts without that.
 */
export async function postEdit(username: string, id: number, form: Record<string, string | string[]>) {
  if (form.intent === "submit") {
    const app = await db().selectFrom("applications").select(["tier_code", "status"]).where("id", "=", id).executeTakeFirst();
    if (app && (app.status === "draft" || app.status === "returned")) {
      const caller = await callerOf(username);
      // Out of scope or not allowed: the upload is refused, and the post below gets the real answer.
      if (caller.role !== "town_officer") await attachRequiredEvidence(db(), caller, id, app.tier_code).catch(() => undefined);
    }
  }
  return postEditRaw(username, id, form);
}

export async function postEditRaw(username: string, id: number, form: Record<string, string | string[]>) {
  const request = makeRequest(`/applications/${id}/edit`, { cookie: await cookieOf(username), form });
  return call(editRoute.action, request, { id: String(id) });
}

export async function postDetail(username: string, id: number, form: Record<string, string>) {
  const request = makeRequest(`/applications/${id}`, { cookie: await cookieOf(username), form });
  return call(detailRoute.action, request, { id: String(id) });
}

export async function getDetail(username: string, id: number | string) {
  return call(detailRoute.loader, makeRequest(`/applications/${id}`, { cookie: await cookieOf(username) }), { id: String(id) });
}

export async function getEdit(username: string, id: number | string) {
  return call(editRoute.loader, makeRequest(`/applications/${id}/edit`, { cookie: await cookieOf(username) }), { id: String(id) });
}

/** The id in a redirect to /applications/:id?done=… */
export function redirectedId(result: unknown): number {
  if (!(result instanceof Response)) throw new Error(`expected a redirect, got ${statusOf(result)}: ${JSON.stringify(dataOf(result))}`);
  const location = result.headers.get("Location") ?? "";
  const m = /^\/applications\/(\d+)\?done=\w+$/.exec(location);
  if (!m) throw new Error(`unexpected redirect ${result.status} ${location}`);
  return Number(m[1]);
}

export async function appRow(id: number) {
  return db().selectFrom("applications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export async function eventsOf(id: number) {
  return db()
    .selectFrom("application_events")
    .select(["action", "from_status", "to_status", "actor_id", "comment", "data", "at"])
    .where("application_id", "=", id)
    .orderBy("id")
    .execute();
}

export async function awardsOf(id: number) {
  return db().selectFrom("awards").selectAll().where("application_id", "=", id).execute();
}

export { dataOf, statusOf };
