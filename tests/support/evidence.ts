/**
 * Attaching the evidence a tier requires, as a firm does before submitting: each missing kind
 * through the real model (saveAttachment), each file a small generated PDF.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { dataPaths } from "../../db/client";
import type { Caller } from "../../app/domain/scope";
import { saveAttachment } from "../../app/models/attachment.server";
import { createApplication, saveApplication, type CommandResult } from "../../app/models/application.server";
import type { Level, TierCode } from "../../app/domain/tiers";
import { missingEvidenceOf } from "../../app/models/evidence.server";
import { smallPdf } from "../../seeds/evidence";

/** Uploads one small PDF of each required kind the application lacks; returns the kinds attached. */
export async function attachRequiredEvidence(db: Db, caller: Caller, applicationId: number, tierCode: string): Promise<string[]> {
  const missing = await missingEvidenceOf(db, applicationId, tierCode);
  fs.mkdirSync(dataPaths().uploadsDir, { recursive: true });
  for (const kind of missing) {
    const content = smallPdf(`Test evidence: ${kind}`);
    // Beside the uploads, so the model's rename never crosses file systems.
    const tempPath = path.join(dataPaths().uploadsDir, `.evidence-${crypto.randomBytes(8).toString("hex")}.pdf`);
    fs.writeFileSync(tempPath, content);
    const saved = await saveAttachment(db, caller, applicationId, kind, {
      tempPath,
      originalName: `${kind}.pdf`,
      mime: "application/pdf",
      size: content.length,
      sha256: crypto.createHash("sha256").update(content).digest("hex"),
    });
    if (!saved.ok) throw new Error(`could not attach ${kind} to application ${applicationId}: ${saved.reason}`);
  }
  return missing;
}

/**
 * Starts an application and submits it as a firm does: a draft, the required files, then the
 * submission (version 2 afterwards, as a submission straight from the new form once was).
 */
export async function createSubmitted(
  db: Db,
  caller: Caller,
  enterpriseId: number,
  tierCode: TierCode,
  input: { year: number; levelSought: Level; payload: Record<string, unknown> },
): Promise<CommandResult> {
  const draft = await createApplication(db, caller, enterpriseId, tierCode, { ...input, submit: false });
  if (!draft.ok) return draft;
  await attachRequiredEvidence(db, caller, draft.id, tierCode);
  return saveApplication(db, caller, draft.id, { ...input, version: 1, submit: true });
}
