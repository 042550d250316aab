import { LOG_COLUMNS } from './request-log-schema.js';

/**
 * The request log's worker thread, as source text. It is started with
 * `new Worker(source, { eval: true })` rather than from a file because the same code must load
 * under vitest (which runs the TypeScript sources: a `.ts` worker file cannot be started by Node
 * there) and from the compiled `dist/` (where a `.js` sibling exists); an eval'd CommonJS
 * script works in both. It cannot import the project's modules, so the schema is spliced in as
 * JSON, and better-sqlite3 is loaded through the absolute path the main thread resolved with
 * `createRequire` (an eval'd worker resolves bare specifiers from the process's cwd, not from
 * this package).
 *
 * Messages in: insert {values (packed, see RecordBatch), count, newStrings, resetStrings, nowMs}, query {id, limit, pool,
 * instance, since}, close. Out: ready | fatal {message}, inserted {count}, result {id, rows} |
 * error {id, message}, closed.
 */
export const REQUEST_LOG_WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const COLUMNS = ${JSON.stringify(LOG_COLUMNS)};
const WIDTH = COLUMNS.length;
const TEXT = COLUMNS.map((c) => c.type.startsWith('TEXT'));

// Storing requests is background work. Where the gateway has one core (a small VPS, a pinned
// process) a burst of inserts took the core from the event loop for up to ~10 ms a second, which
// clients saw as latency; at a lower priority the scheduler hands the core back to the loop as
// soon as it has work, and the log catches up while the loop waits on the network. Linux only:
// there setpriority on a thread id changes that thread alone (elsewhere it would be the process).
function lowerPriority() {
  if (process.platform !== 'linux' || !workerData.nice) return;
  try {
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (tid <= 0 || tid === process.pid) return;
    // Relative to the process's own niceness (a gateway started with nice must not get a log
    // thread that outranks its event loop).
    const os = require('node:os');
    os.setPriority(tid, Math.min(19, os.getPriority(tid) + workerData.nice));
  } catch {
    // No /proc, or not allowed: the log still works at the normal priority.
  }
}

