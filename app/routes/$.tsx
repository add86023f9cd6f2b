import type { LoaderFunctionArgs } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { notFound, requireUser } from "~/utils/auth.server";

/** Any unknown path: anonymous visitors sign in first, then everyone gets the same 404 page. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  throw notFound();
}

export async function action({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  throw notFound();
}

export default function NotFoundPage() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
