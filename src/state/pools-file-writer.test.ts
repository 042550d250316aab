import { chmod, copyFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../config/config-schema.js';
import type { InstanceRecord } from '../config/instance-record.js';
import { parsePoolsFile } from '../config/parse-pools-file.js';
import { PoolRegistry } from '../pool/pool-registry.js';
import type { PoolInstance } from '../pool/pool-instance.js';
import { classifyUpstreamStatus } from '../upstream/classify-upstream-status.js';
import type { AdapterDeps, ProviderAdapter, UpstreamConnection } from '../upstream/provider-adapter.js';
import { ProviderRegistry } from '../upstream/provider-registry.js';
import { PoolsFileWriter } from './pools-file-writer.js';

const SEED_FIXTURE = fileURLToPath(new URL('../../test/fixtures/seed/provider_pools.json', import.meta.url));
const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);
const MODEL = 'gpt-4o';
const KEY1 = '2f579c65-d3c5-41b1-9985-9f6e3d7bf39c';
const KEY2 = 'e284628d-302f-456d-91f3-6095386fb3b8';
/** Long enough that no timer fires during a test that flushes by hand. */
const NEVER = 10 * 60_000;

function dummyConnection(): UpstreamConnection {
  const unused = async (): Promise<never> => {
    throw new Error('not used in these tests');
  };
  return { generate: unused, stream: unused, probe: unused, close: async () => undefined };
}

const fakeOpenAI: ProviderAdapter = {
  type: 'openai-custom',
  wireFormat: 'openai',
  defaultCheckModel: MODEL,
  defaultModels: [MODEL],
  connectionFields: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  connect: () => dummyConnection(),
};

interface Setup {
  file: string;
  clock: { now: number };
  registry: PoolRegistry;
  writer: PoolsFileWriter;
  logger: Logger;
  written: string[];
}

let dir: string;
let writers: PoolsFileWriter[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'poolgate-writer-'));
  writers = [];
});

