/**
 * Recognition-list import: a province or city list of recognised firms becomes
 * awards of the matched firms. Rows matching no firm, or matching by name only while the list
 * gives another credit code, are set aside for a person to resolve; awards already recorded
 * are recognised, never doubled (one live award per firm, tier and year is a unique index).
 */
import { transact } from "../../db/dialect/transact";
import { isUniqueViolation } from "../../db/dialect/sql";
import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { parseDateCell, parseYearCell } from "~/domain/import/cells";
import { AWARD_FIELDS, findHeader, sheetRecords, type AwardFieldKey } from "~/domain/import/headers";
import { firmNameKey, matchLevel, matchTier } from "~/domain/import/places";
import { seesEverything, type Caller } from "~/domain/scope";
import { LEVEL_NAMES, getTier, type Level, type TierCode } from "~/domain/tiers";
import { validateUscc } from "~/domain/uscc";
import { validUntilFrom, validityStart } from "~/domain/validity";
import { loadTierValidity } from "~/models/validity.server";
import { recordAudit } from "~/models/audit.server";
import type { ImportFileRef } from "~/models/import.server";
import type { Sheet } from "~/models/import-file.server";
import { translate, type Lang, type MessageKey } from "~/utils/i18n";

/** The batch's common values, for lists that state them once in the title rather than per row. */
export interface AwardDefaults {
  tier?: TierCode;
  level?: Level;
  year?: number;
  documentNo?: string;
  recognizedOn?: string;
}

export type AwardRowKind = "new" | "exists" | "conflict" | "unmatched" | "mismatch" | "error";

export interface AwardRowPlan {
  row: number;
  kind: AwardRowKind;
  name: string | null;
  uscc: string | null;
  firm: { id: number; name: string; uscc: string } | null;
  tier: TierCode | null;
  level: Level | null;
  year: number | null;
  documentNo: string | null;
  recognizedOn: string | null;
  validUntil: string | null;
  /** Why the row is not written (errors, or what a person has to resolve). */
  notes: string[];
}

export interface AwardPreview {
  headerRow: number | null;
  columns: { header: string; field: AwardFieldKey }[];
  ignoredColumns: string[];
  fileErrors: string[];
  rows: AwardRowPlan[];
  counts: Record<AwardRowKind, number> & { blank: number };
  digest: string;
}

const LABEL_OF = Object.fromEntries(AWARD_FIELDS.map((f) => [f.key, f.label])) as Record<AwardFieldKey, string>;

function digestOf(rows: AwardRowPlan[]): string {
  const hash = createHash("sha256");
  for (const r of rows) hash.update(JSON.stringify([r.row, r.kind, r.firm?.id ?? null, r.tier, r.level, r.year, r.documentNo, r.recognizedOn, r.validUntil]));
  return hash.digest("hex");
}

function emptyCounts(): AwardPreview["counts"] {
  return { new: 0, exists: 0, conflict: 0, unmatched: 0, mismatch: 0, error: 0, blank: 0 };
}

async function inBatches<T, R>(items: T[], size: number, run: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await run(items.slice(i, i + size))));
  return out;
}

