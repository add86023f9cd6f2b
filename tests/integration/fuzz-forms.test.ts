/// <reference types="vite/client" />
/**
 * Property tests of every form action: arbitrary strings (control characters, RTL marks, emoji,
 * 100 kB), hostile numbers (NaN, ±Infinity, -0, 1e308), missing and duplicated fields. Whatever
 * arrives: never a 5xx, a refused submission leaves the database byte-for-byte as it was, and an
 * accepted one reads back as entered (normalised).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMON_FIELDS, TIER_FIELDS } from "~/components/application-fields";
import { TIER_CODES } from "~/domain/tiers";
import { normalizeUscc, validateUscc } from "~/domain/uscc";
import { generateUscc } from "~/domain/uscc";
import { db } from "~/utils/db.server";
import { databaseHash } from "../support/db-hash";
import { makeRequest, sessionCookieFor } from "../support/requests";

const modules: Record<string, Record<string, unknown>> = import.meta.glob<Record<string, unknown>>("../../app/routes/*.{ts,tsx}", { eager: true });
const route = (name: string) => {
  const found = Object.entries(modules).find(([file]) => file.endsWith(`/${name}.tsx`) || file.endsWith(`/${name}.ts`));
  if (!found) throw new Error(`no route ${name}`);
  return found[1] as { action: (args: any) => Promise<unknown> };
};

const NASTY = [
  "",
  " ",
  "\u0000",
  "\u0007bell",
  "\u202Eevil\u202C",
  "\u200B",
  "\uFEFF",
  "NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "1e308",
  "-1",
  "0.001",
  "1.005",
  "12.345",
  "9".repeat(400),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  '"; DROP TABLE enterprises; --',
  "😀🚀",
  "👨‍👩‍👧‍👦",
  "\r\n\t",
  "../../etc/passwd",
  "%00",
  "０１２３",
  "ＡＢＣ",
  "９１３３０９０２７１９５２４０２４Ｇ",
  "2026-02-30",
  "2026-13-01",
  "99999-01-01",
];

const hostile = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.repeat(Math.ceil(100_000 / s.length)).slice(0, 100_000)),
);

type Mutation = { kind: "keep" } | { kind: "drop" } | { kind: "replace"; value: string } | { kind: "duplicate"; value: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "keep" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "drop" as const }) },
  { weight: 3, arbitrary: hostile.map((value) => ({ kind: "replace" as const, value })) },
  { weight: 1, arbitrary: hostile.map((value) => ({ kind: "duplicate" as const, value })) },
);

function mutate(base: Record<string, string>, mutations: Mutation[]): FormData {
  const form = new FormData();
  Object.entries(base).forEach(([key, value], i) => {
    const m = mutations[i % mutations.length];
    if (m.kind === "drop") return;
    if (m.kind === "replace") return form.append(key, m.value);
    form.append(key, value);
    if (m.kind === "duplicate") form.append(key, m.value);
  });
  return form;
}

interface Case {
  name: string;
  route: string;
  username: string | null;
  url: () => string;
  params?: () => Record<string, string>;
  base: () => Promise<Record<string, string>>;
  /** Forms that accept anything (the language switch falls back to a safe default). */
  alwaysAccepts?: boolean;
}

let appIds: { submitted: number; draft: number; poolEntry: number; poolFirm: number };
let rng = 1;
/** Unique names without randomness, so every run is the same run. */
let seq = 0;
const nextUscc = () => generateUscc(() => (rng = (rng * 48271) % 2147483647) / 2147483647);

