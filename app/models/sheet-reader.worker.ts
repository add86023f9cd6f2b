/**
 * The sheet reader's thread: reads one spreadsheet per message and answers with its rows or the
 * reason it cannot. Started by readSheet (import-file.server.ts) with a heap limit of its own, so
 * a workbook that still overwhelms exceljs ends this thread, never the server.
 */
import { parentPort } from "node:worker_threads";
import { readSheetHere, SpreadsheetUnreadable } from "./sheet-reader.server";

parentPort!.on("message", async (bytes: Uint8Array) => {
  try {
    parentPort!.postMessage({ ok: true, sheet: await readSheetHere(bytes) });
  } catch (error) {
    const reason = error instanceof SpreadsheetUnreadable ? error.reason : "corrupt";
    parentPort!.postMessage({ ok: false, reason });
  }
});
