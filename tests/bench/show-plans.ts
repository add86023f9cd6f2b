/** `tsx tests/bench/show-plans.ts FILE.db`: the hot queries' plans on any data set, problems marked. */
import Database from "better-sqlite3";
import { hotQueryPlans, planProblems } from "./plans";

const sqlite = new Database(process.argv[2]!, { readonly: true });
for (const q of await hotQueryPlans(sqlite)) {
  const bad = planProblems(q);
  console.log(`\n[${q.page}]${bad.length ? "  <-- " + bad.join(" / ") : ""}\n  ${q.sql.replace(/\s+/g, " ").slice(0, 400)}`);
  for (const line of q.plan) console.log(`    ${line}`);
}
