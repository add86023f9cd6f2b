import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";
import type { RouteHandle } from "../utils/route-handle";

/** Pathnames whose routes are remembered at most; the oldest is forgotten first. */
const REMEMBERED = 2_000;

type Entry = ServerBuild["routes"][string];

/** The build's flat route manifest as the nested tree React Router matches against. */
function routeTree(build: ServerBuild): AgnosticRouteObject[] {
  const entries = Object.values(build.routes) as Entry[];
  const childrenOf = (parentId: string | undefined): AgnosticRouteObject[] =>
    entries
      .filter((route) => route.parentId === parentId)
      .map((route) => {
        const children = childrenOf(route.id);
        return route.index
          ? { id: route.id, index: true as const, path: route.path, caseSensitive: route.caseSensitive }
          : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children };
      });
  return childrenOf(undefined);
}

/**
 * What the route that will answer a pathname declares in its `handle` export (the deepest
 * matched route's; nothing for a pathname no route matches). Worked out once per pathname.
 */
export function routeHandles(build: ServerBuild): (pathname: string) => RouteHandle {
  const tree = routeTree(build);
  const remembered = new Map<string, RouteHandle>();
  return (pathname) => {
    const known = remembered.get(pathname);
    if (known) return known;
    const matches = matchRoutes(tree, pathname, build.basename);
    const id = matches?.at(-1)?.route.id;
    const handle = (id ? (build.routes[id]?.module.handle as RouteHandle | undefined) : undefined) ?? {};
    if (remembered.size >= REMEMBERED) remembered.delete(remembered.keys().next().value!);
    remembered.set(pathname, handle);
    return handle;
  };
}

/**
 * Requests that spend their time waiting rather than computing skip the admission queue: what
 * a route declares (`skipsQueue`: streamed downloads, posts that hash a password), and every
 * upload, which waits on file writes and on the spreadsheet parser's worker thread whichever
 * route takes it.
 */
export function admissionExemption(build: ServerBuild): (req: { method: string; path: string; get(name: string): string | undefined }) => boolean {
  const handleOf = routeHandles(build);
  return (req) => {
    if (req.method === "POST" && (req.get("content-type") ?? "").startsWith("multipart/form-data")) return true;
    const method = req.method === "HEAD" ? "GET" : req.method;
    return handleOf(req.path).skipsQueue?.includes(method as "GET" | "POST") ?? false;
  };
}
