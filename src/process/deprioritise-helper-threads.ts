import { readdir } from 'node:fs/promises';
import { availableParallelism, getPriority, setPriority } from 'node:os';

export interface HelperThreadsOptions {
  /** How much nicer than the event loop's thread every other thread runs; 0 leaves them alone. */
  nice: number;
  /** CPUs this process may run on; the default is what its affinity mask allows. */
  cpus?: number;
  /** Where the process's threads are listed (Linux: /proc/self/task). */
  taskDir?: string;
  /** The event loop's thread id, which Linux gives the process id. */
  mainThreadId?: number;
}

export interface HelperThreadsOutcome {
  applied: boolean;
  /** Why nothing was changed, when nothing was. */
  reason?: string;
  /** Thread ids now running at the lower priority. */
  threads: number[];
}

/**
 * When the process may run on one CPU only (taskset, a cpuset cgroup, a 1-vCPU VM), every other
 * thread it has (V8's concurrent marking, sweeping and optimising compiler, libuv's file and DNS
 * pool, the request log's SQLite worker) can run only by taking that CPU from the event loop.
 * Measured with a 10,000-instance pool: the concurrent marking that follows a stats write ran as
 * four helper threads taking turns of ~4 ms each while the loop waited, stalling it for 10-24 ms
 * per collection. At a lower priority the scheduler hands the CPU back to the loop as soon as it
 * has work, and the helpers run in its idle time: 5-12 ms. The helpers' work is not lost, only
 * moved; they still get the CPU whenever the loop is idle (and, at nice 10, about a tenth of it
 * when it never is).
 *
 * Relative to the event loop's own priority: a gateway started with `nice` must not end up with
 * helpers that outrank its loop. Linux only: there a thread's nice value is its own (setpriority
 * on a thread id), which POSIX leaves undefined. Threads started later inherit the priority of the
 * thread that starts them, so this runs once, after the gateway is up and its worker has started.
 */
export async function deprioritiseHelperThreads(options: HelperThreadsOptions): Promise<HelperThreadsOutcome> {
  const { nice, cpus = availableParallelism(), taskDir = '/proc/self/task', mainThreadId = process.pid } = options;
  if (nice <= 0) return { applied: false, reason: 'disabled (HELPER_THREAD_NICE is 0)', threads: [] };
  if (cpus > 1) return { applied: false, reason: `${cpus} CPUs available: helper threads do not compete with the event loop`, threads: [] };
  let entries: string[];
  try {
    entries = await readdir(taskDir);
  } catch {
    return { applied: false, reason: `${taskDir} cannot be read (not Linux?)`, threads: [] };
  }
  let target: number;
  try {
    target = Math.min(19, getPriority(mainThreadId) + nice);
  } catch {
    return { applied: false, reason: `the priority of thread ${mainThreadId} cannot be read`, threads: [] };
  }
  const threads: number[] = [];
  for (const entry of entries) {
    const tid = Number(entry);
    if (!Number.isInteger(tid) || tid === mainThreadId) continue;
    try {
      // Never raise a priority someone lowered further (that would also need privileges).
      if (getPriority(tid) < target) setPriority(tid, target);
      threads.push(tid);
    } catch {
      // The thread ended between listing and setting: nothing to do.
    }
  }
  return { applied: true, threads };
}
