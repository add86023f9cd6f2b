import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { admissionControl } from "~/server/admission";
import type { ServerBuild } from "@remix-run/node";
import { pathToFileURL } from "node:url";
import { activeRequestLimit } from "~/server/app";
import { buildEntry } from "~/server/build";
import { admissionExemption, routeHandles } from "~/server/route-needs";

// The real build (made by the suite's global setup): what each route declares in its handle.
const build = (await import(pathToFileURL(buildEntry).href)) as ServerBuild;

/** A request/response pair as the middleware sees it: events, and the destroyed flags. */
function pair(path = "/enterprises", method = "GET", contentType = "application/x-www-form-urlencoded") {
  const headers: Record<string, string> = { "content-type": contentType };
  const socket = { destroyed: false };
  const req = Object.assign(new EventEmitter(), { path, method, socket, get: (name: string) => headers[name.toLowerCase()] });
  const res = Object.assign(new EventEmitter(), { destroyed: false });
  return { req, res, finish: () => res.emit("finish") && res.emit("close") };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("admission control", () => {
  it("works on at most `limit` requests at once and starts the others in order of arrival", async () => {
    const gate = admissionControl(2, () => false);
    const started: number[] = [];
    const reqs = Array.from({ length: 5 }, () => pair());
    reqs.forEach((p, i) => gate(p.req as any, p.res as any, () => started.push(i)));
    expect(started).toEqual([0, 1]);
    expect(gate.stats()).toEqual({ active: 2, waiting: 3 });
    reqs[1]!.finish();
    // The next one starts a turn later, after timers and I/O.
    expect(started).toEqual([0, 1]);
    await tick();
    expect(started).toEqual([0, 1, 2]);
    reqs[0]!.finish();
    reqs[2]!.finish();
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    reqs[3]!.finish();
    reqs[4]!.finish();
    await tick();
    expect(gate.stats()).toEqual({ active: 0, waiting: 0 });
  });

  it("keeps pages that render within one turn to `limit` per turn, as pages that wait in between", async () => {
    const gate = admissionControl(2, () => false);
    const started: number[] = [];
    // Six requests read from the sockets in one turn; each is answered before its handler returns.
    const reqs = Array.from({ length: 6 }, () => pair());
    reqs.forEach((p, i) =>
      gate(p.req as any, p.res as any, () => {
        started.push(i);
        p.finish();
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(gate.stats()).toEqual({ active: 2, waiting: 4 });
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    await tick();
    expect(gate.stats()).toEqual({ active: 0, waiting: 0 });
  });

  it("frees a slot once even when both finish and close fire, and skips a client that left while waiting", async () => {
    const gate = admissionControl(1, () => false);
    const started: string[] = [];
    const a = pair();
    const b = pair();
    const c = pair();
    gate(a.req as any, a.res as any, () => started.push("a"));
    gate(b.req as any, b.res as any, () => started.push("b"));
    gate(c.req as any, c.res as any, () => started.push("c"));
    b.req.socket.destroyed = true;
    b.res.destroyed = true;
    a.finish();
    a.res.emit("close");
    await tick();
    await tick();
    expect(started).toEqual(["a", "c"]);
    expect(gate.stats()).toEqual({ active: 1, waiting: 0 });
    c.res.emit("close");
    await tick();
    expect(gate.stats()).toEqual({ active: 0, waiting: 0 });
  });

  it("lets requests that wait rather than compute through without a slot", () => {
    const gate = admissionControl(1, admissionExemption(build) as any);
    const started: string[] = [];
    const page = pair("/dashboard");
    gate(page.req as any, page.res as any, () => started.push("page"));
    const exempt: [string, string, string?][] = [
      ["/enterprises/export.csv", "GET"],
      ["/dashboard/report.xlsx", "GET"],
      ["/attachments/12", "GET"],
      ["/healthz", "GET"],
      ["/login", "POST"],
      ["/account/password", "POST"],
      ["/admin/users", "POST"],
      ["/admin/users/7", "POST"],
      ["/applications/3/attachments", "POST", "multipart/form-data; boundary=x"],
      ["/enterprises/import", "POST", "multipart/form-data; boundary=y"],
      ["/enterprises/export.xlsx", "HEAD"],
    ];
    for (const [path, method, type] of exempt) {
      const p = pair(path, method, type);
      gate(p.req as any, p.res as any, () => started.push(`${method} ${path}`));
    }
    expect(started).toEqual(["page", ...exempt.map(([path, method]) => `${method} ${path}`)]);
    // Pages and ordinary form posts wait their turn.
    for (const [path, method] of [
      ["/login", "GET"],
      ["/applications/3", "POST"],
      ["/attachments/12/delete", "POST"],
      ["/admin/users/7/x", "POST"],
      ["/no/such/page.csv", "GET"],
    ]) {
      const p = pair(path, method);
      gate(p.req as any, p.res as any, () => started.push(`${method} ${path}`));
    }
    expect(started).toHaveLength(1 + exempt.length);
    expect(gate.stats()).toEqual({ active: 1, waiting: 5 });
  });

  it("finds every download route saying whether it skips the queue, and the streamed ones skipping it", () => {
    const handleOf = routeHandles(build);
    const downloads = Object.values(build.routes).filter((route) => /\.(csv|xlsx)$/.test(route.path ?? ""));
    expect(downloads.length).toBeGreaterThanOrEqual(7);
    // A new download states its choice: streamed (skips) or built in memory (waits its turn).
    for (const route of downloads) {
      const pathname = `/${route.path!.replace(/:\w+/g, "1")}`;
      expect(handleOf(pathname).skipsQueue, pathname).toBeDefined();
    }
    for (const pathname of [
      "/enterprises/export.csv",
      "/enterprises/export.xlsx",
      "/dashboard/report.csv",
      "/dashboard/report.xlsx",
      "/enterprises/import-template.xlsx",
      "/enterprises/import-report.xlsx",
    ]) {
      expect(handleOf(pathname).skipsQueue, pathname).toContain("GET");
    }
    // The deepest route's handle counts, not a parent's.
    expect(handleOf("/attachments/12").skipsQueue).toEqual(["GET"]);
    expect(handleOf("/attachments/12/delete")).toEqual({});
  });

  it("reads its limit from REGISTRY_ACTIVE_REQUESTS, 0 meaning off, and falls back on nonsense", () => {
    expect(activeRequestLimit({})).toBe(1);
    expect(activeRequestLimit({ REGISTRY_ACTIVE_REQUESTS: "4" })).toBe(4);
    expect(activeRequestLimit({ REGISTRY_ACTIVE_REQUESTS: "0" })).toBe(0);
    expect(activeRequestLimit({ REGISTRY_ACTIVE_REQUESTS: "-1" })).toBe(1);
    expect(activeRequestLimit({ REGISTRY_ACTIVE_REQUESTS: "two" })).toBe(1);
  });
});
