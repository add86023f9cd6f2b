/**
 * The thread that reads spreadsheets: one worker, started on the first upload, kept while
 * uploads come (a workbook of 10,000 rows takes seconds, and preview and confirm follow each
 * other), ended after a minute idle. It runs with a heap limit of its own, so a workbook that
 * overwhelms exceljs despite SHEET_LIMITS ends the worker, which is started afresh for the next
 * file; the page serving thread never parses a sheet.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { SpreadsheetUnreadable, type Sheet, type UnreadableReason } from "./sheet-reader.server";

/** The worker's own heap: enough for the largest sheet SHEET_LIMITS lets through (measured). */
export const SHEET_READER_HEAP_MB = 1536;
const IDLE_MS = 60_000;

/** The folder with the registry's package.json, from the source tree or from the server build. */
function projectRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "app"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/**
 * The worker runs the TypeScript source through tsx, as `npm start` runs the server; it is
 * started from a small script so that it works alike under the server, the CLI and the tests.
 */
function startWorker(): Worker {
  const root = projectRoot();
  const tsxApi = pathToFileURL(path.join(root, "node_modules/tsx/dist/esm/api/index.mjs")).href;
  const entry = pathToFileURL(path.join(root, "app/models/sheet-reader.worker.ts")).href;
  const script = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(pathToFileURL(root + "/").href)}))`;
  return new Worker(script, { eval: true, resourceLimits: { maxOldGenerationSizeMb: SHEET_READER_HEAP_MB } });
}

type Answer = { ok: true; sheet: Sheet } | { ok: false; reason: UnreadableReason };

export function createSheetReader() {
  let worker: Worker | null = null;
  let idle: NodeJS.Timeout | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const readOne = (bytes: Uint8Array) =>
    new Promise<Sheet>((resolve, reject) => {
      if (idle) clearTimeout(idle);
      const w = (worker ??= startWorker());
      const settle = (fn: () => void) => {
        w.off("message", onMessage);
        w.off("error", onError);
        w.off("exit", onExit);
        idle = setTimeout(() => {
          if (worker === w) worker = null;
          void w.terminate();
        }, IDLE_MS);
        idle.unref();
        w.unref();
        fn();
      };
      const onMessage = (answer: Answer) => settle(() => (answer.ok ? resolve(answer.sheet) : reject(new SpreadsheetUnreadable(answer.reason))));
      const onError = (error: Error & { code?: string }) => {
        if (worker === w) worker = null;
        void w.terminate();
        settle(() => reject(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? new SpreadsheetUnreadable("too-big-to-read") : error));
      };
      const onExit = () => {
        if (worker === w) worker = null;
        settle(() => reject(new SpreadsheetUnreadable("too-big-to-read")));
      };
      w.on("message", onMessage);
      w.on("error", onError);
      w.on("exit", onExit);
      w.ref();
      w.postMessage(bytes);
    });

  return {
    /** Reads one sheet; sheets are read one after another. */
    read(bytes: Uint8Array): Promise<Sheet> {
      const result = queue.then(() => readOne(bytes));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
