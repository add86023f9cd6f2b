import { sql } from "kysely";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { transact } from "../../db/dialect/transact";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-busy-"));
const file = path.join(dir, "busy.db");
// Two handles on one file, as the server and `npm run jobs` are two processes.
const a = openDatabase({ dialect: "sqlite", path: file });
const b = openDatabase({ dialect: "sqlite", path: file });

afterAll(async () => {
  await a.db.destroy();
  await b.db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("transact on a SQLite file shared by two processes", () => {
  it("runs again a transaction that read, then found at its first write that the other had written", async () => {
    await sql`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`.execute(a.db);
    await sql`INSERT INTO counter (id, n) VALUES (1, 0)`.execute(a.db);
    let runs = 0;
    await transact(a.db, async (trx) => {
      runs++;
      await sql`SELECT n FROM counter WHERE id = 1`.execute(trx);
      // The other handle writes after this transaction's snapshot was taken.
      if (runs === 1) await sql`UPDATE counter SET n = n + 10 WHERE id = 1`.execute(b.db);
      await sql`UPDATE counter SET n = n + 1 WHERE id = 1`.execute(trx);
    });
    expect(runs).toBe(2);
    const row = await sql<{ n: number }>`SELECT n FROM counter WHERE id = 1`.execute(b.db);
    expect(row.rows[0]!.n).toBe(11);
  });
});
