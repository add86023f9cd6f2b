import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { NoticeCard } from "~/components/notice-list";
import { getPublicNotice, noticeIdOf } from "~/models/notice-public.server";
import { db } from "~/utils/db.server";
import { useT } from "~/utils/i18n-react";

/** Public: one published notice (an unknown or unpublished id answers 404). */
export async function loader({ params }: LoaderFunctionArgs) {
  return { notice: await getPublicNotice(db(), noticeIdOf(params.id)) };
}

export default function NoticePage() {
  const { notice } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/notices">{t("notices.back")}</Link>
      </p>
      <NoticeCard notice={notice} heading="h1" linkTitle={false} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "认定公示 · 定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
