import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  UploadRefused,
  attachmentOutcomeUrl,
  attachmentPageOf,
  type AttachmentPage,
  checkUploadAllowed,
  createEvidenceUploadHandler,
  saveAttachment,
  type AttachmentRefusal,
} from "~/models/attachment.server";
import { attachmentUploadSchema } from "~/schemas/attachment.server";
import { getApplicationSummary } from "~/models/application-read.server";
import { notFound, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { parseMultipartForm } from "~/utils/multipart.server";

/**
 * POST /applications/:id/attachments uploads one evidence file (multipart, works without
 * JavaScript); every outcome goes back to the application page, where the list shows it.
 */

function applicationIdOf(param: string | undefined): number {
  if (!param || !/^\d{1,12}$/.test(param)) throw notFound();
  return Number(param);
}

function back(applicationId: number, outcome: { notice: "uploaded" } | { error: AttachmentRefusal }, fileName?: string, page?: AttachmentPage) {
  return redirect(attachmentOutcomeUrl(applicationId, outcome, fileName, page), 303);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = applicationIdOf(params.id);
  await getApplicationSummary(db(), user, id); // 404 outside the caller's scope
  return redirect(`/applications/${id}`);
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Roles are checked by the model after the scope, so out of scope is always 404.
  const user = await requireUser(request);
  const applicationId = applicationIdOf(params.id);
  const page = attachmentPageOf(request);
  // Scope, status and the 20-file limit are checked before a byte of the body is read.
  const allowed = await checkUploadAllowed(db(), user, applicationId);
  if (!allowed.ok) return back(applicationId, { error: allowed.reason }, "", page);

  const upload = createEvidenceUploadHandler();
  let formData: FormData;
  try {
    formData = await parseMultipartForm(request, upload.handler);
  } catch (error) {
    await upload.discard();
    if (error instanceof UploadRefused) return back(applicationId, { error: error.reason }, error.fileName, page);
    // Not multipart at all ("Could not parse content as FormData"), or a body cut short.
    if (error instanceof TypeError || (error instanceof Error && /multipart|boundary|stream/i.test(error.message))) {
      return back(applicationId, { error: "malformed" }, "", page);
    }
    throw error;
  }

  const file = upload.received();
  let kept = false;
  try {
    const submission = parseWithZod(formData, { schema: attachmentUploadSchema });
    if (submission.status !== "success") return back(applicationId, { error: "kind" }, file?.originalName, page);
    if (!file) return back(applicationId, { error: "empty" }, "", page);
    const saved = await saveAttachment(db(), user, applicationId, submission.value.kind, file);
    if (!saved.ok) return back(applicationId, { error: saved.reason }, file.originalName, page);
    kept = true;
    return back(applicationId, { notice: "uploaded" }, file.originalName, page);
  } finally {
    if (!kept) await upload.discard();
  }
}
