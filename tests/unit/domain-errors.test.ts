import { describe, expect, it } from "vitest";
import type { ServerBuild } from "@remix-run/node";
import { Conflict, Forbidden, Invalid, NotFound, isDomainError } from "~/domain/errors";
import { domainErrorResponse, withDomainErrors } from "../../app/server/domain-errors";

function buildOf(module: Record<string, unknown>): ServerBuild {
  return { routes: { "routes/x": { id: "routes/x", path: "x", module } } } as unknown as ServerBuild;
}

async function thrownBy(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("nothing was thrown");
}

describe("domain errors, mapped to HTTP in one place", () => {
  it("gives each kind its status; a missing record says only Not Found, the others their reason", async () => {
    const cases = [
      [new NotFound("application"), 404, "Not Found"],
      [new Forbidden("role"), 403, "Forbidden: role"],
      [new Conflict("changed"), 409, "Conflict: changed"],
      [new Invalid("year"), 400, "Bad Request: year"],
    ] as const;
    for (const [error, status, text] of cases) {
      expect(isDomainError(error)).toBe(true);
      const response = domainErrorResponse(error);
      expect(response.status).toBe(status);
      expect(await response.text()).toBe(text);
    }
    expect(isDomainError(new Error("x"))).toBe(false);
  });

  it("wraps every loader and action of the build; other errors and answers pass through untouched", async () => {
    const answer = { ok: true };
    const boom = new TypeError("boom");
    const module = {
      loader: async ({ request }: { request: Request }) => {
        if (request.url.endsWith("missing")) throw new NotFound("enterprise");
        if (request.url.endsWith("boom")) throw boom;
        return answer;
      },
      action: () => {
        throw new Forbidden("role");
      },
      handle: { skipsQueue: ["GET"] },
    };
    const wrapped = withDomainErrors(buildOf(module)).routes["routes/x"]!.module;
    const args = (url: string) => ({ request: new Request(`http://registry.test/${url}`), params: {}, context: {} }) as never;
    expect(await wrapped.loader!(args("x"))).toBe(answer);
    const missing = await thrownBy(() => wrapped.loader!(args("missing")));
    expect(missing).toBeInstanceOf(Response);
    expect((missing as Response).status).toBe(404);
    expect(await thrownBy(() => wrapped.loader!(args("boom")))).toBe(boom);
    expect(((await thrownBy(() => wrapped.action!(args("x")))) as Response).status).toBe(403);
    expect(wrapped.handle).toBe(module.handle);
    // The original module is left as it was.
    await expect(module.loader({ request: new Request("http://registry.test/missing") })).rejects.toBeInstanceOf(NotFound);
  });

  it("no model builds an HTTP Response", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const dir = path.resolve(__dirname, "../../app/models");
    const offenders = fs
      .readdirSync(dir)
      .filter((name) => /\.ts$/.test(name))
      .filter((name) => /new Response\(|throw json\(|throw redirect\(/.test(fs.readFileSync(path.join(dir, name), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("no route queries the database itself: it calls a model", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const dir = path.resolve(__dirname, "../../app/routes");
    const query = /\b(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/;
    const names = fs.readdirSync(dir).filter((name) => /\.tsx?$/.test(name));
    expect(names.length).toBeGreaterThan(20);
    const offenders = names.filter((name) => query.test(fs.readFileSync(path.join(dir, name), "utf8")));
    expect(offenders).toEqual([]);
    // The check itself sees a query written the way routes used to.
    expect(query.test('await db().selectFrom("towns").select("code").execute();')).toBe(true);
    expect(query.test("await db().executeQuery(sql`select 1`.compile(db()));")).toBe(true);
  });
});
