import { describe, expect, it } from 'vitest';
import { collect } from '../../../test/fixtures/async-iterables.js';
import { eventBatches } from '../../canonical/event-batches.js';
import { decodeOpenAIUpstreamStream } from './decode-chat-stream.js';

describe('decodeOpenAIUpstreamStream batches', () => {
  it('gets every event of one network read from the OpenAI decoder in a single batch', async () => {
    const chunk = (content: string, finish: string | null = null) =>
      `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":${JSON.stringify(finish)}}]}\n\n`;
    const reads = [chunk('He') + chunk('llo') + chunk(' there'), chunk('', 'stop') + 'data: [DONE]\n\n'];
    async function* body(): AsyncGenerator<Uint8Array> {
      for (const read of reads) yield Buffer.from(read);
    }
    const batches = await collect({ [Symbol.asyncIterator]: () => eventBatches(decodeOpenAIUpstreamStream(body())) });
    expect(batches.map((batch) => batch.map((event) => event.type))).toEqual([
      ['start', 'text-start', 'text-delta', 'text-delta', 'text-delta'],
      ['text-end', 'finish'],
    ]);
  });
});
