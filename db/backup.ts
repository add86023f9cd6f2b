/**
 * `npm run backup`: an online backup of the registry while the app keeps running — the SQLite
 * backup API copies a consistent snapshot page by page — plus a copy of the uploaded files,
 * then a check of the copy (quick_check and row counts). Prints where the backup is.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { dataPaths } from "./client";

export const COUNTED_TABLES = ["enterprises", "awards", "applications", "application_events", "attachments", "users", "targets", "audit_log"] as const;

export interface BackupResult {
  dir: string;
  databaseFile: string;
  uploadsDir: string;
  files: number;
  counts: Record<string, number>;
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")
    .replace("T", "-");
}

function countRows(sqlite: Database.Database): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    counts[table] = (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return counts;
}

function copyDir(from: string, to: string): number {
  let files = 0;
  fs.mkdirSync(to, { recursive: true });
  if (!fs.existsSync(from)) return 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) files += copyDir(src, dst);
    else if (entry.isFile()) {
      fs.copyFileSync(src, dst);
      files += 1;
    }
  }
  return files;
}

export async function backup(options: { databasePath: string; uploadsDir: string; outDir: string; now?: Date }): Promise<BackupResult> {
  const dir = path.join(options.outDir, `registry-${stamp(options.now ?? new Date())}`);
  fs.mkdirSync(dir, { recursive: true });
  const databaseFile = path.join(dir, "registry.db");
  const source = new Database(options.databasePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(databaseFile);
  } finally {
    source.close();
  }
  // Uploads are written once under random keys and never changed, so a plain copy after the
  // database snapshot holds every file the snapshot refers to.
  const uploadsDir = path.join(dir, "uploads");
  const files = copyDir(options.uploadsDir, uploadsDir);
  const copy = new Database(databaseFile, { readonly: true });
  try {
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`quick_check of the backup failed: ${String(check)}`);
    return { dir, databaseFile, uploadsDir, files, counts: countRows(copy) };
  } finally {
    copy.close();
  }
}

async function main() {
  const { dataDir, databasePath, uploadsDir } = dataPaths();
  const outDir = path.resolve(process.env.BACKUP_DIR ?? path.join(dataDir, "backups"));
  if (!fs.existsSync(databasePath)) {
    console.error(`No database at ${databasePath}: start the app once, or set DATABASE_PATH.`);
    process.exit(1);
  }
  const result = await backup({ databasePath, uploadsDir, outDir });
  console.log(`Backup written to ${result.dir}`);
  console.log(`  database: ${result.databaseFile} (quick_check ok)`);
  console.log(`  uploads:  ${result.uploadsDir} (${result.files} files)`);
  for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(20)} ${n}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