afterEach(async () => {
  vi.useRealTimers();
  for (const writer of writers) await writer.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function loadInto(registry: PoolRegistry, file: string): Promise<void> {
  registry.apply(parsePoolsFile(await readFile(file, 'utf8'), file), file);
}

async function setup(options: { debounceMs?: number; maxWaitMs?: number; now?: () => number; file?: string } = {}): Promise<Setup> {
  const file = options.file ?? path.join(dir, 'provider_pools.json');
  if (!options.file) await copyFile(SEED_FIXTURE, file);
  const clock = { now: T0 };
  const now = options.now ?? (() => clock.now);
  const logger: Logger = pino({ level: 'silent' });
  const config = configSchema.parse({});
  const written: string[] = [];
  let writer: PoolsFileWriter | undefined;
  const registry = new PoolRegistry({
    providers: new ProviderRegistry([fakeOpenAI]),
    adapterDeps: {} as AdapterDeps,
    logger,
    now,
    random: () => 0.5,
    config: () => config,
    onChange: () => writer?.markDirty(),
  });
  await loadInto(registry, file);
  writer = new PoolsFileWriter({
    file,
    registry,
    logger,
    now,
    debounceMs: options.debounceMs ?? NEVER,
    maxWaitMs: options.maxWaitMs ?? NEVER,
    onWritten: (bytes) => written.push(bytes.toString('utf8')),
  });
  writers.push(writer);
  return { file, clock, registry, writer, logger, written };
}

/** Runs `count` successful requests through the pool, as the dispatcher would. */
function serve(registry: PoolRegistry, count: number, onto?: PoolInstance): void {
  const pool = registry.pool('openai-custom')!;
  for (let i = 0; i < count; i++) {
    const instance = onto ?? pool.select(MODEL, undefined)!;
    const lease = pool.acquire(instance);
    lease.succeed();
    lease.release();
  }
}

async function readJson(file: string): Promise<Record<string, Array<Record<string, unknown>>>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
}

function entry(document: Record<string, Array<Record<string, unknown>>>, uuid: string): Record<string, unknown> {
  for (const entries of Object.values(document)) for (const candidate of entries) if (candidate.uuid === uuid) return candidate;
  throw new Error(`no entry ${uuid}`);
}

async function until(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('scheduling (fake timers: exact times)', () => {
  interface Scheduled {
    s: Setup;
    /** Fake-clock offsets (ms from T0) at which flush ran. */
    flushes: number[];
    /** Advances the fake clock, then lets the real file I/O of any flush it started finish. */
    tick(ms: number): Promise<void>;
  }

  async function scheduled(debounceMs: number, maxWaitMs: number): Promise<Scheduled> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
    const s = await setup({ debounceMs, maxWaitMs, now: () => Date.now() });
    const flushes: number[] = [];
    const started: Array<Promise<void>> = [];
    const flush = s.writer.flush.bind(s.writer);
    vi.spyOn(s.writer, 'flush').mockImplementation(() => {
      flushes.push(Date.now() - T0);
      const done = flush();
      started.push(done);
      return done;
    });
    return {
      s,
      flushes,
      async tick(ms) {
        vi.advanceTimersByTime(ms);
        await Promise.all(started.splice(0));
      },
    };
  }

  it('debounces: a burst of changes gives one write, debounceMs after the last change', async () => {
    const { s, flushes, tick } = await scheduled(300, 5000);
    s.writer.markDirty();
    await tick(100);
    s.writer.markDirty();
    await tick(100);
    s.writer.markDirty();
    await tick(299);
    expect(flushes).toEqual([]);
    await tick(1);
    expect(flushes).toEqual([500]);
    expect(s.written).toHaveLength(1);
    await tick(10_000);
    expect(flushes).toEqual([500]);
  });

  it('under a steady stream of changes still writes every maxWaitMs', async () => {
    const { s, flushes, tick } = await scheduled(300, 1000);
    s.writer.markDirty();
    for (let t = 100; t <= 3500; t += 100) {
      await tick(100);
      s.writer.markDirty();
    }
    expect(flushes).toEqual([1000, 2000, 3000]);
    expect(s.written).toHaveLength(3);
  });

  it('writes a file that is slow to serialise less often, keeping stats writes under 1% of a core', async () => {
    const { s, flushes, tick } = await scheduled(300, 1000);
    // Every reading of the clock during serialisation advances it by 30 ms: each write is "slow",
    // busy for at least 30 ms however often the writer looks at the clock.
    let clock = 0;
    const readings = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 30));
    s.writer.markDirty();
    for (let t = 100; t <= 40_000; t += 100) {
      await tick(100);
      s.writer.markDirty();
    }
    expect(readings).toHaveBeenCalled();
    // The first write keeps maxWait; then each waits at least cost / 1% (>= 3 s) after the one before.
    expect(flushes[0]).toBe(1000);
    expect(flushes.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < flushes.length; i++) expect(flushes[i]! - flushes[i - 1]!).toBeGreaterThanOrEqual(3000);
    readings.mockRestore();
    // Once the last slow write's wait is over, writes that cost nothing are back to every maxWait.
    const before = flushes.length;
    for (let t = 0; t < 300; t++) {
      await tick(100);
      s.writer.markDirty();
    }
    const cheap = flushes.slice(before);
    expect(cheap.length).toBeGreaterThanOrEqual(3);
    for (let i = 2; i < cheap.length; i++) expect(cheap[i]! - cheap[i - 1]!).toBe(1000);
  });

  it('a change while a write is still in flight does not trigger an immediate extra flush', async () => {
    const { s, flushes, tick } = await scheduled(300, 1000);
    s.writer.markDirty();
    for (let t = 100; t <= 3500; t += 100) {
      // The clock runs ahead of the disk: writes are still in flight when the next changes come.
      vi.advanceTimersByTime(100);
      s.writer.markDirty();
    }
    expect(flushes).toEqual([1000, 2000, 3000]);
    await tick(0);
  });

  it('with a corrupt file, retries at most once per maxWait under load (not once per change)', async () => {
    const { s, flushes, tick } = await scheduled(300, 1000);
    const errors = vi.spyOn(s.logger, 'error');
    const corrupt = '{ "openai-custom": [';
    await writeFile(s.file, corrupt);
    s.writer.markDirty();
    for (let t = 100; t <= 3500; t += 100) {
      await tick(100);
      s.writer.markDirty();
    }
    expect(flushes).toEqual([1000, 2000, 3000]);
    expect(errors).toHaveBeenCalledTimes(3);
    expect(await readFile(s.file, 'utf8')).toBe(corrupt);
  });

  it('requests through the pool mark the writer dirty', async () => {
    const { s, flushes, tick } = await scheduled(300, 1000);
    serve(s.registry, 1);
    await tick(300);
    expect(flushes).toEqual([300]);
    expect(s.written).toHaveLength(1);
  });
});

