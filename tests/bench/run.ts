/**
 * `npm run bench -- --size S|M|L [--db sqlite|postgres] [--out FILE] [--duration 5] [--only a,b]`
 * `npm run bench -- --compare S,L [--db postgres]`
 *
 * `--db postgres`: the data sets in PostgreSQL (one database per size on the server at
 * BENCH_DATABASE_URL, see seeds/synthetic-pg.ts), the server under test on DATABASE_URL, the SQL
 * reference timed through `pg` prepared statements; the results are also set beside SQLite's
 * (`--sqlite-baseline FILE`, default tests/bench/compare-S-L.json).
 *
 * Builds the app, makes (or reuses) the synthetic data set, starts the real server in production
 * mode on loopback against it, signs in, and drives each scenario with autocannon at c = 1 and
 * c = 10 after a warm-up. Then the references: each page's SQL timed through prepared
 * better-sqlite3 statements, and a framework-free server (node:http + the same queries + React
 * renderToString) for the list page. Last, on SQLite, a whole discovery run per size
 * (tests/bench/discovery.ts; `--only discovery` for it alone). Prints a table, writes JSON under
 * tests/bench/results/.
 */
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIfNeeded } from "../../app/server/build";
import pg from "pg";
import { redactUrl } from "../../db/client";
import { ensureSynthetic, isSyntheticSize, type SyntheticSize } from "../../seeds/synthetic";
import { ensureSyntheticPg } from "../../seeds/synthetic-pg";
import { startServer, type RunningServer } from "../support/server";
import { bindable, capturingDb } from "./capture";
import { benchDiscovery, type DiscoveryBenchResult } from "./discovery";
import { prepareFixtures, type BenchFixtures, type Target } from "./fixtures";

const root = path.resolve(import.meta.dirname, "../..");

// ───────────────────────────── arguments ─────────────────────────────

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const DURATION = Number(arg("duration") ?? 5);
const WARMUP = Number(arg("warmup") ?? 2);
const ONLY = arg("only")?.split(",");
const wanted = (name: string) => !ONLY || ONLY.includes(name);
const DB = (arg("db") ?? "sqlite") as "sqlite" | "postgres";
if (DB !== "sqlite" && DB !== "postgres") throw new Error(`--db must be sqlite or postgres (got ${DB})`);
const postgres = DB === "postgres";
/** The environment that points a server (the app's or the reference's) at a data set. */
const databaseEnv = (target: string): Record<string, string> => (postgres ? { DATABASE_URL: target } : { DATABASE_URL: "", DATABASE_PATH: target });

// ───────────────────────────── results ─────────────────────────────

export interface ScenarioResult {
  name: string;
  c: number;
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
}

interface SizeResult {
  machine: ReturnType<typeof machine>;
  db: "sqlite" | "postgres";
  size: SyntheticSize;
  data: unknown;
  scenarios: ScenarioResult[];
  references: Record<string, unknown>;
  ratios: Record<string, number | null>;
  notes: string[];
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "?",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ───────────────────────────── HTTP helpers ─────────────────────────────

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function signIn(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ username, password: "demo-password", redirectTo: "" }).toString(),
  });
  const cookie = res.headers.get("set-cookie")?.match(/registry_session=[^;]+/)?.[0];
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  return cookie;
}

/** The named fields of the form holding `marker`, as a browser would post them (no button). */
function formFields(html: string, marker: RegExp): URLSearchParams {
  const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((f) => marker.test(f));
  if (!form) throw new Error("form not found in page");
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
    return m ? decodeEntities(m[1]!) : null;
  };
  const out = new URLSearchParams();
  for (const tag of form.match(/<input\b[^>]*>/g) ?? []) {
    const name = attr(tag, "name");
    const type = attr(tag, "type") ?? "text";
    if (!name || type === "file" || type === "submit") continue;
    if ((type === "checkbox" || type === "radio") && !/\schecked=""/.test(tag)) continue;
    out.append(name, attr(tag, "value") ?? (type === "checkbox" ? "on" : ""));
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1]!, "name");
    if (!name) continue;
    const selected = /<option\b[^>]*\sselected=""[^>]*>/.exec(m[2]!)?.[0] ?? /<option\b[^>]*>/.exec(m[2]!)?.[0];
    out.append(name, selected ? (attr(selected, "value") ?? "") : "");
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(m[1]!, "name");
    if (name) out.append(name, decodeEntities(m[2]!));
  }
  return out;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

interface Scenario {
  name: string;
  method?: "GET" | "POST";
  /** Path of each request (called per request, so consuming scenarios take fresh targets). */
  path: () => string;
  body?: (path: string) => string;
  /** What a correct answer looks like, checked once before the load. */
  expect: { status: number; contains?: string };
}

