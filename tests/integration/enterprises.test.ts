import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import * as csvExport from "~/routes/enterprises.export[.]csv";
import * as xlsxExport from "~/routes/enterprises.export[.]xlsx";
import * as list from "~/routes/enterprises._index";
import * as profile from "~/routes/enterprises.$id";
import * as edit from "~/routes/enterprises.$id_.edit";
import { EXPORT_HEADERS, XLSX_DATA_SHEET, XLSX_META_SHEET } from "~/models/enterprise-export.server";
import { listEnterprises } from "~/models/enterprise-list.server";
import { listUncoveredFirms } from "~/models/progress-firms.server";
import { parseEnterpriseListQuery } from "~/schemas/enterprise.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

type ListData = Awaited<ReturnType<typeof list.loader>>;

const cookies: Record<string, string> = {};
beforeAll(async () => {
  for (const u of ["reviewer", "admin", "officer-jintang", "officer-yancang", "ent-jintang", "ent-yancang"]) {
    cookies[u] = await sessionCookieFor(u);
  }
});

async function listAs(user: string, search = ""): Promise<ListData> {
  const { result } = await call(list.loader, makeRequest(`/enterprises${search}`, { cookie: cookies[user] }));
  expect(statusOf(result)).toBe(200);
  return dataOf<ListData>(result);
}

/** Every row of a view, following the "next" cursors to the end. */
async function allPages(user: string, search: string) {
  const rows: ListData["page"]["rows"] = [];
  let params = new URLSearchParams(search);
  for (let guard = 0; guard < 100; guard++) {
    const data = await listAs(user, `?${params}`);
    rows.push(...data.page.rows);
    if (!data.page.nextCursor) return { rows, total: data.page.total };
    params = new URLSearchParams(search);
    params.set("cursor", data.page.nextCursor);
  }
  throw new Error("paging did not end");
}

async function firmIdsWhere(where: { town?: string; archived?: boolean }) {
  let q = db().selectFrom("enterprises").select(["id"]);
  if (where.town) q = q.where("town_code", "=", where.town);
  if (where.archived === false) q = q.where("archived_at", "is", null);
  return (await q.execute()).map((r) => r.id).sort((a, b) => a - b);
}

async function firmOf(username: string) {
  const row = await db()
    .selectFrom("users")
    .innerJoin("enterprises", "enterprises.id", "users.enterprise_id")
    .select(["enterprises.id", "enterprises.town_code"])
    .where("users.username", "=", username)
    .executeTakeFirstOrThrow();
  return row;
}

async function auditRows(action: string) {
  return db().selectFrom("audit_log").select(["actor_id", "subject", "data"]).where("action", "=", action).orderBy("id").execute();
}

function parseCsv(text: string): string[][] {
  // Enough for our files: quoted cells with doubled quotes, CRLF line ends.
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe("the registry list: scope", () => {
  it("shows a reviewer every firm that is not archived", async () => {
    const { rows, total } = await allPages("reviewer", "");
    const expected = await firmIdsWhere({ archived: false });
    expect(total).toBe(expected.length);
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected);
  });

  it("clamps a town officer to its town, even with a forged town parameter", async () => {
    const jintang = await firmIdsWhere({ town: "jintang", archived: false });
    expect(jintang.length).toBeGreaterThan(0);
    for (const search of ["", "?town=yancang", "?town=jintang", "?town=nowhere", "?town=yancang&archived=1"]) {
      const { rows, total } = await allPages("officer-jintang", search);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.townCode === "jintang")).toBe(true);
      if (!search.includes("archived")) {
        expect(total).toBe(jintang.length);
        expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(jintang);
      }
    }
    const yancang = await listAs("officer-yancang", "?town=jintang");
    expect(yancang.page.rows.every((r) => r.townCode === "yancang")).toBe(true);
    expect(yancang.page.scopeTown).toBe("yancang");
  });

  it("sends an enterprise user from the list to its own profile", async () => {
    const own = await firmOf("ent-jintang");
    const { result } = await call(list.loader, makeRequest("/enterprises?town=yancang", { cookie: cookies["ent-jintang"] }));
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get("Location")).toBe(`/enterprises/${own.id}`);
  });

  it("sends anonymous visitors to sign in", async () => {
    const { result } = await call(list.loader, makeRequest("/enterprises"));
    expect((result as Response).headers.get("Location")).toBe("/login?redirectTo=%2Fenterprises");
  });
});