describe('writing (real files)', () => {
  it('under a stream of markDirty calls the file is written within maxWait, not after the stream', async () => {
    // With a debounce far longer than the test, only the max-wait deadline can cause a write.
    const s = await setup({ debounceMs: 60_000, maxWaitMs: 100, now: Date.now });
    const stream = setInterval(() => serve(s.registry, 1), 5);
    try {
      await until(() => s.written.length > 0, 'a write during the stream');
    } finally {
      clearInterval(stream);
    }
    const document = await readJson(s.file);
    expect((entry(document, KEY1).usageCount as number) + (entry(document, KEY2).usageCount as number)).toBeGreaterThan(0);
  });

  it('writes atomically: replaced by rename, no temp file left, never seen half-written', async () => {
    const s = await setup();
    // Held open, the old file keeps its inode: an in-place rewrite would show through this handle.
    const old = await open(s.file, 'r');
    const oldText = await readFile(s.file, 'utf8');
    let reads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const text = await readFile(s.file, 'utf8');
        expect(() => JSON.parse(text)).not.toThrow();
        reads++;
      }
    })();
    for (let i = 0; i < 20; i++) {
      serve(s.registry, 3);
      await s.writer.flush();
    }
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(s.written).toHaveLength(20);
    try {
      expect((await stat(s.file)).ino).not.toBe((await old.stat()).ino);
      expect(await old.readFile('utf8')).toBe(oldText);
    } finally {
      await old.close();
    }
    expect(await readdir(dir)).toEqual(['provider_pools.json']);
  });

  it('keeps the file mode (0640 stays 0640)', async () => {
    const s = await setup();
    await chmod(s.file, 0o640);
    serve(s.registry, 2);
    await s.writer.flush();
    expect(s.written).toHaveLength(1);
    expect((await stat(s.file)).mode & 0o777).toBe(0o640);
  });

  it('writes the stats in the seed\u2019s field names and leaves everything else as it was', async () => {
    const s = await setup();
    const seed = JSON.parse(await readFile(SEED_FIXTURE, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    s.clock.now = T0 + 5000;
    serve(s.registry, 3);
    await s.writer.flush();
    const document = await readJson(s.file);
    expect(Object.keys(document)).toEqual(Object.keys(seed));
    for (const key of ['gemini-cli-oauth', 'claude-custom', 'claude-kiro-oauth', 'openai-qwen-oauth']) expect(document[key]).toEqual(seed[key]);
    const first = entry(document, KEY1);
    const second = entry(document, KEY2);
    expect((first.usageCount as number) + (second.usageCount as number)).toBe(3);
    expect(first.lastUsed).toBe(new Date(T0 + 5000).toISOString());
    expect(first).toMatchObject({ OPENAI_API_KEY: 'sk-openai-key1', OPENAI_BASE_URL: 'https://api.openai.com/v1', checkModelName: null, isHealthy: true, errorCount: 0, lastErrorTime: null });
    expect(Object.keys(first)).toEqual(Object.keys(seed['openai-custom']![0]!));
  });

  it('merges: a field added, customName changed and an instance added by the user meanwhile all survive', async () => {
    const s = await setup();
    serve(s.registry, 4);
    // The user edits the file while the stats are pending.
    const edited = await readJson(s.file);
    entry(edited, KEY1).note = 'team A key';
    entry(edited, KEY2).customName = 'backup key';
    const added = { OPENAI_API_KEY: 'sk-openai-key3', OPENAI_BASE_URL: 'https://api.openai.com/v1', uuid: 'added-by-user', customName: 'third' };
    edited['openai-custom']!.push(added);
    edited['openai-custom-eu'] = [{ OPENAI_API_KEY: 'sk-eu', OPENAI_BASE_URL: 'https://eu.example/v1', uuid: 'eu-1' }];
    await writeFile(s.file, JSON.stringify(edited, null, 2));

    await s.writer.flush();
    const document = await readJson(s.file);
    expect(entry(document, KEY1).note).toBe('team A key');
    expect(entry(document, KEY2).customName).toBe('backup key');
    expect(entry(document, 'added-by-user')).toEqual(added);
    expect(document['openai-custom-eu']).toEqual(edited['openai-custom-eu']);
    expect((entry(document, KEY1).usageCount as number) + (entry(document, KEY2).usageCount as number)).toBe(4);
  });

  it('leaves a corrupt file byte-for-byte untouched, and keeps the stats pending until it parses again', async () => {
    const s = await setup();
    const errors = vi.spyOn(s.logger, 'error');
    serve(s.registry, 2);
    const corrupt = '{\n  "openai-custom": [\n    { "uuid": "2f579c65-d3c5-41b1-9985-9f6e3d7bf39c", \n';
    await writeFile(s.file, corrupt);
    await s.writer.flush();
    expect(await readFile(s.file, 'utf8')).toBe(corrupt);
    expect(s.written).toHaveLength(0);
    expect(errors).toHaveBeenCalled();
    await s.writer.flush();
    expect(await readFile(s.file, 'utf8')).toBe(corrupt);

    // Fixed by the user: the pending stats are written without any new change.
    await copyFile(SEED_FIXTURE, s.file);
    await s.writer.flush();
    expect(s.written).toHaveLength(1);
    const document = await readJson(s.file);
    expect((entry(document, KEY1).usageCount as number) + (entry(document, KEY2).usageCount as number)).toBe(2);
  });

  it('never overwrites a file whose root is not an object', async () => {
    const s = await setup();
    serve(s.registry, 1);
    await writeFile(s.file, '[]\n');
    await s.writer.flush();
    expect(await readFile(s.file, 'utf8')).toBe('[]\n');
  });

  it('counters, errors and cooldowns survive a restart', async () => {
    const s = await setup();
    const pool = s.registry.pool('openai-custom')!;
    const first = s.registry.instance(KEY1)!;
    const second = s.registry.instance(KEY2)!;
    serve(s.registry, 5, first);
    serve(s.registry, 2, second);
    const lease = pool.acquire(second);
    lease.fail(classifyUpstreamStatus({ status: 429, headers: { 'retry-after': '120' }, message: 'Rate limit reached', now: s.clock.now }));
    lease.release();
    await s.writer.close();

    const restarted = await setup({ file: s.file });
    restarted.clock.now = T0 + 1000;
    const a = restarted.registry.instance(KEY1)!;
    const b = restarted.registry.instance(KEY2)!;
    expect(a.stats).toMatchObject({ usageCount: 5, errorCount: 0, lastUsed: T0 });
    expect(b.stats).toMatchObject({ usageCount: 3, errorCount: 1, lastErrorTime: T0, lastErrorMessage: 'Rate limit reached' });
    expect(b.status(restarted.clock.now)).toBe('cooling');
    expect(b.health.until).toBe(T0 + 120_000);
    expect(b.status(T0 + 120_000)).toBe('probing');
  });

  it('close() writes what is still pending', async () => {
    const s = await setup();
    serve(s.registry, 3);
    await s.writer.close();
    const document = await readJson(s.file);
    expect((entry(document, KEY1).usageCount as number) + (entry(document, KEY2).usageCount as number)).toBe(3);
    serve(s.registry, 1);
    expect(s.written).toHaveLength(1);
  });
});

