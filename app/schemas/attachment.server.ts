import { z } from "zod";
import { ATTACHMENT_KINDS } from "~/domain/attachments";

/** The text part of the upload form; the file itself is checked while it streams in. */
export const attachmentUploadSchema = z.object({ kind: z.enum(ATTACHMENT_KINDS) });
