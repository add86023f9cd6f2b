import { Link } from "@remix-run/react";
import { getTier } from "~/domain/tiers";
import type { NoticeWindow } from "~/domain/notice";
import { useT } from "~/utils/i18n-react";

export interface NoticeView {
  id: number;
  title: string;
  startsOn: string;
  endsOn: string;
  workingDays: number;
  office: string;
  phone: string;
  window: NoticeWindow;
  items: { applicationId: number; position: number; firm: string; tierCode: string; town: { zh: string; en: string } }[];
}

/**
 * One published notice as a card: its window and contact, then the list (a plain ordered list,
 * not a table, so that it reads on a phone without scrolling sideways).
 */
export function NoticeCard({ notice, heading = "h2", linkTitle = true }: { notice: NoticeView; heading?: "h1" | "h2"; linkTitle?: boolean }) {
  const t = useT();
  const H = heading;
  const titleId = `notice-${notice.id}-title`;
  return (
    <section className="card notice" aria-labelledby={titleId}>
      <H id={titleId} className="notice__title">
        {linkTitle ? <Link to={`/notices/${notice.id}`}>{notice.title}</Link> : notice.title}{" "}
        <span className={`badge ${notice.window === "open" ? "badge--info" : "badge--muted"}`}>{t(`notices.state.${notice.window}`)}</span>
      </H>
      <p className="notice__window">{t("notices.window", { start: notice.startsOn, end: notice.endsOn, days: notice.workingDays })}</p>
      <p className="notice__contact muted">{t("notices.contact", { office: notice.office, phone: notice.phone })}</p>
      <ol className="notice__items">
        {notice.items.map((item) => {
          const tier = getTier(item.tierCode as Parameters<typeof getTier>[0]);
          return (
            <li key={item.applicationId} className="notice__item">
              <strong className="notice__firm">{item.firm}</strong>
              <span className="notice__meta">
                {t.pick({ zh: tier.nameZh, en: tier.nameEn })} · {t.pick(item.town)}
              </span>
            </li>
          );
        })}
      </ol>
      {notice.window === "open" ? (
        <p>
          <Link className="button button--primary" to={`/notices/${notice.id}/objection`}>
            {t("notices.object")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