const CASES: Case[] = [
  { name: "sign-in", route: "login", username: null, url: () => "/login", base: async () => ({ username: "ent-jintang", password: "not-the-password" }) },
  {
    name: "change password",
    route: "account.password",
    username: "officer-yancang",
    url: () => "/account/password",
    base: async () => ({ currentPassword: "wrong-password", newPassword: "harbour-lights-2030", confirmPassword: "harbour-lights-2030" }),
  },
  {
    name: "create account",
    route: "admin.users._index",
    username: "admin",
    url: () => "/admin/users",
    base: async () => ({ username: `fuzz-${++seq}`, displayName: "测试", role: "town_officer", townCode: "jintang", password: "harbour-lights-2030" }),
  },
  {
    name: "edit account",
    route: "admin.users.$id",
    username: "admin",
    url: () => "/admin/users/3",
    params: () => ({ id: "3" }),
    base: async () => ({ intent: "update", displayName: "金塘镇 联络员", role: "town_officer", townCode: "jintang" }),
  },
  {
    name: "register a firm",
    route: "enterprises.new",
    username: "reviewer",
    url: () => "/enterprises/new",
    base: async () => ({
      uscc: nextUscc(),
      name: `舟山测试${++seq}号有限公司`,
      townCode: "jintang",
      industryCode: "machinery",
      platform: "",
      aboveScale: "on",
      address: "金塘镇测试路 1 号",
      legalRep: "张三",
      contactName: "李四",
      contactPhone: "13800000000",
      employees: "12",
      revenueWan: "1234.5",
      rdExpenseWan: "12.34",
    }),
  },
  {
    name: "edit a firm",
    route: "enterprises.$id_.edit",
    username: "reviewer",
    url: () => "/enterprises/5/edit",
    params: () => ({ id: "5" }),
    base: async () => {
      const e = await db().selectFrom("enterprises").selectAll().where("id", "=", 5).executeTakeFirstOrThrow();
      return {
        uscc: e.uscc,
        name: e.name,
        townCode: e.town_code,
        industryCode: e.industry_code,
        platform: e.platform ?? "",
        aboveScale: e.above_scale ? "on" : "",
        address: e.address ?? "",
        legalRep: e.legal_rep ?? "",
        contactName: e.contact_name ?? "",
        contactPhone: e.contact_phone ?? "",
        employees: String(e.employees ?? ""),
        revenueWan: "100",
        rdExpenseWan: "1",
        version: String(e.version),
      };
    },
  },
  {
    name: "correct a firm's yearly figures",
    route: "enterprises.$id_.figures",
    username: "reviewer",
    url: () => "/enterprises/7/figures",
    params: () => ({ id: "7" }),
    base: async () => {
      const row = await db().selectFrom("enterprise_figures").select("version").where("enterprise_id", "=", 7).where("year", "=", 2024).executeTakeFirst();
      return {
        year: "2024",
        version: String(row?.version ?? 0),
        revenueWan: "3200",
        mainBusinessRevenueWan: "3000",
        rdExpenseWan: "120",
        employees: "80",
        rdStaff: "12",
        totalAssetsWan: "4000",
        totalLiabilitiesWan: "1500",
        netProfitWan: "-12.5",
        equityFinancingWan: "0",
        inventionPatents: "1",
        ipClass1: "2",
        ipClass2: "5",
        nicheYears: "4",
        confirmFigures: "on",
      };
    },
  },
  { name: "archive a firm", route: "enterprises.$id", username: "reviewer", url: () => "/enterprises/6", params: () => ({ id: "6" }), base: async () => ({ intent: "archive" }) },
  {
    name: "start an application",
    route: "applications.new",
    username: "ent-jintang",
    url: () => "/applications/new?tier=specialized-new",
    base: async () => {
      const form: Record<string, string> = { intent: "save", year: "2031", levelSought: "provincial", declaration: "on" };
      for (const f of [...COMMON_FIELDS, ...TIER_FIELDS["specialized-new"]]) form[f.key] = f.kind === "text" || f.kind === "textarea" ? "测试" : "1";
      return form;
    },
  },
  {
    name: "edit a draft",
    route: "applications.$id_.edit",
    username: "ent-jintang",
    url: () => `/applications/${appIds.draft}/edit`,
    params: () => ({ id: String(appIds.draft) }),
    base: async () => {
      const a = await db().selectFrom("applications").select(["version", "tier_code", "year", "level_sought"]).where("id", "=", appIds.draft).executeTakeFirstOrThrow();
      const form: Record<string, string> = { intent: "save", version: String(a.version), year: String(a.year), levelSought: a.level_sought ?? "district" };
      for (const f of [...COMMON_FIELDS, ...TIER_FIELDS[a.tier_code as (typeof TIER_CODES)[number]]]) form[f.key] = "1";
      return form;
    },
  },
  {
    name: "decide an application",
    route: "applications.$id",
    username: "reviewer",
    url: () => `/applications/${appIds.submitted}`,
    params: () => ({ id: String(appIds.submitted) }),
    base: async () => {
      const a = await db().selectFrom("applications").select("version").where("id", "=", appIds.submitted).executeTakeFirstOrThrow();
      return { intent: "return", version: String(a.version), reasonCode: "evidence-missing", comment: "请补充材料" };
    },
  },
  {
    name: "edit targets",
    route: "targets",
    username: "reviewer",
    url: () => "/targets?year=2027",
    base: async () => {
      const form: Record<string, string> = { intent: "save", year: "2027" };
      for (const code of TIER_CODES) form[code] = "5";
      return form;
    },
  },
  {
    name: "edit a checklist",
    route: "admin.checklists",
    username: "admin",
    url: () => "/admin/checklists?tier=clean-beauty-factory",
    base: async () => ({ intent: "add", tier: "clean-beauty-factory", code: `fuzz-${++seq}`, labelZh: "测试项", labelEn: "Test item", required: "on" }),
  },
  {
    name: "e-mail settings",
    route: "notifications",
    username: "officer-jintang",
    url: () => "/notifications",
    base: async () => ({ intent: "settings", email: "fuzz@dinghai.example", mode: "digest" }),
  },
  {
    name: "mark a message read",
    route: "notifications",
    username: "officer-jintang",
    url: () => "/notifications",
    base: async () => {
      const user = await db().selectFrom("users").select("id").where("username", "=", "officer-jintang").executeTakeFirstOrThrow();
      const n = await db().selectFrom("notifications").select("id").where("recipient_id", "=", user.id).orderBy("id").executeTakeFirstOrThrow();
      return { intent: "read", id: String(n.id) };
    },
  },
  {
    name: "add a calendar day",
    route: "admin.calendar",
    username: "admin",
    url: () => "/admin/calendar",
    base: async () => {
      const d = new Date(Date.UTC(2040, 0, 1 + ++seq)).toISOString().slice(0, 10);
      return { intent: "add", date: d, kind: "workday", nameZh: "测试调休", nameEn: "Test make-up day" };
    },
  },
  {
    name: "add to the pool",
    route: "cultivation.new",
    username: "officer-jintang",
    url: () => "/cultivation/new",
    base: async () => ({ enterpriseId: String(appIds.poolFirm), tier: "listed", targetYear: "2026", route: "", officerId: "", enteredOn: "2026-11-27", notes: "重点培育" }),
  },
  {
    name: "add discovered firms to the pool",
    route: "cultivation.discovery",
    username: "officer-jintang",
    url: () => "/cultivation/discovery",
    base: async () => ({ tier: "specialized-new", year: "2026", enterpriseId: String(appIds.poolFirm) }),
  },
  {
    name: "write a plan task",
    route: "cultivation.$id",
    username: "officer-jintang",
    url: () => `/cultivation/${appIds.poolEntry}`,
    params: () => ({ id: String(appIds.poolEntry) }),
    base: async () => ({ intent: "task", title: "完成研发费用专项审计", owner: "企业", dueOn: "2026-12-31", notes: "与财务负责人对接" }),
  },
  {
    name: "record a visit",
    route: "cultivation.$id",
    username: "officer-jintang",
    url: () => `/cultivation/${appIds.poolEntry}`,
    params: () => ({ id: String(appIds.poolEntry) }),
    base: async () => ({ intent: "visit", visitedOn: "2026-11-20", visitor: "金塘镇 联络员", findings: "生产正常\n研发投入增加" }),
  },
  {
    name: "change a pool entry",
    route: "cultivation.$id",
    username: "reviewer",
    url: () => `/cultivation/${appIds.poolEntry}`,
    params: () => ({ id: String(appIds.poolEntry) }),
    base: async () => {
      const e = await db().selectFrom("pool_entries").select(["version", "status"]).where("id", "=", appIds.poolEntry).executeTakeFirstOrThrow();
      return { intent: "update", version: String(e.version), route: "", officerId: "", targetYear: "2027", notes: "调整目标年度" };
    },
  },
  {
    name: "split a target among towns",
    route: "targets",
    username: "reviewer",
    url: () => "/targets?year=2027",
    base: async () => ({ intent: "split", year: "2027", tier: "scaled-up", "towns.jintang": "3", "towns.yancang": "2", "towns.lincheng": "1" }),
  },
  { name: "switch language", route: "language", username: null, url: () => "/language", base: async () => ({ lang: "en", redirectTo: "/login" }), alwaysAccepts: true },
];

