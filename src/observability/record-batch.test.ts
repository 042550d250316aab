import { describe, expect, it } from 'vitest';
import { LOG_WIDTH, RecordBatch } from './record-batch.js';
import type { RequestRecord } from './request-record.js';

const record = (model: string): RequestRecord => ({
  startedAt: 1_700_000_000_123,
  method: 'POST',
  route: '/v1/chat/completions',
  protocol: 'openai',
  pool: 'openai-custom',
  instance: 'acct-1',
  model,
  stream: true,
  attempts: 2,
  status: 200,
  firstByteMs: 12,
  durationMs: 340,
  clientAborted: false,
});

describe('RecordBatch', () => {
  it('packs records as doubles with text interned once, NaN for what is absent', () => {
    const batch = new RecordBatch(4);
    batch.add(record('gpt-4o'));
    batch.add(record('gpt-4o'));
    const taken = batch.take();
    expect(taken.count).toBe(2);
    expect(taken.newStrings).toEqual(['POST', '/v1/chat/completions', 'openai', 'openai-custom', 'acct-1', 'gpt-4o']);
    const values = new Float64Array(taken.values);
    const first = Array.from(values.subarray(0, LOG_WIDTH));
    expect(first[0]).toBe(1_700_000_000_123);
    expect(taken.newStrings[first[6]!]).toBe('gpt-4o');
    expect(first[7]).toBe(1); // stream
    expect(Number.isNaN(first[8]!)).toBe(true); // fastPath absent
    expect(Number.isNaN(first[11]!)).toBe(true); // errorCode absent
    expect(Array.from(values.subarray(LOG_WIDTH, 2 * LOG_WIDTH))).toEqual(first);
  });

  it('sends only strings the worker has not seen, and starts the table over past its bound', () => {
    const batch = new RecordBatch(60_000);
    batch.add(record('a'));
    batch.take();
    batch.add(record('a'));
    batch.add(record('b'));
    expect(batch.take().newStrings).toEqual(['b']);
    for (let i = 0; i < 50_001; i++) batch.add(record(`m${i}`));
    const big = batch.take();
    expect(big.resetStrings).toBe(false);
    batch.add(record('a'));
    const after = batch.take();
    expect(after.resetStrings).toBe(true);
    expect(after.newStrings).toContain('a');
    expect(after.newStrings).toContain('POST');
  });
});