async function check(base: string, cookie: string, s: Scenario) {
  const p = s.path();
  const res = await fetch(base + p, {
    method: s.method ?? "GET",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: s.body ? s.body(p) : undefined,
  });
  const text = await res.text();
  if (res.status !== s.expect.status || (s.expect.contains && !text.includes(s.expect.contains))) {
    throw new Error(
      `${s.name}: ${s.method ?? "GET"} ${p} answered ${res.status} (expected ${s.expect.status}${s.expect.contains ? ` with "${s.expect.contains}"` : ""}):\n${text.slice(0, 600)}`,
    );
  }
}

async function drive(base: string, cookie: string, s: Scenario, connections: number, duration: number): Promise<ScenarioResult> {
  const result = await autocannon({
    url: base,
    connections,
    duration,
    requests: [
      {
        method: s.method ?? "GET",
        setupRequest: (req: any) => {
          const p = s.path();
          return {
            ...req,
            path: p,
            headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
            ...(s.body ? { body: s.body(p) } : {}),
          };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, v] of Object.entries((result as any).statusCodeStats ?? {})) statuses[code] = (v as any).count;
  const good = statuses[String(s.expect.status)] ?? 0;
  return {
    name: s.name,
    c: connections,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: Math.round(result.requests.average * 10) / 10,
    requests: result.requests.total,
    errors: result.requests.total - good + result.errors + result.timeouts,
    statuses,
  };
}

async function measure(port: number): Promise<{ eventLoop: { maxMs: number; p99Ms: number; meanMs: number }; rssBytes: number; peakRssBytes: number; peakHeapUsedBytes: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return res.json() as any;
}

// ───────────────────────────── references ─────────────────────────────

/**
 * Each page's statements, captured from the real model functions, then timed as prepared
 * better-sqlite3 statements: the floor under the page's cost.
 */
async function rawSqlReference(target: string, fx: BenchFixtures) {
  const sqlite = postgres ? null : new Database(target, { readonly: true });
  const pool = postgres ? new pg.Pool({ connectionString: target, max: 2 }) : null;
  const { db, take } = capturingDb(sqlite ?? pool!);
  const timer = sqlite ? sqliteTimer(sqlite) : await postgresTimer(pool!);
  const { listEnterprises } = await import("~/models/enterprise-list.server");
  const { getEnterpriseProfile } = await import("~/models/enterprise-profile.server");
  const { listApplications } = await import("~/models/application-list.server");
  const { getApplicationDetail } = await import("~/models/application-read.server");
  const { LEAGUE_PAGE_SIZE, loadDistrictProgress, loadProgress, targetYears } = await import("~/models/progress.server");
  const { listTowns, listIndustries } = await import("~/models/reference.server");
  const { parseEnterpriseListQuery } = await import("~/schemas/enterprise.server");
  const reviewer = await db
    .selectFrom("users")
    .select(["id", "role", "enterprise_id as enterpriseId", "town_code as townCode"])
    .where("username", "=", "reviewer")
    .executeTakeFirstOrThrow();
  take();
  const pages: Record<string, () => Promise<unknown>> = {
    "list-first": async () => {
      await listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: fx.listTown })));
      await listTowns(db);
      await listIndustries(db);
    },
    "list-deep": async () => {
      await listEnterprises(db, reviewer, parseEnterpriseListQuery(new URLSearchParams({ town: fx.listTown, cursor: fx.deepCursor })));
      await listTowns(db);
      await listIndustries(db);
    },
    queue: async () => {
      await listApplications(db, reviewer, { statuses: ["submitted"], limit: 50 });
      await listTowns(db);
    },
    profile: async () => {
      await getEnterpriseProfile(db, reviewer, fx.profileIds[0]!);
      await listTowns(db);
      await listIndustries(db);
    },
    detail: async () => getApplicationDetail(db, reviewer, fx.detailIds[0]!),
    dashboard: async () => {
      await targetYears(db);
      await loadProgress(db, reviewer, 2026, new Date(), { after: null, limit: LEAGUE_PAGE_SIZE });
    },
    "api-progress": async () => {
      await targetYears(db);
      await loadDistrictProgress(db, 2026);
    },
  };
  const out: Record<string, { statements: number; p50Ms: number; slowest: { ms: number; sql: string } }> = {};
  for (const [name, run] of Object.entries(pages)) {
    take();
    await run();
    const queries = take();
    let total = 0;
    let slowest = { ms: 0, sql: "" };
    for (const q of queries) {
      const run = timer.prepare(q.sql, q.parameters);
      const times: number[] = [];
      const deadline = performance.now() + 300;
      for (let i = 0; i < 200 && (i < 5 || performance.now() < deadline); i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length / 2)]!;
      total += p50;
      if (p50 > slowest.ms) slowest = { ms: round(p50, 3), sql: q.sql.slice(0, 160) };
    }
    out[name] = { statements: queries.length, p50Ms: round(total, 3), slowest };
  }
  await timer.close();
  await db.destroy();
  return out;
}

