import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSynthetic } from "../../seeds/synthetic";
import { hotQueryPlans, planProblems, type PlannedQuery } from "../bench/plans";

/**
 * The hot pages' SQL, captured from the real model functions, must not grow with the data: no
 * big table read in full (without an index, or through one with no LIMIT to stop it) and no
 * temporary sort over rows of a big table. Planned on a small synthetic data set (size S,
 * ANALYZEd); the same check on L is `tsx tests/bench/show-plans.ts data/bench/L.db`.
 */

let dir: string;
let sqlite: Database.Database;
let plans: PlannedQuery[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-plans-"));
  const file = path.join(dir, "plans.db");
  await generateSynthetic(file, "S", { passwordHash: async () => "not-a-real-hash-for-plans" });
  sqlite = new Database(file, { readonly: true });
  plans = await hotQueryPlans(sqlite);
});

afterAll(() => {
  sqlite?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("query plans of the hot pages", () => {
  it("captures the statements each page issues", () => {
    const pages = new Set(plans.map((p) => p.page));
    for (const page of ["registry: town filter, first page", "registry: town filter, next page", "profile", "review queue", "application detail", "dashboard"]) {
      expect(pages, page).toContain(page);
    }
    // The keyset page seeks with a row value; never OFFSET.
    const next = plans.filter((p) => p.page === "registry: town filter, next page");
    expect(next.some((p) => /\("e"\."name", e\.id\) > \(\?, \?\)/.test(p.sql))).toBe(true);
    expect(plans.some((p) => /\boffset\b/i.test(p.sql))).toBe(false);
  });

  it("reads no big table in full and sorts none of its rows in a temporary b-tree", () => {
    const problems = plans.map((p) => ({ page: p.page, sql: p.sql.replace(/\s+/g, " ").slice(0, 200), problems: planProblems(p) })).filter((p) => p.problems.length > 0);
    expect(problems).toEqual([]);
  });

  it("tallies the review queue's statuses from the counters, not from the applications", () => {
    const queue = plans.filter((p) => p.page === "review queue");
    expect(queue.some((p) => /from "application_status_totals"/.test(p.sql))).toBe(true);
    expect(queue.some((p) => /count\(\*\)/.test(p.sql))).toBe(false);
  });

  it("reads the district's figures from district-wide counters, and one page of towns for the league", () => {
    const api = plans.filter((p) => p.page === "api progress");
    expect(api.length).toBeGreaterThan(3);
    // Per-town counters hold a row per town: the API's cost would grow with the towns.
    for (const p of api) expect(p.sql).not.toMatch(/"progress_award_counts"|"progress_application_counts"|"pipeline_level_counts"|from "towns"/);
    expect(api.some((p) => /from "award_level_totals"/.test(p.sql))).toBe(true);
    expect(api.some((p) => /from "pipeline_level_totals"/.test(p.sql))).toBe(true);
    for (const page of ["api progress", "dashboard", "dashboard: next page of towns"]) {
      // The pipeline by level sought comes from 0017's counters: no application row is read.
      expect(
        plans.filter((p) => p.page === page && /from "applications"/.test(p.sql)),
        page,
      ).toEqual([]);
    }
    for (const page of ["dashboard", "dashboard: next page of towns"]) {
      const perTown = plans.filter((p) => p.page === page && /"progress_award_counts"|"pipeline_level_counts"/.test(p.sql));
      expect(perTown).toHaveLength(2);
      for (const p of perTown) {
        // Bounded by the page's towns, through the counters' primary key.
        expect(p.sql).toMatch(/"town_code" in \(/);
        expect(p.parameters.length).toBeLessThan(40);
        expect(p.plan.join("\n")).toMatch(/SEARCH \w+ USING PRIMARY KEY \(year=\? AND tier_code=\?/);
      }
      const towns = plans.find((p) => p.page === page && /from "towns"/.test(p.sql) && /limit/.test(p.sql));
      expect(towns?.parameters.at(-1)).toBe(16);
    }
  });

  it("reads the renewal table from the month counters, and by day only the month the window closes in", () => {
    const renewal = plans.find((p) => p.page === "dashboard" && /award_expiry_months/.test(p.sql))!;
    expect(renewal).toBeDefined();
    const plan = renewal.plan.join("\n");
    // Every range through the primary keys (tier, kind, month / day): no scan of either counter.
    expect(plan).toMatch(/SEARCH award_expiry_months USING PRIMARY KEY \(tier_code=\? AND kind=\? AND month>\? AND month<\?\)/);
    expect(plan).toMatch(/SEARCH award_expiry_counts USING PRIMARY KEY \(tier_code=\? AND kind=\? AND valid_until>\? AND valid_until<\?\)/);
    expect(plan).not.toMatch(/SCAN award_expiry/);
    // The day range is one month at most: it starts on the first of the cut-off's month.
    expect(renewal.parameters).toContain("2026-07-01");
    expect(renewal.parameters).toContain("2026-07-17");
  });

  it("seeks the registry's town filter and its count through one index", () => {
    const first = plans.filter((p) => p.page === "registry: town filter, first page");
    const page = first.find((p) => /order by "e"."name"/.test(p.sql))!;
    const count = first.find((p) => /^select count\(\*\)/.test(p.sql))!;
    // The count stops after LIST_COUNT_CAP + 1 entries, whatever the size of the registry.
    expect(count.sql).toMatch(/limit \?\) as "matching"$/);
    expect(page.plan.join("\n")).toMatch(/SEARCH e USING (COVERING )?INDEX enterprises_town_live_name \(town_code=\? AND archived_at=\?\)/);
    expect(count.plan.join("\n")).toMatch(/SEARCH e USING COVERING INDEX enterprises_town_live_name \(town_code=\? AND archived_at=\?\)/);
  });

  it("the check itself flags a full scan, an unbounded index scan and a temporary sort", () => {
    const plan = (sql: string): PlannedQuery => ({
      page: "probe",
      sql,
      parameters: [],
      plan: (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail),
    });
    expect(planProblems(plan(`select "id" from "applications" where "payload" like '%x%'`))).not.toEqual([]);
    expect(planProblems(plan(`select "status", count(*) from "applications" group by "status"`))).not.toEqual([]);
    expect(planProblems(plan(`select "id" from "applications" order by "updated_at" limit 5`))).not.toEqual([]);
    expect(planProblems(plan(`select "id" from "applications" where "id" = 5`))).toEqual([]);
  });
});
