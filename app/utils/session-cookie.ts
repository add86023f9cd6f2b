/** The session cookie's name, shared by the sign-in code and the HTTP layer's body limits. */
export const SESSION_COOKIE = "registry_session";

/** True when the request carries a session cookie at all (valid or not). */
export function hasSessionCookie(cookieHeader: string | undefined | null): boolean {
  return new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=[A-Za-z0-9_-]{32,128}(?:;|$)`).test(cookieHeader ?? "");
}
