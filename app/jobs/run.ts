/**
 * npm run jobs -- --once [--force] [--job NAME]
 * Runs the scheduled jobs that are due, prints what each did as JSON and exits: for deployments
 * that run jobs from cron instead of (or beside) the server's own scheduler. Safe to run twice or
 * beside a running server: each job runs under its lease and writes each effect once.
 */
import { migrateToLatest, openDatabase } from "../../db/client";
import { runDueJobs } from "./scheduler";

async function main() {
  const args = process.argv.slice(2);
  if (!args.includes("--once")) {
    console.error("usage: npm run jobs -- --once [--force] [--job NAME]...");
    process.exit(2);
  }
  const only = args.flatMap((a, i) => (a === "--job" && args[i + 1] ? [args[i + 1]!] : []));
  const database = openDatabase();
  try {
    await database.check();
    await migrateToLatest(database.db);
    const reports = await runDueJobs(database.db, { force: args.includes("--force"), only: only.length ? only : undefined });
    console.log(JSON.stringify(reports, null, 2));
  } finally {
    await database.db.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
