import { createRequire } from "node:module";

/**
 * Remembered route matching for the server.
 *
 * React Router's matchRoutes flattens and ranks the whole route tree, and compiles a regular
 * expression for every branch it tries, on every call; a page view calls it four times (Remix's
 * request handler, the static handler, <RemixServer>'s router and lazy route discovery's
 * manifest). With the registry's 37 routes that was 0.8 ms of a 10 ms registry list. The answer
 * depends only on the tree's shape (each route's id, path, index and caseSensitive flags, and its
 * children, in order), the basename and the pathname, so it is worked out once per pathname and
 * rebuilt from the remembered positions for the tree at hand: <RemixServer> builds a fresh but
 * identical tree for each request, and its matches must point into that tree.
 */

export interface RouteLike {
  id?: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: RouteLike[];
}

export interface RouteMatchLike {
  params: Record<string, string | undefined>;
  pathname: string;
  pathnameBase: string;
  route: RouteLike;
}

export type MatchRoutes = (routes: RouteLike[], location: string | { pathname?: string }, basename?: string) => RouteMatchLike[] | null;

interface Remembered {
  /** Where the matched route sits in the tree: child indexes from the top. */
  at: number[];
  params: Record<string, string | undefined>;
  pathname: string;
  pathnameBase: string;
}

/** Pathnames remembered at most; the oldest is forgotten first. */
export const REMEMBERED_PATHNAMES = 2_000;

function shapeOf(routes: RouteLike[]): string {
  return routes.map((r) => `${r.id ?? ""}|${r.path ?? "\u0001"}|${r.index ? 1 : 0}|${r.caseSensitive ? 1 : 0}[${r.children ? shapeOf(r.children) : ""}]`).join(",");
}

function positionOf(routes: RouteLike[], route: RouteLike): number[] | null {
  for (let i = 0; i < routes.length; i++) {
    if (routes[i] === route) return [i];
    const below = routes[i]!.children ? positionOf(routes[i]!.children!, route) : null;
    if (below) return [i, ...below];
  }
  return null;
}

function routeAt(routes: RouteLike[], at: number[]): RouteLike {
  let route = routes[at[0]!]!;
  for (let k = 1; k < at.length; k++) route = route.children![at[k]!]!;
  return route;
}

/** `match` with its answers remembered per tree shape, basename and pathname. */
export function rememberMatches(match: MatchRoutes, capacity = REMEMBERED_PATHNAMES): MatchRoutes {
  const shapeIds = new Map<string, number>();
  const treeShape = new WeakMap<object, number>();
  const remembered = new Map<string, Remembered[] | null>();

  return (routes, location, basename) => {
    let shape = treeShape.get(routes);
    if (shape === undefined) {
      const text = shapeOf(routes);
      shape = shapeIds.get(text);
      if (shape === undefined) shapeIds.set(text, (shape = shapeIds.size));
      treeShape.set(routes, shape);
    }
    const pathname = typeof location === "string" ? location.split(/[?#]/, 1)[0]! : (location.pathname ?? "");
    const key = `${shape}\u0000${basename ?? "/"}\u0000${pathname}`;
    const known = remembered.get(key);
    if (known === null) return null;
    if (known) {
      return known.map((m) => ({ params: { ...m.params }, pathname: m.pathname, pathnameBase: m.pathnameBase, route: routeAt(routes, m.at) }));
    }

    const matches = match(routes, location, basename);
    const positions = matches?.map((m) => positionOf(routes, m.route));
    // A match outside the tree it was asked about is not remembered (never seen in practice).
    if (positions?.some((at) => at === null)) return matches;
    if (remembered.size >= capacity) remembered.delete(remembered.keys().next().value!);
    remembered.set(key, matches ? matches.map((m, i) => ({ at: positions![i]!, params: { ...m.params }, pathname: m.pathname, pathnameBase: m.pathnameBase })) : null);
    return matches;
  };
}

const REMEMBERS = Symbol.for("registry.remembersMatches");

/**
 * Makes React Router's exported matchRoutes remember its answers. Remix's server runtime,
 * <RemixServer>'s router and lazy route discovery call it through the module's exports, so they
 * all get the remembered version; the static handler's own internal call is left as it is.
 */
export function rememberRouteMatches(): void {
  // eslint-disable-next-line no-restricted-syntax -- a kept framework patch, for its measured gain (README, Decisions: "Route matches are remembered")
  const router = createRequire(import.meta.url)("@remix-run/router") as { matchRoutes: MatchRoutes & { [REMEMBERS]?: true } };
  if (router.matchRoutes[REMEMBERS]) return;
  router.matchRoutes = Object.assign(rememberMatches(router.matchRoutes), { [REMEMBERS]: true as const });
}
