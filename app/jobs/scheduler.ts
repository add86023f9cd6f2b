/**
 * The scheduler: the jobs the registry runs by itself, each under its lease (runWithLease: one
 * process at a time, whatever the number of app processes or cron-run commands) and each
 * idempotent by the unique keys of what it writes. Every run is recorded in job_runs and in the
 * audit log with its counts. Started by the server (app/server/main.ts) every
 * JOBS_INTERVAL_SECONDS, or once by `npm run jobs -- --once`.
 */
import type { Db } from "../../db/client";
import { todayInShanghai } from "~/utils/format";
import { recordAudit } from "~/models/audit.server";
import { loadCalendarExceptions } from "~/models/calendar.server";
import { runWithLease } from "~/models/job-lease.server";
import { processDiscoveryRuns } from "~/models/discovery-worker.server";
import { closeDueNotices } from "~/models/notice.server";
import { deliverDueEmails, smtpTransport } from "~/models/outbox.server";
import { queueDailyDigests, remindFiguresDue, remindOverdueQueue } from "~/models/reminder.server";
import { remindAwardsExpiring } from "~/models/validity.server";

export type JobCounts = Record<string, number | string | boolean>;

export interface Job {
  name: string;
  /** How long a run may hold the lease before another process may take over. */
  leaseMs: number;
  /** "tick": at every run of the scheduler; "daily": once a Shanghai day. */
  every: "tick" | "daily";
  run(db: Db, now: Date): Promise<JobCounts>;
}

export const JOBS: readonly Job[] = [
  // Digests are queued before delivery so that a run sends them at once.
  { name: "email-digest", leaseMs: 10 * 60_000, every: "daily", run: (db, now) => queueDailyDigests(db, now) },
  {
    name: "queue-age-alerts",
    leaseMs: 10 * 60_000,
    every: "daily",
    run: async (db, now) => remindOverdueQueue(db, now, await loadCalendarExceptions(db)),
  },
  // Public notices whose window has passed: approvals, then a word to the reviewers.
  { name: "notice-closing", leaseMs: 10 * 60_000, every: "tick", run: (db, now) => closeDueNotices(db, now) },
  // Discovery runs queued, or left running by a process that died: claimed and worked to the end.
  { name: "discovery-runs", leaseMs: 10 * 60_000, every: "tick", run: (db) => processDiscoveryRuns(db) },
  { name: "figures-reminders", leaseMs: 10 * 60_000, every: "daily", run: (db, now) => remindFiguresDue(db, now) },
  { name: "expiry-reminders", leaseMs: 10 * 60_000, every: "daily", run: (db, now) => remindAwardsExpiring(db, now) },
  {
    name: "email-delivery",
    leaseMs: 5 * 60_000,
    every: "tick",
    run: async (db) => {
      const transport = smtpTransport();
      try {
        return { ...(await deliverDueEmails(db, transport)), smtp: transport !== null };
      } finally {
        transport?.close?.();
      }
    },
  },
];

export interface JobReport {
  job: string;
  ran: boolean;
  /** Why it did not run: not due, or another process holds its lease. */
  reason?: "not-due" | "leased";
  counts?: JobCounts;
}

async function isDue(db: Db, job: Job, now: Date): Promise<boolean> {
  if (job.every === "tick") return true;
  const last = await db.selectFrom("job_runs").select("last_finished_at").where("name", "=", job.name).executeTakeFirst();
  return !last?.last_finished_at || todayInShanghai(new Date(last.last_finished_at)) < todayInShanghai(now);
}

/**
 * Runs each job that is due (all of them with `force`), one after another, and answers what
 * each did. The due check is made again under the lease, so a job that another process has
 * just finished is not run a second time.
 */
export async function runDueJobs(db: Db, options: { now?: () => Date; force?: boolean; only?: readonly string[] } = {}): Promise<JobReport[]> {
  const clock = options.now ?? (() => new Date());
  const reports: JobReport[] = [];
  for (const job of JOBS) {
    if (options.only && !options.only.includes(job.name)) continue;
    if (!options.force && !(await isDue(db, job, clock()))) {
      reports.push({ job: job.name, ran: false, reason: "not-due" });
      continue;
    }
    const outcome = await runWithLease(db, `job:${job.name}`, job.leaseMs, async () => {
      const now = clock();
      if (!options.force && !(await isDue(db, job, now))) return null;
      const started = now.toISOString();
      await db
        .insertInto("job_runs")
        .values({ name: job.name, last_started_at: started, last_finished_at: null, last_counts: null })
        .onConflict((oc) => oc.column("name").doUpdateSet({ last_started_at: started }))
        .execute();
      const counts = await job.run(db, now);
      await db
        .updateTable("job_runs")
        .set({ last_finished_at: clock().toISOString(), last_counts: JSON.stringify(counts) })
        .where("name", "=", job.name)
        .execute();
      await recordAudit(db, { actorId: null, action: "job.run", subject: `job:${job.name}`, data: counts });
      return counts;
    });
    if (!outcome.ran) reports.push({ job: job.name, ran: false, reason: "leased" });
    else if (outcome.result === null) reports.push({ job: job.name, ran: false, reason: "not-due" });
    else reports.push({ job: job.name, ran: true, counts: outcome.result });
  }
  return reports;
}

/**
 * Runs the due jobs every `intervalMs` in this process, the first run shortly after start; a run
 * never overlaps the one before. Answers a function that stops it.
 */
export function startScheduler(db: Db, intervalMs: number, log: (line: string) => void = console.log): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      const reports = await runDueJobs(db);
      // A delivery run that found nothing to send is audited but not logged.
      const ran = reports
        .filter((r) => r.ran && Object.values(r.counts ?? {}).some((v) => typeof v === "string" || (typeof v === "number" && v > 0)))
        .map((r) => `${r.job} ${JSON.stringify(r.counts)}`);
      if (ran.length) log(`Scheduled jobs: ${ran.join("; ")}`);
    } catch (error) {
      log(`Scheduled jobs failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (!stopped) timer = setTimeout(tick, intervalMs);
      timer?.unref();
    }
  };
  timer = setTimeout(tick, Math.min(intervalMs, 5_000));
  timer.unref();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/** JOBS_INTERVAL_SECONDS (default 300; 0 turns the in-process scheduler off). */
export function schedulerIntervalMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.JOBS_INTERVAL_SECONDS;
  if (raw === undefined || raw === "") return 300_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`JOBS_INTERVAL_SECONDS must be a number of seconds ≥ 0, got "${raw}"`);
  return Math.round(seconds * 1000);
}
