/**
 * Impossible dates are refused by every path that writes one: the single approval form, bulk
 * approval, and the recognition-list import (its batch date and its cells). Bad dates stored
 * before are reported by migration 0007.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import * as bulk from "~/routes/applications.bulk";
import * as importPage from "~/routes/enterprises.import";
import { createSubmitted } from "../support/evidence";
import { previewAwardImport } from "~/models/award-import.server";
import { readSheet } from "~/models/import-file.server";
import { up as reportInvalidDates } from "../../db/migrations/0007_invalid_dates";
import { db } from "~/utils/db.server";
import { call, dataOf, makeRequest, statusOf } from "../support/requests";
import { caller, cookie, csvOf, seededFirms, utf8 } from "./import.helpers";

let reviewerCookie = "";

beforeAll(async () => {
  reviewerCookie = await cookie("reviewer");
});

async function submittedApplication(firmIndex: number): Promise<number> {
  const firms = await seededFirms(20);
  const r = await createSubmitted(db(), await caller("reviewer"), firms[firmIndex]!.id, "quality-factory", {
    year: 2041,
    levelSought: "district",
    payload: { contactName: "测试" },
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.id;
}

describe("impossible dates", () => {
  it("are refused by bulk approval, by the field, and nothing is approved", async () => {
    const id = await submittedApplication(0);
    for (const recognizedOn of ["2026-02-30", "0001-06-30", "2026-13-01"]) {
      const form = { intent: "preview", decision: "approve", level: "district", recognizedOn, documentNo: "定经信〔2041〕1号", id: [String(id)] };
      const { result } = await call(bulk.action, makeRequest("/applications/bulk", { cookie: reviewerCookie, form }));
      expect(statusOf(result), recognizedOn).toBe(400);
      expect(dataOf(result).result.error.recognizedOn[0]).toContain("1990–2100");
    }
    const row = await db().selectFrom("applications").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.status).toBe("submitted");
    expect(await db().selectFrom("awards").select("id").where("application_id", "=", id).execute()).toHaveLength(0);
  });

  it("are refused as a recognition list's batch date and read as errors in its cells", async () => {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("kind", "awards");
    form.append("tier", "quality-factory");
    form.append("level", "district");
    form.append("year", "2041");
    form.append("recognizedOn", "2041-02-30");
    form.append("file", new File([new Uint8Array(utf8(csvOf([["企业名称"], ["某某有限公司"]]), true))], "名单.csv", { type: "text/csv" }));
    const { result } = await call(importPage.action, makeRequest("/enterprises/import", { cookie: reviewerCookie, form }));
    expect(statusOf(result)).toBe(400);
    expect(dataOf(result).result.error.recognizedOn[0]).toContain("1990–2100");

    const [firm] = await seededFirms(1);
    const sheet = await readSheet(
      utf8(
        csvOf([
          ["企业名称", "统一社会信用代码", "认定日期"],
          [firm!.name, firm!.uscc, "2041-02-30"],
          [firm!.name, firm!.uscc, "0001-01-01"],
        ]),
      ),
    );
    const preview = await previewAwardImport(db(), sheet, { tier: "quality-factory", level: "district", year: 2041 }, "zh");
    expect(preview.rows.map((r) => r.kind)).toEqual(["error", "error"]);
    expect(JSON.stringify(preview.rows[0])).toContain("2041-02-30");
  });

  it("stored before are reported by the migration check, not changed", async () => {
    const [firm] = await seededFirms(1);
    const award = await db()
      .insertInto("awards")
      .values({
        enterprise_id: firm!.id,
        tier_code: "quality-factory",
        level: "district",
        year: 2042,
        recognized_on: "2042-02-30",
        valid_until: "0001-01-01",
        document_no: "测试",
        application_id: null,
        revoked_on: null,
        revoked_reason: null,
        created_by: null,
        created_at: new Date().toISOString(),
      } as never)
      .returning("id")
      .executeTakeFirstOrThrow();
    await reportInvalidDates(db() as never);
    const row = await db().selectFrom("audit_log").select(["action", "data"]).where("action", "=", "data.invalid-dates").orderBy("id", "desc").executeTakeFirstOrThrow();
    const data = JSON.parse(row.data!) as { count: number; rows: { awardId: number; column: string; value: string }[] };
    expect(data.rows).toEqual(
      expect.arrayContaining([
        { awardId: award.id, column: "recognized_on", value: "2042-02-30" },
        { awardId: award.id, column: "valid_until", value: "0001-01-01" },
      ]),
    );
    const kept = await sql<{ recognized_on: string }>`SELECT recognized_on FROM awards WHERE id = ${award.id}`.execute(db());
    expect(kept.rows[0]!.recognized_on).toBe("2042-02-30");
  });
});
