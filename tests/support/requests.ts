import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { isDomainError } from "../../app/domain/errors";
import { domainErrorResponse } from "../../app/server/domain-errors";
import { createSession } from "~/models/session.server";
import { db } from "~/utils/db.server";

const ORIGIN = "http://registry.test";

/** A cookie header for a fresh session of a seeded user, without going through the login form. */
export async function sessionCookieFor(username: string): Promise<string> {
  const user = await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  const id = await createSession(db(), user.id);
  return `registry_session=${id}`;
}

export function makeRequest(
  path: string,
  options: { method?: string; cookie?: string; form?: Record<string, string | string[]> | FormData; headers?: Record<string, string> } = {},
): Request {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  let body: FormData | undefined;
  if (options.form instanceof FormData) body = options.form;
  else if (options.form) {
    body = new FormData();
    for (const [k, v] of Object.entries(options.form)) for (const one of [v].flat()) body.append(k, one);
  }
  return new Request(ORIGIN + path, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
}

type Handler = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;

/**
 * Calls a loader or action as the server does. A thrown Response (redirect, 403, 404) is
 * returned, so tests can assert on it like on any answer; a domain error thrown by a model is
 * answered as the server answers it (server/domain-errors.ts).
 */
export async function call(handler: Handler, request: Request, params: Record<string, string> = {}) {
  try {
    const result = await handler({ request, params, context: {} });
    return { thrown: false as const, result };
  } catch (error) {
    if (error instanceof Response) return { thrown: true as const, result: error };
    if (isDomainError(error)) return { thrown: true as const, result: domainErrorResponse(error) };
    throw error;
  }
}

/** The status of whatever a handler answered: a Response, data() with init, or a plain object (200). */
export function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === "object" && "init" in result && (result as any).type === "DataWithResponseInit") {
    return (result as any).init?.status ?? 200;
  }
  return 200;
}

/** The payload of data(...) or a plain object. */
export function dataOf<T = any>(result: unknown): T {
  if (result && typeof result === "object" && (result as any).type === "DataWithResponseInit") return (result as any).data;
  return result as T;
}
