import type { EntryContext } from "@remix-run/node";
import { createElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLoaderData } from "~/utils/whole-page.server";

function contextWith(stream?: ReadableStream<Uint8Array>): EntryContext {
  return { serverHandoffStream: stream, renderMeta: { didRenderScripts: false } } as unknown as EntryContext;
}

function streamOf(chunks: Uint8Array[], options: { end: boolean } = { end: true }): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (options.end) controller.close();
    },
  });
}

describe("readLoaderData", () => {
  it("hands the whole stream to the page as one chunk already read, characters split across chunks included", async () => {
    const bytes = new TextEncoder().encode('[{"name":"定海区修改"}]');
    // Cut inside 修 (three bytes in UTF-8), as a stream may.
    const cut = bytes.indexOf(0xe4, 15) + 1;
    const context = contextWith(streamOf([bytes.subarray(0, cut), bytes.subarray(cut)]));
    await readLoaderData(context);
    const chunk = context.renderMeta!.streamCache![0]!;
    expect(chunk.result).toEqual({ done: true, value: '[{"name":"定海区修改"}]' });
    await expect(chunk).resolves.toBeUndefined();
    // What RemixServer was given before is kept.
    expect(context.renderMeta!.didRenderScripts).toBe(false);
    // The stream is free again for RemixServer's own reader, which never needs to read it.
    expect(context.serverHandoffStream!.locked).toBe(false);
  });

  it("does nothing when there is no stream", async () => {
    const context = contextWith(undefined);
    await readLoaderData(context);
    expect(context.renderMeta!.streamCache).toBeUndefined();
  });

  it("fails, instead of waiting for ever, when the stream does not end in time", async () => {
    const context = contextWith(streamOf([new TextEncoder().encode("[1]")], { end: false }));
    await expect(readLoaderData(context, 20)).rejects.toThrow("页面数据未在 20 毫秒内就绪");
    expect(context.renderMeta!.streamCache).toBeUndefined();
  });
});

/** A list long enough to cross many of React's 2 kB output buffers, in Chinese. */
function chineseList() {
  return createElement(
    "ul",
    null,
    Array.from({ length: 3000 }, (_, i) => createElement("li", { key: i }, `修改${i}企业名称甲乙丙丁${"x".repeat(i % 7)}`)),
  );
}

function viaPipeableStream(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Uint8Array, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
      final(done) {
        resolve(Buffer.concat(chunks));
        done();
      },
    });
    const stream = renderToPipeableStream(chineseList(), { onAllReady: () => stream.pipe(sink), onError: reject });
  });
}

describe("why pages are rendered to a string", () => {
  it("renderToString writes Chinese text intact", () => {
    expect(renderToString(chineseList())).not.toContain("\0");
  });

  it("React's Node streaming renderer still breaks multi-byte characters at its buffers' ends (when this fails, Remix's default entry can come back)", async () => {
    const bytes = await viaPipeableStream();
    // 修改184企业名\0称: a character cut at a 2 kB boundary leaves a NUL byte in the page.
    expect(bytes.includes(0)).toBe(true);
  });
});
