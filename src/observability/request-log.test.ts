import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_COLUMNS } from './request-log-schema.js';
import type { RequestRecord } from './request-record.js';
import { RequestLog } from './request-log.js';

// Every RequestRecord field must have a column: adding a field to the record without storing it
// fails the type check here.
type Unstored = Exclude<keyof RequestRecord, (typeof LOG_COLUMNS)[number]['field']>;
const everyFieldStored: [Unstored] extends [never] ? true : false = true;

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    startedAt: 1_700_000_000_000,
    method: 'POST',
    route: '/v1/chat/completions',
    protocol: 'openai',
    pool: 'openai-custom',
    instance: 'first',
    model: 'gpt-4o-mini',
    stream: true,
    fastPath: false,
    attempts: 2,
    status: 200,
    errorCode: 'rate_limited',
    firstByteMs: 12,
    durationMs: 34,
    clientAborted: false,
    ...overrides,
  };
}

/** Reads the file as another process would: read-only, closed again at once. */
function readOnly<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Thread id -> nice value of every thread of this process (Linux /proc). */
async function threadNiceValues(): Promise<Map<number, number>> {
  const nice = new Map<number, number>();
  for (const tid of await readdir('/proc/self/task')) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => undefined);
    // Fields after the parenthesised name start at field 3 (state); nice is field 19.
    if (stat) nice.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nice;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RequestLog', () => {
  let dir: string;
  let log: RequestLog | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'poolgate-request-log-'));
  });
  afterEach(async () => {
    await log?.close();
    log = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every field of a record and returns it as it was', async () => {
    expect(everyFieldStored).toBe(true);
    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 0, maxAgeDays: 0 });
    const full = record();
    const sparse = record({ startedAt: full.startedAt + 1, pool: undefined, instance: undefined, model: undefined, stream: undefined, fastPath: undefined, errorCode: undefined, firstByteMs: undefined, attempts: 0, status: 404, clientAborted: true });
    log.onRequestEnd(full);
    log.onRequestEnd(sparse);
    const rows = await log.query();
    expect(rows).toEqual([
      { id: 2, ...sparse, pool: undefined, instance: undefined, model: undefined, stream: undefined, fastPath: undefined, errorCode: undefined, firstByteMs: undefined },
      { id: 1, ...full },
    ]);
    expect(Object.keys(rows[0]!)).not.toContain('pool');
  });

  it('batches on a timer without being asked, and filters by pool, instance, since and limit', async () => {
    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 0, maxAgeDays: 0, flushIntervalMs: 30 });
    for (let i = 0; i < 30; i++) log.onRequestEnd(record({ startedAt: 1000 + i, pool: i % 2 ? 'a' : 'b', instance: `i${i % 3}` }));
    // Read the file from outside: the batch must land by the timer alone.
    const file = path.join(dir, 'log.sqlite');
    await eventually(
      async () => readOnly(file, (db) => db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number),
      (count) => count === 30,
    );
    expect((await log.query({ pool: 'a' })).every((row) => row.pool === 'a')).toBe(true);
    expect(await log.query({ pool: 'a' })).toHaveLength(15);
    // pool b: even i; instance i0: i divisible by 3.
    expect((await log.query({ pool: 'b', instance: 'i0' })).map((row) => row.startedAt)).toEqual([1024, 1018, 1012, 1006, 1000]);
    const recent = await log.query({ since: 1025, limit: 3 });
    expect(recent.map((row) => row.startedAt)).toEqual([1029, 1028, 1027]);
    expect(await log.query({ limit: 5000 })).toHaveLength(30);
  });

  it('posts full batches at once and keeps at most maxRows rows across many records', async () => {
    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 1000, maxAgeDays: 0, maxBatch: 100, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5000; i++) log.onRequestEnd(record({ startedAt: i }));
    const file = path.join(dir, 'log.sqlite');
    // maxBatch reached 50 times: stored without the (one minute) timer.
    const count = await eventually(
      async () => readOnly(file, (db) => db.prepare('SELECT COUNT(*), MIN(started_at) FROM requests').raw().get() as [number, number]),
      ([rows, oldest]) => rows === 1000 && oldest === 4000,
    );
    expect(count).toEqual([1000, 4000]);
    expect((await log.query({ limit: 1 }))[0]?.startedAt).toBe(4999);
  });

  it('drops rows older than maxAgeDays, by the injected clock', async () => {
    let now = 10 * 86_400_000;
    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 0, maxAgeDays: 2, now: () => now });
    log.onRequestEnd(record({ startedAt: now - 3 * 86_400_000 }));
    log.onRequestEnd(record({ startedAt: now - 1 * 86_400_000 }));
    expect(await log.query()).toHaveLength(1);
    now += 86_400_000 + 1;
    log.onRequestEnd(record({ startedAt: now }));
    expect((await log.query()).map((row) => row.startedAt)).toEqual([now]);
  });

  it('does not log the admin API itself', async () => {
    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 0, maxAgeDays: 0 });
    log.onRequestEnd(record({ protocol: 'admin', route: '/admin/requests' }));
    log.onRequestEnd(record());
    expect((await log.query()).map((row) => row.protocol)).toEqual(['openai']);
  });

  it('flushes on close, and the data survives in a real SQLite file for the next run', async () => {
    const file = path.join(dir, 'log.sqlite');
    log = await RequestLog.open({ file, maxRows: 0, maxAgeDays: 0, flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) log.onRequestEnd(record({ startedAt: i }));
    await log.close();
    await expect(log.query()).rejects.toThrow(/closed/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(7);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").pluck().all()).toEqual([]);
    db.close();
    log = await RequestLog.open({ file, maxRows: 0, maxAgeDays: 0 });
    log.onRequestEnd(record({ startedAt: 100 }));
    const rows = await log.query();
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ id: 8, startedAt: 100 });
  });

  it.runIf(process.platform === 'linux')('runs its worker thread at a lower priority than the threads that serve requests', async () => {
    const before = await threadNiceValues();
    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 0, maxAgeDays: 0 });
    const after = await threadNiceValues();
    const started = [...after].filter(([tid]) => !before.has(tid));
    const own = before.get(process.pid)!;
    expect(started.filter(([, nice]) => nice === Math.min(19, own + 10))).toHaveLength(1);
    // Only the worker's own thread: every thread that was there keeps its priority.
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
    log.onRequestEnd(record());
    expect(await log.query()).toHaveLength(1);
    await log.close();

    log = await RequestLog.open({ file: path.join(dir, 'log.sqlite'), maxRows: 0, maxAgeDays: 0, workerNice: 0 });
    const unchanged = await threadNiceValues();
    expect([...unchanged].filter(([tid, nice]) => !before.has(tid) && nice !== own)).toEqual([]);
  });

  it('rejects at open when the file cannot be a database', async () => {
    const file = path.join(dir, 'not-a-db.sqlite');
    await writeFile(file, 'this is not sqlite, just text long enough to have a header: '.repeat(20));
    await expect(RequestLog.open({ file, maxRows: 0, maxAgeDays: 0 })).rejects.toThrow(/not-a-db\.sqlite/);
    await expect(RequestLog.open({ file: path.join(dir, 'missing', 'dir', 'log.sqlite'), maxRows: 0, maxAgeDays: 0 })).rejects.toThrow();
  });
});
