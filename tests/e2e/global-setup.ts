import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildIfNeeded, root } from "../../app/server/build";
import { startServer } from "../support/server";

/** Every /build/… file the server build refers to exists in its public folder. */
function missingAssets(buildDir: string): string[] {
  const server = fs.readFileSync(path.join(buildDir, "index.js"), "utf8");
  const urls = new Set(server.match(/"\/build\/[^"]+\.(?:js|css)"/g)?.map((u) => u.slice(1, -1)) ?? []);
  return [...urls].filter((url) => !fs.existsSync(path.join(buildDir, "public", url.slice("/build/".length))));
}

function remixBuild() {
  const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("remix build failed");
}

/**
 * Builds the app, starts it on loopback with a fresh database, and hands its URL to the suite.
 * The server runs from a private copy of build/ (inside node_modules so packages still resolve):
 * on a shared working tree someone else's rebuild during the run would otherwise delete the
 * assets its pages load. A copy caught halfway through someone's build is detected and redone.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  buildIfNeeded();
  const buildCopy = fs.mkdtempSync(path.join(root, "node_modules/.cache/registry-e2e-"));
  const copied = path.join(buildCopy, "build");
  for (let attempt = 1; ; attempt++) {
    fs.rmSync(copied, { recursive: true, force: true });
    fs.cpSync(path.join(root, "build"), copied, { recursive: true });
    const missing = missingAssets(copied);
    if (missing.length === 0) break;
    if (attempt === 3) throw new Error(`build/ is inconsistent, missing ${missing.slice(0, 3).join(", ")}`);
    console.log(`build/ was mid-rebuild (missing ${missing[0]}); building again`);
    remixBuild();
  }
  const server = await startServer({ env: { REGISTRY_BUILD_DIR: copied } });
  provide("baseUrl", server.url);
  provide("databasePath", path.join(server.dataDir, "registry.db"));
  return async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    fs.rmSync(buildCopy, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databasePath: string;
  }
}
