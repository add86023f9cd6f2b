import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { serverDatabaseEnv } from "./test-db";

const root = path.resolve(import.meta.dirname, "../..");

export interface RunningServer {
  url: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * Starts the real server the way `npm start` does, on a loopback port, against a data folder
 * (a fresh one unless given), and waits until /healthz answers.
 */
export async function startServer(options: { dataDir?: string; env?: Record<string, string>; preload?: string[] } = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "registry-http-"));
  const port = await freePort();
  let log = "";
  // node with tsx's loader in one process: a signal reaches the server itself, never an orphan.
  const preload = (options.preload ?? []).flatMap((module) => ["--import", module]);
  const child = spawn(process.execPath, ["--import", "tsx", ...preload, "app/server/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_PATH: path.join(dataDir, "registry.db"),
      UPLOADS_DIR: path.join(dataDir, "uploads"),
      REGISTRY_SKIP_BUILD: "1",
      // The in-process scheduler is off unless a test asks for it.
      JOBS_INTERVAL_SECONDS: "0",
      ...(await serverDatabaseEnv(dataDir)),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    process: child,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Signs a demo account in through the server's form; the session cookie ("name=value"). */
export async function signInTo(server: RunningServer, username: string): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: server.url },
    body: new URLSearchParams({ username, password: "demo-password" }),
  });
  if (res.status !== 302) throw new Error(`sign-in of ${username} answered ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
