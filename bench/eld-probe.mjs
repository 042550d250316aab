// Preload (`node --import`) that measures the event-loop delay of the process it is loaded into,
// without any help from that process. Used on poolgate by `npm run bench` (pool-size scenario:
// "writing stats for 10,000 instances never blocks the event loop for more than 10 ms").
//   BENCH_ELD_FILE  where to write the figures
// On SIGUSR2 it writes {seq,maxMs,p99Ms,p50Ms,meanMs,count} for the window since the previous
// SIGUSR2 (or since start), synchronously, then starts a new window.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeFileSync, renameSync } from 'node:fs';

const file = process.env.BENCH_ELD_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let seq = 0;
  process.on('SIGUSR2', () => {
    const ms = (ns) => (Number.isFinite(ns) ? ns / 1e6 : null);
    const out = {
      seq: ++seq,
      maxMs: ms(h.max),
      p99Ms: ms(h.percentile(99)),
      p50Ms: ms(h.percentile(50)),
      meanMs: ms(h.mean),
      count: h.count,
    };
    h.reset();
    writeFileSync(`${file}.tmp`, JSON.stringify(out));
    renameSync(`${file}.tmp`, file);
  });
}
