import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { attachmentOutcomeUrl, attachmentPageOf, removeAttachment } from "~/models/attachment.server";
import { notFound, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";

/** POST /attachments/:id/delete removes (soft-deletes) an evidence file, then back to the application. */
export async function action({ request, params }: ActionFunctionArgs) {
  // The model checks scope (404) before role (403 for a town officer).
  const user = await requireUser(request);
  if (!params.id || !/^\d{1,12}$/.test(params.id)) throw notFound();
  const result = await removeAttachment(db(), user, Number(params.id));
  const page = attachmentPageOf(request);
  const url = result.ok
    ? attachmentOutcomeUrl(result.applicationId, { notice: "removed" }, result.name, page)
    : attachmentOutcomeUrl(result.applicationId, { error: result.reason }, "", page);
  return redirect(url, 303);
}
