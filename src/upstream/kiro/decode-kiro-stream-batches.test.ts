import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { collect } from '../../../test/fixtures/async-iterables.js';
import { eventBatches } from '../../canonical/event-batches.js';
import { decodeKiroEventBatches } from './decode-event-stream.js';
import { decodeKiroStream } from './decode-kiro-stream.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(messageType: 'event' | 'exception', type: string, payload: unknown): Buffer {
  return Buffer.from(
    codec.encode({
      headers: {
        [messageType === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: messageType },
      },
      body: fromUtf8(JSON.stringify(payload)),
    }),
  );
}
const text = (content: string) => frame('event', 'assistantResponseEvent', { content });

async function* body(reads: Buffer[]): AsyncGenerator<Uint8Array> {
  for (const read of reads) yield read;
}

async function batchTypes(reads: Buffer[]): Promise<string[][]> {
  const events = decodeKiroStream(decodeKiroEventBatches(body(reads)), { id: 'msg_1', model: 'claude-x', now: () => 1_700_000_000_000 });
  const batches = await collect({ [Symbol.asyncIterator]: () => eventBatches(events) });
  return batches.map((batch) => batch.map((event) => event.type));
}

describe('Kiro stream batches', () => {
  it('relays the frames of one network read as one batch of events; a frame split over reads lands in the later one', async () => {
    const third = text(' there');
    const reads = [Buffer.concat([text('He'), text('llo'), third.subarray(0, 10)]), Buffer.concat([third.subarray(10), frame('event', 'meteringEvent', { usage: 0.01 })])];
    expect(await batchTypes(reads)).toEqual([
      ['start', 'text-start', 'text-delta', 'text-delta'],
      ['text-delta'],
      ['text-end', 'finish'],
    ]);
  });

  it('ends the batch at an exception frame, after the events before it in the same read', async () => {
    const reads = [Buffer.concat([text('Hi'), frame('exception', 'ThrottlingException', { message: 'slow down' }), text('never')])];
    expect(await batchTypes(reads)).toEqual([['start', 'text-start', 'text-delta', 'text-end', 'error']]);
  });

  it('hands over the good frames of a read before a corrupt one, then the error', async () => {
    const corrupt = text('broken');
    corrupt[corrupt.length - 6] = corrupt[corrupt.length - 6]! ^ 0xff;
    expect(await batchTypes([Buffer.concat([text('ok'), corrupt])])).toEqual([['start', 'text-start', 'text-delta'], ['text-end', 'error']]);
  });
});
