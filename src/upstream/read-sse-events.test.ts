import { describe, expect, it } from 'vitest';
import { collect, fromArray } from '../../test/fixtures/async-iterables.js';
import { readSseBatches } from './read-sse-events.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

const readSseEvents = async function* (body: AsyncIterable<Uint8Array>) {
  for await (const batch of readSseBatches(body)) yield* batch;
};

/** Every way of cutting `body` in two reads. */
async function everySplit(body: Uint8Array): Promise<unknown[]> {
  const results = [];
  for (let at = 0; at <= body.length; at++) {
    results.push(await collect(readSseEvents(fromArray([body.subarray(0, at), body.subarray(at)]))));
  }
  return results;
}

describe('readSseBatches', () => {
  it('yields the events of each read as one batch, and no empty batch', async () => {
    const reads = ['data: a\n\ndata: b\n\ndata: c', '\n', '\n', ': comment\n\n', 'data: d\n\n'].map(bytes);
    const batches = await collect(readSseBatches(fromArray(reads)));
    expect(batches.map((batch) => batch.map((event) => event.data))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('keeps multi-byte characters whole wherever a read ends', async () => {
    const body = bytes('event: e\ndata: héllo 世界 🎉\n\ndata: ✓\n\n');
    for (const events of await everySplit(body)) {
      expect(events).toEqual([
        { event: 'e', data: 'héllo 世界 🎉' },
        { event: undefined, data: '✓' },
      ]);
    }
  });

  it('drops a leading byte order mark, even one split across reads, and only that one', async () => {
    const body = bytes('\ufeffdata: a\n\ndata: \ufeffb\n\n');
    for (const events of await everySplit(body)) {
      expect(events).toEqual([
        { event: undefined, data: 'a' },
        { event: undefined, data: '\ufeffb' },
      ]);
    }
  });

  it('turns bytes that are not UTF-8 into U+FFFD instead of failing', async () => {
    const body = new Uint8Array([...bytes('data: a'), 0xff, 0xc3, ...bytes('\n\n')]);
    expect(await collect(readSseEvents(fromArray([body])))).toEqual([{ event: undefined, data: 'a\ufffd\ufffd' }]);
  });

  it('ends with an event the server left without its blank line, and a cut-off character as U+FFFD', async () => {
    const body = bytes('data: x\n\ndata: é');
    expect(await collect(readSseEvents(fromArray([body.subarray(0, body.length - 1)])))).toEqual([
      { event: undefined, data: 'x' },
      { event: undefined, data: '\ufffd' },
    ]);
  });
});
