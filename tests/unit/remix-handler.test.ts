import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeBody } from "~/server/remix-handler";

/** A body of `chunks` 1 kB chunks that counts how often it was pulled and whether it was cancelled. */
function countingBody(chunks: number) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled === chunks) return controller.close();
        controller.enqueue(new Uint8Array(1024).fill(state.pulled % 256));
        state.pulled++;
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

/** A client that reads only when told to. */
function slowClient() {
  const waiting: (() => void)[] = [];
  const received: number[] = [];
  const res = new Writable({
    highWaterMark: 4096,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk[0]!);
      waiting.push(callback);
    },
  });
  const readAll = () => waiting.splice(0).forEach((cb) => cb());
  return { res, received, readAll };
}

const turn = () => new Promise((r) => setTimeout(r, 5));

describe("writing a streamed body", () => {
  it("produces no faster than the client reads, and sends everything in order", async () => {
    const { body, state } = countingBody(200);
    const client = slowClient();
    const done = writeBody(body, client.res as any);
    for (let i = 0; i < 5; i++) await turn();
    // Stalled client: the body was pulled only until the socket's buffer filled (4 kB).
    expect(state.pulled).toBeLessThanOrEqual(6);
    while (state.pulled < 200 || !client.res.writableFinished) {
      client.readAll();
      await turn();
    }
    await done;
    expect(client.received).toEqual(Array.from({ length: 200 }, (_, i) => i % 256));
  });

  it("stops producing and cancels the body when the client goes away", async () => {
    const { body, state } = countingBody(10_000);
    const client = slowClient();
    const done = writeBody(body, client.res as any);
    await turn();
    client.res.destroy();
    await done;
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(20);
  });
});
