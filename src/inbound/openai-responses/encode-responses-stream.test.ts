import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/index.js';
import { collect, eventsFromJson, expectGolden, fromArray, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIResponsesStream } from './encode-responses-stream.js';

interface Fixture {
  description: string;
  clientModel: string;
  events: Array<Record<string, unknown>>;
  sse: string[];
}

const cases = readGoldenCases<Fixture>('openai-responses/encode-stream');

describe('encodeOpenAIResponsesStream golden fixtures', () => {
  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.fixture.description}`, async () => {
      const frames = await collect(
        encodeOpenAIResponsesStream(fromArray(eventsFromJson(testCase.fixture.events)), { clientModel: testCase.fixture.clientModel }),
      );
      expectGolden(testCase, 'sse', frames, (a, b) => expect(a).toEqual(b));
    });
  }
});

describe('encodeOpenAIResponsesStream framing', () => {
  it('every frame has an event line equal to data.type and sequence numbers rise from 0', () => {
    for (const testCase of cases) {
      let expected = 0;
      for (const frame of testCase.fixture.sse) {
        const match = /^event: (\S+)\ndata: (.+)\n\n$/s.exec(frame);
        expect(match, `${testCase.name}: ${frame}`).not.toBeNull();
        const data = JSON.parse(match![2]!) as { type: string; sequence_number: number };
        expect(data.type).toBe(match![1]);
        expect(data.sequence_number).toBe(expected++);
      }
      expect(testCase.fixture.sse.join('')).not.toContain('[DONE]');
    }
  });
});

describe('encodeOpenAIResponsesStream: request settings', () => {
  it('repeats the request settings in every response object of the stream', async () => {
    const frames = await collect(
      encodeOpenAIResponsesStream(
        fromArray([
          { type: 'start', id: 'chatcmpl-9', model: 'gpt-4o', created: 1 },
          { type: 'text-delta', index: 0, text: 'hi' },
          { type: 'finish', reason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } },
        ] as StreamEvent[]),
        { clientModel: 'gpt-4o', request: { model: 'gpt-4o', stream: true, messages: [], temperature: 0.3, toolChoice: { type: 'none' } } },
      ),
    );
    const responses = frames.filter((frame) => frame.includes('"response":{')).map((frame) => (JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { response: Record<string, unknown> }).response);
    expect(responses.length).toBeGreaterThanOrEqual(3);
    for (const response of responses) expect(response).toMatchObject({ temperature: 0.3, tool_choice: 'none' });
  });
});
