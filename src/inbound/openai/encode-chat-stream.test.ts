import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/index.js';
import { collect, eventsFromJson, expectGolden, fromArray, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIChatStream, type OpenAIChatStreamOptions } from './encode-chat-stream.js';

interface Fixture {
  description: string;
  options: OpenAIChatStreamOptions;
  events: Array<Record<string, unknown>>;
  sse: string[];
}

describe('encodeOpenAIChatStream golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai/encode-chat-stream')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, async () => {
      const { options, events } = testCase.fixture;
      const frames = await collect(encodeOpenAIChatStream(fromArray(eventsFromJson(events)), { ...options, now: () => 1_730_000_000_000 }));
      expectGolden(testCase, 'sse', frames, (a, b) => expect(a).toEqual(b));
    });
  }
});

describe('encodeOpenAIChatStream', () => {
  it('every frame is a complete SSE data frame and all chunks share id and created', async () => {
    const events: StreamEvent[] = [
      { type: 'start', id: 'chatcmpl-x', model: 'm', created: 5 },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'a' },
      { type: 'text-end', index: 0 },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } },
    ];
    const frames = await collect(encodeOpenAIChatStream(fromArray(events), { clientModel: 'c', includeUsage: true }));
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    const chunks = frames.slice(0, -1).map((frame) => {
      expect(frame).toMatch(/^data: [^\n]+\n\n$/);
      return JSON.parse(frame.slice(6)) as { id: string; created: number; model: string };
    });
    expect(new Set(chunks.map((chunk) => `${chunk.id}/${chunk.created}/${chunk.model}`))).toEqual(new Set(['chatcmpl-x/5/c']));
  });

  it('stops pulling from the source after the terminal and releases it', async () => {
    let pulledAfterFinish = false;
    let released = false;
    async function* source(): AsyncGenerator<StreamEvent> {
      try {
        yield { type: 'start', id: 'i', model: 'm', created: 1 };
        yield { type: 'finish', finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
        pulledAfterFinish = true;
        yield { type: 'text-start', index: 0 };
      } finally {
        released = true;
      }
    }
    await collect(encodeOpenAIChatStream(source(), { clientModel: 'c', includeUsage: false }));
    expect(pulledAfterFinish).toBe(false);
    expect(released).toBe(true);
  });

  it('turns a throwing source into one error frame', async () => {
    async function* source(): AsyncGenerator<StreamEvent> {
      yield { type: 'start', id: 'i', model: 'm', created: 1 };
      throw new Error('socket hang up');
    }
    const frames = await collect(encodeOpenAIChatStream(source(), { clientModel: 'c', includeUsage: false }));
    expect(frames).toHaveLength(2);
    expect(JSON.parse(frames[1]!.slice(6))).toEqual({
      error: { message: 'The response stream failed: socket hang up', type: 'server_error', param: null, code: 'stream_interrupted' },
    });
  });
});
