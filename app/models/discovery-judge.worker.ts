/**
 * The judging thread of a large discovery run: judges one batch per message and answers with
 * its candidates and the run's criteria dictionary as it stands after them. Started by
 * discovery-judge-thread.server.ts; an error here answers the batch as failed, and the run is
 * marked failed by its worker, never the server.
 */
import { parentPort } from "node:worker_threads";
import { judgeFirms, type FirmTuple, type JudgeContext } from "./discovery-judge.server";
import type { CriterionText } from "../domain/discovery";

export interface JudgeRequest {
  context: JudgeContext;
  dictionary: Record<string, CriterionText>;
  firms: FirmTuple[];
}

parentPort!.on("message", (request: JudgeRequest) => {
  try {
    const results = judgeFirms(request.firms, request.context, request.dictionary);
    parentPort!.postMessage({ ok: true, results, dictionary: request.dictionary });
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
