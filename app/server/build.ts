import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
export const buildEntry = path.join(root, "build/index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function buildIfNeeded() {
  const sources = Math.max(newestMtime(path.join(root, "app")), newestMtime(path.join(root, "db")), fs.statSync(path.join(root, "remix.config.js")).mtimeMs);
  if (fs.existsSync(buildEntry) && fs.statSync(buildEntry).mtimeMs >= sources) return;
  console.log("Building the app (remix build)…");
  const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("remix build failed");
}