export async function previewAwardImport(db: Db, sheet: Sheet, defaults: AwardDefaults, lang: Lang): Promise<AwardPreview> {
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const counts = emptyCounts();
  const header = findHeader(sheet.rows, AWARD_FIELDS);
  const base = { rows: [] as AwardRowPlan[], counts, digest: digestOf([]) };
  if (!header) return { ...base, headerRow: null, columns: [], ignoredColumns: [], fileErrors: [t("imp.file.noHeader")] };
  const columns = header.columns.map((c) => ({ header: c.header, field: c.key }));
  const has = (key: AwardFieldKey) => header.columns.some((c) => c.key === key);
  const fileErrors: string[] = [];
  if (!has("name") && !has("uscc")) fileErrors.push(t("imp.file.needFirmColumn"));
  if (!has("tier") && !defaults.tier) fileErrors.push(t("imp.file.needTier"));
  if (fileErrors.length) return { ...base, headerRow: header.headerRow + 1, columns, ignoredColumns: header.ignored, fileErrors };
  const validity = await loadTierValidity(db);
  const headerOf = (key: AwardFieldKey) => header.columns.find((c) => c.key === key)?.header ?? LABEL_OF[key];
  const cellMessage = (row: number, key: AwardFieldKey, message: string) => t("imp.cell", { row, column: headerOf(key), message });

  type Parsed = Omit<AwardRowPlan, "kind" | "firm"> & { nameKey: string | null };
  const parsed: Parsed[] = [];
  for (const { row, raw, text } of sheetRecords<AwardFieldKey>(sheet.rows, header, () => counts.blank++)) {
    const notes: string[] = [];

    const name = text("name").replace(/\s+/g, " ") || null;
    let uscc: string | null = null;
    if (typeof raw.uscc === "number") notes.push(cellMessage(row, "uscc", t("imp.err.usccNumber")));
    else if (text("uscc") !== "") {
      const check = validateUscc(text("uscc"));
      if (check.ok) uscc = check.value;
      else notes.push(cellMessage(row, "uscc", lang === "en" ? check.messageEn : check.message));
    }
    if (!name && !uscc && notes.length === 0) notes.push(cellMessage(row, "name", t("imp.err.firmMissing")));

    let tier: TierCode | null = defaults.tier ?? null;
    let impliedLevel: Level | undefined;
    if (text("tier") !== "") {
      const m = matchTier(text("tier"));
      if (m) {
        tier = m.tier;
        impliedLevel = m.level;
      } else notes.push(cellMessage(row, "tier", t("imp.err.tier", { value: text("tier") })));
    }
    let level: Level | null = impliedLevel ?? defaults.level ?? null;
    if (text("level") !== "") {
      const m = matchLevel(text("level"));
      if (m) level = m;
      else notes.push(cellMessage(row, "level", t("imp.err.level", { value: text("level") })));
    }
    if (tier && !level) {
      const levels = getTier(tier).levels;
      if (levels.length === 1) level = levels[0]!;
      else notes.push(cellMessage(row, "level", t("imp.err.levelMissing")));
    }
    if (tier && level && !getTier(tier).levels.includes(level)) {
      notes.push(
        cellMessage(
          row,
          "level",
          t("imp.err.levelNotForTier", {
            tier: getTier(tier).nameZh,
            levels: getTier(tier)
              .levels.map((l) => LEVEL_NAMES[l].zh)
              .join("、"),
          }),
        ),
      );
    }
    let recognizedOn: string | null = defaults.recognizedOn ?? null;
    if (text("recognizedOn") !== "" || raw.recognizedOn instanceof Date) {
      const d = parseDateCell(raw.recognizedOn ?? null);
      if (d) recognizedOn = d;
      else notes.push(cellMessage(row, "recognizedOn", t("imp.err.date", { value: text("recognizedOn") })));
    }
    let validUntil: string | null = null;
    if (text("validUntil") !== "" || raw.validUntil instanceof Date) {
      const d = parseDateCell(raw.validUntil ?? null);
      if (d) validUntil = d;
      else notes.push(cellMessage(row, "validUntil", t("imp.err.date", { value: text("validUntil") })));
    }
    let year: number | null = defaults.year ?? null;
    if (text("year") !== "") {
      const y = parseYearCell(raw.year ?? null);
      if (y) year = y;
      else notes.push(cellMessage(row, "year", t("imp.err.yearCell", { value: text("year") })));
    }
    year ??= recognizedOn ? Number(recognizedOn.slice(0, 4)) : null;
    if (year === null && notes.length === 0) notes.push(cellMessage(row, "year", t("imp.err.yearMissing")));
    // Unless the list gives it, validity by the bureau's settings of the tier (0015).
    if (validUntil === null && tier && year !== null) {
      validUntil = validUntilFrom(validityStart(recognizedOn, year), validity.get(tier)?.validityMonths ?? null);
    }
    const documentNo = text("documentNo").slice(0, 100) || defaults.documentNo || null;
    parsed.push({ row, name, uscc, tier, level, year, documentNo, recognizedOn, validUntil, notes, nameKey: name ? firmNameKey(name) : null });
  }

  // Firms by code, and by name (both bracket widths, as lists and the registry differ).
  const codes = [...new Set(parsed.map((p) => p.uscc).filter((c): c is string => c !== null))];
  const byCode = new Map(
    (await inBatches(codes, 500, (b) => db.selectFrom("enterprises").select(["id", "name", "uscc"]).where("uscc", "in", b).execute())).map((f) => [f.uscc, f]),
  );
  const names = [...new Set(parsed.flatMap((p) => (p.name ? [p.name, p.name.replace(/\(/g, "（").replace(/\)/g, "）"), p.nameKey!] : [])))];
  const byName = new Map<string, { id: number; name: string; uscc: string }[]>();
  for (const f of await inBatches(names, 500, (b) => db.selectFrom("enterprises").select(["id", "name", "uscc"]).where("name", "in", b).execute())) {
    const key = firmNameKey(f.name);
    const list = byName.get(key) ?? [];
    if (!list.some((x) => x.id === f.id)) list.push(f);
    byName.set(key, list);
  }

  const rows: AwardRowPlan[] = parsed.map(({ nameKey, ...p }) => {
    const plan: AwardRowPlan = { ...p, kind: "error", firm: null };
    if (p.notes.length > 0) return plan;
    const coded = p.uscc ? byCode.get(p.uscc) : undefined;
    const named = nameKey ? (byName.get(nameKey) ?? []) : [];
    if (coded) {
      plan.firm = coded;
      plan.kind = "new";
    } else if (p.uscc && named.length > 0) {
      plan.kind = "mismatch";
      plan.notes.push(t("imp.award.mismatch", { name: named[0]!.name, uscc: named[0]!.uscc, given: p.uscc }));
    } else if (!p.uscc && named.length === 1) {
      plan.firm = named[0]!;
      plan.kind = "new";
    } else if (!p.uscc && named.length > 1) {
      plan.kind = "unmatched";
      plan.notes.push(t("imp.award.ambiguous", { n: named.length }));
    } else {
      plan.kind = "unmatched";
      plan.notes.push(t("imp.award.unmatched"));
    }
    return plan;
  });

  // Awards already held (live) for the same firm, tier and year: recognised, not doubled.
  const matched = rows.filter((r) => r.kind === "new");
  const firmIds = [...new Set(matched.map((r) => r.firm!.id))];
  const live = await inBatches(firmIds, 500, (b) =>
    db.selectFrom("awards").select(["enterprise_id", "tier_code", "year", "level", "document_no"]).where("enterprise_id", "in", b).where("revoked_on", "is", null).execute(),
  );
  const liveKey = (id: number, tier: string, year: number) => `${id}|${tier}|${year}`;
  const held = new Map(live.map((a) => [liveKey(a.enterprise_id, a.tier_code, a.year), a]));
  const seen = new Map<string, number>();
  for (const r of matched) {
    const key = liveKey(r.firm!.id, r.tier!, r.year!);
    const existing = held.get(key);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      r.kind = "error";
      r.notes.push(t("imp.award.duplicateInFile", { row: earlier }));
    } else if (existing) {
      const same = existing.level === r.level && (r.documentNo === null || existing.document_no === r.documentNo);
      r.kind = same ? "exists" : "conflict";
      if (!same) {
        r.notes.push(t("imp.award.conflict", { level: LEVEL_NAMES[existing.level].zh, doc: existing.document_no ?? "—" }));
      }
    }
    seen.set(key, r.row);
  }
  for (const r of rows) counts[r.kind]++;
  return { headerRow: header.headerRow + 1, columns, ignoredColumns: header.ignored, fileErrors: [], rows, counts, digest: digestOf(rows) };
}

