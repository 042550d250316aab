import { mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchFile } from './watch-file.js';

const DEBOUNCE_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves at the next debounced call, or rejects after `ms`. */
function nextCall(calls: Array<() => void>, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('onChange was not called')), ms);
    calls.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Inodes this process watches through inotify, read from /proc (Linux only). */
async function watchedInodes(): Promise<Set<number>> {
  const inodes = new Set<number>();
  for (const fd of await readdir('/proc/self/fd')) {
    let target: string;
    try {
      target = await readlink(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    for (const match of info.matchAll(/^inotify wd:\w+ ino:([0-9a-f]+)/gm)) inodes.add(parseInt(match[1]!, 16));
  }
  return inodes;
}

describe('watchFile', () => {
  let dir: string;
  let file: string;
  let stop: (() => void) | undefined;
  let count: number;
  let waiters: Array<() => void>;
  const start = () => {
    stop = watchFile(file, DEBOUNCE_MS, () => {
      count++;
      waiters.splice(0).forEach((resolve) => resolve());
    });
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'poolgate-watch-'));
    file = path.join(dir, 'provider_pools.json');
    count = 0;
    waiters = [];
  });
  afterEach(async () => {
    stop?.();
    stop = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('sees an in-place write', async () => {
    await writeFile(file, '{}');
    start();
    const called = nextCall(waiters);
    await writeFile(file, '{"a":1}');
    await called;
    expect(count).toBe(1);
  });

  it('keeps seeing the file across atomic replacements (write a temp file, rename it over)', async () => {
    await writeFile(file, '{}');
    start();
    for (let i = 1; i <= 3; i++) {
      const called = nextCall(waiters);
      await writeFile(`${file}.tmp`, `{"v":${i}}`);
      await rename(`${file}.tmp`, file);
      await called;
      expect(count).toBe(i);
    }
  });

  it('is not woken by other files in the same directory (the request log lives there)', async () => {
    await writeFile(file, '{}');
    start();
    if (process.platform === 'linux') {
      const inodes = await watchedInodes();
      expect(inodes.has((await stat(file)).ino)).toBe(true);
      expect(inodes.has((await stat(dir)).ino)).toBe(false);
    }
    for (let i = 0; i < 5; i++) await writeFile(path.join(dir, 'poolgate-requests.sqlite-wal'), `x${i}`);
    await sleep(DEBOUNCE_MS * 5);
    expect(count).toBe(0);
  });

  it('sees a file deleted and written again (editors that do not rename)', async () => {
    await writeFile(file, '{}');
    start();
    const called = nextCall(waiters);
    await unlink(file);
    await called;
    const again = nextCall(waiters);
    await writeFile(file, '{"b":2}');
    await again;
    const later = nextCall(waiters);
    await writeFile(file, '{"b":3}');
    await later;
  });

  it('waits for a file that does not exist yet, then watches it', async () => {
    start();
    const created = nextCall(waiters);
    await writeFile(file, '{}');
    await created;
    if (process.platform === 'linux') expect((await watchedInodes()).has((await stat(file)).ino)).toBe(true);
    const changed = nextCall(waiters);
    await writeFile(file, '{"c":1}');
    await changed;
  });

  it('follows a Kubernetes config-map update (a symlink swap of the data directory, then the old one removed)', async () => {
    // A mounted config map: file -> ..data/provider_pools.json, ..data -> a timestamped directory.
    const first = path.join(dir, '..2026_01_01');
    const second = path.join(dir, '..2026_01_02');
    await mkdir(first);
    await mkdir(second);
    await writeFile(path.join(first, 'provider_pools.json'), '{"v":1}');
    await writeFile(path.join(second, 'provider_pools.json'), '{"v":2}');
    await symlink(first, path.join(dir, '..data'));
    await symlink(path.join('..data', 'provider_pools.json'), file);
    start();
    const called = nextCall(waiters);
    await symlink(second, path.join(dir, '..data_tmp'));
    await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
    await rm(first, { recursive: true });
    await called;
    if (process.platform === 'linux') expect((await watchedInodes()).has((await stat(file)).ino)).toBe(true);
    const edited = nextCall(waiters);
    await writeFile(path.join(second, 'provider_pools.json'), '{"v":3}');
    await edited;
  });

  it('stops calling after it is stopped', async () => {
    await writeFile(file, '{}');
    start();
    stop!();
    await writeFile(file, '{"d":1}');
    await sleep(DEBOUNCE_MS * 5);
    expect(count).toBe(0);
  });
});
