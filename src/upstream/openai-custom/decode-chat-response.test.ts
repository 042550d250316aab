import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import { errorToJson, expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIUpstreamResponse } from './decode-chat-response.js';

interface Fixture {
  description: string;
  wire: unknown;
  canonical?: unknown;
  error?: unknown;
}

describe('decodeOpenAIUpstreamResponse golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai/upstream-decode-response')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      if (testCase.name.startsWith('error-')) {
        let thrown: unknown;
        try {
          decodeOpenAIUpstreamResponse(testCase.fixture.wire);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(GatewayError);
        expectGolden(testCase, 'error', errorToJson(thrown), (a, b) => expect(a).toEqual(b));
      } else {
        expectGolden(testCase, 'canonical', decodeOpenAIUpstreamResponse(testCase.fixture.wire), (a, b) => expect(a).toEqual(b));
      }
    });
  }
});
