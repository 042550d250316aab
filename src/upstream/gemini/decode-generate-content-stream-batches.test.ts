import { describe, expect, it } from 'vitest';
import { collect } from '../../../test/fixtures/async-iterables.js';
import { eventBatches } from '../../canonical/event-batches.js';
import { decodeGeminiUpstreamStream } from './decode-generate-content-stream.js';

const chunk = (text: string, finishReason?: string) =>
  `data: ${JSON.stringify({ responseId: 'r1', modelVersion: 'gemini-2.5-flash', candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }] })}\r\n\r\n`;

async function* body(reads: string[]): AsyncGenerator<Uint8Array> {
  for (const read of reads) yield Buffer.from(read);
}

describe('decodeGeminiUpstreamStream batches', () => {
  it('gets every event of one network read in a single batch, and the end of the body in a last one', async () => {
    const reads = [chunk('He') + chunk('llo') + chunk(' there'), chunk('!', 'STOP')];
    const batches = await collect({ [Symbol.asyncIterator]: () => eventBatches(decodeGeminiUpstreamStream(body(reads))) });
    expect(batches.map((batch) => batch.map((event) => event.type))).toEqual([
      ['start', 'text-start', 'text-delta', 'text-delta', 'text-delta'],
      ['text-delta'],
      ['text-end', 'finish'],
    ]);
  });

  it('ends a batch at an error chunk, after the events before it in the same read', async () => {
    const error = `data: ${JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } })}\r\n\r\n`;
    const batches = await collect({ [Symbol.asyncIterator]: () => eventBatches(decodeGeminiUpstreamStream(body([chunk('Hi') + error + chunk('never')]))) });
    expect(batches.map((batch) => batch.map((event) => event.type))).toEqual([['start', 'text-start', 'text-delta', 'error']]);
  });

  it('is still a plain stream of events to anything that iterates it', async () => {
    const events = await collect(decodeGeminiUpstreamStream(body([chunk('a') + chunk('b', 'STOP')])));
    expect(events.map((event) => (event.type === 'text-delta' ? event.text : event.type))).toEqual(['start', 'text-start', 'a', 'b', 'text-end', 'finish']);
  });
});
