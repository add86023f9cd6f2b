import type { Db } from "../../db/client";

export interface TownOption {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: "street" | "town";
  managedBy: "district" | "xincheng";
}

/** The 13 towns and sub-districts in their official order. */
export async function listTowns(db: Db): Promise<TownOption[]> {
  const rows = await db.selectFrom("towns").select(["code", "name_zh", "name_en", "kind", "managed_by"]).orderBy("sort").execute();
  return rows.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, kind: r.kind, managedBy: r.managed_by }));
}

export interface IndustryOption {
  code: string;
  nameZh: string;
  nameEn: string;
  role: string;
}

export async function listIndustries(db: Db): Promise<IndustryOption[]> {
  const rows = await db.selectFrom("industries").select(["code", "name_zh", "name_en", "role"]).orderBy("sort").execute();
  return rows.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, role: r.role }));
}

/** Whether a town or sub-district has this code. */
export async function townExists(db: Db, code: string): Promise<boolean> {
  return (await db.selectFrom("towns").select("code").where("code", "=", code).executeTakeFirst()) !== undefined;
}

/** The codes of every town and sub-district, in their official order. */
export async function listTownCodes(db: Db): Promise<string[]> {
  return (await db.selectFrom("towns").select("code").orderBy("sort").execute()).map((r) => r.code);
}

/** A town's names in both languages, or null when no town has this code. */
export async function getTownNames(db: Db, code: string): Promise<{ zh: string; en: string } | null> {
  const row = await db.selectFrom("towns").select(["name_zh", "name_en"]).where("code", "=", code).executeTakeFirst();
  return row ? { zh: row.name_zh, en: row.name_en } : null;
}
