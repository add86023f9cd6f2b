/** Stored uploads: kept for their preview and confirmation, then removed after IMPORT_KEEP_DAYS. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dataPaths } from "../../db/client";
import { IMPORT_KEEP_DAYS, loadImportFile, pruneImportFiles, storeImportFile } from "~/models/import-file.server";

const DAY = 86_400_000;
const meta = (fileName: string) => ({ kind: "enterprises" as const, fileName, uploadedBy: 1, uploadedAt: new Date().toISOString() });

/** Sets a stored upload's files (bytes, description) to have been last touched `days` ago. */
function age(id: string, sha256: string, days: number) {
  const dir = path.join(dataPaths().dataDir, "imports");
  const when = new Date(Date.now() - days * DAY);
  for (const name of [`${id}.json`, `${sha256}.bin`]) fs.utimesSync(path.join(dir, name), when, when);
}

describe("stored uploads", () => {
  it("are removed once untouched for the keeping period, and a new upload clears them", async () => {
    const old = await storeImportFile(new TextEncoder().encode("统一社会信用代码,企业名称\nold"), meta("old.csv"));
    const recent = await storeImportFile(new TextEncoder().encode("统一社会信用代码,企业名称\nrecent"), meta("recent.csv"));
    age(old.id, old.sha256, IMPORT_KEEP_DAYS + 1);
    age(recent.id, recent.sha256, IMPORT_KEEP_DAYS - 1);

    const fresh = await storeImportFile(new TextEncoder().encode("统一社会信用代码,企业名称\nfresh"), meta("fresh.csv"));
    // The old upload is gone: its preview asks for the file again.
    expect(await loadImportFile(old.id)).toBeNull();
    expect((await loadImportFile(recent.id))?.meta.fileName).toBe("recent.csv");
    expect((await loadImportFile(fresh.id))?.meta.fileName).toBe("fresh.csv");
  });

  it("counts what it removes and leaves an empty or missing folder alone", async () => {
    const stored = await storeImportFile(new TextEncoder().encode("a,b\n1,2"), meta("count.csv"));
    age(stored.id, stored.sha256, IMPORT_KEEP_DAYS + 5);
    expect(await pruneImportFiles()).toBeGreaterThanOrEqual(2);
    expect(await pruneImportFiles()).toBe(0);
    expect(await pruneImportFiles(Date.now() - 365 * DAY)).toBe(0);
  });
});
