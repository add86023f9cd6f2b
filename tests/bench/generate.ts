/**
 * `tsx tests/bench/generate.ts L [--db postgres]`: builds (or reuses) a synthetic data set without
 * running the bench: data/bench/<size>.db, or the database registry_bench_<size> on the
 * PostgreSQL server at BENCH_DATABASE_URL.
 */
import { ensureSynthetic, isSyntheticSize } from "../../seeds/synthetic";
import { ensureSyntheticPg } from "../../seeds/synthetic-pg";
import { redactUrl } from "../../db/client";

const size = (process.argv[2] ?? "S").toUpperCase();
if (!isSyntheticSize(size)) throw new Error(`unknown size ${size}`);
const db = process.argv.includes("--db") ? process.argv[process.argv.indexOf("--db") + 1] : "sqlite";
if (db !== "sqlite" && db !== "postgres") throw new Error(`--db must be sqlite or postgres (got ${db})`);
const started = Date.now();
const log = (l: string) => console.log(l);
const { where, meta, reused } =
  db === "postgres"
    ? await ensureSyntheticPg(size, { log }).then((r) => ({ ...r, where: redactUrl(r.url) }))
    : await ensureSynthetic(size, { log }).then((r) => ({ ...r, where: r.file }));
console.log(`${reused ? "reused" : "generated"} ${where}: ${JSON.stringify(meta.counts)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
