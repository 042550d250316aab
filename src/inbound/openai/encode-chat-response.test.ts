import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/index.js';
import { expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIChatResponse } from './encode-chat-response.js';

interface Fixture {
  description: string;
  clientModel: string;
  canonical: ChatResponse;
  wire: unknown;
}

describe('encodeOpenAIChatResponse golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai/encode-chat-response')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      const actual = encodeOpenAIChatResponse(testCase.fixture.canonical, testCase.fixture.clientModel);
      expectGolden(testCase, 'wire', actual, (a, b) => expect(a).toEqual(b));
    });
  }
});

describe('encodeOpenAIChatResponse', () => {
  it('total_tokens is input + output', () => {
    const wire = encodeOpenAIChatResponse(
      { id: 'x', model: 'm', created: 1, content: [], finishReason: 'stop', usage: { inputTokens: 5, outputTokens: 7 } },
      'm',
    );
    expect(wire.usage?.total_tokens).toBe(12);
  });
});
