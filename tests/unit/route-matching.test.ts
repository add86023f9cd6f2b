import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";
import { rememberMatches, rememberRouteMatches, type MatchRoutes, type RouteLike } from "~/server/route-matching";

// eslint-disable-next-line no-restricted-syntax -- the test of the one kept write to a framework export
const router = createRequire(import.meta.url)("@remix-run/router") as { matchRoutes: MatchRoutes };
const original = router.matchRoutes;

afterEach(() => {
  router.matchRoutes = original;
});

/** A tree shaped as Remix builds the registry's: flat routes under the root, index routes, params, a splat. */
function registryTree(): RouteLike[] {
  return [
    {
      id: "root",
      path: "",
      children: [
        { id: "routes/_index", index: true },
        { id: "routes/enterprises._index", path: "enterprises", index: true },
        { id: "routes/enterprises.new", path: "enterprises/new" },
        { id: "routes/enterprises.$id", path: "enterprises/:id" },
        { id: "routes/enterprises.$id_.edit", path: "enterprises/:id/edit" },
        { id: "routes/enterprises.export[.]csv", path: "enterprises/export.csv" },
        { id: "routes/applications._index", path: "applications", index: true },
        { id: "routes/applications.$id", path: "applications/:id" },
        { id: "routes/admin.users._index", path: "admin/users", index: true },
        { id: "routes/admin.users.$id", path: "admin/users/:id" },
        { id: "routes/progress.firms", path: "progress/firms" },
        { id: "routes/$", path: "*" },
      ],
    },
  ];
}

const PATHS = [
  "/",
  "/enterprises",
  "/enterprises/",
  "/enterprises?town=jintang&cursor=abc",
  "/enterprises/new",
  "/enterprises/42",
  "/enterprises/42/edit",
  "/enterprises/42/edit#contacts",
  "/enterprises/export.csv",
  "/applications",
  "/applications/7",
  "/admin/users/3",
  "/progress/firms",
  "/ENTERPRISES/42",
  "/%E5%AE%9A%E6%B5%B7",
  "/no/such/page",
];

describe("rememberMatches", () => {
  it("answers as React Router does, for every kind of path, with or without a basename", () => {
    const routes = registryTree();
    const remembered = rememberMatches(original);
    for (const basename of [undefined, "/", "/registry"]) {
      for (const path of [...PATHS, ...PATHS.map((p) => `/registry${p}`)]) {
        const expected = original(routes, path, basename);
        // Twice: the first answer is worked out, the second remembered.
        expect(remembered(routes, path, basename), `${basename} ${path}`).toEqual(expected);
        const again = remembered(routes, path, basename);
        expect(again, `${basename} ${path} (remembered)`).toEqual(expected);
        again?.forEach((m, i) => expect(m.route).toBe(expected![i]!.route));
      }
    }
    expect(remembered(routes, { pathname: "/enterprises/42" })).toEqual(original(routes, { pathname: "/enterprises/42" }));
  });

  it("matches a fresh tree of the same shape without working it out again, pointing into that tree", () => {
    const match = vi.fn(original);
    const remembered = rememberMatches(match);
    const first = remembered(registryTree(), "/enterprises/42");
    const fresh = registryTree();
    const second = remembered(fresh, "/enterprises/42?x=1");
    expect(match).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(second![1]!.route).toBe(fresh[0]!.children![3]);
    expect(second![1]!.params).toEqual({ id: "42" });
  });

  it("keeps trees of different shapes apart", () => {
    const remembered = rememberMatches(original);
    const other = registryTree();
    other[0]!.children![3] = { id: "routes/firms.$id", path: "firms/:id" };
    expect(remembered(registryTree(), "/enterprises/42")![1]!.route.id).toBe("routes/enterprises.$id");
    expect(remembered(other, "/enterprises/42")![1]!.route.id).toBe("routes/$");
    expect(remembered(other, "/firms/42")![1]!.route.id).toBe("routes/firms.$id");
  });

  it("is not changed by a caller that changes the params it was given", () => {
    const remembered = rememberMatches(original);
    const routes = registryTree();
    remembered(routes, "/enterprises/42")![1]!.params.id = "99";
    remembered(routes, "/enterprises/42")![1]!.params.id = "98";
    expect(remembered(routes, "/enterprises/42")![1]!.params).toEqual({ id: "42" });
  });

  it("forgets the oldest pathname beyond its capacity", () => {
    const match = vi.fn(original);
    const remembered = rememberMatches(match, 3);
    const routes = registryTree();
    for (const id of [1, 2, 3, 4]) remembered(routes, `/enterprises/${id}`);
    expect(match).toHaveBeenCalledTimes(4);
    remembered(routes, "/enterprises/4");
    expect(match).toHaveBeenCalledTimes(4);
    remembered(routes, "/enterprises/1");
    expect(match).toHaveBeenCalledTimes(5);
  });
});

describe("rememberRouteMatches", () => {
  it("puts the remembering matcher where Remix's server runtime calls it, once", () => {
    const underlying = vi.fn(original);
    router.matchRoutes = underlying;
    rememberRouteMatches();
    const installed = router.matchRoutes;
    expect(installed).not.toBe(underlying);
    rememberRouteMatches();
    expect(router.matchRoutes).toBe(installed);

    // Fails the day Remix's server runtime stops matching through the router module's export.
    // eslint-disable-next-line no-restricted-syntax -- reads the framework's internal on purpose
    const { matchServerRoutes } = createRequire(import.meta.url)("@remix-run/server-runtime/dist/routeMatching.js") as {
      matchServerRoutes: (routes: RouteLike[], pathname: string) => { route: RouteLike; params: object }[] | null;
    };
    const routes = registryTree();
    const first = matchServerRoutes(routes, "/applications/7");
    const second = matchServerRoutes(routes, "/applications/7");
    expect(underlying).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(second!.map((m) => m.route.id)).toEqual(["root", "routes/applications.$id"]);
  });
});
