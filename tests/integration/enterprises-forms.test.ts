import { beforeAll, describe, expect, it } from "vitest";
import * as list from "~/routes/enterprises._index";
import * as profile from "~/routes/enterprises.$id";
import * as edit from "~/routes/enterprises.$id_.edit";
import * as create from "~/routes/enterprises.new";
import { computeCheckChar } from "~/domain/uscc";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, sessionCookieFor, statusOf } from "../support/requests";

const cookies: Record<string, string> = {};
beforeAll(async () => {
  for (const u of ["reviewer", "admin", "officer-jintang", "ent-jintang", "ent-yancang"]) cookies[u] = await sessionCookieFor(u);
});

/** A valid credit code not yet in the database, from a 16-digit seed. */
function freshUscc(seed: number): string {
  const first17 = `91330902${String(seed).padStart(8, "0")}0`;
  return first17 + computeCheckChar(first17);
}

const VALID = {
  uscc: freshUscc(11112222),
  name: "舟山测试海洋科技有限公司",
  townCode: "jintang",
  industryCode: "machinery",
  platform: "金塘塑机螺杆小微园",
  aboveScale: "on",
  address: "浙江省舟山市定海区金塘镇沥港路1号",
  legalRep: "王建国",
  contactName: "李丽",
  contactPhone: "13857201368",
  employees: "120",
  revenueWan: "2,345.67",
  rdExpenseWan: "88.5",
};

