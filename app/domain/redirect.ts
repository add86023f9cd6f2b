/**
 * Where the registry may send a browser after a form: a path on this site, never another host.
 *
 * Browsers strip tabs and line breaks from URLs and read a backslash as a slash, so "/\t/evil"
 * and "/\\evil" both lead off-site; a control character also cannot be written into a Location
 * header at all. Anything with whitespace, control characters or backslashes is refused; what
 * remains is parsed as a URL against a placeholder origin and kept only when the origin is
 * unchanged. The result is the parsed path, query and hash: percent-encoded, plain ASCII.
 */
const PLACEHOLDER_ORIGIN = "http://registry.invalid";
// eslint-disable-next-line no-control-regex -- control characters are what this pattern is for
const FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202f\u2060\ufeff\\]/;

export function sameSitePath(to: unknown, fallback: string): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || FORBIDDEN.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  const path = url.pathname + url.search + url.hash;
  // A path that percent-decodes to "//host" or "/\host" is still read as a path by browsers, but
  // some proxies decode before forwarding: refuse those too.
  if (/^\/(%2f|%5c)/i.test(path)) return fallback;
  return path;
}
