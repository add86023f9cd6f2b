import { redirect } from "@remix-run/node";
import { db } from "./db.server";
import { createSession, deleteSession, findSessionUser, SESSION_ABSOLUTE_MS, type SessionUser } from "~/models/session.server";
import { recordAudit } from "~/models/audit.server";
import { sameSitePath } from "~/domain/redirect";
import { SESSION_COOKIE } from "./session-cookie";
import type { Role } from "~/domain/state-machine";

export type { SessionUser };

const COOKIE = SESSION_COOKIE;

function readSessionId(request: Request): string | null {
  const match = new RegExp(`(?:^|;\\s*)${COOKIE}=([A-Za-z0-9_-]{32,128})(?:;|$)`).exec(request.headers.get("Cookie") ?? "");
  return match ? match[1] : null;
}

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

/** The Set-Cookie value for a fresh session: HttpOnly, SameSite=Lax, Secure over HTTPS. */
export function sessionCookie(request: Request, sessionId: string): string {
  const secure = isHttps(request) ? "; Secure" : "";
  return `${COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_ABSOLUTE_MS / 1000}${secure}`;
}

export function clearSessionCookie(request: Request): string {
  const secure = isHttps(request) ? "; Secure" : "";
  return `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
}

/** The signed-in user, or null. */
export async function getUser(request: Request): Promise<SessionUser | null> {
  const sessionId = readSessionId(request);
  if (!sessionId) return null;
  return findSessionUser(db(), sessionId);
}

/**
 * The guard of the JSON endpoints: they answer in JSON rather than redirect. No session: 401;
 * an account that must first choose its own password: 403, as every page refuses it.
 */
export async function requireApiUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) throw jsonError(401, { error: "unauthorized", message: "Sign in first (session cookie required)." });
  if (user.mustChangePassword) {
    throw jsonError(403, {
      error: "password-change-required",
      message: "Choose a new password at /account/password first.",
      messageZh: "请先在 /account/password 修改密码。",
    });
  }
  return user;
}

function jsonError(status: number, body: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** Where each role starts. */
export function homeFor(user: { role: Role; enterpriseId: number | null }): string {
  switch (user.role) {
    case "enterprise":
      return "/applications";
    case "town_officer":
      return "/enterprises";
    default:
      return "/dashboard";
  }
}

/** Only paths inside the app may be redirect targets, never another site (see domain/redirect). */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  return sameSitePath(to, fallback);
}

/**
 * Every loader and action that needs a signed-in user starts here. Anonymous callers are sent to
 * /login (and back afterwards); a role outside `roles` gets 403.
 */
export async function requireUser(request: Request, options: { roles?: readonly Role[] } = {}): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    const params = new URLSearchParams();
    if (back !== "/") params.set("redirectTo", back);
    const query = params.toString();
    throw redirect(`/login${query ? `?${query}` : ""}`, {
      headers: { "Set-Cookie": clearSessionCookie(request) },
    });
  }
  // An account whose password was set by an admin must choose its own before anything else.
  if (user.mustChangePassword && new URL(request.url).pathname !== "/account/password") {
    throw redirect("/account/password");
  }
  if (options.roles && !options.roles.includes(user.role)) {
    await recordAudit(db(), {
      actorId: user.id,
      action: "authz.denied",
      subject: new URL(request.url).pathname,
      data: { method: request.method, role: user.role },
    });
    throw new Response("Forbidden", { status: 403 });
  }
  return user;
}

/**
 * For records in the caller's scope that only some roles may change: call after the scope check
 * (so out-of-scope stays 404 and never tells that the record exists), answers 403 and audits it.
 */
export async function requireRole(request: Request, user: SessionUser, roles: readonly Role[]): Promise<void> {
  if (roles.includes(user.role)) return;
  await recordAudit(db(), {
    actorId: user.id,
    action: "authz.denied",
    subject: new URL(request.url).pathname,
    data: { method: request.method, role: user.role },
  });
  throw new Response("Forbidden", { status: 403 });
}

/** Starts a session for a verified user and redirects; the old session id (if any) is discarded. */
export async function signIn(request: Request, userId: number, redirectTo: string): Promise<Response> {
  const previous = readSessionId(request);
  if (previous) await deleteSession(db(), previous);
  const sessionId = await createSession(db(), userId);
  return redirect(redirectTo, { headers: { "Set-Cookie": sessionCookie(request, sessionId) } });
}

export async function signOut(request: Request): Promise<Response> {
  const sessionId = readSessionId(request);
  if (sessionId) {
    const user = await findSessionUser(db(), sessionId);
    await deleteSession(db(), sessionId);
    if (user) await recordAudit(db(), { actorId: user.id, action: "logout" });
  }
  return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie(request) } });
}

/** 404 for anything outside the caller's scope, the same answer as for something missing. */
export function notFound(): Response {
  return new Response("Not Found", { status: 404 });
}
