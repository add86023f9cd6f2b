/**
 * `npm start`: builds the app if its build is missing or older than the sources, migrates the
 * database, loads reference and demo data into an empty database, and serves on HOST:PORT.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { databaseConfig, dataPaths, migrateToLatest, openDatabase, redactUrl } from "../../db/client";
import { seedIfEmpty } from "../../seeds/index";
import { buildEntry, buildIfNeeded } from "./build";
import { installLastResortGuard } from "./last-resort";
import { rememberRouteMatches } from "./route-matching";
import { schedulerIntervalMs, startScheduler } from "../jobs/scheduler";

async function prepareDatabase() {
  const { uploadsDir } = dataPaths();
  fs.mkdirSync(uploadsDir, { recursive: true });
  const config = databaseConfig();
  const database = openDatabase(config);
  const where = config.dialect === "sqlite" ? config.path : redactUrl(config.url);
  try {
    await database.check();
    const applied = await migrateToLatest(database.db);
    if (applied.length) console.log(`Migrations applied: ${applied.join(", ")}`);
    const { seeded } = await seedIfEmpty(database.db, { uploadsDir });
    console.log(seeded ? `Demo data loaded into ${where}` : `Using ${where}`);
  } finally {
    await database.db.destroy();
  }
}

async function main() {
  process.env.NODE_ENV ??= "production";
  // Test runs build once up front, then start many servers from that build.
  if (process.env.REGISTRY_SKIP_BUILD !== "1") buildIfNeeded();
  await prepareDatabase();
  rememberRouteMatches();
  // The browser suite serves a private copy of the build, so a rebuild by someone else mid-run
  // cannot pull the assets from under its pages.
  const buildDir = process.env.REGISTRY_BUILD_DIR ?? path.dirname(buildEntry);
  const build = await import(pathToFileURL(path.join(buildDir, "index.js")).href);
  const { createApp } = await import("./app");
  const app = createApp(build, { assetsDir: path.join(buildDir, "public") });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "127.0.0.1";
  installLastResortGuard();
  const server = app.listen(port, host, () => {
    console.log(`定海区企业梯度培育登记系统 serving on http://${host}:${port}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  const intervalMs = schedulerIntervalMs();
  if (intervalMs > 0) {
    // The scheduler keeps a database handle of its own; its jobs hold leases, so several
    // processes may each run one.
    const jobsDatabase = openDatabase();
    startScheduler(jobsDatabase.db, intervalMs);
  }
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  // A wrong DATABASE_URL, an unreachable server or a newer schema: one clear line, no stack.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
