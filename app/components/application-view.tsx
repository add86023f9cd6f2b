/**
 * Read-only pieces of an application: status badge, the labelled payload, the history timeline.
 */
import type { ReactNode } from "react";
import { formatWan } from "~/domain/money";
import { ACTION_NAMES, REASON_NAMES, STATUS_NAMES, TOWN_OPINION_NAMES, isAction, isReasonCode, isStatus, isTownOpinion, type Role, type Status } from "~/domain/state-machine";
import { LEVEL_NAMES, getTier, isLevel, type Level, type TierCode } from "~/domain/tiers";
import { usesChecklist } from "~/domain/eligibility";
import { formatDate, formatDateTime } from "~/utils/format";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";
import { TIER_FIELDS, COMMON_FIELDS, fieldLabelKey, labelYears, optionLabelKey, type PayloadField } from "./application-fields";

const STATUS_TONE: Record<Status, string> = {
  draft: "badge--muted",
  submitted: "badge--info",
  returned: "badge--warn",
  approved: "badge--ok",
  rejected: "badge--bad",
  withdrawn: "badge--muted",
  revoked: "badge--bad",
  publicized: "badge--info",
};

export function StatusBadge({ status }: { status: Status }) {
  const t = useT();
  return <span className={`badge ${STATUS_TONE[status]}`}>{t.pick(STATUS_NAMES[status])}</span>;
}

/**
 * The level sought, the same on every page: the level chosen, the tier's only level when it has
 * one, else "not given".
 */
export function LevelSought({ tierCode, level }: { tierCode: TierCode; level: Level | null }) {
  const t = useT();
  const levels = getTier(tierCode).levels;
  const shown = level ?? (levels.length === 1 ? levels[0]! : null);
  return shown ? <>{t.pick(LEVEL_NAMES[shown])}</> : <span className="muted">{t("apps.detail.notFilled")}</span>;
}

export function OpinionBadge({ opinion }: { opinion: string | null }) {
  const t = useT();
  if (!isTownOpinion(opinion)) return null;
  return <span className={`badge ${opinion === "recommend" ? "badge--ok" : "badge--bad"}`}>{t.pick(TOWN_OPINION_NAMES[opinion])}</span>;
}

function useFormatValue() {
  const t = useT();
  return (field: PayloadField, value: unknown): ReactNode => {
    if (value === undefined || value === null || value === "") {
      return <span className="muted">{t("apps.detail.notFilled")}</span>;
    }
    switch (field.kind) {
      case "money":
        // The English label already names the unit, "(¥10,000)"; the Chinese reads "… 万元".
        return typeof value === "number" ? (t.lang === "en" ? formatWan(value, { grouping: true }) : `${formatWan(value, { grouping: true })} 万元`) : String(value);
      case "enum":
        return typeof value === "string" ? t(optionLabelKey(field, value)) : String(value);
      case "bool":
        return value === true ? t("common.yes") : value === false ? t("common.no") : String(value);
      case "certificates":
        return Array.isArray(value) && value.length > 0 ? value.map((v) => t(optionLabelKey(field, String(v)))).join(t.lang === "en" ? "; " : "；") : t("common.none");
      case "decimal":
      case "int":
        return field.key === "debtRatioPercent" ? `${String(value)}%` : String(value);
      default:
        return String(value);
    }
  };
}

export interface ChecklistLabel {
  code: string;
  labelZh: string;
  labelEn: string;
  required: boolean;
}

