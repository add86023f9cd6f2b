import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { NoticeCard } from "~/components/notice-list";
import { listPublicNotices } from "~/models/notice-public.server";
import { db } from "~/utils/db.server";
import { useT } from "~/utils/i18n-react";

/** Public: no sign-in. Shows what a published 公示 shows, nothing more. */
export async function loader() {
  const notices = await listPublicNotices(db());
  return { open: notices.filter((n) => n.window === "open"), past: notices.filter((n) => n.window !== "open") };
}

export default function NoticesPage() {
  const { open, past } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("notices.title")}</h1>
          <p className="muted">{t("notices.intro")}</p>
        </div>
      </div>
      <h2>{t("notices.open")}</h2>
      {open.length ? open.map((n) => <NoticeCard key={n.id} notice={n} heading="h2" />) : <p className="muted">{t("notices.none")}</p>}
      <h2>{t("notices.past")}</h2>
      {past.length ? past.map((n) => <NoticeCard key={n.id} notice={n} heading="h2" />) : <p className="muted">{t("notices.none")}</p>}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "认定公示 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
