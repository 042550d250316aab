import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import { parseJsonc } from '../config/parse-jsonc.js';
import type { PoolRegistry } from '../pool/pool-registry.js';

export interface PoolsFileWriterOptions {
  file: string;
  registry: PoolRegistry;
  logger: Logger;
  now: () => number;
  debounceMs: number;
  maxWaitMs: number;
  /** Told the exact text written, so the file watcher can ignore our own writes. */
  onWritten?: (text: string) => void;
}

/**
 * Writes live stats back to provider_pools.json: debounced, but at least every `maxWaitMs` under
 * steady load; atomically (temp file, fsync, rename, mode kept); merged into the file as it is
 * now, so edits the user made meanwhile survive. A file that does not parse is never overwritten.
 */
export class PoolsFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private firstDirtyAt = 0;
  private lastChangeAt = 0;
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
    const due = Math.min(this.lastChangeAt + this.options.debounceMs, this.firstDirtyAt + this.options.maxWaitMs);
    const wait = due - this.options.now();
    if (wait > 0) this.arm(wait);
    else void this.flush();
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

  private async write(): Promise<void> {
    const { file, registry, logger } = this.options;
    let document: Record<string, unknown>;
    try {
      const value = parseJsonc(await readFile(file, 'utf8'), file);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: not an object`);
      document = value as Record<string, unknown>;
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'provider pools file is unreadable; stats are kept in memory and the file is not overwritten');
      this.pending = true;
      return;
    }
    const now = this.options.now();
    for (const entries of Object.values(document)) {
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        if (entry === null || typeof entry !== 'object') continue;
        const instance = typeof entry.uuid === 'string' ? registry.instance(entry.uuid) : undefined;
        if (!instance) continue;
        Object.assign(entry, registry.snapshotForWrite(instance, now));
        instance.dirty = false;
      }
    }
    const text = `${JSON.stringify(document, null, 2)}\n`;
    try {
      await writeFileAtomic(file, text, { fsync: true });
      this.options.onWritten?.(text);
    } catch (error) {
      logger.error({ err: (error as Error).message, file }, 'writing provider pools file failed; will retry');
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
