import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { RequestObserver, RequestRecord } from './request-record.js';
import { RecordBatch } from './record-batch.js';
import type { RequestLogQuery, RequestLogRow } from './request-log-schema.js';
import { REQUEST_LOG_WORKER_SOURCE } from './request-log-worker-source.js';

export type { RequestLogQuery, RequestLogRow } from './request-log-schema.js';

export interface RequestLogOptions {
  /** SQLite file, created if missing. */
  file: string;
  /** Keep at most this many rows (0 = no limit). */
  maxRows: number;
  /** Drop rows older than this (0 = keep). */
  maxAgeDays: number;
  now?: () => number;
  logger?: Logger;
  /** Batches are posted this often … */
  flushIntervalMs?: number;
  /** … or as soon as this many records wait. */
  maxBatch?: number;
  /** Records posted but not yet stored beyond which new ones are dropped (a stuck disk must not eat memory). */
  maxQueued?: number;
  /** Protocols not logged: by default the admin API's own calls (dashboards poll it). */
  skipProtocols?: readonly string[];
  /** How much nicer than the process the worker thread runs, on Linux (0: as nice as the process). */
  workerNice?: number;
}

type WorkerMessage =
  | { type: 'ready' | 'closed' }
  | { type: 'fatal'; message: string }
  | { type: 'inserted'; count: number }
  | { type: 'result'; id: number; rows: RequestLogRow[] }
  | { type: 'error'; id?: number; message: string };

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const CLOSE_TIMEOUT_MS = 5_000;
/**
 * How much nicer than the process the worker thread runs (Linux): it gets a tenth of the core's
 * share when the event loop also wants it, several times what storing even 12,000 requests a
 * second takes.
 */
const WORKER_NICE = 10;

/**
 * The SQLite request log. better-sqlite3 is synchronous, so every SQLite call runs in a worker
 * thread; the request path only packs the record into a typed-array batch. Batches go to the
 * worker every `flushIntervalMs` or `maxBatch` records, retention is enforced there, and queries
 * are messages answered by the worker.
 */
export class RequestLog implements RequestObserver {
  private readonly worker: Worker;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  private readonly maxQueued: number;
  private readonly skip: ReadonlySet<string>;
  private readonly batch: RecordBatch;
  private timer: NodeJS.Timeout | undefined;
  private queued = 0;
  private nextQueryId = 1;
  private readonly queries = new Map<number, { resolve: (rows: RequestLogRow[]) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly ready: Promise<void>;
  private readonly exited: Promise<void>;
  /** Records dropped because the worker fell behind or failed. */
  dropped = 0;

  /** Starts the worker and resolves once the database is open (rejects if it cannot be). */
  static async open(options: RequestLogOptions): Promise<RequestLog> {
    const log = new RequestLog(options);
    try {
      await log.ready;
    } catch (error) {
      await log.worker.terminate();
      throw error;
    }
    // From here on a forgotten log must not hold the process open (query and close re-ref it).
    log.worker.unref();
    return log;
  }

  private constructor(private readonly options: RequestLogOptions) {
    this.now = options.now ?? Date.now;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.batch = new RecordBatch(options.maxBatch ?? 4000);
    this.maxQueued = options.maxQueued ?? 50_000;
    this.skip = new Set(options.skipProtocols ?? ['admin']);
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(REQUEST_LOG_WORKER_SOURCE, {
      eval: true,
      workerData: { driverPath, file: options.file, maxRows: options.maxRows, maxAgeMs: options.maxAgeDays * 86_400_000, nice: options.workerNice ?? WORKER_NICE },
    });
    let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
    this.ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: WorkerMessage) => this.receive(message, settleReady!));
    this.worker.on('error', (error) => this.fail(error, settleReady!));
    this.worker.once('exit', (code) => this.fail(new Error(`request log worker exited (code ${code})`), settleReady!));
  }

  onRequestEnd(record: RequestRecord): void {
    if (this.closing || this.failure || this.skip.has(record.protocol)) return;
    this.batch.add(record);
    if (this.batch.full) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Posts what waits to the worker now (the timer and full batches call this). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const count = this.batch.count;
    if (count === 0) return;
    // Taken even when dropped, so the string table stays in step with the worker's.
    const batch = this.batch.take();
    if (this.failure || this.queued + count > this.maxQueued) {
      this.dropped += count;
      if (batch.newStrings.length === 0 && !batch.resetStrings) return;
      batch.count = 0;
    }
    this.queued += batch.count;
    this.worker.postMessage({ type: 'insert', ...batch, nowMs: this.now() }, [batch.values]);
  }

  /** Stored requests, newest first. Records still waiting are posted first, so they are included. */
  query(query: RequestLogQuery = {}): Promise<RequestLogRow[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('request log is closed'));
    this.flush();
    const id = this.nextQueryId++;
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)));
    return new Promise<RequestLogRow[]>((resolve, reject) => {
      // An awaited answer holds the process open: with nothing else to do it would exit mid-query.
      if (this.queries.size === 0) this.worker.ref();
      this.queries.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'query', id, limit, pool: query.pool, instance: query.instance, since: query.since ?? 0 });
    });
  }

  /** Flushes what waits, lets the worker store it and close the database, then stops the worker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // New records are refused once closing; what already waits still goes out.
      this.flush();
      if (!this.failure) {
        // Held open until the last batch is stored and the database closed.
        this.worker.ref();
        this.worker.postMessage({ type: 'close' });
        const timeout = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
        timeout.unref();
        await this.exited;
        clearTimeout(timeout);
      } else {
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private receive(message: WorkerMessage, ready: { resolve: () => void; reject: (error: Error) => void }): void {
    switch (message.type) {
      case 'ready':
        ready.resolve();
        break;
      case 'fatal':
        this.fail(new Error(`request log ${this.options.file}: ${message.message}`), ready);
        break;
      case 'inserted':
        this.queued -= message.count;
        break;
      case 'result':
        this.queries.get(message.id)?.resolve(message.rows);
        this.settleQuery(message.id);
        break;
      case 'error':
        if (message.id === undefined) {
          this.options.logger?.error({ err: message.message, file: this.options.file }, 'request log write failed');
          break;
        }
        this.queries.get(message.id)?.reject(new Error(message.message));
        this.settleQuery(message.id);
        break;
      case 'closed':
        break;
    }
  }

  private settleQuery(id: number): void {
    this.queries.delete(id);
    if (this.queries.size === 0 && !this.closing) this.worker.unref();
  }

  private fail(error: Error, ready: { reject: (error: Error) => void }): void {
    ready.reject(error);
    for (const pending of this.queries.values()) pending.reject(error);
    this.queries.clear();
    if (this.failure || this.closing) return;
    this.failure = error;
    this.options.logger?.error({ err: error.message, file: this.options.file }, 'request log stopped; requests are no longer logged');
  }
}