export type AwardCommitResult = { ok: true; created: number; counts: AwardPreview["counts"] } | { ok: false; reason: "changed" | "nothing" | "file-errors" | "forbidden" };

class Changed extends Error {}

/** Writes the new awards of a previewed list in one transaction, or nothing. */
export async function commitAwardImport(
  db: Db,
  caller: Caller,
  sheet: Sheet,
  file: ImportFileRef,
  options: { defaults: AwardDefaults; digest: string; lang: Lang; now?: Date },
): Promise<AwardCommitResult> {
  if (!seesEverything(caller)) return { ok: false, reason: "forbidden" };
  const now = (options.now ?? new Date()).toISOString();
  try {
    return await transact(db, async (trx): Promise<AwardCommitResult> => {
      const preview = await previewAwardImport(trx, sheet, options.defaults, options.lang);
      if (preview.fileErrors.length > 0) return { ok: false, reason: "file-errors" };
      if (preview.digest !== options.digest) return { ok: false, reason: "changed" };
      const fresh = preview.rows.filter((r) => r.kind === "new");
      if (fresh.length === 0) return { ok: false, reason: "nothing" };
      for (let i = 0; i < fresh.length; i += 500) {
        await trx
          .insertInto("awards")
          .values(
            fresh.slice(i, i + 500).map((r) => ({
              enterprise_id: r.firm!.id,
              tier_code: r.tier!,
              level: r.level!,
              year: r.year!,
              recognized_on: r.recognizedOn,
              valid_until: r.validUntil,
              document_no: r.documentNo,
              application_id: null,
              revoked_on: null,
              revoked_reason: null,
              created_by: caller.id,
              created_at: now,
            })),
          )
          .execute();
      }
      await recordAudit(trx, {
        actorId: caller.id,
        action: "import.awards",
        subject: `import:${file.sha256}`,
        data: { fileName: file.fileName, sha256: file.sha256, defaults: options.defaults, counts: preview.counts, created: fresh.length },
      });
      return { ok: true, created: fresh.length, counts: preview.counts };
    });
  } catch (error) {
    // An award recorded by someone else between the preview and this write.
    if (isUniqueViolation(error) || error instanceof Changed) return { ok: false, reason: "changed" };
    throw error;
  }
}
