import type { UploadHandler } from "@remix-run/node";

/**
 * A multipart form read with the platform's own parser (the web Request's formData()), handing
 * each part to a Remix upload handler as `unstable_parseMultipartFormData` would. Remix's parser
 * refuses legal file names such as `a=b.pdf` or `报告;v2.pdf` ("mismatched quotations") and failed
 * the request; the platform's reads them as browsers send them. The HTTP layer has already read
 * the body within its limit and checked that it parses (app/server/request-body.ts), so holding it
 * here costs no more than that.
 */
export async function parseMultipartForm(request: Request, handler: UploadHandler): Promise<FormData> {
  if (!(request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new TypeError("Could not parse content as FormData: not multipart/form-data");
  }
  const parsed = await request.formData();
  const result = new FormData();
  for (const [name, value] of parsed.entries()) {
    const isFile = typeof value !== "string";
    const bytes = isFile ? new Uint8Array(await value.arrayBuffer()) : new TextEncoder().encode(value);
    const handled = await handler({
      name,
      filename: isFile ? value.name : undefined,
      contentType: isFile ? value.type || "application/octet-stream" : "text/plain",
      data: (async function* () {
        if (bytes.byteLength) yield bytes;
      })(),
    });
    if (handled !== null && handled !== undefined) result.append(name, handled);
  }
  return result;
}
