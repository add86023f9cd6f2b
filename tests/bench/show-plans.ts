/**
 * `tsx tests/bench/show-plans.ts FILE.db`: the hot queries' plans on any data set, problems marked.
 * `tsx tests/bench/show-plans.ts postgres://…/registry_bench_l`: the same statements on PostgreSQL
 * with EXPLAIN (ANALYZE, BUFFERS), the slowest first.
 */
import Database from "better-sqlite3";
import pg from "pg";
import "../../db/client";
import { hotQueryPlans, hotQueryPlansPostgres, planProblems } from "./plans";

const target = process.argv[2]!;
if (/^postgres(ql)?:\/\//i.test(target)) {
  const pool = new pg.Pool({ connectionString: target, max: 2 });
  const plans = await hotQueryPlansPostgres(pool);
  await pool.end();
  const ms = (plan: string[]) => Number(/Execution Time: ([\d.]+) ms/.exec(plan.at(-1) ?? "")?.[1] ?? 0);
  for (const q of plans.sort((a, b) => ms(b.plan) - ms(a.plan))) {
    console.log(`\n[${q.page}]  ${ms(q.plan)} ms\n  ${q.sql.replace(/\s+/g, " ").slice(0, 400)}`);
    for (const line of q.plan) console.log(`    ${line}`);
  }
} else {
  const sqlite = new Database(target, { readonly: true });
  for (const q of await hotQueryPlans(sqlite)) {
    const bad = planProblems(q);
    console.log(`\n[${q.page}]${bad.length ? "  <-- " + bad.join(" / ") : ""}\n  ${q.sql.replace(/\s+/g, " ").slice(0, 400)}`);
    for (const line of q.plan) console.log(`    ${line}`);
  }
}
