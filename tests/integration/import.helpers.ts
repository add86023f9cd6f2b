/** Building the spreadsheets the import tests upload: real XLSX (exceljs) and CSV bytes. */
import ExcelJS from "exceljs";
import { computeCheckChar } from "~/domain/uscc";
import { createSession } from "~/models/session.server";
import { db } from "~/utils/db.server";

/** A valid credit code not in the seed, from a number. */
export function freshUscc(seed: number): string {
  const first17 = `91330902${String(seed).padStart(8, "0")}0`;
  return first17 + computeCheckChar(first17);
}

/** The same code with a wrong check character, and the one it should have. */
export function badCheckUscc(seed: number): { code: string; expected: string; actual: string } {
  const good = freshUscc(seed);
  const expected = good[17]!;
  const actual = expected === "1" ? "2" : "1";
  return { code: good.slice(0, 17) + actual, expected, actual };
}

let gbkTable: Map<string, number[]> | null = null;

/**
 * Node's TextEncoder only writes UTF-8. The GBK encoder for the tests is the decoder run
 * backwards: every two-byte GBK sequence decoded once, kept by the character it gives.
 */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder("gbk");
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (ch.length === 1 && ch !== "\ufffd" && !gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`not encodable in GBK: ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

export function csvOf(rows: (string | number)[][]): string {
  return rows.map((r) => r.map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(",")).join("\r\n") + "\r\n";
}

export function utf8(text: string, bom = false): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (!bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

export async function xlsxOf(build: (sheet: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook.addWorksheet("名单"));
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

export async function caller(username: string) {
  const u = await db().selectFrom("users").select(["id", "role", "enterprise_id", "town_code"]).where("username", "=", username).executeTakeFirstOrThrow();
  return { id: u.id, role: u.role, enterpriseId: u.enterprise_id, townCode: u.town_code };
}

export async function cookie(username: string): Promise<string> {
  const u = await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return `registry_session=${await createSession(db(), u.id)}`;
}

/** Two seeded firms with their stored data, to update and to leave unchanged. */
export async function seededFirms(n: number) {
  return db()
    .selectFrom("enterprises")
    .select(["id", "uscc", "name", "town_code", "industry_code", "revenue_yuan", "employees", "version"])
    .where("archived_at", "is", null)
    .orderBy("id")
    .limit(n)
    .execute();
}
