import fs from "node:fs";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { MIME_EXTENSION, contentDisposition, downloadName } from "~/domain/attachments";
import { getAttachmentFile } from "~/models/attachment.server";
import { notFound, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import type { RouteHandle } from "~/utils/route-handle";

/** A file that streams for as long as the client reads. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/** GET /attachments/:id — downloads an evidence file the caller may see (404 otherwise). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!params.id || !/^\d{1,12}$/.test(params.id)) throw notFound();
  const file = await getAttachmentFile(db(), user, Number(params.id));
  const fallback = `attachment-${file.id}.${MIME_EXTENSION[file.mime]}`;
  const name = downloadName(file.originalName, file.mime, `attachment-${file.id}`);
  return new Response(createReadableStreamFromReadable(fs.createReadStream(file.path)), {
    headers: {
      "Content-Type": file.mime,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(name, fallback),
      "X-Content-Type-Options": "nosniff",
      // Uploaded content is never run as a page of this site, even if a browser tried.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
