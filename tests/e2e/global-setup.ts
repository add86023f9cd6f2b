import fs from "node:fs";
import { buildIfNeeded } from "../../app/server/build";
import { startServer } from "../support/server";

/** Builds the app, starts it on loopback with a fresh database, and hands its URL to the suite. */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  buildIfNeeded();
  const server = await startServer();
  provide("baseUrl", server.url);
  return async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
