/**
 * Required evidence (必需证明材料): which kinds of file each tier requires before a firm can
 * submit, kept per tier by the bureau (/admin/checklists), and what an application still lacks.
 */
import { Forbidden } from "~/domain/errors";
import { transact } from "../../db/dialect/transact";
import type { Db } from "../../db/client";
import { ATTACHMENT_KINDS, inWorkOrder, missingEvidence, type AttachmentKind } from "~/domain/attachments";
import { seesEverything, type Caller } from "~/domain/scope";
import { TIER_CODES, type TierCode } from "~/domain/tiers";
import { recordAudit } from "./audit.server";

/** The kinds a tier requires, in the order of the work. */
export async function requiredEvidence(db: Db, tierCode: string): Promise<AttachmentKind[]> {
  const rows = await db.selectFrom("tier_evidence_kinds").select("kind").where("tier_code", "=", tierCode).where("required", "=", 1).execute();
  return inWorkOrder(rows.map((r) => r.kind));
}

/** Every tier's required kinds, for the bureau's page. */
export async function listEvidenceRequirements(db: Db): Promise<Record<TierCode, AttachmentKind[]>> {
  const rows = await db.selectFrom("tier_evidence_kinds").select(["tier_code", "kind"]).where("required", "=", 1).execute();
  return Object.fromEntries(TIER_CODES.map((tier) => [tier, inWorkOrder(rows.filter((r) => r.tier_code === tier).map((r) => r.kind))])) as Record<TierCode, AttachmentKind[]>;
}

/**
 * The required kinds an application has no live file of, in the order of the work. `db` may be
 * a transaction, so a submission checks what is there when it commits.
 */
export async function missingEvidenceOf(db: Db, applicationId: number, tierCode: string): Promise<AttachmentKind[]> {
  const [required, attached] = await Promise.all([
    requiredEvidence(db, tierCode),
    db.selectFrom("attachments").select("kind").where("application_id", "=", applicationId).where("deleted_at", "is", null).execute(),
  ]);
  return missingEvidence(
    required,
    attached.map((a) => a.kind),
  );
}

/**
 * Sets which kinds each tier requires (the bureau only). Tiers left out of `requirements` are
 * unchanged. One audit row names each tier whose list changed, before and after; nothing changed,
 * nothing written.
 */
export async function setEvidenceRequirements(db: Db, actor: Caller, requirements: Partial<Record<TierCode, readonly AttachmentKind[]>>): Promise<{ changed: TierCode[] }> {
  if (!seesEverything(actor)) throw new Forbidden("role");
  return transact(db, async (trx) => {
    const before = await listEvidenceRequirements(trx);
    const now = new Date().toISOString();
    const changes: Record<string, { before: AttachmentKind[]; after: AttachmentKind[] }> = {};
    for (const tier of TIER_CODES) {
      const wanted = requirements[tier];
      if (!wanted) continue;
      const after = inWorkOrder(wanted);
      if (after.join() === before[tier].join()) continue;
      changes[tier] = { before: before[tier], after };
      for (const kind of ATTACHMENT_KINDS) {
        const required = after.includes(kind) ? 1 : 0;
        await trx
          .insertInto("tier_evidence_kinds")
          .values({ tier_code: tier, kind, required, updated_at: now, updated_by: actor.id })
          .onConflict((oc) => oc.columns(["tier_code", "kind"]).doUpdateSet({ required, updated_at: now, updated_by: actor.id }))
          .execute();
      }
    }
    const changed = Object.keys(changes) as TierCode[];
    if (changed.length) {
      await recordAudit(trx, { actorId: actor.id, action: "evidence.update", subject: changed.join(","), data: changes });
    }
    return { changed };
  });
}
