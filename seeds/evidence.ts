/**
 * Evidence files of the demo data: submitted demo applications carry the kinds their tier
 * requires by default, each a small generated PDF (one page naming the kind), so that the
 * registry's own rule — no submission without its required evidence — holds for them too.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Insertable } from "kysely";
import type { AttachmentsTable } from "../db/schema";
import { DEFAULT_REQUIRED_EVIDENCE, type AttachmentKind } from "../app/domain/attachments";

const KIND_NAMES: Record<AttachmentKind, { zh: string; en: string }> = {
  "business-licence": { zh: "营业执照", en: "Business licence" },
  "financial-statements": { zh: "财务报表", en: "Financial statements" },
  "rd-audit": { zh: "研发费用专项审计", en: "R&D expense audit" },
  "ip-certificates": { zh: "知识产权证书", en: "IP certificates" },
  "iso-certificates": { zh: "管理体系认证证书", en: "Management-system certificates" },
  "discharge-permit": { zh: "排污许可证", en: "Discharge permit" },
  "energy-audit": { zh: "能源审计报告", en: "Energy audit report" },
  "self-assessment": { zh: "自评表", en: "Self-assessment form" },
  other: { zh: "其他", en: "Other" },
};

/** A valid one-page PDF showing `title` (ASCII), with a correct cross-reference table. */
export function smallPdf(title: string): Buffer {
  const text = title.replace(/[^\x20-\x7e]/g, "?").replace(/[()\\]/g, "");
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

export interface SubmittedDemoApplication {
  id: number;
  tierCode: string;
  createdAt: string;
  createdBy: number | null;
}

/**
 * One attachment row per required kind of each submitted application, stored under
 * `demo-<application>-<kind>`; when `uploadsDir` is given the files are written there too.
 */
export function demoEvidence(apps: readonly SubmittedDemoApplication[], uploadsDir?: string): Insertable<AttachmentsTable>[] {
  const files = new Map<AttachmentKind, Buffer>();
  const rows: Insertable<AttachmentsTable>[] = [];
  if (uploadsDir) fs.mkdirSync(uploadsDir, { recursive: true });
  for (const app of apps) {
    for (const kind of DEFAULT_REQUIRED_EVIDENCE[app.tierCode] ?? []) {
      if (!files.has(kind)) files.set(kind, smallPdf(`Demo evidence: ${KIND_NAMES[kind].en}`));
      const content = files.get(kind)!;
      const key = `demo-${app.id}-${kind}`;
      if (uploadsDir) fs.writeFileSync(path.join(uploadsDir, key), content);
      rows.push({
        application_id: app.id,
        kind,
        original_name: `${KIND_NAMES[kind].zh}.pdf`,
        mime: "application/pdf",
        size: content.length,
        sha256: crypto.createHash("sha256").update(content).digest("hex"),
        storage_key: key,
        uploaded_by: app.createdBy,
        uploaded_at: app.createdAt,
        deleted_at: null,
      });
    }
  }
  return rows;
}