describe("the profile and edit pages: scope", () => {
  it("answers 404 to a town officer for another town's firm, the same as for a missing one", async () => {
    const other = await firmOf("ent-yancang");
    const own = await firmOf("ent-jintang");
    for (const id of [String(other.id), "999999", "abc", "0", "1e3", "-1"]) {
      const { result } = await call(profile.loader, makeRequest(`/enterprises/${id}`, { cookie: cookies["officer-jintang"] }), { id });
      expect(statusOf(result)).toBe(404);
    }
    const mine = await call(profile.loader, makeRequest(`/enterprises/${own.id}`, { cookie: cookies["officer-jintang"] }), { id: String(own.id) });
    expect(statusOf(mine.result)).toBe(200);
    expect(dataOf(mine.result).profile.townCode).toBe("jintang");
  });

  it("lets an enterprise user open only its own firm", async () => {
    const own = await firmOf("ent-jintang");
    const other = await firmOf("ent-yancang");
    const ok = await call(profile.loader, makeRequest(`/enterprises/${own.id}`, { cookie: cookies["ent-jintang"] }), { id: String(own.id) });
    expect(statusOf(ok.result)).toBe(200);
    expect(dataOf(ok.result).canEdit).toBe(true);
    expect(dataOf(ok.result).canArchive).toBe(false);
    expect(dataOf(ok.result).applyHref).toBe("/applications/new");
    for (const handler of [profile.loader, edit.loader]) {
      const { result } = await call(handler, makeRequest(`/enterprises/${other.id}`, { cookie: cookies["ent-jintang"] }), { id: String(other.id) });
      expect(statusOf(result)).toBe(404);
    }
  });

  it("keeps town officers out of the edit page and action (403), whatever the firm", async () => {
    const own = await firmOf("ent-jintang");
    const before = await db().selectFrom("enterprises").select(["name", "version"]).where("id", "=", own.id).executeTakeFirstOrThrow();
    const page = await call(edit.loader, makeRequest(`/enterprises/${own.id}/edit`, { cookie: cookies["officer-jintang"] }), { id: String(own.id) });
    expect(statusOf(page.result)).toBe(403);
    const post = await call(
      edit.action,
      makeRequest(`/enterprises/${own.id}/edit`, { cookie: cookies["officer-jintang"], form: { name: "改名", version: String(before.version) } }),
      { id: String(own.id) },
    );
    expect(statusOf(post.result)).toBe(403);
    const after = await db().selectFrom("enterprises").select(["name", "version"]).where("id", "=", own.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it("shows the profile with awards (live, expired, revoked) and applications, read from their tables", async () => {
    const own = await firmOf("ent-jintang");
    const { result } = await call(profile.loader, makeRequest(`/enterprises/${own.id}`, { cookie: cookies.reviewer }), { id: String(own.id) });
    const data = dataOf(result);
    const awards = await db().selectFrom("awards").select(["id", "revoked_on", "valid_until"]).where("enterprise_id", "=", own.id).execute();
    const apps = await db().selectFrom("applications").select(["id"]).where("enterprise_id", "=", own.id).execute();
    expect(data.profile.awards.map((a: { id: number }) => a.id).sort()).toEqual(awards.map((a) => a.id).sort());
    expect(data.profile.applications.map((a: { id: number }) => a.id).sort()).toEqual(apps.map((a) => a.id).sort());
    const today = todayInShanghai();
    for (const award of data.profile.awards as { id: number; state: string }[]) {
      const row = awards.find((a) => a.id === award.id)!;
      const expected = row.revoked_on ? "revoked" : row.valid_until && row.valid_until < today ? "expired" : "live";
      expect(award.state).toBe(expected);
    }
    // The demo firm has both a live and an expired recognition, so both states are exercised.
    expect(new Set(data.profile.awards.map((a: { state: string }) => a.state))).toEqual(new Set(["live", "expired"]));
    expect(data.applyHref).toBe(`/applications/new?enterprise=${own.id}`);
    // No column beyond what the page shows leaves the server.
    expect(Object.keys(data.profile)).not.toContain("password_hash");
  });
});

describe("the registry list: filters, sorting, paging", () => {
  it("combines town, industry, tier, level and above-scale filters like an independent query", async () => {
    const today = todayInShanghai();
    const expected = await db()
      .selectFrom("enterprises as e")
      .select("e.id")
      .where("e.town_code", "=", "jintang")
      .where("e.above_scale", "=", 1)
      .where("e.archived_at", "is", null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("awards as a")
            .select("a.id")
            .whereRef("a.enterprise_id", "=", "e.id")
            .where("a.tier_code", "=", "specialized-new")
            .where("a.level", "=", "provincial")
            .where("a.revoked_on", "is", null)
            .where((w) => w.or([w("a.valid_until", "is", null), w("a.valid_until", ">=", today)])),
        ),
      )
      .execute();
    expect(expected.length).toBeGreaterThan(0);
    const { rows, total } = await allPages("reviewer", "?town=jintang&aboveScale=1&tier=specialized-new&level=provincial");
    expect(total).toBe(expected.length);
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected.map((r) => r.id).sort((a, b) => a - b));
    for (const row of rows) {
      expect(row.townCode).toBe("jintang");
      expect(row.aboveScale).toBe(true);
      expect(row.tiers).toContainEqual(expect.objectContaining({ tierCode: "specialized-new", level: "provincial" }));
    }
    const industry = await listAs("reviewer", "?industry=machinery&town=jintang");
    expect(industry.page.rows.length).toBeGreaterThan(0);
    expect(industry.page.rows.every((r) => r.industryCode === "machinery" && r.townCode === "jintang")).toBe(true);
    const notAbove = await listAs("reviewer", "?aboveScale=0");
    expect(notAbove.page.rows.every((r) => !r.aboveScale)).toBe(true);
  });

  it("does not count an expired or revoked award as a tier held", async () => {
    const today = todayInShanghai();
    const expiredOnly = await db()
      .selectFrom("awards as a")
      .select("a.enterprise_id")
      .where("a.tier_code", "=", "specialized-new")
      .where("a.valid_until", "<", today)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("awards as b")
              .select("b.id")
              .whereRef("b.enterprise_id", "=", "a.enterprise_id")
              .where("b.tier_code", "=", "specialized-new")
              .where("b.revoked_on", "is", null)
              .where("b.valid_until", ">=", today),
          ),
        ),
      )
      .execute();
    expect(expiredOnly.length).toBeGreaterThan(0);
    const { rows } = await allPages("reviewer", "?tier=specialized-new&archived=1");
    const ids = new Set(rows.map((r) => r.id));
    for (const { enterprise_id } of expiredOnly) expect(ids.has(enterprise_id)).toBe(false);
  });

  it("filters by a tier not held: the coverage work list's firms, scoped, and an expired award counts as not held", async () => {
    const caller = { id: 0, role: "town_officer" as const, townCode: "jintang", enterpriseId: null };
    const uncovered: number[] = [];
    for (let cursor: string | null = null, guard = 0; guard < 100; guard++) {
      const page = await listUncoveredFirms(db(), caller as never, { town: null, cursor });
      uncovered.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(uncovered.length).toBeGreaterThan(0);
    // A forged town is ignored: the officer stays in its own town.
    const { rows } = await allPages("officer-jintang", "?aboveScale=1&manufacturing=1&notTier=clean-beauty-factory&town=yancang");
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([...uncovered].sort((a, b) => a - b));
    for (const row of rows) expect(row.tiers.map((h) => h.tierCode)).not.toContain("clean-beauty-factory");

    const today = todayInShanghai();
    const expired = await db().selectFrom("awards as a").select("a.enterprise_id").where("a.tier_code", "=", "specialized-new").where("a.valid_until", "<", today).execute();
    const live = new Set(
      (
        await db()
          .selectFrom("awards as a")
          .select("a.enterprise_id")
          .where("a.tier_code", "=", "specialized-new")
          .where("a.revoked_on", "is", null)
          .where((w) => w.or([w("a.valid_until", "is", null), w("a.valid_until", ">=", today)]))
          .execute()
      ).map((r) => r.enterprise_id),
    );
    const notHeld = new Set((await allPages("reviewer", "?notTier=specialized-new&archived=1")).rows.map((r) => r.id));
    for (const id of live) expect(notHeld.has(id)).toBe(false);
    for (const { enterprise_id } of expired) if (!live.has(enterprise_id)) expect(notHeld.has(enterprise_id)).toBe(true);
    const summary = (await listAs("reviewer", "?notTier=clean-beauty-factory&manufacturing=1")).filterSummary;
    expect(summary).toEqual(expect.arrayContaining(["仅制造业", "尚未获得的称号：洁美工厂"]));
  });

  it("searches by part of the name, or by a credit-code prefix typed carelessly", async () => {
    const byName = await listAs("reviewer", `?q=${encodeURIComponent("塑机")}`);
    expect(byName.page.rows.length).toBeGreaterThan(0);
    expect(byName.page.rows.every((r) => r.name.includes("塑机"))).toBe(true);
    const target = await firmOf("ent-yancang");
    const code = (await db().selectFrom("enterprises").select("uscc").where("id", "=", target.id).executeTakeFirstOrThrow()).uscc;
    const typed = ` ${code.slice(0, 12).toLowerCase()} `;
    const byCode = await listAs("reviewer", `?q=${encodeURIComponent(typed)}`);
    expect(byCode.page.rows.map((r) => r.id)).toContain(target.id);
    expect(byCode.page.rows.every((r) => r.uscc.startsWith(code.slice(0, 12)))).toBe(true);
    // "%" and "_" are literal characters, not wildcards.
    expect((await listAs("reviewer", "?q=%25")).page.total).toBe(0);
    expect((await listAs("reviewer", "?q=_")).page.total).toBe(0);
  });

  it("caps the list's count: exact up to the cap, else the cap marked as a lower bound", async () => {
    const reviewer = await db()
      .selectFrom("users")
      .select(["id", "role", "enterprise_id as enterpriseId", "town_code as townCode"])
      .where("username", "=", "reviewer")
      .executeTakeFirstOrThrow();
    const query = parseEnterpriseListQuery(new URLSearchParams());
    const exact = (await firmIdsWhere({ archived: false })).length;
    expect(exact).toBeGreaterThan(100);
    expect(await listEnterprises(db(), reviewer, query, { countCap: exact })).toMatchObject({ total: exact, totalAtLeast: false });
    const capped = await listEnterprises(db(), reviewer, query, { countCap: exact - 1 });
    expect(capped).toMatchObject({ total: exact - 1, totalAtLeast: true });
    expect(capped.rows).toHaveLength(50);
    const page = dataOf((await call(list.loader, makeRequest("/enterprises", { cookie: await sessionCookieFor("reviewer") }))).result);
    expect(page.page).toMatchObject({ total: exact, totalAtLeast: false });
  });

  it("hides archived firms by default, shows them with archived=1, and only them with archived=only", async () => {
    const archived = (await db().selectFrom("enterprises").select("id").where("archived_at", "is not", null).execute()).map((r) => r.id);
    expect(archived.length).toBeGreaterThan(0);
    const hidden = await allPages("reviewer", "");
    expect(hidden.rows.some((r) => archived.includes(r.id))).toBe(false);
    const included = await allPages("reviewer", "?archived=1");
    expect(included.total).toBe((await firmIdsWhere({})).length);
    expect(
      included.rows
        .filter((r) => r.archived)
        .map((r) => r.id)
        .sort((a, b) => a - b),
    ).toEqual([...archived].sort((a, b) => a - b));
    const only = await allPages("reviewer", "?archived=only");
    expect(only.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([...archived].sort((a, b) => a - b));
  });

  it("sorts by each sortable column in both directions, across page boundaries", async () => {
    const cases: [string, (r: ListData["page"]["rows"][number]) => string][] = [
      ["name", (r) => r.name],
      ["uscc", (r) => r.uscc],
      ["updated", (r) => r.updatedAt],
    ];
    for (const [sort, key] of cases) {
      for (const dir of ["asc", "desc"] as const) {
        const { rows, total } = await allPages("reviewer", `?sort=${sort}&dir=${dir}`);
        expect(rows.length).toBe(total);
        expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
        for (let i = 1; i < rows.length; i++) {
          const a = [key(rows[i - 1]!), rows[i - 1]!.id] as const;
          const b = [key(rows[i]!), rows[i]!.id] as const;
          const order = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
          expect(dir === "asc" ? order < 0 : order > 0).toBe(true);
        }
      }
    }
  });

  it("pages forward with cursor and back with before, round-tripping through the URL", async () => {
    const first = await listAs("reviewer", "?sort=updated&dir=desc");
    expect(first.page.prevCursor).toBeNull();
    expect(first.page.rows.length).toBe(50);
    const second = await listAs("reviewer", `?sort=updated&dir=desc&cursor=${first.page.nextCursor}`);
    const third = await listAs("reviewer", `?sort=updated&dir=desc&cursor=${second.page.nextCursor}`);
    expect(second.page.rows[0]!.id).not.toBe(first.page.rows[0]!.id);
    const backToSecond = await listAs("reviewer", `?sort=updated&dir=desc&before=${third.page.prevCursor}`);
    expect(backToSecond.page.rows.map((r) => r.id)).toEqual(second.page.rows.map((r) => r.id));
    const backToFirst = await listAs("reviewer", `?sort=updated&dir=desc&before=${backToSecond.page.prevCursor}`);
    expect(backToFirst.page.rows.map((r) => r.id)).toEqual(first.page.rows.map((r) => r.id));
    expect(backToFirst.page.prevCursor).toBeNull();
    expect(backToFirst.page.nextCursor).not.toBeNull();
    // The total does not depend on the page.
    expect(new Set([first.page.total, second.page.total, third.page.total]).size).toBe(1);
  });

  it("shrugs off nonsense parameters instead of failing", async () => {
    for (const search of [
      "?cursor=not-base64!",
      "?cursor=AAAA",
      "?sort=password&dir=sideways",
      "?tier=gold&level=cosmic&aboveScale=maybe",
      `?q=${"x".repeat(5000)}`,
      "?town=%27%3B%20DROP%20TABLE%20enterprises%3B--",
    ]) {
      const data = await listAs("reviewer", search);
      expect(Array.isArray(data.page.rows)).toBe(true);
    }
    expect((await db().selectFrom("enterprises").select("id").limit(1).execute()).length).toBe(1);
  });
});

