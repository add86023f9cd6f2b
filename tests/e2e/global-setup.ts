import fs from "node:fs";
import path from "node:path";
import { buildIfNeeded, root } from "../../app/server/build";
import { startServer } from "../support/server";

/**
 * Builds the app, starts it on loopback with a fresh database, and hands its URL to the suite.
 * The server runs from a private copy of build/ (inside node_modules so packages still resolve):
 * a rebuild by someone else during the run would otherwise delete the assets its pages load.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  buildIfNeeded();
  const buildCopy = fs.mkdtempSync(path.join(root, "node_modules/.cache/registry-e2e-"));
  fs.cpSync(path.join(root, "build"), path.join(buildCopy, "build"), { recursive: true });
  const server = await startServer({ env: { REGISTRY_BUILD_DIR: path.join(buildCopy, "build") } });
  provide("baseUrl", server.url);
  return async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    fs.rmSync(buildCopy, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
