import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deprioritiseHelperThreads } from './deprioritise-helper-threads.js';

const MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'deprioritise-helper-threads.ts');
const linux = existsSync('/proc/self/task');
/** The test runner's own nice value, which a child inherits (CI may itself run niced). */
const base = linux ? getPriority() : 0;

/** Nice value of each thread of `pid`, read from /proc (field 19 of stat). */
const CHILD = `
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
const { deprioritiseHelperThreads } = await import(process.env.MODULE);
// A worker thread and libuv's pool exist before the call, as they do in the gateway.
const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
await new Promise((resolve) => worker.once('online', resolve));
readFileSync('/proc/self/stat');
const outcome = await deprioritiseHelperThreads({ nice: Number(process.env.NICE), cpus: Number(process.env.CPUS) });
const nice = {};
for (const tid of readdirSync('/proc/self/task')) {
  const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  nice[tid] = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}
process.stdout.write(JSON.stringify({ pid: process.pid, outcome, nice }));
process.exit(0);
`;

function runChild(env: Record<string, string>, niceness = 0): Promise<{ pid: number; outcome: { applied: boolean; threads: number[]; reason?: string }; nice: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const argv = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', CHILD];
    const child = spawn(niceness ? 'nice' : argv[0]!, niceness ? ['-n', String(niceness), ...argv] : argv.slice(1), {
      env: { ...process.env, MODULE, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}: ${out}`))));
  });
}

describe.skipIf(!linux)('deprioritiseHelperThreads', () => {
  it('on one CPU, lowers every thread but the event loop, the worker and V8 helpers included', async () => {
    const { pid, outcome, nice } = await runChild({ NICE: '10', CPUS: '1' });
    expect(outcome.applied).toBe(true);
    const others = Object.keys(nice).filter((tid) => Number(tid) !== pid);
    // Node itself runs V8's platform threads, libuv's pool and the worker: well over four.
    expect(others.length).toBeGreaterThanOrEqual(4);
    expect(nice[String(pid)]).toBe(base);
    for (const tid of others) expect(nice[tid], `thread ${tid}`).toBe(Math.min(19, base + 10));
    expect(outcome.threads.sort()).toEqual(others.map(Number).sort());
  });

  it('is relative to the event loop\'s own priority: a gateway started with nice keeps its helpers below it', async () => {
    const { pid, outcome, nice } = await runChild({ NICE: '10', CPUS: '1' }, 3);
    expect(outcome.applied).toBe(true);
    expect(nice[String(pid)]).toBe(Math.min(19, base + 3));
    const others = Object.keys(nice).filter((tid) => Number(tid) !== pid);
    for (const tid of others) expect(nice[tid], `thread ${tid}`).toBe(Math.min(19, base + 13));
  });

  it('leaves every thread alone with more than one CPU, or when set to 0', async () => {
    for (const env of [{ NICE: '10', CPUS: '2' }, { NICE: '0', CPUS: '1' }]) {
      const { outcome, nice } = await runChild(env);
      expect(outcome.applied).toBe(false);
      expect(outcome.reason).toBeTruthy();
      expect(Object.values(nice).every((value) => value === base)).toBe(true);
    }
  });

  it('reports a task list it cannot read instead of failing', async () => {
    const outcome = await deprioritiseHelperThreads({ nice: 10, cpus: 1, taskDir: '/nonexistent/task' });
    expect(outcome).toEqual({ applied: false, reason: '/nonexistent/task cannot be read (not Linux?)', threads: [] });
  });
});
