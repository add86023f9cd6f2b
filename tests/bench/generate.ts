/** `tsx tests/bench/generate.ts L`: builds (or reuses) a synthetic data set without running the bench. */
import { ensureSynthetic, isSyntheticSize } from "../../seeds/synthetic";

const size = (process.argv[2] ?? "S").toUpperCase();
if (!isSyntheticSize(size)) throw new Error(`unknown size ${size}`);
const started = Date.now();
const { file, meta, reused } = await ensureSynthetic(size, { log: (l) => console.log(l) });
console.log(`${reused ? "reused" : "generated"} ${file}: ${JSON.stringify(meta.counts)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
