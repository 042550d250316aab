// Process helpers for the bench runner: pinned spawning, readiness, /proc sampling, cleanup.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Command prefix that pins to `cpu` (a taskset cpu-list), or nothing when pinning is off.
 * BENCH_NICE=-10 (opt-in, root only for negative values) also raises every bench process's priority
 * alike, so other work on a shared machine preempts them less.
 */
export function pinned(cpu, argv) {
  const pin = cpu == null ? argv : ['taskset', '-c', String(cpu), ...argv];
  const nice = process.env.BENCH_NICE;
  return nice && /^-?\d+$/.test(nice) ? ['nice', '-n', nice, ...pin] : pin;
}

/** Pins every thread of an already running process (used for the runner itself). */
export function pinPid(pid, cpu) {
  try {
    execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const children = new Set();

/**
 * A long-running child (mock, proxy under test). Keeps the last lines of its output for error
 * reports, and always drains its pipes so a chatty logger can never block it.
 */
export class Service {
  constructor(name, argv, { env = {}, cwd, readyRe, readyTimeoutMs = 30_000 } = {}) {
    this.name = name;
    this.argv = argv;
    this.env = env;
    this.cwd = cwd;
    this.readyRe = readyRe;
    this.readyTimeoutMs = readyTimeoutMs;
    this.tail = [];
    this.proc = null;
    this.exited = null;
  }

  get pid() {
    return this.proc?.pid;
  }

  #keep(stream, label) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.tail.push(`${label}: ${line}`);
        if (this.tail.length > 40) this.tail.shift();
        this.onLine?.(line);
      }
      if (buf.length > 65536) buf = buf.slice(-4096); // no newline in a long time: keep draining
    });
  }

  /** Starts the process and resolves with the regex match of its readiness line. */
  start() {
    return new Promise((resolve, reject) => {
      const [cmd, ...rest] = this.argv;
      let settled = false;
      const done = (err, val) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.onLine = null;
        if (err) reject(err);
        else resolve(val);
      };
      const proc = spawn(cmd, rest, {
        cwd: this.cwd,
        env: { ...process.env, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.proc = proc;
      children.add(proc);
      this.onLine = (line) => {
        // strip ANSI colour codes (Portkey prints them)
        const clean = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
        const m = this.readyRe.exec(clean);
        if (m) done(null, m);
      };
      this.#keep(proc.stdout, 'out');
      this.#keep(proc.stderr, 'err');
      proc.on('error', (err) => done(new Error(`${this.name}: cannot spawn ${cmd}: ${err.message}`)));
      proc.on('exit', (code, signal) => {
        children.delete(proc);
        this.exited = { code, signal };
        done(new Error(`${this.name} exited (${signal ?? `code ${code}`}) before it was ready${this.lastLines()}`));
      });
      const timer = setTimeout(
        () => done(new Error(`${this.name} printed no readiness line within ${this.readyTimeoutMs} ms${this.lastLines()}`)),
        this.readyTimeoutMs,
      );
    });
  }

  /** For error reports: the first line that looks like an error, then the last few lines. */
  lastLines(n = 4) {
    const lines = this.tail.map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== 'out:' && l !== 'err:');
    const firstError = lines.find((l) => /error|exception|cannot|failed|unknown/i.test(l));
    const pick = [...new Set([...(firstError ? [firstError] : []), ...lines.slice(-n)])];
    return pick.length ? `; output: ${pick.join(' | ').slice(0, 600)}` : '';
  }

  alive() {
    return this.proc != null && this.exited == null;
  }

  async stop() {
    const proc = this.proc;
    if (!proc || this.exited) return;
    await new Promise((resolve) => {
      const t = setTimeout(() => {
        try {
          proc.kill('SIGKILL');
        } catch {}
      }, 3000);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      try {
        proc.kill('SIGTERM');
      } catch {
        clearTimeout(t);
        resolve();
      }
    });
  }
}

/** Last-resort cleanup: never leave a pinned child running after the runner goes away. */
export function killAllChildren() {
  for (const p of children) {
    try {
      p.kill('SIGKILL');
    } catch {}
  }
  children.clear();
}

/** utime+stime (all threads) in clock ticks, from /proc/<pid>/stat. */
export function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
  } catch {
    return null;
  }
}

/** {rssKb, hwmKb} from /proc/<pid>/status. */
export function memKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: get('VmRSS'), hwmKb: get('VmHWM') };
  } catch {
    return { rssKb: NaN, hwmKb: NaN };
  }
}

/** Resets VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`); false when not allowed. */
export function resetPeakRss(pid) {
  try {
    if (!existsSync(`/proc/${pid}/clear_refs`)) return false;
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the max seen in kB. */
export function rssSampler(pid, everyMs = 50) {
  let max = memKb(pid).rssKb || 0;
  const t = setInterval(() => {
    const { rssKb } = memKb(pid);
    if (rssKb > max) max = rssKb;
  }, everyMs);
  return () => {
    clearInterval(t);
    const { rssKb } = memKb(pid);
    return Math.max(max, rssKb || 0);
  };
}

/** Runs a short-lived command to completion, collecting its output. */
export function run(argv, { env = {}, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const [cmd, ...rest] = argv;
    const proc = spawn(cmd, rest, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', (err) => {
      clearTimeout(t);
      children.delete(proc);
      resolve({ code: -1, stdout, stderr: stderr + String(err) });
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(t);
      children.delete(proc);
      resolve({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