describe('what a write touches', () => {
  it('writes every entry whole the first time, so a seed entry missing stat fields gets them', async () => {
    const file = path.join(dir, 'provider_pools.json');
    const seed = JSON.parse(await readFile(SEED_FIXTURE, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    for (const field of ['isHealthy', 'lastUsed', 'usageCount', 'errorCount', 'lastErrorTime']) delete seed['openai-custom']![1]![field];
    await writeFile(file, JSON.stringify(seed, null, 2));
    const s = await setup({ file });
    serve(s.registry, 1, s.registry.instance(KEY1)!);
    await s.writer.flush();
    expect(entry(await readJson(file), KEY2)).toMatchObject({ isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null });
  });

  it('leaves an entry with no change since the last write as the file has it: an operator edit made before the reload survives', async () => {
    const s = await setup();
    serve(s.registry, 2, s.registry.instance(KEY2)!);
    await s.writer.flush();
    const document = await readJson(s.file);
    entry(document, KEY2).usageCount = 0;
    await writeFile(s.file, JSON.stringify(document, null, 2));
    // A stats write comes before the watcher's reload has adopted the edit.
    serve(s.registry, 1, s.registry.instance(KEY1)!);
    await s.writer.flush();
    const after = await readJson(s.file);
    expect(entry(after, KEY2).usageCount).toBe(0);
    expect(entry(after, KEY1).usageCount).toBe(1);
    // The reload then adopts it.
    await loadInto(s.registry, s.file);
    expect(s.registry.instance(KEY2)!.stats.usageCount).toBe(0);
  });

  it('knows its own write: fileIsAsKnown until someone else changes the file', async () => {
    const s = await setup();
    expect(await s.writer.fileIsAsKnown()).toBe(false); // nothing written or adopted yet
    serve(s.registry, 1);
    await s.writer.flush();
    expect(await s.writer.fileIsAsKnown()).toBe(true);
    const document = await readJson(s.file);
    entry(document, KEY1).customName = 'edited';
    await writeFile(s.file, JSON.stringify(document, null, 2));
    expect(await s.writer.fileIsAsKnown()).toBe(false);
    serve(s.registry, 1);
    await s.writer.flush();
    expect(await s.writer.fileIsAsKnown()).toBe(true);
    expect(entry(await readJson(s.file), KEY1).customName).toBe('edited');
  });

  it('writes a cooldown that ended with time alone, though nothing marked the instance changed', async () => {
    const s = await setup();
    const cooled = s.registry.instance(KEY2)!;
    const lease = s.registry.pool('openai-custom')!.acquire(cooled);
    lease.fail(classifyUpstreamStatus({ status: 429, headers: { 'retry-after': '120' }, message: 'Rate limit reached', now: s.clock.now }));
    lease.release();
    await s.writer.flush();
    expect(entry(await readJson(s.file), KEY2)).toMatchObject({ isHealthy: false, cooldownUntil: new Date(T0 + 120_000).toISOString() });
    expect(cooled.dirty).toBe(false);

    s.clock.now = T0 + 121_000;
    serve(s.registry, 1, s.registry.instance(KEY1)!);
    await s.writer.flush();
    expect(entry(await readJson(s.file), KEY2)).toMatchObject({ isHealthy: true, cooldownUntil: null, cooldownReason: null, errorCount: 1 });
  });
});

describe('operator edits adopted on registry.apply (adoptUserEdits)', () => {
  async function cooledAndWritten(): Promise<Setup> {
    const s = await setup();
    const second = s.registry.instance(KEY2)!;
    serve(s.registry, 7, s.registry.instance(KEY1)!);
    const lease = s.registry.pool('openai-custom')!.acquire(second);
    lease.fail(classifyUpstreamStatus({ status: 401, headers: {}, message: 'Incorrect API key provided', now: s.clock.now }));
    lease.release();
    await s.writer.flush();
    const document = await readJson(s.file);
    expect(entry(document, KEY1).usageCount).toBe(7);
    expect(entry(document, KEY2).isHealthy).toBe(false);
    return s;
  }

  async function edit(s: Setup, change: (document: Record<string, Array<Record<string, unknown>>>) => void): Promise<void> {
    const document = await readJson(s.file);
    change(document);
    await writeFile(s.file, JSON.stringify(document, null, 2));
    await loadInto(s.registry, s.file);
  }

  it('an edited usageCount wins over the count in memory', async () => {
    const s = await cooledAndWritten();
    await edit(s, (document) => {
      entry(document, KEY1).usageCount = 0;
      entry(document, KEY1).errorCount = 0;
    });
    const first = s.registry.instance(KEY1)!;
    expect(first.stats.usageCount).toBe(0);
    serve(s.registry, 1, first);
    await s.writer.flush();
    expect(entry(await readJson(s.file), KEY1).usageCount).toBe(1);
  });

  it('an edited timestamp is read as the file may hold it: ISO text or epoch milliseconds', async () => {
    const s = await cooledAndWritten();
    await edit(s, (document) => {
      entry(document, KEY1).lastUsed = 1_700_000_000_000;
      entry(document, KEY2).lastErrorTime = '2026-01-02T03:04:05.000Z';
    });
    expect(s.registry.instance(KEY1)!.stats.lastUsed).toBe(1_700_000_000_000);
    expect(s.registry.instance(KEY2)!.stats.lastErrorTime).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
  });

  it('a reload without stat edits leaves the instances clean, so shutdown has nothing to write', async () => {
    const s = await cooledAndWritten();
    await edit(s, (document) => {
      entry(document, KEY1).customName = 'renamed';
    });
    expect([...s.registry.allInstances].some((instance) => instance.dirty)).toBe(false);
  });

  it('an unedited stat is not adopted: the live count keeps counting past the file', async () => {
    const s = await cooledAndWritten();
    const first = s.registry.instance(KEY1)!;
    serve(s.registry, 3, first);
    await edit(s, (document) => {
      entry(document, KEY1).customName = 'renamed';
    });
    expect(first.stats.usageCount).toBe(10);
    expect(first.name).toBe('renamed');
  });

  it('isHealthy: true on a cooling instance clears its cooldown', async () => {
    const s = await cooledAndWritten();
    const second = s.registry.instance(KEY2)!;
    expect(second.status(s.clock.now)).toBe('cooling');
    await edit(s, (document) => {
      entry(document, KEY2).isHealthy = true;
    });
    expect(s.registry.instance(KEY2)).toBe(second);
    expect(second.status(s.clock.now)).toBe('healthy');
    expect(second.health).toMatchObject({ cooling: false, reason: null, code: null, consecutiveFailures: 0 });
    expect(second.canServe(MODEL, s.clock.now)).toBe(true);
    await s.writer.flush();
    expect(entry(await readJson(s.file), KEY2)).toMatchObject({ isHealthy: true, cooldownUntil: null, cooldownReason: null });
  });

  it('an adopted reset is written back, so a restart does not bring the old cooldown back', async () => {
    const s = await cooledAndWritten();
    const writes = s.written.length;
    await edit(s, (document) => {
      entry(document, KEY2).isHealthy = true;
    });
    // The writer was told: with a long debounce nothing is written yet, but a flush writes.
    await s.writer.flush();
    expect(s.written).toHaveLength(writes + 1);
    const restarted = await setup({ file: s.file });
    expect(restarted.registry.instance(KEY2)!.status(s.clock.now)).toBe('healthy');
  });

  it('a reload without stat edits does not schedule a write', async () => {
    const s = await cooledAndWritten();
    const markDirty = vi.spyOn(s.writer, 'markDirty');
    await edit(s, (document) => {
      entry(document, KEY1).customName = 'renamed';
    });
    expect(markDirty).not.toHaveBeenCalled();
  });

  it('clearing cooldownUntil also clears the cooldown', async () => {
    const s = await cooledAndWritten();
    await edit(s, (document) => {
      expect(entry(document, KEY2).cooldownUntil).toBe(new Date(s.clock.now + 30 * 60_000).toISOString());
      entry(document, KEY2).cooldownUntil = null;
    });
    expect(s.registry.instance(KEY2)!.status(s.clock.now)).toBe('healthy');
  });

  it('a file still saying isHealthy: false keeps the instance cooling', async () => {
    const s = await cooledAndWritten();
    await edit(s, (document) => {
      entry(document, KEY1).note = 'unrelated edit';
    });
    expect(s.registry.instance(KEY2)!.status(s.clock.now)).toBe('cooling');
  });

  it('a reload keeps live instances (same objects, same in-flight count)', async () => {
    const s = await cooledAndWritten();
    const first = s.registry.instance(KEY1)!;
    const held = s.registry.pool('openai-custom')!.acquire(first);
    await edit(s, (document) => {
      (entry(document, KEY1) as InstanceRecord).weight = 3;
    });
    expect(s.registry.instance(KEY1)).toBe(first);
    expect(first.inflight).toBe(1);
    expect(first.weight).toBe(3);
    held.release();
  });
});

describe('PoolsFileWriter serialisation (a few dozen entries at a time, yielding between)', () => {
  it('writes exactly what JSON.stringify(document, null, 2) would, unserved, empty and long pools included', async () => {
    const file = path.join(dir, 'format.json');
    await writeFile(
      file,
      JSON.stringify({
        'openai-custom': [
          { uuid: 'f1', OPENAI_API_KEY: 'k1', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', nested: { list: [1, { a: null }] } },
          { uuid: 'f2', OPENAI_API_KEY: 'k2', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' },
        ],
        'vertex-ai': [{ uuid: 'v1', weird: 'quote " and \\ backslash' }],
        'empty-pool': [],
        // More entries than are stringified together.
        'many-unserved': Array.from({ length: 150 }, (_, i) => ({ uuid: `m${i}`, tags: ['a', { b: [] }], empty: {}, text: `line ${i}\nnext` })),
      }),
    );
    const { registry, writer, written } = await setup({ file });
    serve(registry, 3);
    await writer.flush();
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(written.at(-1)).toBe(text);
    // A second write with one changed entry re-serialises that entry only, same format.
    serve(registry, 1);
    await writer.flush();
    const again = await readFile(file, 'utf8');
    expect(again).toBe(`${JSON.stringify(JSON.parse(again), null, 2)}\n`);
    const counts = (JSON.parse(again)['openai-custom'] as Array<{ usageCount: number }>).map((e) => e.usageCount);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('re-reads the file when someone else wrote it since, so their edit survives the cached document', async () => {
    const { file, registry, writer } = await setup();
    serve(registry, 2);
    await writer.flush();
    const edited = JSON.parse(await readFile(file, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    edited['openai-custom']![0]!.customName = 'renamed-by-hand';
    await writeFile(file, JSON.stringify(edited, null, 2));
    serve(registry, 1);
    await writer.flush();
    const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    expect(after['openai-custom']![0]!.customName).toBe('renamed-by-hand');
  });
});
