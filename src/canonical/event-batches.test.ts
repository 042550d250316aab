import { describe, expect, it } from 'vitest';
import { collect } from '../../test/fixtures/async-iterables.js';
import { BatchedEvents, eventBatches } from './event-batches.js';
import type { StreamEvent } from './stream-event.js';

const delta = (text: string): StreamEvent => ({ type: 'text-delta', index: 0, text });

/** A decoder stand-in that records whether it was closed early. */
function source(batches: StreamEvent[][]): { stream: BatchedEvents; closed: () => boolean } {
  let closed = false;
  async function* generate(): AsyncGenerator<StreamEvent[], void> {
    try {
      for (const batch of batches) yield batch;
    } finally {
      closed = true;
    }
  }
  return { stream: new BatchedEvents(generate()), closed: () => closed };
}

describe('BatchedEvents', () => {
  it('iterates as single events, in order, across batches', async () => {
    const { stream } = source([[delta('a'), delta('b')], [], [delta('c')]]);
    const texts: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') texts.push(event.text);
    expect(texts).toEqual(['a', 'b', 'c']);
  });

  it('closes the decoder when a consumer stops early', async () => {
    const { stream, closed } = source([[delta('a'), delta('b')], [delta('c')]]);
    for await (const event of stream) if (event.type === 'text-delta') break;
    expect(closed()).toBe(true);
  });

  it('is consumed once', async () => {
    const { stream } = source([[delta('a')]]);
    stream.batches();
    expect(() => stream.batches()).toThrow(/only once/);
  });
});

describe('eventBatches', () => {
  it("hands over a decoder's own batches", async () => {
    const { stream } = source([[delta('a'), delta('b')], [delta('c')]]);
    expect((await collect({ [Symbol.asyncIterator]: () => eventBatches(stream) })).map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('makes one batch per event of any other stream, and passes an early stop on', async () => {
    let closed = false;
    async function* plain(): AsyncGenerator<StreamEvent> {
      try {
        yield delta('a');
        yield delta('b');
      } finally {
        closed = true;
      }
    }
    const batches = eventBatches(plain());
    expect(await batches.next()).toEqual({ done: false, value: [delta('a')] });
    await batches.return?.();
    expect(closed).toBe(true);
  });
});