beforeAll(async () => {
  const firm1 = (await db().selectFrom("users").select("enterprise_id").where("username", "=", "ent-jintang").executeTakeFirstOrThrow()).enterprise_id!;
  const submitted = await db().selectFrom("applications").select("id").where("status", "=", "submitted").orderBy("id").executeTakeFirstOrThrow();
  const draft = await db().selectFrom("applications").select("id").where("status", "=", "draft").where("enterprise_id", "=", firm1).orderBy("id").executeTakeFirstOrThrow();
  const entry = await db()
    .selectFrom("pool_entries as p")
    .innerJoin("enterprises as e", "e.id", "p.enterprise_id")
    .select("p.id")
    .where("e.town_code", "=", "jintang")
    .where("p.status", "=", "cultivating")
    .where("p.tier_code", "<>", "scaled-up")
    .orderBy("p.id")
    .executeTakeFirstOrThrow();
  const poolFirm = await db()
    .selectFrom("enterprises as e")
    .select("e.id")
    .where("e.town_code", "=", "jintang")
    .where("e.archived_at", "is", null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("pool_entries as p").select("p.id").whereRef("p.enterprise_id", "=", "e.id").where("p.tier_code", "=", "listed"))),
    )
    .orderBy("e.id")
    .executeTakeFirstOrThrow();
  appIds = { submitted: submitted.id, draft: draft.id, poolEntry: entry.id, poolFirm: poolFirm.id };
});

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    return (result as { init?: { status?: number } }).init?.status ?? 200;
  }
  return 200;
}