/** Every field of the application, labelled, money in 万元. */
export function PayloadView({
  tierCode,
  payload,
  checklist,
  year,
  currentYear,
}: {
  tierCode: TierCode;
  payload: Record<string, unknown>;
  checklist: ChecklistLabel[];
  /** The application's year: labels name the years before it. */
  year: number;
  /** The calendar year the figures "to date" were typed in (of the submission, else today). */
  currentYear: number;
}) {
  const t = useT();
  const years = labelYears(year, currentYear);
  const format = useFormatValue();
  const ticks = (payload.checklist ?? {}) as Record<string, unknown>;
  // Items answered in the payload but since removed from the bureau's list still show, by code.
  const extraCodes = Object.keys(ticks).filter((c) => !checklist.some((i) => i.code === c));
  return (
    <>
      <h3>{t("apps.section.common")}</h3>
      <dl className="facts">
        {COMMON_FIELDS.map((f) => (
          <div key={f.key} className={f.kind === "textarea" ? "facts__wide" : undefined}>
            <dt>{t(fieldLabelKey(f.key), years)}</dt>
            <dd className={f.kind === "textarea" ? "prewrap" : undefined}>{format(f, payload[f.key])}</dd>
          </div>
        ))}
        <div>
          <dt>{t("apps.field.declaration.short")}</dt>
          <dd>{payload.declaration === true ? `✓ ${t("common.yes")}` : <span className="muted">{t("common.no")}</span>}</dd>
        </div>
      </dl>
      {TIER_FIELDS[tierCode].length > 0 ? (
        <>
          <h3>{t("apps.section.tier")}</h3>
          <dl className="facts">
            {TIER_FIELDS[tierCode].map((f) => (
              <div key={f.key}>
                <dt>{t(fieldLabelKey(f.key), years)}</dt>
                <dd>{format(f, payload[f.key])}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      {usesChecklist(tierCode) ? (
        <>
          <h3>{t("apps.section.checklist")}</h3>
          {checklist.length === 0 && extraCodes.length === 0 ? (
            <p className="muted">{t("apps.checklist.empty")}</p>
          ) : (
            <ul className="checklist-view">
              {checklist.map((item) => {
                const ticked = ticks[item.code] === true;
                return (
                  <li key={item.code} className={ticked ? "is-met" : "is-unmet"}>
                    <span aria-hidden="true">{ticked ? "✓" : "✗"}</span> <span className="visually-hidden">{ticked ? t("common.yes") : t("common.no")}: </span>
                    {t.pick({ zh: item.labelZh, en: item.labelEn })}
                    {item.required ? <span className="badge">{t("apps.checklist.required")}</span> : null}
                  </li>
                );
              })}
              {extraCodes.map((code) => (
                <li key={code} className={ticks[code] === true ? "is-met" : "is-unmet"}>
                  <span aria-hidden="true">{ticks[code] === true ? "✓" : "✗"}</span> {code}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </>
  );
}

export interface TimelineEvent {
  id: number;
  at: string;
  actorName: string | null;
  actorRole: Role | null;
  action: string;
  fromStatus: Status | null;
  toStatus: Status | null;
  comment: string | null;
  data: Record<string, unknown> | null;
}

/** The full history: who, when (Beijing time), from → to, reason and comment. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  const t = useT();
  return (
    <ol className="timeline">
      {events.map((e) => {
        const name = e.action === "create" ? t("apps.event.create") : isAction(e.action) ? t.pick(ACTION_NAMES[e.action]) : e.action;
        const reason = e.data && isReasonCode(e.data.reason) ? t.pick(REASON_NAMES[e.data.reason]) : null;
        const opinion = e.data && isTownOpinion(e.data.opinion) ? e.data.opinion : null;
        const details: string[] = [];
        if (e.data && isLevel(e.data.level)) details.push(t("apps.event.level", { level: t.pick(LEVEL_NAMES[e.data.level]) }));
        if (e.data && typeof e.data.recognizedOn === "string") details.push(t("apps.event.recognizedOn", { date: e.data.recognizedOn }));
        if (e.data && typeof e.data.documentNo === "string") details.push(t("apps.event.documentNo", { no: e.data.documentNo }));
        if (e.data && typeof e.data.revokedOn === "string") details.push(t("apps.event.revokedOn", { date: formatDate(e.data.revokedOn) }));
        return (
          <li key={e.id} className={`timeline__item timeline__item--${e.action}`}>
            <div className="timeline__head">
              <strong>{name}</strong>
              {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && isStatus(e.fromStatus) && isStatus(e.toStatus) ? (
                <span className="timeline__move">
                  {t.pick(STATUS_NAMES[e.fromStatus])} → {t.pick(STATUS_NAMES[e.toStatus])}
                </span>
              ) : null}
              {opinion ? <OpinionBadge opinion={opinion} /> : null}
            </div>
            <div className="timeline__meta muted small">
              <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              {" · "}
              {e.actorName ?? t("apps.event.system")}
              {e.actorRole ? (t.lang === "en" ? ` (${t(`role.${e.actorRole}` as MessageKey)})` : `（${t(`role.${e.actorRole}` as MessageKey)}）`) : ""}
            </div>
            {reason ? (
              <p className="timeline__reason">
                {t("apps.detail.reason")}
                {reason}
              </p>
            ) : null}
            {e.comment ? <p className="timeline__comment prewrap">{e.comment}</p> : null}
            {details.length ? <p className="timeline__data small">{details.join(t.lang === "en" ? "; " : "；")}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}
