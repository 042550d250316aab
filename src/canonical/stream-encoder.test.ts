import { describe, expect, it } from 'vitest';
import { encodeEvents, type StreamEncoder } from './stream-encoder.js';
import type { StreamEvent } from './stream-event.js';

/** Writes one frame per event named after it; `finish` and `error` are terminals. */
function namingEncoder(): StreamEncoder {
  return {
    push(event, out) {
      if (event.type === 'text-start') return false; // an event without a frame
      out.push(`<${event.type}>`);
      if (event.type === 'finish') out.push('<done>');
      return event.type === 'finish' || event.type === 'error';
    },
    fail(error, out) {
      out.push(`<failed ${(error as Error).message}>`);
    },
    end(out) {
      out.push('<ended early>');
    },
  };
}

const text: StreamEvent[] = [
  { type: 'start', id: 'm', model: 'x', created: 0 },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'hi' },
];
const finish: StreamEvent = { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };

async function frames(source: AsyncIterable<StreamEvent>): Promise<string[]> {
  const out: string[] = [];
  for await (const frame of encodeEvents(source, namingEncoder())) out.push(frame);
  return out;
}

describe('encodeEvents', () => {
  it('yields each appended frame on its own and stops reading at the terminal', async () => {
    let readAfterFinish = false;
    async function* source(): AsyncGenerator<StreamEvent> {
      yield* text;
      yield finish;
      readAfterFinish = true;
      yield { type: 'text-delta', index: 0, text: 'late' };
    }
    expect(await frames(source())).toEqual(['<start>', '<text-delta>', '<finish>', '<done>']);
    expect(readAfterFinish).toBe(false);
  });

  it("ends a source that stops without a terminal with the encoder's end frame", async () => {
    async function* source(): AsyncGenerator<StreamEvent> {
      yield* text;
    }
    expect(await frames(source())).toEqual(['<start>', '<text-delta>', '<ended early>']);
  });

  it("turns a failing source into the encoder's fail frame, after what was already written", async () => {
    async function* source(): AsyncGenerator<StreamEvent> {
      yield* text;
      throw new Error('socket reset');
    }
    expect(await frames(source())).toEqual(['<start>', '<text-delta>', '<failed socket reset>']);
  });
});
