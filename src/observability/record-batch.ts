import { LOG_COLUMNS } from './request-log-schema.js';
import type { RequestRecord } from './request-record.js';

export const LOG_WIDTH = LOG_COLUMNS.length;

/** Interned strings kept before the table starts over: above the largest pools (one name per instance), bounded because model names are client-supplied. */
const MAX_STRINGS = 50_000;

/** What one flush hands to the worker; `values` is transferred, not copied. */
export interface EncodedBatch {
  values: ArrayBuffer;
  count: number;
  /** Strings first used in this batch, in id order, appended to the worker's table. */
  newStrings: string[];
  /** The worker must drop its string table before appending `newStrings`. */
  resetStrings: boolean;
}

/**
 * Request records packed into a Float64Array (LOG_COLUMNS order; NaN = NULL; text as ids into a
 * string table shared with the worker). Nothing per record is allocated or kept on the JS heap:
 * an earlier string-per-record batch held thousands of young strings for up to a second, which
 * survived into the old generation and tripled scavenge time.
 */
export class RecordBatch {
  private values: Float64Array;
  private strings = new Map<string, number>();
  private newStrings: string[] = [];
  private resetStrings = false;
  count = 0;

  constructor(private readonly capacity: number) {
    this.values = new Float64Array(capacity * LOG_WIDTH);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  private text(value: string | undefined): number {
    if (value === undefined) return Number.NaN;
    let id = this.strings.get(value);
    if (id === undefined) {
      id = this.strings.size;
      this.strings.set(value, id);
      this.newStrings.push(value);
    }
    return id;
  }

  add(record: RequestRecord): void {
    const v = this.values;
    let o = this.count * LOG_WIDTH;
    v[o++] = record.startedAt;
    v[o++] = this.text(record.method);
    v[o++] = this.text(record.route);
    v[o++] = this.text(record.protocol);
    v[o++] = this.text(record.pool);
    v[o++] = this.text(record.instance);
    v[o++] = this.text(record.model);
    v[o++] = record.stream === undefined ? Number.NaN : record.stream ? 1 : 0;
    v[o++] = record.fastPath === undefined ? Number.NaN : record.fastPath ? 1 : 0;
    v[o++] = record.attempts;
    v[o++] = record.status;
    v[o++] = this.text(record.errorCode);
    v[o++] = record.firstByteMs ?? Number.NaN;
    v[o++] = record.durationMs;
    v[o] = record.clientAborted ? 1 : 0;
    this.count++;
  }

  /** Hands the records over and starts an empty batch. */
  take(): EncodedBatch {
    const batch: EncodedBatch = { values: this.values.buffer as ArrayBuffer, count: this.count, newStrings: this.newStrings, resetStrings: this.resetStrings };
    this.values = new Float64Array(this.capacity * LOG_WIDTH);
    this.count = 0;
    this.newStrings = [];
    this.resetStrings = false;
    if (this.strings.size > MAX_STRINGS) {
      this.strings = new Map();
      this.resetStrings = true;
    }
    return batch;
  }
}