async function enterpriseCount() {
  return Number(
    (
      await db()
        .selectFrom("enterprises")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

async function storedRow(id: number) {
  return db()
    .selectFrom("enterprises")
    .select([
      "uscc",
      "name",
      "town_code",
      "industry_code",
      "platform",
      "above_scale",
      "address",
      "legal_rep",
      "contact_name",
      "contact_phone",
      "employees",
      "revenue_yuan",
      "rd_expense_yuan",
      "version",
      "updated_at",
      "archived_at",
    ])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

async function firmOf(username: string) {
  return db()
    .selectFrom("users")
    .select("enterprise_id")
    .where("username", "=", username)
    .executeTakeFirstOrThrow()
    .then((r) => r.enterprise_id!);
}

async function postCreate(form: Record<string, string>, user = "reviewer", extraCookie = "") {
  const cookie = extraCookie ? `${cookies[user]}; ${extraCookie}` : cookies[user];
  return call(create.action, makeRequest("/enterprises/new", { cookie, form }));
}

async function postEdit(id: number, form: Record<string, string>, user = "reviewer") {
  return call(edit.action, makeRequest(`/enterprises/${id}/edit`, { cookie: cookies[user], form }), { id: String(id) });
}

/** The edit form's values as the page would send them back unchanged. */
async function editDefaults(id: number, user = "reviewer"): Promise<Record<string, string>> {
  const { result } = await call(edit.loader, makeRequest(`/enterprises/${id}/edit`, { cookie: cookies[user] }), { id: String(id) });
  expect(statusOf(result)).toBe(200);
  const defaults = dataOf(result).defaults as Record<string, string | boolean>;
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaults)) {
    if (typeof v === "boolean") {
      if (v) form[k] = "on";
    } else form[k] = v;
  }
  return form;
}

function errorsOf(result: unknown): Record<string, string[]> {
  return dataOf(result).result.error;
}

describe("creating an enterprise", () => {
  it("registers a valid firm with normalised code, phone and money, and records it", async () => {
    const before = await enterpriseCount();
    const typed = {
      ...VALID,
      uscc: `  ${VALID.uscc.slice(0, 9).toLowerCase()} ${VALID.uscc.slice(9).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))}`,
      contactPhone: "138 5720 1368",
    };
    const { result } = await postCreate(typed);
    expect(statusOf(result)).toBe(302);
    const location = (result as Response).headers.get("Location")!;
    const id = Number(/^\/enterprises\/(\d+)\?created=1$/.exec(location)![1]);
    expect(await enterpriseCount()).toBe(before + 1);
    expect(await storedRow(id)).toMatchObject({
      uscc: VALID.uscc,
      name: VALID.name,
      town_code: "jintang",
      above_scale: 1,
      contact_phone: "13857201368",
      employees: 120,
      revenue_yuan: 23_456_700,
      rd_expense_yuan: 885_000,
      version: 1,
      archived_at: null,
    });
    const audit = await db().selectFrom("audit_log").select(["subject"]).where("action", "=", "enterprise.create").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(audit.subject).toBe(`enterprise:${id}`);
    // The new firm appears in the registry and its profile opens.
    const listed = await call(list.loader, makeRequest(`/enterprises?q=${encodeURIComponent("舟山测试海洋")}`, { cookie: cookies.reviewer }));
    expect(dataOf(listed.result).page.rows.map((r: { id: number }) => r.id)).toEqual([id]);
  });

  it.each([
    ["", "请填写统一社会信用代码"],
    ["91330902MA2A0JT58", "统一社会信用代码应为18位，当前为17位"],
    ["91330902MA2A0JT58CC", "统一社会信用代码应为18位，当前为19位"],
    ["91330902MA2AOJT58C", "第13位的字母“O”不能使用：统一社会信用代码不使用字母 I、O、Z、S、V（是否应为数字 0？）"],
    ["91330902MA2A0JT58X", "校验位应为 C，实际为 X，请核对代码是否抄错"],
    ["91330902MA2A0JT5#C", "第17位的字符“#”无效：只能使用数字 0-9 和大写字母（不含 I、O、Z、S、V）"],
  ])("rejects the credit code %j with the exact reason on the field", async (uscc, message) => {
    const before = await enterpriseCount();
    const { result } = await postCreate({ ...VALID, uscc });
    expect(statusOf(result)).toBe(400);
    expect(errorsOf(result).uscc).toEqual([message]);
    // Everything typed comes back, so the form keeps it.
    expect(dataOf(result).result.initialValue).toMatchObject({ name: VALID.name, contactPhone: VALID.contactPhone, revenueWan: VALID.revenueWan });
    expect(await enterpriseCount()).toBe(before);
  });

  it("answers a duplicate credit code with 'already registered' and the firm holding it", async () => {
    const holder = await firmOf("ent-yancang");
    const { uscc, name } = await storedRow(holder);
    const before = await enterpriseCount();
    const { result } = await postCreate({ ...VALID, uscc: uscc.toLowerCase(), name: "另一家公司" });
    expect(statusOf(result)).toBe(409);
    expect(errorsOf(result).uscc).toEqual([`该统一社会信用代码已登记，对应企业：${name}`]);
    expect(dataOf(result).duplicate).toEqual({ id: holder, name });
    expect(await enterpriseCount()).toBe(before);
  });

  it.each([
    ["12345", "手机号码应为11位，当前为5位"],
    ["12857201368", "手机号码应以 13–19 开头"],
    ["0580-12", "固定电话请写成“区号-号码”，如 0580-2061835（区号3–4位，号码7–8位）"],
    ["电话号码", "请填写11位手机号码，或带区号的固定电话，如 0580-2061835"],
  ])("rejects the phone %j", async (contactPhone, message) => {
    const { result } = await postCreate({ ...VALID, uscc: freshUscc(20000001), contactPhone });
    expect(statusOf(result)).toBe(400);
    expect(errorsOf(result).contactPhone).toEqual([message]);
  });

  it.each([
    ["revenueWan", "-1", "金额不能为负数"],
    ["revenueWan", "12.345", "金额最多保留两位小数（即精确到百元）"],
    ["rdExpenseWan", "一百", "金额格式不正确，请填写数字，如 12.34（单位：万元）"],
    ["rdExpenseWan", "1000000000", "金额超出上限（最多 100,000,000 万元）"],
    ["employees", "-3", "从业人数请填写 0 到 10,000,000 之间的整数"],
    ["employees", "12.5", "从业人数请填写 0 到 10,000,000 之间的整数"],
  ])("rejects %s = %j", async (field, value, message) => {
    const { result } = await postCreate({ ...VALID, uscc: freshUscc(20000002), [field]: value });
    expect(statusOf(result)).toBe(400);
    expect(errorsOf(result)[field]).toEqual([message]);
  });

  it("names every missing required field", async () => {
    const { result } = await postCreate({ name: "   " });
    expect(statusOf(result)).toBe(400);
    const errors = errorsOf(result);
    expect(errors.uscc).toEqual(["请填写统一社会信用代码"]);
    expect(errors.name).toEqual(["请填写企业名称"]);
    expect(errors.townCode).toEqual(["请选择所在镇（街道）"]);
    expect(errors.industryCode).toEqual(["请选择所属产业"]);
  });

  it("refuses a town or industry code that is not in the lists", async () => {
    const { result } = await postCreate({ ...VALID, uscc: freshUscc(20000003), townCode: "shanghai", industryCode: "banking" });
    expect(errorsOf(result).townCode).toEqual(["所选镇（街道）不在定海区名单中，请重新选择"]);
    expect(errorsOf(result).industryCode).toEqual(["所选产业不在名单中，请重新选择"]);
  });

  const HOSTILE: [string, string, string][] = [
    ["an HTML tag", "<script>alert(1)</script>有限公司", "企业名称中不能包含“<”"],
    ["SQL", "x'); DROP TABLE enterprises;--", "企业名称中不能包含“;”"],
    ["an emoji", "舟山🏭制造有限公司", "企业名称中不能包含“🏭”"],
    ["a right-to-left override", "舟山\u202E制造有限公司", "企业名称中不能包含不可见字符或控制字符（U+202E）"],
    ["101 characters", "舟".repeat(101), "企业名称最多 100 个字，当前 101 个字"],
    ["10 kB", "舟".repeat(10_240), "企业名称最多 100 个字，当前 10240 个字"],
  ];
  it.each(HOSTILE)("rejects a name with %s, storing nothing", async (_what, name, message) => {
    const before = await enterpriseCount();
    const { result } = await postCreate({ ...VALID, uscc: freshUscc(20000004), name });
    expect(statusOf(result)).toBe(400);
    expect(errorsOf(result).name).toEqual([message]);
    expect(await enterpriseCount()).toBe(before);
  });

  it("rejects hostile text in the other text fields too", async () => {
    const { result } = await postCreate({
      ...VALID,
      uscc: freshUscc(20000005),
      address: "<img src=x onerror=alert(1)>",
      contactName: "Robert'); DROP TABLE users;--",
      legalRep: "😀",
      platform: "x".repeat(10_240),
    });
    expect(statusOf(result)).toBe(400);
    const errors = errorsOf(result);
    expect(errors.address).toEqual(["生产经营地址中不能包含“<”"]);
    expect(errors.contactName).toEqual(["联系人中不能包含“)”"]);
    expect(errors.legalRep).toEqual(["法定代表人中不能包含“😀”"]);
    expect(errors.platform).toEqual(["所在产业平台最多 60 个字，当前 10240 个字"]);
  });

  it("accepts names with the punctuation real firm names use, and the rare character of 干𬒗镇", async () => {
    const { result } = await postCreate({ ...VALID, uscc: freshUscc(20000006), name: "太平洋海洋工程（舟山）有限公司·干𬒗分厂 A&B", address: "干𬒗镇西码头路1号#2" });
    expect(statusOf(result)).toBe(302);
  });

  it("answers in English when English was chosen", async () => {
    const { result } = await postCreate({ ...VALID, uscc: "91330902MA2A0JT58X", contactPhone: "12345" }, "reviewer", "lang=en");
    expect(errorsOf(result).uscc).toEqual(["The check character should be C, not X; please check the code for typing errors"]);
    expect(errorsOf(result).contactPhone).toEqual(["A mobile number has 11 digits; this one has 5"]);
  });

  it("is for reviewers and admins only (403 for town officers and enterprises)", async () => {
    for (const user of ["officer-jintang", "ent-jintang"]) {
      const page = await call(create.loader, makeRequest("/enterprises/new", { cookie: cookies[user] }));
      expect(statusOf(page.result)).toBe(403);
      const before = await enterpriseCount();
      const post = await postCreate({ ...VALID, uscc: freshUscc(20000007) }, user);
      expect(statusOf(post.result)).toBe(403);
      expect(await enterpriseCount()).toBe(before);
    }
    const admin = await call(create.loader, makeRequest("/enterprises/new", { cookie: cookies.admin }));
    expect(statusOf(admin.result)).toBe(200);
  });
});

describe("editing an enterprise", () => {
  it("saves a reviewer's change, bumps the version and audits the changed fields", async () => {
    const id = await firmOf("ent-yancang");
    const form = await editDefaults(id);
    const before = await storedRow(id);
    const { result } = await postEdit(id, { ...form, contactPhone: "0580 2061899", revenueWan: "4580.12" });
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get("Location")).toBe(`/enterprises/${id}?saved=1`);
    const after = await storedRow(id);
    expect(after).toMatchObject({ contact_phone: "0580-2061899", revenue_yuan: 45_801_200, version: before.version + 1, name: before.name });
    expect(after.updated_at > before.updated_at).toBe(true);
    const audit = await db().selectFrom("audit_log").select(["subject", "data"]).where("action", "=", "enterprise.update").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(audit.subject).toBe(`enterprise:${id}`);
    expect(JSON.parse(audit.data!).changed.sort()).toEqual(["contact_phone", "revenue_yuan"]);
  });

  it("tells the second of two editors that the firm changed, and saves nothing of theirs", async () => {
    const id = await firmOf("ent-yancang");
    const first = await editDefaults(id);
    const second = await editDefaults(id, "admin");
    expect(second.version).toBe(first.version);
    const a = await postEdit(id, { ...first, contactName: "先保存" });
    expect(statusOf(a.result)).toBe(302);
    const b = await postEdit(id, { ...second, contactName: "后保存", employees: "999" }, "admin");
    expect(statusOf(b.result)).toBe(409);
    const reply = dataOf(b.result);
    expect(reply.conflict).toBe(true);
    expect(reply.result.error[""][0]).toContain("已被他人修改");
    expect(reply.result.initialValue.contactName).toBe("后保存");
    const stored = await storedRow(id);
    expect(stored.contact_name).toBe("先保存");
    expect(stored.employees).not.toBe(999);
    // Retrying the same stale form is refused again: nothing is ever silently overwritten.
    const again = await postEdit(id, { ...second, contactName: "后保存" }, "admin");
    expect(statusOf(again.result)).toBe(409);
  });

  it("refuses a credit code already held by another firm", async () => {
    const id = await firmOf("ent-yancang");
    const other = await firmOf("ent-jintang");
    const otherRow = await storedRow(other);
    const before = await storedRow(id);
    const { result } = await postEdit(id, { ...(await editDefaults(id)), uscc: otherRow.uscc });
    expect(statusOf(result)).toBe(409);
    expect(errorsOf(result).uscc).toEqual([`该统一社会信用代码已登记，对应企业：${otherRow.name}`]);
    expect(await storedRow(id)).toEqual(before);
  });

  it.each([
    ["name", "", "请填写企业名称"],
    ["name", "<b>x</b>", "企业名称中不能包含“<”"],
    ["name", "DROP TABLE enterprises;", "企业名称中不能包含“;”"],
    ["name", "🏭".repeat(3), "企业名称中不能包含“🏭”"],
    ["address", "a".repeat(10_240), "生产经营地址最多 200 个字，当前 10240 个字"],
    ["contactPhone", "1385720136x", "请填写11位手机号码，或带区号的固定电话，如 0580-2061835"],
    ["revenueWan", "-0.01", "金额不能为负数"],
    ["uscc", "91330902MA2A1YC37", "统一社会信用代码应为18位，当前为17位"],
  ])("keeps the stored firm unchanged when %s is %j", async (field, value, message) => {
    const id = await firmOf("ent-yancang");
    const before = await storedRow(id);
    const { result } = await postEdit(id, { ...(await editDefaults(id)), [field]: value });
    expect(statusOf(result)).toBe(400);
    expect(errorsOf(result)[field]).toEqual([message]);
    expect(dataOf(result).result.initialValue[field === "name" && value === "" ? "contactName" : field]).toBeDefined();
    expect(await storedRow(id)).toEqual(before);
  });

  it("lets an enterprise user change its contacts and figures, but never its name, code or town", async () => {
    const id = await firmOf("ent-jintang");
    const before = await storedRow(id);
    const page = await call(edit.loader, makeRequest(`/enterprises/${id}/edit`, { cookie: cookies["ent-jintang"] }), { id: String(id) });
    expect(dataOf(page.result).mode).toBe("profile");
    const form = await editDefaults(id, "ent-jintang");
    const { result } = await postEdit(
      id,
      { ...form, contactName: "邬新", employees: "190", name: "改过的名字", uscc: freshUscc(30000001), townCode: "yancang", aboveScale: "" },
      "ent-jintang",
    );
    expect(statusOf(result)).toBe(302);
    const after = await storedRow(id);
    expect(after).toMatchObject({ contact_name: "邬新", employees: 190, name: before.name, uscc: before.uscc, town_code: before.town_code, above_scale: before.above_scale });
  });

  it("answers 404 to an enterprise user editing another firm, and changes nothing", async () => {
    const other = await firmOf("ent-yancang");
    const before = await storedRow(other);
    const { result } = await postEdit(other, { contactName: "入侵", version: String(before.version) }, "ent-jintang");
    expect(statusOf(result)).toBe(404);
    expect(await storedRow(other)).toEqual(before);
  });
});

describe("archiving", () => {
  it("archives and restores a firm (reviewer), hiding it from the default list meanwhile", async () => {
    const id = await firmOf("ent-yancang");
    const { name } = await storedRow(id);
    const archive = await call(profile.action, makeRequest(`/enterprises/${id}`, { cookie: cookies.reviewer, form: { intent: "archive" } }), { id: String(id) });
    expect((archive.result as Response).headers.get("Location")).toBe(`/enterprises/${id}?archived=1`);
    expect((await storedRow(id)).archived_at).not.toBeNull();
    const search = `?q=${encodeURIComponent(name)}`;
    const hidden = await call(list.loader, makeRequest(`/enterprises${search}`, { cookie: cookies.reviewer }));
    expect(dataOf(hidden.result).page.rows).toEqual([]);
    const shown = await call(list.loader, makeRequest(`/enterprises${search}&archived=1`, { cookie: cookies.reviewer }));
    expect(dataOf(shown.result).page.rows.map((r: { id: number; archived: boolean }) => [r.id, r.archived])).toEqual([[id, true]]);
    const restore = await call(profile.action, makeRequest(`/enterprises/${id}`, { cookie: cookies.reviewer, form: { intent: "restore" } }), { id: String(id) });
    expect(statusOf(restore.result)).toBe(302);
    expect((await storedRow(id)).archived_at).toBeNull();
    const actions = await db()
      .selectFrom("audit_log")
      .select("action")
      .where("subject", "=", `enterprise:${id}`)
      .where("action", "in", ["enterprise.archive", "enterprise.restore"])
      .execute();
    expect(actions.map((a) => a.action)).toEqual(["enterprise.archive", "enterprise.restore"]);
  });

  it("is refused to town officers and enterprise users, and rejects an unknown intent", async () => {
    const id = await firmOf("ent-jintang");
    for (const user of ["officer-jintang", "ent-jintang"]) {
      const { result } = await call(profile.action, makeRequest(`/enterprises/${id}`, { cookie: cookies[user], form: { intent: "archive" } }), { id: String(id) });
      expect(statusOf(result)).toBe(403);
    }
    const bad = await call(profile.action, makeRequest(`/enterprises/${id}`, { cookie: cookies.reviewer, form: { intent: "delete" } }), { id: String(id) });
    expect(statusOf(bad.result)).toBe(400);
    expect((await storedRow(id)).archived_at).toBeNull();
  });
});
