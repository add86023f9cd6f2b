/**
 * A discovery run judged in its judging thread (as a province-scale run is) stores exactly what
 * judging each firm on its own by the domain finds, and the same rows as a run judged in the
 * worker's own thread; a judging thread that dies fails its run cleanly, the process living on
 * and the next run working.
 */
import { describe, expect, it } from "vitest";
import { DISCOVERY_TIERS, discoverFirm, parseCriteriaDictionary, parseStoredCriteria } from "~/domain/discovery";
import { FIGURE_FIELDS, type Figures } from "~/domain/figures";
import type { Holding, OpenApplication } from "~/domain/standing";
import type { TierCode } from "~/domain/tiers";
import { startDiscoveryRun } from "~/models/discovery.server";
import { processDiscoveryRuns } from "~/models/discovery-worker.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";
import { callerOf } from "./applications.helpers";

/** The demo's discovery year: the year of its finished runs, whose firms have figures of the two years before. */
async function demoYear(): Promise<number> {
  const run = await db().selectFrom("discovery_runs").select("year").where("status", "=", "done").orderBy("id").executeTakeFirstOrThrow();
  return Number(run.year);
}

async function resultsOf(runId: number) {
  return db()
    .selectFrom("discovery_results")
    .select(["enterprise_id", "verdict", "missing_count", "confirm_count", "missing", "to_confirm", "town_code", "industry_code", "name"])
    .where("run_id", "=", runId)
    .orderBy("enterprise_id")
    .execute();
}

async function runOnce(tier: TierCode, year: number, options: Parameters<typeof processDiscoveryRuns>[1]) {
  const { run } = await startDiscoveryRun(db(), await callerOf("reviewer"), { tier, year });
  const counts = await processDiscoveryRuns(db(), options);
  const row = await db().selectFrom("discovery_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow();
  return { counts, row, results: await resultsOf(run.id) };
}

function figuresOf(row: Record<string, unknown> | undefined): Figures | null {
  if (!row) return null;
  return Object.fromEntries(FIGURE_FIELDS.map((f) => [f.key, row[f.column] === null ? null : Number(row[f.column])])) as Figures;
}

/** Every live firm judged on its own: its figures, live awards and open applications read one by one. */
async function judgedFirmByFirm(tier: TierCode, year: number, today: string) {
  const firms = await db().selectFrom("enterprises").select(["id", "above_scale"]).where("archived_at", "is", null).orderBy("id").execute();
  const found = new Map<number, NonNullable<ReturnType<typeof discoverFirm>>>();
  for (const firm of firms) {
    const figures = await db()
      .selectFrom("enterprise_figures")
      .selectAll()
      .where("enterprise_id", "=", firm.id)
      .where("year", "in", [year - 1, year - 2])
      .execute();
    const awards = await db()
      .selectFrom("awards")
      .select(["level", "year", "recognized_on", "valid_until"])
      .where("enterprise_id", "=", firm.id)
      .where("tier_code", "=", tier)
      .where("revoked_on", "is", null)
      .execute();
    const holdings: Holding[] = awards
      .filter((a) => a.valid_until === null || a.valid_until >= today)
      .map((a) => ({ level: a.level, year: Number(a.year), recognizedOn: a.recognized_on, validUntil: a.valid_until }));
    const open = await db()
      .selectFrom("applications")
      .select(["id", "year", "status"])
      .where("enterprise_id", "=", firm.id)
      .where("tier_code", "=", tier)
      .where("status", "in", ["draft", "submitted", "returned", "publicized"])
      .execute();
    const finding = discoverFirm({
      tierCode: tier,
      year,
      today,
      figures: figuresOf(figures.find((f) => Number(f.year) === year - 1)),
      previous: figuresOf(figures.find((f) => Number(f.year) === year - 2)),
      holdings,
      applications: open.map((a) => ({ id: Number(a.id), year: Number(a.year), status: a.status as OpenApplication["status"] })),
      aboveScale: Number(firm.above_scale) === 1,
    });
    if (finding) found.set(Number(firm.id), finding);
  }
  return found;
}

describe("a run judged in the judging thread", () => {
  it.each(DISCOVERY_TIERS)("%s: the same candidates as judging firm by firm, and the same rows as judging in the worker's thread", async (tier) => {
    const year = await demoYear();
    // Many small batches, so the thread judges one while the next is read and the last is written.
    const threaded = await runOnce(tier, year, { batchSize: 37, judgeIn: "thread" });
    expect(threaded.counts).toMatchObject({ done: 1, failed: 0 });
    expect(threaded.row).toMatchObject({ status: "done", error: null });
    const expected = await judgedFirmByFirm(tier, year, todayInShanghai(new Date(threaded.row.started_at)));
    expect(expected.size).toBeGreaterThan(0);
    expect(threaded.results.map((r) => Number(r.enterprise_id))).toEqual([...expected.keys()]);
    const dictionary = parseCriteriaDictionary(threaded.row.criteria)!;
    for (const r of threaded.results) {
      const want = expected.get(Number(r.enterprise_id))!;
      expect({ verdict: r.verdict, missing: parseStoredCriteria(r.missing, dictionary), toConfirm: parseStoredCriteria(r.to_confirm, dictionary) }).toEqual({
        verdict: want.verdict,
        missing: want.missing,
        toConfirm: want.toConfirm,
      });
      expect([Number(r.missing_count), Number(r.confirm_count)]).toEqual([want.missing.length, want.toConfirm.length]);
    }
    expect(Number(threaded.row.meets)).toBe([...expected.values()].filter((f) => f.verdict === "meets").length);
    expect(Number(threaded.row.near)).toBe([...expected.values()].filter((f) => f.verdict === "near").length);

    // The same run judged here, in one batch: row for row the same text, and the same dictionary.
    const here = await runOnce(tier, year, { judgeIn: "here" });
    expect(here.row).toMatchObject({ status: "done", done: threaded.row.done, meets: threaded.row.meets, near: threaded.row.near, criteria: threaded.row.criteria });
    expect(here.results).toEqual(threaded.results);
  });

  it("a judging thread that dies fails its run with a message, never the process; the next run works", async () => {
    const year = await demoYear();
    const tier = "specialized-new";
    let thread: { terminate(): Promise<number> } | null = null;
    const broken = await runOnce(tier, year, {
      batchSize: 37,
      judgeIn: "thread",
      onJudgeThread: (worker) => (thread = worker),
      // The thread is ended once the first batch is committed.
      onBatch: () => void thread?.terminate(),
    });
    expect(broken.counts).toMatchObject({ done: 0, failed: 1 });
    expect(broken.row).toMatchObject({ status: "failed", lease_holder: null, error: expect.stringContaining("judging thread") });
    expect(broken.row.finished_at).toEqual(expect.any(String));
    // What was committed before it died is kept once; the run did not go past it.
    const ids = broken.results.map((r) => Number(r.enterprise_id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id <= Number(broken.row.cursor))).toBe(true);
    expect(Number(broken.row.done)).toBeLessThan(Number(broken.row.total));

    const again = await runOnce(tier, year, { batchSize: 37, judgeIn: "thread" });
    expect(again.row).toMatchObject({ status: "done", error: null });
    expect(again.results.length).toBeGreaterThan(ids.length);
  });
});
