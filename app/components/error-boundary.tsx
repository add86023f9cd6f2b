import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const KNOWN = [400, 403, 404, 409, 413, 429, 500];

/**
 * The one error page: friendly words for 403/404/500 (and the other statuses the registry
 * uses), never a stack trace.
 */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const code = KNOWN.includes(status) ? status : 500;
  const bodyKey = `error.${code}.body` as MessageKey;
  const hasBody = code === 403 || code === 404 || code === 500;
  const detail = isRouteErrorResponse(error) && typeof error.data === "string" && code !== 404 && code !== 403 && code !== 500 ? error.data : null;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__code">{status}</p>
      <h1 id="error-title">{t(`error.${code}.title` as MessageKey)}</h1>
      {hasBody ? <p>{t(bodyKey)}</p> : null}
      {detail ? <p>{detail}</p> : null}
      <p>
        <Link to="/" className="button">
          {t("error.backHome")}
        </Link>
      </p>
    </section>
  );
}
