import { useT } from "~/utils/i18n-react";

/** "有效期至 2027-06-30（剩 N 天）" / "…（已过期 N 天）", flagged within 30 days and once expired. */
export function ValidityText({ validUntil, daysLeft }: { validUntil: string; daysLeft: number }) {
  const t = useT();
  return (
    <span className={daysLeft <= 30 ? "badge badge--warn" : undefined} data-valid-until={validUntil}>
      {daysLeft < 0 ? t("val.expired", { date: validUntil, n: -daysLeft }) : t("val.left", { date: validUntil, n: daysLeft })}
    </span>
  );
}
