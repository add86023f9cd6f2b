import { LEVEL_NAMES, getTier, type Level, type TierCode } from "~/domain/tiers";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

type T = ReturnType<typeof useT>;

/** Short tier name for badges and narrow columns: 专精特新, 升规, 洁美工厂… */
export function tierShortKey(code: TierCode): MessageKey {
  return `ent.tier.short.${code}` as MessageKey;
}

/** A badge's markup; the level is shown only where the tier is awarded at several levels. */
function badge(t: T, tierCode: TierCode, level: Level | null | undefined, muted: boolean | undefined, key?: string) {
  const tier = getTier(tierCode);
  const showLevel = level && tier.levels.length > 1;
  const full = t.pick({ zh: tier.nameZh, en: tier.nameEn }) + (level ? ` · ${t.pick(LEVEL_NAMES[level])}` : "");
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

/** The live tiers a firm holds, as a row of badges ("—" when none); one translator for the row. */
export function TierBadges({ tiers }: { tiers: { tierCode: TierCode; level: Level }[] }) {
  const t = useT();
  if (tiers.length === 0) return <span className="muted" aria-label="—">—</span>;
  return <span className="tier-badges">{tiers.map((h) => badge(t, h.tierCode, h.level, false, h.tierCode))}</span>;
}
