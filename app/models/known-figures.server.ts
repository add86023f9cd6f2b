/**
 * What the registry already knows of a firm, as an application payload (the keys of
 * app/components/application-fields.tsx): the one source the start page's pre-check and the
 * forms' prefill read. It is the firm's yearly figures (enterprise_figures) of the year before
 * the application's, with the year before that for the criteria that read two years.
 */
import { NotFound } from "~/domain/errors";
import type { Db } from "../../db/client";
import type { Caller } from "~/domain/scope";
import { eligibilityPayloadOf } from "~/models/figures.server";
import { getEnterprise } from "~/models/enterprise.server";

export interface KnownFigures {
  /** Payload keys with the values the registry holds; absent when it holds none. */
  payload: Record<string, number>;
  /** The year the figures are of (the year before `year`), for labels. */
  figuresYear: number;
  aboveScale: boolean;
}

/**
 * The firm's known figures for an application of `year`, within the caller's scope (404
 * otherwise): its figures of `year - 1`, none when the firm has not reported that year (older
 * figures would be shown under the wrong year's label).
 */
export async function knownEligibilityPayload(db: Db, caller: Caller, enterpriseId: number, year: number): Promise<KnownFigures> {
  if (!Number.isSafeInteger(enterpriseId) || enterpriseId <= 0) throw new NotFound("enterprise");
  const firm = await getEnterprise(db, caller, enterpriseId);
  if (!firm || firm.archivedAt) throw new NotFound("enterprise");
  const known = await eligibilityPayloadOf(db, caller, enterpriseId, year - 1);
  return { payload: known?.payload ?? {}, figuresYear: year - 1, aboveScale: firm.aboveScale };
}
