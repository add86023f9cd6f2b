/**
 * The thread that judges a large discovery run's batches (discovery-judge.worker.ts), so that
 * the run's worker reads the next batch and writes the last one while this one is judged: the
 * judging (14 of a province-scale run's 36 s of CPU) leaves the thread that serves pages and
 * runs beside the database's work on the second core. One thread per run, ended with it;
 * it runs with a heap limit of its own, and a thread that fails or ends rejects the batch it
 * was judging, which fails the run (marked failed with the reason; a new run can be started),
 * never the server.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { CriterionText } from "../domain/discovery";
import type { FirmTuple, JudgeContext, JudgedFirm } from "./discovery-judge.server";

/** The thread's own heap limit: it holds one batch of firms and its candidates at a time. */
export const DISCOVERY_JUDGE_HEAP_MB = 256;

/** The folder with the registry's package.json, from the source tree or from the server build. */
function projectRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "app"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** Runs the TypeScript source through tsx, as the sheet reader's thread does (sheet-reader-thread.server.ts). */
function startWorker(): Worker {
  const root = projectRoot();
  const tsxApi = pathToFileURL(path.join(root, "node_modules/tsx/dist/esm/api/index.mjs")).href;
  const entry = pathToFileURL(path.join(root, "app/models/discovery-judge.worker.ts")).href;
  const script = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(pathToFileURL(root + "/").href)}))`;
  return new Worker(script, { eval: true, resourceLimits: { maxOldGenerationSizeMb: DISCOVERY_JUDGE_HEAP_MB, maxYoungGenerationSizeMb: 8 } });
}

export interface JudgedBatch {
  results: JudgedFirm[];
  /** The run's criteria dictionary after the batch. */
  dictionary: Record<string, CriterionText>;
}

export interface DiscoveryJudge {
  /** Judges one batch; one at a time (a call waits for the one before it). */
  judge(firms: FirmTuple[], context: JudgeContext, dictionary: Record<string, CriterionText>): Promise<JudgedBatch>;
  /** Ends the thread. */
  close(): Promise<void>;
  /** The thread itself (tests end it to see the run fail cleanly). */
  readonly worker: Worker;
}

type Answer = { ok: true; results: JudgedFirm[]; dictionary: Record<string, CriterionText> } | { ok: false; message: string };

export function startDiscoveryJudge(): DiscoveryJudge {
  const worker = startWorker();
  let broken: Error | null = null;
  let pending: { resolve: (batch: JudgedBatch) => void; reject: (error: Error) => void } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const fail = (error: Error) => {
    broken ??= error;
    const p = pending;
    pending = null;
    p?.reject(broken);
  };
  worker.on("message", (answer: Answer) => {
    const p = pending;
    pending = null;
    if (!p) return;
    if (answer.ok) p.resolve({ results: answer.results, dictionary: answer.dictionary });
    else p.reject(new Error(`judging failed: ${answer.message}`));
  });
  worker.on("error", (error: Error & { code?: string }) =>
    fail(new Error(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "the judging thread ran out of memory" : `the judging thread failed: ${error.message}`)),
  );
  worker.on("exit", (code) => fail(new Error(`the judging thread ended (exit code ${code})`)));
  const judgeOne = (firms: FirmTuple[], context: JudgeContext, dictionary: Record<string, CriterionText>) =>
    new Promise<JudgedBatch>((resolve, reject) => {
      if (broken) return reject(broken);
      pending = { resolve, reject };
      worker.postMessage({ context, dictionary, firms });
    });
  return {
    worker,
    judge(firms, context, dictionary) {
      const result = queue.then(() => judgeOne(firms, context, dictionary));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      broken ??= new Error("the judging thread was closed");
      await worker.terminate();
    },
  };
}