describe("every form action under hostile input", () => {
  for (const c of CASES) {
    it(`${c.name}: no 5xx; refused leaves the database unchanged`, async () => {
      const { action } = route(c.route);
      let accepted = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 24 }), async (mutations) => {
          const cookie = c.username ? await sessionCookieFor(c.username) : undefined;
          const form = mutate(await c.base(), mutations);
          const before = await databaseHash();
          let result: unknown;
          try {
            result = await action({ request: makeRequest(c.url(), { cookie, form }), params: c.params?.() ?? {}, context: {} });
          } catch (thrown) {
            if (!(thrown instanceof Response)) throw thrown;
            result = thrown;
          }
          const status = statusOf(result);
          expect(status).toBeLessThan(500);
          if (status >= 400) {
            refused += 1;
            expect(await databaseHash()).toBe(before);
          } else accepted += 1;
        }),
        { numRuns: 30, seed: 20261128 },
      );
      // The hostile values did reach the validation: some submissions were refused.
      if (c.alwaysAccepts) expect(accepted).toBe(30);
      else expect(refused).toBeGreaterThan(0);
    }, 120_000);
  }

  it("a firm registered through the form reads back as entered, normalised", async () => {
    const { action } = route("enterprises.new");
    const cookie = await sessionCookieFor("reviewer");
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: fc.stringMatching(/^[\u4e00-\u9fa5]{2,20}$/).map((s) => `舟山${s}有限公司`),
          revenue: fc.integer({ min: 0, max: 99_999_999 }),
          employees: fc.integer({ min: 0, max: 100_000 }),
          spaces: fc.constantFrom("", " ", "  "),
          lower: fc.boolean(),
        }),
        async ({ name, revenue, employees, spaces, lower }) => {
          const code = nextUscc();
          const typed = `${spaces}${lower ? code.toLowerCase() : code}${spaces}`;
          const wan = `${Math.floor(revenue / 100)}.${String(revenue % 100).padStart(2, "0")}`;
          const form = {
            uscc: typed,
            name,
            townCode: "baiquan",
            industryCode: "grain-oil",
            platform: "",
            aboveScale: "",
            address: "",
            legalRep: "",
            contactName: "",
            contactPhone: "0580-2061835",
            employees: String(employees),
            revenueWan: wan,
            rdExpenseWan: "",
          };
          const result = await action({ request: makeRequest("/enterprises/new", { cookie, form }), params: {}, context: {} }).catch((r) => r);
          expect(statusOf(result), JSON.stringify((result as { data?: unknown }).data ?? null).slice(0, 500)).toBeLessThan(400);
          expect(validateUscc(typed).ok).toBe(true);
          const row = await db()
            .selectFrom("enterprises")
            .select(["name", "revenue_yuan", "employees", "town_code", "contact_phone"])
            .where("uscc", "=", normalizeUscc(typed))
            .executeTakeFirstOrThrow();
          expect(row).toEqual({ name, revenue_yuan: revenue * 100, employees, town_code: "baiquan", contact_phone: "0580-2061835" });
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  }, 120_000);
});
