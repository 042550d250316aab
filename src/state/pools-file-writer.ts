import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import { parseJsonc } from '../config/parse-jsonc.js';
import type { PoolRegistry } from '../pool/pool-registry.js';

/** Longest stretch of serialisation work between two yields to the event loop. */
const SLICE_MS = 2;
/**
 * Most of one core that writing stats may take under steady load. A 10,000-instance file costs
 * tens of milliseconds of serialisation (more on a slow machine); written every `maxWaitMs` it
 * made a large pool serve measurably slower than a small one. So the next write waits at least
 * the last one's on-thread time divided by this share: a small pool's writes (under a
 * millisecond) keep the configured cadence, a huge pool's stretch out instead of costing more.
 */
const MAX_CPU_SHARE = 0.01;

function stampOf(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

/**
 * Entries are stringified a few dozen at a time inside a wrapper that puts them at the file's
 * own depth (`{"k": [...]}` indents them exactly as under a pool key), and the wrapper is cut off
 * again. Stringifying each entry alone and re-indenting it with a regex took four times as long:
 * 10,000 entries cost ~60 ms of event-loop time per write instead of ~15.
 */
const ENTRIES_PER_PIECE = 64;
const WRAP_HEAD = '{\n  "k": [';
const WRAP_TAIL = '\n  ]\n}';

export interface PoolsFileWriterOptions {
  file: string;
  registry: PoolRegistry;
  logger: Logger;
  now: () => number;
  debounceMs: number;
  maxWaitMs: number;
  /** Told the exact bytes written, so the file watcher can ignore our own writes. */
  onWritten?: (bytes: Buffer) => void;
}

/**
 * Writes live stats back to provider_pools.json: debounced, but at least every `maxWaitMs` under
 * steady load (less often for a file so large that writing it would take over 1% of a core);
 * atomically (temp file, fsync, rename, mode kept); merged into the file as it is now, so edits
 * the user made meanwhile survive. A file that does not parse is never overwritten.
 */
export class PoolsFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private firstDirtyAt = 0;
  private document: Record<string, unknown> | undefined;
  private writtenStamp: string | undefined;
  private lastChangeAt = 0;
  /** When the last write finished, and the on-thread time it took (see MAX_CPU_SHARE). */
  private lastWriteAt = 0;
  private lastWriteCostMs = 0;
  private pending = false;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: PoolsFileWriterOptions) {}

  /**
   * Something changed; schedule a write. Called on every request, so it never touches a timer
   * while one is armed: the timer itself works out, when it fires, whether the debounce or the
   * max-wait deadline has come, and re-arms for the remainder if neither has.
   */
  markDirty(): void {
    if (this.closed) return;
    const now = this.options.now();
    this.lastChangeAt = now;
    if (!this.pending) {
      this.pending = true;
      this.firstDirtyAt = now;
    }
    if (!this.timer) this.arm(Math.min(this.options.debounceMs, Math.max(0, this.firstDirtyAt + this.options.maxWaitMs - now)));
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.onTimer(), delayMs);
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    const due = Math.max(
      Math.min(this.lastChangeAt + this.options.debounceMs, this.firstDirtyAt + this.options.maxWaitMs),
      this.lastWriteAt + this.lastWriteCostMs / MAX_CPU_SHARE,
    );
    const wait = due - this.options.now();
    if (wait > 0) this.arm(wait);
    else void this.flush();
  }

  /**
   * Takes the document just parsed from the file (at start or on a reload) as the one to write
   * into, so the writer does not parse the same file again.
   */
  async adopt(document: Record<string, unknown>): Promise<void> {
    try {
      this.writtenStamp = stampOf(await stat(this.options.file));
      this.document = document;
    } catch {
      this.document = undefined;
      this.writtenStamp = undefined;
    }
  }

  /**
   * Whether the file is still the one this writer last wrote or adopted (same inode, size and
   * mtime). The watcher sees every one of our own writes; this way its reload reads nothing,
   * where reading and comparing a 10,000-instance file (3 MB) cost a few milliseconds of the core
   * after every write.
   */
  async fileIsAsKnown(): Promise<boolean> {
    const known = this.writtenStamp;
    if (known === undefined) return false;
    try {
      return stampOf(await stat(this.options.file)) === known;
    } catch {
      return false;
    }
  }

  /** Writes now if anything is pending; resolves when the file is on disk. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // What is pending now is this flush's job: changes from here on get a fresh max-wait window.
    // Without this, a markDirty while a write is in flight (or after one failed, e.g. a corrupt
    // file) saw a deadline already past and scheduled a flush at once, on every request.
    this.firstDirtyAt = this.options.now();
    if (this.running) await this.running;
    if (!this.pending) return;
    this.pending = false;
    this.running = this.write().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  /**
   * The document as last written, reused while the file on disk is still that write (same inode,
   * size and mtime): re-reading and re-parsing a 10,000-instance file on every write blocked the
   * event loop for over 100 ms. When someone else changed the file it is read again, so their
   * edits are merged.
   */
  private async loadDocument(): Promise<Record<string, unknown> | undefined> {
    const { file, logger } = this.options;
    try {
      const info = await stat(file);
      if (this.document && this.writtenStamp === stampOf(info)) return this.document;
      const value = parseJsonc(await readFile(file, 'utf8'), file);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: not an object`);
      this.document = value as Record<string, unknown>;
      return this.document;
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'provider pools file is unreadable; stats are kept in memory and the file is not overwritten');
      this.pending = true;
      return undefined;
    }
  }

  /**
   * Serialises the document exactly as `JSON.stringify(document, null, 2)` would, but a few dozen
   * entries at a time, yielding to the event loop every few milliseconds, so no single turn
   * blocks for long.
   */
  private async serialise(document: Record<string, unknown>, now: number): Promise<{ bytes: Buffer; busyMs: number }> {
    const { registry } = this.options;
    // Text is encoded to bytes slice by slice: one join and UTF-8 encode of a whole 3 MB file
    // was itself a stall.
    const encoded: Buffer[] = [];
    let pieces: string[] = ['{'];
    let sliceStart = performance.now();
    let busyMs = 0;
    const keys = Object.keys(document);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const value = document[key];
      const head = `${k === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `;
      if (!Array.isArray(value) || value.length === 0) {
        pieces.push(head + indent(JSON.stringify(value, null, 2) ?? 'null', '  '));
        continue;
      }
      pieces.push(`${head}[`);
      for (let start = 0; start < value.length; start += ENTRIES_PER_PIECE) {
        const end = Math.min(start + ENTRIES_PER_PIECE, value.length);
        for (let i = start; i < end; i++) {
          const entry: unknown = value[i];
          if (entry === null || typeof entry !== 'object') continue;
          const record = entry as Record<string, unknown>;
          const instance = typeof record.uuid === 'string' ? registry.instance(record.uuid) : undefined;
          if (instance && registry.needsWrite(instance, now)) {
            Object.assign(record, registry.snapshotForWrite(instance, now));
            instance.dirty = false;
          }
        }
        // Not cached between writes: under load nearly every entry changes, and keeping
        // 10,000 texts alive made the young-generation GCs copy them (15-20 ms pauses).
        const text = JSON.stringify({ k: value.slice(start, end) }, null, 2);
        pieces.push((start === 0 ? '' : ',') + text.slice(WRAP_HEAD.length, text.length - WRAP_TAIL.length));
        const elapsed = performance.now() - sliceStart;
        if (elapsed > SLICE_MS) {
          encoded.push(Buffer.from(pieces.join('')));
          pieces = [];
          busyMs += elapsed;
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      pieces.push('\n  ]');
    }
    pieces.push(keys.length > 0 ? '\n}\n' : '}\n');
    encoded.push(Buffer.from(pieces.join('')));
    const bytes = encoded.length === 1 ? encoded[0]! : Buffer.concat(encoded);
    return { bytes, busyMs: busyMs + performance.now() - sliceStart };
  }

  private async write(): Promise<void> {
    const { file, logger } = this.options;
    const document = await this.loadDocument();
    if (!document) return;
    const { bytes, busyMs } = await this.serialise(document, this.options.now());
    this.lastWriteCostMs = busyMs;
    try {
      await writeFileAtomic(file, bytes, { fsync: true });
      this.writtenStamp = stampOf(await stat(file));
      this.options.onWritten?.(bytes);
      this.lastWriteAt = this.options.now();
    } catch (error) {
      logger.error({ err: (error as Error).message, file }, 'writing provider pools file failed; will retry');
      this.writtenStamp = undefined;
      this.pending = true;
    }
  }

  /** Final write on shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = this.pending || [...this.options.registry.allInstances].some((instance) => instance.dirty);
    await this.flush();
  }
}
