import type { RequestRecord } from './request-record.js';

/** One stored column: the RequestRecord field, its SQLite column and type; `flag` columns hold 0/1. */
export interface LogColumn {
  field: keyof RequestRecord;
  column: string;
  type: string;
  flag?: boolean;
}

/**
 * The `requests` table, in the order records are packed for the worker (RecordBatch.add must
 * write the fields in exactly this order).
 */
export const LOG_COLUMNS: readonly LogColumn[] = [
  { field: 'startedAt', column: 'started_at', type: 'INTEGER NOT NULL' },
  { field: 'method', column: 'method', type: 'TEXT NOT NULL' },
  { field: 'route', column: 'route', type: 'TEXT NOT NULL' },
  { field: 'protocol', column: 'protocol', type: 'TEXT NOT NULL' },
  { field: 'pool', column: 'pool', type: 'TEXT' },
  { field: 'instance', column: 'instance', type: 'TEXT' },
  { field: 'model', column: 'model', type: 'TEXT' },
  { field: 'stream', column: 'stream', type: 'INTEGER', flag: true },
  { field: 'fastPath', column: 'fast_path', type: 'INTEGER', flag: true },
  { field: 'attempts', column: 'attempts', type: 'INTEGER NOT NULL' },
  { field: 'status', column: 'status', type: 'INTEGER NOT NULL' },
  { field: 'errorCode', column: 'error_code', type: 'TEXT' },
  { field: 'firstByteMs', column: 'first_byte_ms', type: 'INTEGER' },
  { field: 'durationMs', column: 'duration_ms', type: 'INTEGER NOT NULL' },
  { field: 'clientAborted', column: 'client_aborted', type: 'INTEGER NOT NULL', flag: true },
];

/** A stored request as the query API returns it: the record's fields (absent ones omitted) and its row id. */
export type RequestLogRow = RequestRecord & { id: number };

export interface RequestLogQuery {
  /** Newest first, at most this many (default 100, capped at 1000). */
  limit?: number;
  pool?: string;
  instance?: string;
  /** Only requests that started at or after this epoch ms. */
  since?: number;
}
