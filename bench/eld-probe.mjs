// Preload (`node --import`) that measures the event-loop delay of the process it is loaded into,
// without any help from that process. Used on poolgate by `npm run bench` (pool-size scenario:
// "writing stats for 10,000 instances never blocks the event loop for more than 10 ms").
//   BENCH_ELD_FILE  where to write the figures
//
// Two measures, both over a window that ends (and restarts) on each SIGUSR2:
// - wall: node's monitorEventLoopDelay (1 ms resolution): max / p99 / p50 of how late the loop ran.
//   On a shared machine this also counts time the process was merely preempted by others.
// - cpu: a 1 ms interval timer that, for each late tick, takes how much CPU the process used
//   between ticks (process.cpuUsage). The bench pins the process to one core, so all its threads
//   share that core and CPU time == time it actually ran: a late tick with matching CPU is the
//   loop busy (a synchronous block, GC); a late tick without it is preemption. cpuBlockMaxMs is the
//   longest stretch of the former.
// On SIGUSR2 it writes {seq, maxMs, p99Ms, p50Ms, meanMs, count, cpuBlockMaxMs, lateTicks} synchronously.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { writeFileSync, renameSync } from 'node:fs';

const file = process.env.BENCH_ELD_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();

  const INTERVAL_MS = 1;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let cpuBlockMaxMs = 0;
  let lateTicks = 0; // ticks more than 10 ms late (wall)
  const tick = setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const wallMs = wall - lastWall;
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    lastWall = wall;
    lastCpu = cpu;
    if (wallMs > INTERVAL_MS + 10) lateTicks++;
    const blockedMs = Math.min(wallMs, cpuMs) - INTERVAL_MS;
    if (blockedMs > cpuBlockMaxMs) cpuBlockMaxMs = blockedMs;
  }, INTERVAL_MS);
  tick.unref();

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
      cpuBlockMaxMs,
      lateTicks,
    };
    h.reset();
    cpuBlockMaxMs = 0;
    lateTicks = 0;
    writeFileSync(`${file}.tmp`, JSON.stringify(out));
    renameSync(`${file}.tmp`, file);
  });
}
