import { LEVEL_NAMES, getTier, type Level, type TierCode } from "~/domain/tiers";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

type T = ReturnType<typeof useT>;

/** Short tier name for badges and narrow columns: 专精特新, 升规, 洁美工厂… */
export function tierShortKey(code: TierCode): MessageKey {
  return `ent.tier.short.${code}` as MessageKey;
}

/** A badge's markup; the level is shown only where the tier is awarded at several levels. */
function badge(t: T, tierCode: TierCode, level: Level | null | undefined, muted: boolean | undefined, key?: string, validity?: string) {
  const tier = getTier(tierCode);
  const showLevel = level && tier.levels.length > 1;
  const full = t.pick({ zh: tier.nameZh, en: tier.nameEn }) + (level ? ` · ${t.pick(LEVEL_NAMES[level])}` : "") + (validity ? ` · ${validity}` : "");
  return (
    <span key={key} className={`badge badge--tier${muted ? " badge--muted" : ""}`} title={full} data-tier={tierCode}>
      {t(tierShortKey(tierCode))}
      {showLevel ? <span className="badge__level">{t.pick(LEVEL_NAMES[level])}</span> : null}
    </span>
  );
}

/** A tier badge; the level is shown only where the tier is awarded at several levels. */
export function TierBadge({ tierCode, level, muted }: { tierCode: TierCode; level?: Level | null; muted?: boolean }) {
  return badge(useT(), tierCode, level, muted);
}

/** Days left below which a title's end of validity shows beside its badge (the first reminder). */
const VALIDITY_SHOWN_DAYS = 180;

/**
 * The live tiers a firm holds, as a row of badges ("—" when none); one translator for the row.
 * A title that lapses says "有效期至 …（剩 N 天）" in its badge's title, and beside the badge once
 * it is within 180 days of its end.
 */
export function TierBadges({ tiers }: { tiers: { tierCode: TierCode; level: Level; validUntil?: string | null; daysLeft?: number | null }[] }) {
  const t = useT();
  if (tiers.length === 0)
    return (
      <span className="muted" aria-label="—">
        —
      </span>
    );
  return (
    <span className="tier-badges">
      {tiers.map((h) => {
        const lapses = h.validUntil && h.daysLeft !== null && h.daysLeft !== undefined;
        const validity = lapses ? t("val.left", { date: h.validUntil!, n: h.daysLeft! }) : undefined;
        const b = badge(t, h.tierCode, h.level, false, h.tierCode, validity);
        if (!lapses || h.daysLeft! > VALIDITY_SHOWN_DAYS) return b;
        return (
          <span key={h.tierCode} className="tier-validity">
            {b}
            <span className={h.daysLeft! <= 30 ? "small badge--warn" : "small muted"} data-valid-until={h.validUntil}>
              {t("val.validShort", { date: h.validUntil!, n: h.daysLeft! })}
            </span>
          </span>
        );
      })}
    </span>
  );
}
