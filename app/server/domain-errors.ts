import type { ServerBuild } from "@remix-run/node";
import { isDomainError, type DomainError, type DomainErrorKind } from "../domain/errors";

/** The one place where a domain error becomes an HTTP status. */
export const HTTP_STATUS: Record<DomainErrorKind, number> = {
  "not-found": 404,
  forbidden: 403,
  conflict: 409,
  invalid: 400,
};

const STATUS_TEXT: Record<DomainErrorKind, string> = {
  "not-found": "Not Found",
  forbidden: "Forbidden",
  conflict: "Conflict",
  invalid: "Bad Request",
};

/**
 * The answer for a domain error thrown by a loader or an action. The route's error boundary
 * shows it in the user's language by its status. A missing or out-of-scope record says only
 * "Not Found", never which; the other kinds carry their reason code for API clients.
 */
export function domainErrorResponse(error: DomainError): Response {
  const text = error.kind === "not-found" ? STATUS_TEXT[error.kind] : `${STATUS_TEXT[error.kind]}: ${error.reason}`;
  return new Response(text, { status: HTTP_STATUS[error.kind], headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

type Handler = (args: never) => unknown;

function mapped<F extends Handler>(handler: F): F {
  const wrapped = async (args: never) => {
    try {
      return await handler(args);
    } catch (error) {
      if (isDomainError(error)) throw domainErrorResponse(error);
      throw error;
    }
  };
  return wrapped as F;
}

/**
 * The build with every route's loader and action mapping domain errors to HTTP answers. The
 * route modules themselves are left as they are (a module namespace cannot be written): each
 * route entry gets a plain copy of its module with the two functions wrapped. `ServerBuild` is
 * the public shape `createRequestHandler` takes.
 */
export function withDomainErrors(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    if (!route) continue;
    const module = { ...route.module };
    if (module.loader) module.loader = mapped(module.loader);
    if (module.action) module.action = mapped(module.action);
    routes[id] = { ...route, module };
  }
  return { ...build, routes };
}
