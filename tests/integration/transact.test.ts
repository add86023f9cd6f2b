/**
 * A deadlock on PostgreSQL costs a retry, not an error: two transactions lock two rows in
 * opposite orders, the database aborts one, and transact() runs it again. (SQLite runs one
 * writer at a time: there is nothing to interleave there.)
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { transact } from "../../db/dialect/transact";
import { db } from "~/utils/db.server";
import { testDatabaseUrl } from "../support/test-db";

describe.runIf(testDatabaseUrl() !== null)("transactions on PostgreSQL", () => {
  it("run again after a deadlock, and both changes land", async () => {
    const [x, y] = (await sql<{ code: string }>`SELECT code FROM towns ORDER BY code LIMIT 2`.execute(db())).rows.map((r) => r.code);
    let runs = 0;
    let bothHoldOne: () => void = () => {};
    const firstLocks = new Promise<void>((resolve) => {
      let held = 0;
      bothHoldOne = () => {
        held++;
        if (held >= 2) resolve();
      };
    });
    const crossing = (first: string, second: string, label: string) =>
      transact(db(), async (trx) => {
        runs++;
        await sql`UPDATE towns SET name_en = name_en WHERE code = ${first}`.execute(trx);
        bothHoldOne();
        // The first run of each waits until both hold a row; a retry goes straight through.
        await Promise.race([firstLocks, new Promise((r) => setTimeout(r, 3000))]);
        await sql`UPDATE towns SET name_en = name_en WHERE code = ${second}`.execute(trx);
        return label;
      });
    const results = await Promise.all([crossing(x!, y!, "a"), crossing(y!, x!, "b")]);
    expect(results).toEqual(["a", "b"]);
    expect(runs).toBe(3);
  }, 30_000);
});
