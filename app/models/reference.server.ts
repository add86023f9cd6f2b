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
  const rows = await db
    .selectFrom("towns")
    .select(["code", "name_zh", "name_en", "kind", "managed_by"])
    .orderBy("sort")
    .execute();
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