function main() {
  lowerPriority();
  const Database = require(workerData.driverPath);
  const db = new Database(workerData.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // better-sqlite3 builds SQLite with a 16 MB page cache; appends touch only the newest pages and
  // queries read newest-first, so SQLite's usual 2 MB serves as well (measured: ~10 MB less RSS).
  db.pragma('cache_size = -2000');
  db.exec(
    'CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, ' +
      COLUMNS.map((c) => c.column + ' ' + c.type).join(', ') + ');' +
    // No secondary index: each one is paid on every insert, on the gateway's own core. Rows are
    // appended in arrival order, so the rowid already orders them by time: queries walk it
    // newest-first to their LIMIT and retention deletes from its oldest end.
    'DROP INDEX IF EXISTS requests_started_at;' +
    'DROP INDEX IF EXISTS requests_pool;' +
    'DROP INDEX IF EXISTS requests_instance;'
  );
  const rowPlaceholders = '(' + COLUMNS.map(() => '?').join(', ') + ')';
  const insertSql = (rows) => 'INSERT INTO requests (' + COLUMNS.map((c) => c.column).join(', ') + ') VALUES ' + new Array(rows).fill(rowPlaceholders).join(', ');
  // Many rows per statement: the per-statement binding overhead dominated one-row inserts.
  const ROWS_PER_INSERT = 32;
  const insertMany = db.prepare(insertSql(ROWS_PER_INSERT));
  const insertOne = db.prepare(insertSql(1));
  const manyValues = new Array(WIDTH * ROWS_PER_INSERT);
  // Bounded work per batch: only the oldest rows are looked at, never the whole table.
  const deleteOlder = db.prepare(
    'DELETE FROM requests WHERE id <= (SELECT MAX(id) FROM (SELECT id, started_at FROM requests ORDER BY id LIMIT 20000) WHERE started_at < ?)'
  );
  // Rows are appended in arrival order, so the oldest row tells whether anything has expired. The
  // common case (nothing has) costs one page instead of the 20,000-row scan above: that scan read
  // ~600 pages a batch, more than the page cache holds, so every batch re-read them from the file.
  const oldestStartedAt = db.prepare('SELECT started_at FROM requests ORDER BY id LIMIT 1').pluck();
  const newestId = db.prepare('SELECT MAX(id) FROM requests').pluck();
  // Row ids are assigned max + 1 and rows leave from the oldest end, so the newest maxRows rows
  // are the ids above max - maxRows: one range delete on the primary key, however large the table.
  const deleteUpTo = db.prepare('DELETE FROM requests WHERE id <= ?');
  const maxRows = workerData.maxRows;
  const maxAgeMs = workerData.maxAgeMs;
  const values = new Array(WIDTH);
  // A batch arrives packed (see RecordBatch): doubles, NaN for NULL, text as string-table ids.
  let strings = [];
  const fill = (target, targetOffset, batch, row) => {
    const base = row * WIDTH;
    for (let i = 0; i < WIDTH; i++) {
      const value = batch[base + i];
      target[targetOffset + i] = Number.isNaN(value) ? null : TEXT[i] ? strings[value] : value;
    }
  };
  const store = db.transaction((batch, rows, nowMs) => {
    let row = 0;
    for (; row + ROWS_PER_INSERT <= rows; row += ROWS_PER_INSERT) {
      for (let r = 0; r < ROWS_PER_INSERT; r++) fill(manyValues, r * WIDTH, batch, row + r);
      insertMany.run(manyValues);
    }
    for (; row < rows; row++) {
      fill(values, 0, batch, row);
      insertOne.run(values);
    }
    if (maxAgeMs > 0) {
      const cutoff = nowMs - maxAgeMs;
      const oldest = oldestStartedAt.get();
      if (typeof oldest === 'number' && oldest < cutoff) deleteOlder.run(cutoff);
    }
    if (maxRows > 0) {
      const newest = newestId.get();
      if (typeof newest === 'number' && newest > maxRows) deleteUpTo.run(newest - maxRows);
    }
  });

  const selects = new Map();
  const selectFor = (byPool, byInstance) => {
    const key = (byPool ? 'p' : '') + (byInstance ? 'i' : '');
    let statement = selects.get(key);
    if (!statement) {
      const where = ['started_at >= @since'];
      if (byPool) where.push('pool = @pool');
      if (byInstance) where.push('instance = @instance');
      statement = db.prepare(
        'SELECT id, ' + COLUMNS.map((c) => c.column).join(', ') + ' FROM requests WHERE ' + where.join(' AND ') +
          ' ORDER BY id DESC LIMIT @limit'
      );
      statement.raw(true);
      selects.set(key, statement);
    }
    return statement;
  };
  const toRow = (raw) => {
    const row = { id: raw[0] };
    for (let i = 0; i < WIDTH; i++) {
      const value = raw[i + 1];
      if (value === null) continue;
      row[COLUMNS[i].field] = COLUMNS[i].flag ? value === 1 : value;
    }
    return row;
  };

  parentPort.on('message', (message) => {
    switch (message.type) {
      case 'insert': {
        try {
          if (message.resetStrings) strings = [];
          for (const text of message.newStrings) strings.push(text);
          store(new Float64Array(message.values), message.count, message.nowMs);
        } catch (error) {
          parentPort.postMessage({ type: 'error', message: 'storing requests failed: ' + error.message });
        }
        parentPort.postMessage({ type: 'inserted', count: message.count });
        break;
      }
      case 'query': {
        try {
          const params = { since: message.since, limit: message.limit };
          if (message.pool !== undefined) params.pool = message.pool;
          if (message.instance !== undefined) params.instance = message.instance;
          const rows = selectFor(message.pool !== undefined, message.instance !== undefined).all(params).map(toRow);
          parentPort.postMessage({ type: 'result', id: message.id, rows });
        } catch (error) {
          parentPort.postMessage({ type: 'error', id: message.id, message: error.message });
        }
        break;
      }
      case 'close': {
        db.close();
        parentPort.postMessage({ type: 'closed' });
        parentPort.close();
        break;
      }
    }
  });
  parentPort.postMessage({ type: 'ready' });
}

try {
  main();
} catch (error) {
  parentPort.postMessage({ type: 'fatal', message: error && error.message ? error.message : String(error) });
  parentPort.close();
}
`;
