import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";

/**
 * Benchmark instrumentation, loaded into the server under test only by the benchmark
 * (`node --import tsx --import ./tests/bench/measure.ts app/server/main.ts`): the event loop's
 * delay and the process's resident memory, read and reset through GET / on a separate loopback
 * port (REGISTRY_MEASURE_PORT), never through the app's own routes.
 */
function startMeasurement(): void {
  const port = Number(process.env.REGISTRY_MEASURE_PORT ?? 0);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  sampler.unref();
  const server = http.createServer((req, res) => {
    const rss = process.memoryUsage.rss();
    const body = {
      pid: process.pid,
      eventLoop: {
        maxMs: histogram.max / 1e6,
        p99Ms: histogram.percentile(99) / 1e6,
        meanMs: histogram.mean / 1e6,
      },
      rssBytes: rss,
      peakRssBytes: Math.max(peakRss, rss),
      peakHeapUsedBytes: peakHeap,
    };
    histogram.reset();
    peakRss = rss;
    peakHeap = process.memoryUsage().heapUsed;
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  });
  server.listen(port, "127.0.0.1", () => {
    const address = server.address();
    console.log(`measurement endpoint on 127.0.0.1:${typeof address === "object" && address ? address.port : port}`);
  });
  server.unref();
}

startMeasurement();
