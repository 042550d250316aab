import { describe, expect, it } from 'vitest';
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
