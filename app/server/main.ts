/**
 * `npm start`: builds the app if its build is missing or older than the sources, migrates the
 * database, loads reference and demo data into an empty database, and serves on HOST:PORT.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createDb, dataPaths, migrateToLatest, openSqlite } from "../../db/client";
import { seedIfEmpty } from "../../seeds/index";
import { buildEntry, buildIfNeeded } from "./build";
import { installLastResortGuard } from "./last-resort";
import { startMeasurement } from "./measure";
import { rememberRouteMatches } from "./route-matching";

async function prepareDatabase() {
  const { databasePath, uploadsDir } = dataPaths();
  fs.mkdirSync(uploadsDir, { recursive: true });
  const sqlite = openSqlite(databasePath);
  const db = createDb(sqlite);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) console.log(`Migrations applied: ${applied.join(", ")}`);
    const { seeded } = await seedIfEmpty(db);
    console.log(seeded ? `Demo data loaded into ${databasePath}` : `Using ${databasePath}`);
  } finally {
    await db.destroy();
  }
}

async function main() {
  process.env.NODE_ENV ??= "production";
  // Test runs build once up front, then start many servers from that build.
  if (process.env.REGISTRY_SKIP_BUILD !== "1") buildIfNeeded();
  await prepareDatabase();
  startMeasurement();
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
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
