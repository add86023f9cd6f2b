/**
 * Every action refused for every role and scope that may not take it: out of scope answers 404
 * (the same as missing), in scope but not allowed answers 403, and nothing is written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "~/routes/applications._index";
import * as newRoute from "~/routes/applications.new";
import { call, makeRequest } from "../support/requests";
import { appRow, cookieOf, eventsOf, getDetail, getEdit, postDetail, postEdit, postNew, redirectedId, specializedForm, statusOf } from "./applications.helpers";

/** A valid body for each action, so a refusal can only come from authorization. */
function bodyFor(intent: string, version: number): Record<string, string> {
  const v = String(version);
  switch (intent) {
    case "approve":
      return { intent, version: v, level: "provincial", recognizedOn: "2026-12-01", documentNo: "测〔2026〕1号" };
    case "reject":
    case "return":
      return { intent, version: v, reasonCode: "other", comment: "测试" };
    case "revoke":
      return { intent, version: v, reason: "测试", revokedOn: "2026-12-01" };
    case "opinion":
      return { intent, version: v, opinion: "recommend", comment: "测试" };
    default:
      return { intent, version: v };
  }
}

const DECISIONS = ["approve", "reject", "return", "revoke"] as const;
let submitted: number; // ent-jintang's (金塘), submitted
let approved: number; // ent-jintang's, approved
let draft: number; // ent-jintang's, draft

beforeAll(async () => {
  submitted = redirectedId((await postNew("ent-jintang", "specialized-new", specializedForm())).result);
  draft = redirectedId((await postNew("ent-jintang", "listed", { intent: "save", year: specializedForm().year as string })).result);
  approved = redirectedId(
    (
      await postNew("ent-jintang", "scaled-up", {
        intent: "submit",
        year: specializedForm().year as string,
        contactName: "邬晓燕",
        contactPhone: "13857201368",
        description: "x",
        declaration: "on",
        route: "guide",
        priorYearRevenueWan: "1800",
        ytdRevenueWan: "2100",
        expectedMonth: "2026-10",
      })
    ).result,
  );
  const r = await postDetail("reviewer", approved, bodyFor("approve", 2) as Record<string, string>);
  expect(statusOf(r.result)).toBe(400); // provincial is not a level of 升规
  await postDetail("reviewer", approved, { ...bodyFor("approve", 2), level: "district" });
  expect((await appRow(approved)).status).toBe("approved");
});

async function unchanged(id: number, run: () => Promise<unknown>) {
  const before = await appRow(id);
  const events = (await eventsOf(id)).length;
  await run();
  expect(await appRow(id)).toEqual(before);
  expect((await eventsOf(id)).length).toBe(events);
}

describe("out of scope: 404, as if missing", () => {
  for (const username of ["ent-yancang", "officer-yancang"]) {
    it(`${username} cannot see or touch a 金塘 firm's application`, async () => {
      expect(statusOf((await getDetail(username, submitted)).result)).toBe(404);
      expect(statusOf((await getEdit(username, draft)).result)).toBe(404);
      for (const intent of [...DECISIONS, "withdraw", "opinion"]) {
        await unchanged(submitted, async () => {
          const { result } = await postDetail(username, submitted, bodyFor(intent, 2));
          expect(statusOf(result), `${username} ${intent}`).toBe(404);
        });
      }
      await unchanged(draft, async () => {
        const { result } = await postEdit(username, draft, specializedForm({ intent: "save", version: "1" }));
        expect(statusOf(result)).toBe(404);
      });
    });
  }

  it("answers a missing or malformed id with 404", async () => {
    expect(statusOf((await getDetail("reviewer", 99_999_999)).result)).toBe(404);
    expect(statusOf((await getDetail("reviewer", "abc")).result)).toBe(404);
    expect(statusOf((await postDetail("reviewer", 99_999_999, bodyFor("approve", 1))).result)).toBe(404);
  });

  it("does not let an enterprise apply for another firm", async () => {
    // The enterprise param is ignored for an enterprise: it always applies for its own firm.
    const { result } = await postNew("ent-yancang", "quality-factory", { intent: "save", year: specializedForm().year as string }, "&enterprise=1");
    const id = redirectedId(result);
    expect((await appRow(id)).enterprise_id).not.toBe(1);
  });
});

describe("in scope but not allowed: 403", () => {
  it("a town officer may not decide, withdraw or edit its town's applications", async () => {
    expect(statusOf((await getDetail("officer-jintang", submitted)).result)).toBe(200);
    for (const intent of [...DECISIONS, "withdraw"]) {
      await unchanged(submitted, async () => {
        const { result } = await postDetail("officer-jintang", submitted, bodyFor(intent, 2));
        expect(statusOf(result), intent).toBe(403);
      });
    }
    expect(statusOf((await getEdit("officer-jintang", draft)).result)).toBe(403);
    await unchanged(draft, async () => {
      expect(statusOf((await postEdit("officer-jintang", draft, { intent: "save", year: "2027", version: "1" })).result)).toBe(403);
    });
    const newPage = await call(newRoute.loader, makeRequest("/applications/new?tier=listed", { cookie: await cookieOf("officer-jintang") }));
    expect(statusOf(newPage.result)).toBe(403);
    expect(statusOf((await postNew("officer-jintang", "listed", { intent: "save", year: "2027" })).result)).toBe(403);
  });

  it("an enterprise may not approve, reject, return or revoke its own application, nor give the town's opinion", async () => {
    for (const intent of [...DECISIONS, "opinion"]) {
      const id = intent === "revoke" ? approved : submitted;
      await unchanged(id, async () => {
        const { result } = await postDetail("ent-jintang", id, bodyFor(intent, (await appRow(id)).version));
        expect(statusOf(result), intent).toBe(403);
      });
    }
  });

  it("the bureau may not give the town's opinion", async () => {
    for (const username of ["reviewer", "admin"]) {
      await unchanged(submitted, async () => {
        expect(statusOf((await postDetail(username, submitted, bodyFor("opinion", 2))).result)).toBe(403);
      });
    }
  });
});

describe("allowed role, wrong state: 409 with the conflict message", () => {
  it("approving a draft, withdrawing an approved one, an opinion on a draft, a stale version", async () => {
    const cases: [string, number, string][] = [
      ["reviewer", draft, "approve"],
      ["ent-jintang", approved, "withdraw"],
      ["officer-jintang", draft, "opinion"],
      ["reviewer", submitted, "return"], // stale: version 1, it is 2
    ];
    for (const [username, id, intent] of cases) {
      await unchanged(id, async () => {
        const version = intent === "return" ? 1 : (await appRow(id)).version;
        const body = id === draft && intent === "approve" ? { ...bodyFor(intent, version), level: "district" } : bodyFor(intent, version);
        const { result } = await postDetail(username, id, body);
        expect(statusOf(result), `${username} ${intent}`).toBe(409);
      });
    }
  });
});

describe("anonymous callers", () => {
  it("are sent to sign in, from every loader and action", async () => {
    const list = await call(listRoute.loader, makeRequest("/applications"));
    expect((list.result as Response).headers.get("Location")).toMatch(/^\/login/);
    const { loader, action } = await import("~/routes/applications.$id");
    const d = await call(loader, makeRequest(`/applications/${submitted}`), { id: String(submitted) });
    expect((d.result as Response).headers.get("Location")).toMatch(/^\/login/);
    await unchanged(submitted, async () => {
      const a = await call(action, makeRequest(`/applications/${submitted}`, { form: bodyFor("approve", 2) }), { id: String(submitted) });
      expect((a.result as Response).status).toBe(302);
    });
  });
});
