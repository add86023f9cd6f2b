/** A firm's profile page: the firm, every award it ever had (live, expired, revoked) and its applications. */
import { daysBetween } from "~/domain/validity";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import type { Status } from "~/domain/state-machine";
import type { Level, TierCode } from "~/domain/tiers";
import { getEnterprise, type EnterpriseDetail } from "~/models/enterprise.server";
import { todayInShanghai } from "~/utils/format";

// ───────────────────────────── profile ─────────────────────────────

export type AwardState = "live" | "expired" | "revoked";

export interface AwardView {
  id: number;
  tierCode: TierCode;
  level: Level;
  year: number;
  recognizedOn: string | null;
  validUntil: string | null;
  documentNo: string | null;
  revokedOn: string | null;
  revokedReason: string | null;
  state: AwardState;
  /** Days until valid_until (negative once expired); null without one (0015). */
  daysLeft: number | null;
  /** The day a renewal (复核) superseded it (0015). */
  endedOn: string | null;
}

export interface ApplicationSummary {
  id: number;
  tierCode: TierCode;
  year: number;
  levelSought: Level | null;
  status: Status;
  submittedAt: string | null;
  updatedAt: string;
}

export interface EnterpriseProfile extends EnterpriseDetail {
  awards: AwardView[];
  applications: ApplicationSummary[];
}

export function awardState(award: { revoked_on: string | null; valid_until: string | null }, today: string): AwardState {
  if (award.revoked_on !== null) return "revoked";
  if (award.valid_until !== null && award.valid_until < today) return "expired";
  return "live";
}

/** The profile page: the firm, every award it ever had, and its applications (newest first). */
export async function getEnterpriseProfile(db: Db, caller: Caller, id: number, today = todayInShanghai()): Promise<EnterpriseProfile | null> {
  const detail = await getEnterprise(db, caller, id);
  if (!detail) return null;
  const [awards, applications] = await Promise.all([
    db
      .selectFrom("awards")
      .select(["id", "tier_code", "level", "year", "recognized_on", "valid_until", "document_no", "revoked_on", "revoked_reason", "ended_on"])
      .where("enterprise_id", "=", id)
      .orderBy("year", "desc")
      .orderBy("id", "desc")
      .execute(),
    db
      .selectFrom("applications")
      .select(["id", "tier_code", "year", "level_sought", "status", "submitted_at", "updated_at"])
      .where("enterprise_id", "=", id)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute(),
  ]);
  return {
    ...detail,
    awards: awards.map((a) => ({
      id: a.id,
      tierCode: a.tier_code as TierCode,
      level: a.level,
      year: a.year,
      recognizedOn: a.recognized_on,
      validUntil: a.valid_until,
      documentNo: a.document_no,
      revokedOn: a.revoked_on,
      revokedReason: a.revoked_reason,
      state: awardState(a, today),
      daysLeft: a.valid_until ? daysBetween(today, a.valid_until) : null,
      endedOn: a.ended_on,
    })),
    applications: applications.map((a) => ({
      id: a.id,
      tierCode: a.tier_code as TierCode,
      year: a.year,
      levelSought: a.level_sought,
      status: a.status,
      submittedAt: a.submitted_at,
      updatedAt: a.updated_at,
    })),
  };
}
