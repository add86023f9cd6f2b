import type { EntryContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { readLoaderData } from "~/entry.server";
import { documentBytesOf, documentResponse } from "~/utils/document-body";

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

describe("documentBytesOf", () => {
  it("gives the HTTP layer a rendered page's bytes, as long as nobody has read its body", async () => {
    const bytes = Buffer.from("<!DOCTYPE html><p>定海区</p>");
    const response = documentResponse(bytes, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
    expect(documentBytesOf(response)).toBe(bytes);
    // The body is the same document for anyone who reads it as a stream.
    expect(await response.text()).toBe("<!DOCTYPE html><p>定海区</p>");
    expect(documentBytesOf(response)).toBeNull();
  });

  it("gives nothing for any other response, which is streamed", () => {
    expect(documentBytesOf(new Response("a,b\n1,2\n"))).toBeNull();
  });
});
