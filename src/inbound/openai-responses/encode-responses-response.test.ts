import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/index.js';
import { expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIResponsesResponse } from './encode-responses-response.js';

interface Fixture {
  description: string;
  clientModel: string;
  canonical: ChatResponse;
  wire: unknown;
}

describe('encodeOpenAIResponsesResponse golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai-responses/encode-response')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      const actual = encodeOpenAIResponsesResponse(testCase.fixture.canonical, testCase.fixture.clientModel);
      expectGolden(testCase, 'wire', actual, (a, b) => expect(a).toEqual(b));
    });
  }
});
