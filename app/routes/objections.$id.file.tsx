import fs from "node:fs";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { MIME_EXTENSION, contentDisposition, downloadName, type AttachmentMime } from "~/domain/attachments";
import { getObjectionFile } from "~/models/notice-objection.server";
import { notFound, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import type { RouteHandle } from "~/utils/route-handle";

/** A file that streams for as long as the client reads. */
export const handle: RouteHandle = { skipsQueue: ["GET"] };

/**
 * GET /objections/:id/file — the file attached to a written objection, for the bureau only
 * (reviewers and administrators; anyone else, signed in or not, gets 404 or the sign-in page).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!params.id || !/^[1-9]\d{0,11}$/.test(params.id)) throw notFound();
  const file = await getObjectionFile(db(), user, Number(params.id));
  const mime = file.mime as AttachmentMime;
  const stem = `objection-${file.reference}`;
  const name = downloadName(file.originalName, mime, stem);
  return new Response(createReadableStreamFromReadable(fs.createReadStream(file.path)), {
    headers: {
      "Content-Type": mime,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(name, `${stem}.${MIME_EXTENSION[mime]}`),
      "X-Content-Type-Options": "nosniff",
      // Content filed by the public is never run as a page of this site.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