describe("exports", () => {
  it("writes a CSV with a BOM, the header on line 1, codes as text, the filters and as-of time in its name, and only the caller's firms", async () => {
    const before = (await auditRows("export")).length;
    const { result } = await call(csvExport.loader, makeRequest("/enterprises/export.csv?town=yancang&aboveScale=1", { cookie: cookies["officer-jintang"] }));
    const response = result as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const disposition = response.headers.get("Content-Disposition")!;
    expect(disposition).toMatch(/^attachment; filename="enterprises-\d{12}\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toMatch(/^企业名录-金塘镇-镇（街道）：金塘镇；规上企业：是-截至\d{12}\.csv$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = parseCsv(text);
    expect(lines[0]).toEqual([...EXPORT_HEADERS]);
    // Each code is a formula whose result is the code as text, so no spreadsheet turns it into 9.13309E+17.
    const codeFields = text
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",")[1]);
    expect(codeFields.every((f) => /^"=""[0-9A-Z]{18}"""$/.test(f!))).toBe(true);
    const body = lines.slice(1);
    const expected = await db()
      .selectFrom("enterprises")
      .select(["uscc"])
      .where("town_code", "=", "jintang")
      .where("above_scale", "=", 1)
      .where("archived_at", "is", null)
      .execute();
    expect(body.length).toBe(expected.length);
    expect(body.map((l) => l[1]).sort()).toEqual(expected.map((r) => `="${r.uscc}"`).sort());
    expect(body.every((l) => l[2] === "金塘镇")).toBe(true);
    const audits = await auditRows("export");
    expect(audits.length).toBe(before + 1);
    const audit = audits[audits.length - 1]!;
    expect(audit.subject).toBe("enterprises.csv");
    expect(JSON.parse(audit.data!)).toMatchObject({ format: "csv", total: expected.length, scopeTown: "jintang", filters: { aboveScale: true } });
  });

  it("writes an XLSX that re-opens with the same rows as the list", async () => {
    const search = "?tier=clean-beauty-factory&sort=updated&dir=desc";
    const { rows } = await allPages("reviewer", search);
    expect(rows.length).toBeGreaterThan(50);
    const { result } = await call(xlsxExport.loader, makeRequest(`/enterprises/export.xlsx${search}&cursor=ignored`, { cookie: cookies.reviewer }));
    const response = result as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet(XLSX_DATA_SHEET)!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([...EXPORT_HEADERS]);
    expect(sheet.rowCount - 1).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [name, uscc, , , , , tiers] = values(i + 2) as string[];
      expect([name, uscc]).toEqual([rows[i]!.name, rows[i]!.uscc]);
      expect(tiers).toContain("洁美工厂");
    }
    // Money stays a number (万元) that Excel can sum.
    const firm = await db().selectFrom("enterprises").select(["uscc", "revenue_yuan"]).where("uscc", "=", rows[0]!.uscc).executeTakeFirstOrThrow();
    const revenueCell = sheet.getRow(2).getCell(EXPORT_HEADERS.indexOf("上年营业收入（万元）") + 1).value;
    expect(revenueCell).toBeCloseTo(firm.revenue_yuan! / 10_000, 2);
    const info = workbook.getWorksheet(XLSX_META_SHEET)!;
    const meta = new Map<string, string>();
    info.eachRow((row) => meta.set(String(row.getCell(1).value), String(row.getCell(2).value ?? "")));
    expect(meta.get("筛选条件")).toBe("在册培育称号：洁美工厂");
    expect(meta.get("查看范围")).toBe("全区");
    expect(meta.get("企业数")).toBe(String(rows.length));
    expect(meta.get("数据截至")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  });

  it("refuses exports to enterprise users and anonymous visitors", async () => {
    const ent = await call(csvExport.loader, makeRequest("/enterprises/export.csv", { cookie: cookies["ent-jintang"] }));
    expect(statusOf(ent.result)).toBe(403);
    const anon = await call(xlsxExport.loader, makeRequest("/enterprises/export.xlsx"));
    expect(statusOf(anon.result)).toBe(302);
  });
});