interface StatementTimer {
  /** A function that runs the statement once with its parameters. */
  prepare(sql: string, parameters: readonly unknown[]): () => Promise<unknown>;
  close(): Promise<void>;
}

function sqliteTimer(sqlite: Database.Database): StatementTimer {
  return {
    prepare(sql, parameters) {
      const stmt = sqlite.prepare(sql);
      const params = bindable(parameters);
      return async () => (stmt.reader ? stmt.all(...params) : stmt.run(...params));
    },
    close: async () => {},
  };
}

/**
 * Named (server-side prepared) statements on one `pg` connection: parsed and planned once per
 * connection, as a page's statements are not by the app (Kysely sends unnamed ones), so this
 * is the floor under the page's SQL cost, round trips included.
 */
async function postgresTimer(pool: pg.Pool): Promise<StatementTimer> {
  const client = await pool.connect();
  const names = new Map<string, string>();
  return {
    prepare(sql, parameters) {
      let name = names.get(sql);
      if (!name) names.set(sql, (name = `bench_${names.size}`));
      const query = { name, text: sql, values: [...parameters] };
      return () => client.query(query);
    },
    close: async () => client.release(),
  };
}

/** Starts the framework-free reference server on the data set; resolves once it listens. */
async function startReference(target: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["tests/bench/reference-server.tsx"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", ...databaseEnv(target), PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  for (let i = 0; !log.includes("reference listening"); i++) {
    if (child.exitCode !== null || i > 300) throw new Error(`reference server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

/** Rounds of the list at c = 10 against the app and the reference, alternating. */
const PAIRS = Number(arg("pairs") ?? 4);

/**
 * Seconds of load at c = 10 on each server before the rounds. The reference, a few functions,
 * is near full speed within 5 s; the app keeps speeding up as V8 optimises more of it (the list
 * at L on a fresh server, second by second: 66 req/s in the first, about 100 from the third,
 * 100–115 after 20 s, 110–130 after 40 s).
 */
const REFERENCE_WARMUP = Number(arg("reference-warmup") ?? 15);

/**
 * The registry list against the framework-free reference, both servers up on the same data:
 * c = 1 once each, then PAIRS rounds at c = 10, app and reference alternating, so that the
 * machine's load falls on both alike; the best round of each is kept for the ratio.
 */
async function frameworkFreeReference(run: SizeRun, duration: number) {
  const { target, reviewer } = run;
  const ref = await startReference(target);
  const app = run.all.find((x) => x.name === "list-first")!;
  const list: Scenario = { ...app, name: "reference-list" };
  try {
    await check(ref.base, reviewer, list);
    const html = await (await fetch(ref.base + list.path(), { headers: { Cookie: reviewer } })).text();
    const remixHtml = await (await fetch(run.base + app.path(), { headers: { Cookie: reviewer } })).text();
    await drive(ref.base, reviewer, list, 10, REFERENCE_WARMUP);
    await drive(run.base, reviewer, app, 10, REFERENCE_WARMUP);
    const c1 = await drive(ref.base, reviewer, list, 1, duration);
    const rounds: { app: ScenarioResult; reference: ScenarioResult }[] = [];
    for (let i = 0; i < PAIRS; i++) {
      rounds.push({ app: await drive(run.base, reviewer, app, 10, duration), reference: await drive(ref.base, reviewer, list, 10, duration) });
      console.log(`${run.size} list vs reference, round ${i + 1}: ${rounds[i]!.app.rps} vs ${rounds[i]!.reference.rps} req/s`);
    }
    const best = (pick: (r: (typeof rounds)[number]) => ScenarioResult) => rounds.map(pick).reduce((a, b) => (b.rps > a.rps ? b : a));
    return {
      c1,
      c10: best((r) => r.reference),
      appC10: best((r) => r.app),
      rounds: rounds.map((r) => ({ appRps: r.app.rps, referenceRps: r.reference.rps })),
      htmlBytes: Buffer.byteLength(html),
      remixHtmlBytes: Buffer.byteLength(remixHtml),
    };
  } finally {
    ref.stop();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ───────────────────────────── one size ─────────────────────────────

/** Repetitions of each measurement, alternating between sizes; the better p50 is kept. */
const REPS = Number(arg("reps") ?? (arg("compare") ? 2 : 1));

interface SizeRun {
  size: SyntheticSize;
  /** The data set: a SQLite file, or a PostgreSQL URL. */
  target: string;
  counts: unknown;
  fx: BenchFixtures;
  server: RunningServer;
  dataDir: string;
  measurePort: number;
  base: string;
  reviewer: string;
  all: Scenario[];
  scenarios: ScenarioResult[];
  references: Record<string, unknown>;
  notes: string[];
  left: { submit: Target[]; approve: Target[] };
}

/**
 * What autovacuum does on a server that runs it. The project's machines run PostgreSQL with
 * autovacuum off, so a reused data set keeps the dead rows of every earlier run's writes: the
 * counter tables, updated in place by every decision, held five to seven dead rows per live one, and the
 * planner then read application_status_totals (1,920 rows) with a parallel worker, 7 ms instead
 * of 0.4 for the dashboard's approval history.
 */
async function vacuumAnalyze(url: string) {
  const t = Date.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM (ANALYZE)");
  } finally {
    await client.end();
  }
  console.log(`vacuumed and analysed (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

/** Data set, fixtures, a running server signed in, and the scenarios against it. */
async function openSize(size: SyntheticSize): Promise<SizeRun> {
  console.log(`\n== ${size}: data set`);
  const t0 = Date.now();
  const log = (l: string) => console.log(l);
  const { target, meta, reused } = postgres
    ? await ensureSyntheticPg(size, { log }).then((r) => ({ ...r, target: r.url }))
    : await ensureSynthetic(size, { log }).then((r) => ({ ...r, target: r.file }));
  console.log(`${reused ? "reused" : "generated"} ${redactUrl(target)} (${JSON.stringify(meta.counts)}${reused ? "" : `, ${meta.seconds} s`})`);
  // Enough fresh targets for submit and approve at up to 400 req/s through warm-up and every repetition.
  const perScenario = Math.max(1500, Math.ceil((DURATION * 2 * REPS + WARMUP) * 400));
  const fx = await prepareFixtures(target, perScenario);
  console.log(`fixtures ready (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  if (postgres) await vacuumAnalyze(target);

  const measurePort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-bench-"));
  const server: RunningServer = await startServer({
    dataDir,
    env: { ...databaseEnv(target), REGISTRY_MEASURE_PORT: String(measurePort) },
    preload: ["./tests/bench/measure.ts"],
  });
  const base = server.url;
  const reviewer = await signIn(base, "reviewer");
  const left = { submit: [...fx.submitTargets], approve: [...fx.approveTargets] };
  const take = (queue: Target[], fallback: Target) => queue.shift() ?? fallback;
  let i = 0;
  const rotate = (ids: number[]) => ids[i++ % ids.length]!;

  // Real form bodies: the edit form as the page renders it for a fresh draft of each tier.
  const submitBodies = new Map<string, string>();
  for (const tier of new Set(fx.submitTargets.map((t) => t.tier))) {
    const target = fx.submitTargets.find((t) => t.tier === tier)!;
    const html = await (await fetch(`${base}/applications/${target.id}/edit`, { headers: { Cookie: reviewer } })).text();
    const fields = formFields(html, /name="declaration"/);
    fields.set("intent", "submit");
    submitBodies.set(tier, fields.toString());
  }
  const tierOf = new Map(fx.submitTargets.map((t) => [t.id, t.tier]));
  const approveBody = (version: number) =>
    new URLSearchParams({
      intent: "approve",
      version: String(version),
      level: "district",
      recognizedOn: "2026-11-20",
      documentNo: "定经信〔2026〕88号",
      comment: "bench",
    }).toString();
  const versionOf = new Map(fx.approveTargets.map((t) => [t.id, t.version]));

  const all: Scenario[] = [
    { name: "list-first", path: () => `/enterprises?town=${fx.listTown}`, expect: { status: 200, contains: escapeHtml(fx.firstPageName) } },
    { name: "list-deep", path: () => `/enterprises?town=${fx.listTown}&cursor=${fx.deepCursor}`, expect: { status: 200, contains: escapeHtml(fx.deepFirstName) } },
    { name: "queue", path: () => `/applications`, expect: { status: 200 } },
    { name: "profile", path: () => `/enterprises/${rotate(fx.profileIds)}`, expect: { status: 200 } },
    { name: "detail", path: () => `/applications/${rotate(fx.detailIds)}`, expect: { status: 200 } },
    { name: "dashboard", path: () => `/dashboard?year=2026`, expect: { status: 200 } },
    { name: "api-progress", path: () => `/api/progress?year=2026`, expect: { status: 200, contains: '"tiers"' } },
    { name: "pool-list", path: () => `/cultivation`, expect: { status: 200 } },
    {
      name: "submit",
      method: "POST",
      path: () => `/applications/${take(left.submit, fx.submitTargets[0]!).id}/edit`,
      body: (p) => submitBodies.get(tierOf.get(Number(p.split("/")[2])) ?? "")!,
      expect: { status: 302 },
    },
    {
      name: "approve",
      method: "POST",
      path: () => `/applications/${take(left.approve, fx.approveTargets[0]!).id}`,
      body: (p) => approveBody(versionOf.get(Number(p.split("/")[2])) ?? 2),
      expect: { status: 302 },
    },
  ];
  return { size, target, counts: meta.counts, fx, server, dataDir, measurePort, base, reviewer, all, scenarios: [], references: {}, notes: [], left };
}

/** The sign-in burst, the export, the references; stops the server. */
async function closeSize(run: SizeRun): Promise<SizeResult> {
  const { base, reviewer, measurePort, references, scenarios, fx, target } = run;
  try {
    if (wanted("signin-burst")) {
      // Eight people sign in at once while the list is under load: the event loop must not stall.
      const list = run.all[0]!;
      const load = drive(base, reviewer, list, 10, DURATION);
      await new Promise((r) => setTimeout(r, 1000));
      // The same load without sign-ins first: what the list alone does to the event loop.
      await measure(measurePort);
      await new Promise((r) => setTimeout(r, 1000));
      const baseline = await measure(measurePort);
      const t = performance.now();
      const logins = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const s = performance.now();
          await signIn(base, "officer-jintang");
          return performance.now() - s;
        }),
      );
      const burstMs = performance.now() - t;
      const m = await measure(measurePort);
      const underLoad = await load;
      references.signinBurst = {
        signIns: 8,
        burstMs: round(burstMs),
        signInP50Ms: round(logins.sort((a, b) => a - b)[4]!),
        signInMaxMs: round(Math.max(...logins)),
        eventLoopMaxMs: round(m.eventLoop.maxMs),
        eventLoopP99Ms: round(m.eventLoop.p99Ms),
        baselineEventLoopMaxMs: round(baseline.eventLoop.maxMs),
        baselineEventLoopP99Ms: round(baseline.eventLoop.p99Ms),
        listUnderLoad: underLoad,
      };
      console.log(
        `${run.size} signin-burst: 8 sign-ins in ${round(burstMs)} ms; event loop max delay ${round(m.eventLoop.maxMs)} ms (p99 ${round(m.eventLoop.p99Ms)} ms); list load alone, 1 s before: max ${round(baseline.eventLoop.maxMs)} ms`,
      );
    }

    if (wanted("export")) {
      // Peak resident memory while a reviewer exports ~100,000 firms as CSV (the whole registry
      // up to that size), read as a browser would (gzip).
      const before = await measure(measurePort);
      const t = performance.now();
      const res = await fetch(`${base}/enterprises/export.csv?${fx.exportQuery}`, { headers: { Cookie: reviewer } });
      let bytes = 0;
      let lines = 0;
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        for (const b of chunk) if (b === 10) lines++;
      }
      const after = await measure(measurePort);
      references.export = {
        query: fx.exportQuery,
        firms: fx.exportFirms,
        status: res.status,
        lines,
        megabytes: round(bytes / 2 ** 20),
        seconds: round((performance.now() - t) / 1000),
        rssBeforeMb: round(before.rssBytes / 2 ** 20),
        peakRssMb: round(after.peakRssBytes / 2 ** 20),
        growthMb: round((after.peakRssBytes - before.rssBytes) / 2 ** 20),
        peakHeapUsedMb: round(after.peakHeapUsedBytes / 2 ** 20),
      };
      console.log(`${run.size} export: ${JSON.stringify(references.export)}`);
    }

    if (wanted("references")) {
      const ff = await frameworkFreeReference(run, DURATION);
      references.frameworkFreeList = ff;
      console.log(`${run.size} reference-list: c=1: p50 ${ff.c1.p50} ms, ${ff.c1.rps} req/s  c=10: p50 ${ff.c10.p50} ms, ${ff.c10.rps} req/s (app ${ff.appC10.rps} req/s)`);
      await run.server.stop();
      references.rawSql = await rawSqlReference(target, fx);
    }
  } finally {
    await run.server.stop();
    fs.rmSync(run.dataDir, { recursive: true, force: true });
  }

  const p50 = (name: string, c = 1) => scenarios.find((s) => s.name === name && s.c === c)?.p50 ?? null;
  const ff = references.frameworkFreeList as { c10: ScenarioResult; appC10: ScenarioResult } | undefined;
  const ratios: Record<string, number | null> = {
    dashboardOverListP50: p50("dashboard") !== null && p50("list-first") ? round(p50("dashboard")! / p50("list-first")!) : null,
    // From the alternating rounds (frameworkFreeReference), not the scenario table's run.
    listRpsOverFrameworkFreeC10: ff ? round(ff.appC10.rps / ff.c10.rps) : null,
    signinEventLoopMaxMs: (references.signinBurst as any)?.eventLoopMaxMs ?? null,
  };
  return { machine: machine(), db: DB, size: run.size, data: run.counts, scenarios, references, ratios, notes: run.notes };
}

/**
 * Every scenario on every size, alternating sizes within each measurement so that the load of
 * this shared machine falls on both alike; with REPS > 1 the better p50 of the repetitions is kept.
 */
async function driveAll(runs: SizeRun[]) {
  for (const name of runs[0]!.all.map((s) => s.name).filter(wanted)) {
    for (const run of runs) {
      const s = run.all.find((x) => x.name === name)!;
      await check(run.base, run.reviewer, s);
      await drive(run.base, run.reviewer, s, 10, WARMUP);
    }
    for (const c of [1, 10]) {
      const best = new Map<SizeRun, ScenarioResult>();
      for (let rep = 0; rep < REPS; rep++) {
        for (const run of runs) {
          const r = await drive(
            run.base,
            run.reviewer,
            run.all.find((x) => x.name === name)!,
            c,
            DURATION,
          );
          const prev = best.get(run);
          if (!prev || r.p50 < prev.p50) best.set(run, prev ? { ...r, errors: r.errors + prev.errors } : r);
        }
      }
      for (const run of runs) {
        const r = best.get(run)!;
        run.scenarios.push(r);
        console.log(`${run.size} ${name.padEnd(13)} c=${String(c).padEnd(2)} p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps} req/s${r.errors ? `, ${r.errors} unexpected` : ""}`);
      }
    }
    for (const run of runs) {
      const queue = name === "submit" ? run.left.submit : name === "approve" ? run.left.approve : null;
      if (queue && queue.length === 0) run.notes.push(`${name}: ran out of fresh targets; later requests answered 409 (counted as unexpected)`);
    }
  }
}

// ───────────────────────────── output ─────────────────────────────

function table(results: SizeResult[]): string {
  const lines: string[] = [];
  const sizes = results.map((r) => r.size);
  lines.push(`| scenario | c | ${sizes.map((s) => `p50 ${s} (ms) | p99 ${s} (ms) | req/s ${s}`).join(" | ")}${sizes.length > 1 ? ` | p50 ${sizes.at(-1)}/${sizes[0]}` : ""} |`);
  lines.push(`|---|---|${sizes.map(() => "---|---|---").join("|")}${sizes.length > 1 ? "|---" : ""}|`);
  for (const s of results[0]!.scenarios) {
    const cells = results.map((r) => {
      const x = r.scenarios.find((y) => y.name === s.name && y.c === s.c);
      return x ? `${x.p50} | ${x.p99} | ${x.rps}` : "– | – | –";
    });
    const first = results[0]!.scenarios.find((y) => y.name === s.name && y.c === s.c)!;
    const last = results.at(-1)!.scenarios.find((y) => y.name === s.name && y.c === s.c);
    const ratio = sizes.length > 1 && last ? ` | ${round(last.p50 / Math.max(first.p50, 0.01))}` : "";
    lines.push(`| ${s.name} | ${s.c} | ${cells.join(" | ")}${ratio} |`);
  }
  return lines.join("\n");
}

const PAGES = ["list-first", "list-deep", "queue", "profile", "detail", "dashboard", "api-progress", "pool-list"];

/** The issue's targets, evaluated on one compare run (small size first, large last). */
function targets(small: SizeResult, large: SizeResult) {
  const p50 = (r: SizeResult, name: string, c: number) => r.scenarios.find((s) => s.name === name && s.c === c)?.p50;
  const pages = Object.fromEntries(
    PAGES.filter((name) => p50(small, name, 1) !== undefined).map((name) => {
      const ratio = round(p50(large, name, 1)! / Math.max(p50(small, name, 1)!, 0.01));
      return [name, { ratioC1: ratio, ratioC10: round(p50(large, name, 10)! / Math.max(p50(small, name, 10)!, 0.01)), met: ratio <= 1.5 }];
    }),
  );
  const ff = large.references.frameworkFreeList as { c10: ScenarioResult; appC10: ScenarioResult } | undefined;
  const listRps = ff?.appC10.rps;
  const burst = large.references.signinBurst as { eventLoopMaxMs: number } | undefined;
  const exported = large.references.export as { firms: number; growthMb: number; lines: number } | undefined;
  const discovery = large.references.discovery as DiscoveryBenchResult | undefined;
  return {
    [`discovery run over every firm at ${large.size}: < 60 s, RSS grows < 200 MB`]: {
      firms: discovery?.firms ?? null,
      seconds: discovery?.seconds ?? null,
      cpuSeconds: discovery?.cpuSeconds ?? null,
      growthMb: discovery?.rssGrowthMB ?? null,
      met: discovery ? discovery.seconds < 60 && discovery.rssGrowthMB < 200 : null,
    },
    [`every page p50 ${large.size} <= 1.5 x ${small.size} (c=1)`]: pages,
    [`dashboard p50 <= list p50 at ${large.size}`]: {
      dashboard: p50(large, "dashboard", 1),
      list: p50(large, "list-first", 1),
      met: (p50(large, "dashboard", 1) ?? Infinity) <= (p50(large, "list-first", 1) ?? 0),
    },
    [`list req/s c=10 >= 0.7 x framework-free at ${large.size}`]: {
      ratio: ff && listRps !== undefined ? round(listRps / ff.c10.rps) : null,
      met: ff && listRps !== undefined ? listRps / ff.c10.rps >= 0.7 : null,
    },
    "sign-in burst event loop max <= 50 ms": { maxMs: burst?.eventLoopMaxMs ?? null, met: burst ? burst.eventLoopMaxMs <= 50 : null },
    [`export of ~100,000 firms at ${large.size}: peak RSS grows < 100 MB`]: {
      firms: exported?.firms ?? null,
      growthMb: exported?.growthMb ?? null,
      met: exported ? exported.growthMb < 100 && exported.lines > exported.firms : null,
    },
  };
}

// ───────────────────────────── PostgreSQL beside SQLite ─────────────────────────────

/** A run's per-size results, from its JSON (a one-size run is a list of one). */
function resultsOf(json: any): SizeResult[] {
  return json.results ?? [json];
}

/**
 * The SQLite run to set a PostgreSQL run beside: `--sqlite-baseline FILE`, else the newest SQLite
 * run of the same sizes under tests/bench/results/, else tests/bench/compare-S-L.json.
 */
function sqliteBaseline(sizes: string[]): { file: string; results: SizeResult[] } | null {
  const given = arg("sqlite-baseline");
  const dir = path.join(root, "tests/bench/results");
  const candidates = given
    ? [given]
    : [
        ...(fs.existsSync(dir) ? fs.readdirSync(dir) : [])
          .filter((f) => f.startsWith(`bench-${sizes.join("-")}-`) && f.endsWith(".json"))
          .sort()
          .reverse()
          .map((f) => path.join(dir, f)),
        path.join(root, "tests/bench/compare-S-L.json"),
      ];
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const results = resultsOf(JSON.parse(fs.readFileSync(file, "utf8")));
    if ((results[0]?.db ?? "sqlite") === "sqlite" && results.map((r) => r.size).join() === sizes.join()) return { file, results };
  }
  return null;
}

/** Each scenario's p50 on SQLite and PostgreSQL, size by size, and PostgreSQL's over SQLite's. */
function sideBySide(sqlite: SizeResult[], postgresResults: SizeResult[]): string {
  const sizes = postgresResults.map((r) => r.size);
  const cell = (rs: SizeResult[], size: string, name: string, c: number) => rs.find((r) => r.size === size)?.scenarios.find((x) => x.name === name && x.c === c);
  const lines = [
    `| scenario | c | ${sizes.map((s) => `SQLite p50 ${s} | PostgreSQL p50 ${s} | PG/SQLite ${s}`).join(" | ")} |`,
    `|---|---|${sizes.map(() => "---|---|---").join("|")}|`,
  ];
  for (const x of postgresResults[0]!.scenarios) {
    const cells = sizes.map((size) => {
      const a = cell(sqlite, size, x.name, x.c);
      const b = cell(postgresResults, size, x.name, x.c);
      return `${a?.p50 ?? "–"} | ${b?.p50 ?? "–"} | ${a && b ? round(b.p50 / Math.max(a.p50, 0.01)) : "–"}`;
    });
    lines.push(`| ${x.name} | ${x.c} | ${cells.join(" | ")} |`);
  }
  const sqlRow = (rs: SizeResult[], size: string, page: string) => (rs.find((r) => r.size === size)?.references.rawSql as any)?.[page]?.p50Ms;
  lines.push(
    "",
    `| page SQL (ms, sum of the statements' p50) | ${sizes.map((s) => `SQLite ${s} | PostgreSQL ${s}`).join(" | ")} |`,
    `|---|${sizes.map(() => "---|---").join("|")}|`,
  );
  for (const page of PAGES) lines.push(`| ${page} | ${sizes.map((s) => `${sqlRow(sqlite, s, page) ?? "–"} | ${sqlRow(postgresResults, s, page) ?? "–"}`).join(" | ")} |`);
  return lines.join("\n");
}

/** The PostgreSQL target: the registry list at the large size within 2x SQLite's p50. */
function postgresTargets(sqlite: SizeResult[], postgresResults: SizeResult[]) {
  const large = postgresResults.at(-1)!.size;
  const p50 = (rs: SizeResult[]) => rs.find((r) => r.size === large)?.scenarios.find((x) => x.name === "list-first" && x.c === 1)?.p50;
  const [a, b] = [p50(sqlite), p50(postgresResults)];
  return {
    [`list p50 at ${large} on PostgreSQL <= 2 x SQLite's (c=1)`]: { sqlite: a ?? null, postgres: b ?? null, ratio: a && b ? round(b / a) : null, met: a && b ? b <= 2 * a : null },
  };
}

/** Prints a run's tables (and, on PostgreSQL, SQLite's beside them); returns the targets. */
function report(results: SizeResult[]): Record<string, unknown> {
  const targetsOut: Record<string, unknown> = results.length > 1 ? targets(results[0]!, results.at(-1)!) : {};
  console.log("\n" + table(results));
  if (results[0]!.db === "postgres") {
    const baseline = sqliteBaseline(results.map((r) => r.size));
    if (baseline) {
      console.log(`\nbeside SQLite (${path.relative(root, baseline.file)}):\n\n${sideBySide(baseline.results, results)}`);
      Object.assign(targetsOut, postgresTargets(baseline.results, results), { sqliteBaseline: path.relative(root, baseline.file) });
    } else console.log("\nno SQLite run of the same sizes to set beside (--sqlite-baseline FILE)");
  }
  if (Object.keys(targetsOut).length) console.log(`\ntargets: ${JSON.stringify(targetsOut, null, 1)}`);
  return targetsOut;
}

async function main() {
  const render = arg("render");
  if (render) {
    // `--render FILE`: the tables of a run already made, from its JSON.
    report(resultsOf(JSON.parse(fs.readFileSync(render, "utf8"))));
    return;
  }
  const compare = arg("compare");
  const sizes = (compare ? compare.split(",") : [arg("size") ?? "S"]).map((s) => s.trim().toUpperCase());
  for (const s of sizes) if (!isSyntheticSize(s)) throw new Error(`unknown size ${s} (XS, S, M, L)`);
  console.log("Building the app…");
  buildIfNeeded();
  const runs: SizeRun[] = [];
  for (const size of sizes as SyntheticSize[]) runs.push(await openSize(size));
  const results: SizeResult[] = [];
  try {
    await driveAll(runs);
  } finally {
    for (const run of runs) results.push(await closeSize(run));
  }

  const out: Record<string, any> =
    results.length === 1
      ? results[0]!
      : {
          machine: machine(),
          db: DB,
          sizes: results.map((r) => r.size),
          results,
          ratios: Object.fromEntries(
            results[0]!.scenarios.map((s) => {
              const last = results.at(-1)!.scenarios.find((y) => y.name === s.name && y.c === s.c);
              return [`${s.name}@c${s.c} p50 ${results.at(-1)!.size}/${results[0]!.size}`, last ? round(last.p50 / Math.max(s.p50, 0.01)) : null];
            }),
          ),
        };
  // A whole discovery run per size, in this process on the data set's file (SQLite only): time
  // from queueing to done, and the growth of resident memory meanwhile.
  if (wanted("discovery") && !postgres) {
    for (const r of results) {
      const d = await benchDiscovery(r.size, { log: () => undefined });
      r.references.discovery = d;
      console.log(`${r.size} discovery: ${d.firms} firms in ${d.seconds} s (CPU ${d.cpuSeconds} s), ${d.candidates} candidates, RSS +${d.rssGrowthMB} MB`);
    }
  }
  const targetsOut = report(results);
  if (Object.keys(targetsOut).length) out.targets = targetsOut;
  for (const r of results) console.log(`\n${r.size} ratios: ${JSON.stringify(r.ratios)}${r.notes.length ? `\nnotes: ${r.notes.join("; ")}` : ""}`);
  if (results.length > 1) console.log(`\ncompare: ${JSON.stringify(out.ratios, null, 1)}`);
  const name = `bench-${postgres ? "pg-" : ""}${sizes.join("-")}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  const file = arg("out") ?? path.join(root, "tests/bench/results", name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  fs.writeFileSync(file.replace(/\.json$/, ".md"), table(results) + "\n");
  console.log(`\nwritten ${path.relative(root, file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
