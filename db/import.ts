/**
 * npm run import -- enterprises|awards|figures FILE [--commit] [--as USERNAME]
 *   [--tier CODE] [--level LEVEL] [--year YYYY] [--doc 文号] [--date YYYY-MM-DD]
 *
 * Prints the same preview as the import page, as JSON; writes only with --commit (all or
 * nothing, rows with errors skipped). Runs against DATABASE_PATH (or DATA_DIR), or DATABASE_URL,
 * migrating it and loading the reference data first, so a freshly created database works. Acts as
 * a reviewer or admin account (default: the first active admin), which the audit rows name; with
 * no such account, as the disabled `system` account (created once, never able to sign in).
 * figures: --year is the year the sheet's figures are of (required); enterprises: the year its
 * revenue, R&D and employees go to (default: last year).
 */
import fs from "node:fs";
import path from "node:path";
import { migrateToLatest, openDatabase } from "./client";
import { parseIsoDate } from "../app/domain/dates";
import { isLevel, isTierCode } from "../app/domain/tiers";
import type { Caller } from "../app/domain/scope";
import { commitAwardImport, previewAwardImport, type AwardDefaults } from "../app/models/award-import.server";
import { commitEnterpriseImport, previewEnterpriseImport } from "../app/models/import.server";
import { commitFiguresImport, previewFiguresImport } from "../app/models/figures-import.server";
import { seedReference } from "../seeds/reference";
import type { Db } from "./client";
import { readSheet, sha256Of } from "../app/models/import-file.server";

function usage(message?: string): never {
  if (message) console.error(message);
  console.error("usage: npm run import -- enterprises|awards|figures FILE [--commit] [--as USERNAME] [--tier CODE] [--level LEVEL] [--year YYYY] [--doc 文号] [--date YYYY-MM-DD]");
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  const [kind, file] = args;
  if (kind !== "enterprises" && kind !== "awards" && kind !== "figures") usage();
  if (!file) usage("FILE is missing");
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const commit = args.includes("--commit");
  const defaults: AwardDefaults = {};
  const tier = flag("tier");
  if (tier !== undefined) defaults.tier = isTierCode(tier) ? tier : usage(`unknown tier: ${tier}`);
  const level = flag("level");
  if (level !== undefined) defaults.level = isLevel(level) ? level : usage(`unknown level: ${level}`);
  const year = flag("year");
  if (year !== undefined) defaults.year = /^\d{4}$/.test(year) && Number(year) >= 2000 && Number(year) <= 2100 ? Number(year) : usage(`bad year: ${year}`);
  if (kind === "figures" && defaults.year === undefined) usage("figures: --year YYYY (the year the figures are of) is required");
  if (flag("doc")) defaults.documentNo = flag("doc");
  const date = flag("date");
  if (date !== undefined) defaults.recognizedOn = parseIsoDate(date) ?? usage(`bad date: ${date} (a real YYYY-MM-DD between 1990 and 2100)`);

  const bytes = new Uint8Array(fs.readFileSync(file));
  // SQLite at DATABASE_PATH, or PostgreSQL when DATABASE_URL is set, as the server.
  const { db } = openDatabase();
  try {
    await migrateToLatest(db);
    await seedReference(db);
    const username = flag("as");
    const user = await db
      .selectFrom("users")
      .select(["id", "role", "enterprise_id", "town_code", "username"])
      .where("role", "in", ["reviewer", "admin"])
      .where("disabled_at", "is", null)
      .$if(username !== undefined, (q) => q.where("username", "=", username!))
      .$if(username === undefined, (q) => q.where("role", "=", "admin"))
      .orderBy("id")
      .executeTakeFirst();
    if (!user && username) usage(`no active reviewer or admin named ${username}`);
    const caller: Caller = user
      ? { id: user.id, role: user.role, enterpriseId: user.enterprise_id, townCode: user.town_code }
      : { id: await systemActor(db), role: "admin", enterpriseId: null, townCode: null };
    const sheet = await readSheet(bytes);
    const ref = { fileName: path.basename(file), sha256: sha256Of(bytes) };
    const figuresYear = defaults.year;
    const preview =
      kind === "figures"
        ? await previewFiguresImport(db, sheet, figuresYear!, "zh")
        : kind === "enterprises"
          ? await previewEnterpriseImport(db, sheet, "zh", figuresYear)
          : await previewAwardImport(db, sheet, defaults, "zh");
    const out: Record<string, unknown> = { kind, file: ref.fileName, sha256: ref.sha256, format: sheet.format, encoding: sheet.encoding, ...preview };
    if (commit) {
      out.commit =
        kind === "figures"
          ? await commitFiguresImport(db, caller, sheet, ref, { year: figuresYear!, digest: preview.digest, skipErrors: true, lang: "zh" })
          : kind === "enterprises"
            ? await commitEnterpriseImport(db, caller, sheet, ref, { digest: preview.digest, skipErrors: true, lang: "zh", year: figuresYear })
            : await commitAwardImport(db, caller, sheet, ref, { digest: preview.digest, defaults, lang: "zh" });
    }
    console.log(JSON.stringify(out, null, 2));
    if (commit && !(out.commit as { ok: boolean }).ok) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

/**
 * The account a command acts as when the database has no admin yet (a fresh one): a disabled
 * admin named `system` that cannot sign in (no password hash verifies "!"), created once, so that
 * the rows it writes and the audit log name who wrote them.
 */
async function systemActor(db: Db): Promise<number> {
  const found = await db.selectFrom("users").select("id").where("username", "=", "system").executeTakeFirst();
  if (found) return found.id;
  const at = new Date().toISOString();
  const row = await db
    .insertInto("users")
    .values({
      username: "system",
      display_name: "系统（导入命令）",
      role: "admin",
      enterprise_id: null,
      town_code: null,
      password_hash: "!",
      must_change_password: 0,
      disabled_at: at,
      created_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
