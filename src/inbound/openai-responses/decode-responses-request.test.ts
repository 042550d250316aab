import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import { errorToJson, expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIResponsesRequest } from './decode-responses-request.js';

interface Fixture {
  description: string;
  wire: unknown;
  canonical?: unknown;
  error?: unknown;
}

describe('decodeOpenAIResponsesRequest golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai-responses/decode-request')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      if (testCase.name.startsWith('error-')) {
        let thrown: unknown;
        try {
          decodeOpenAIResponsesRequest(testCase.fixture.wire);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(GatewayError);
        expectGolden(testCase, 'error', errorToJson(thrown), (a, b) => expect(a).toEqual(b));
      } else {
        expectGolden(testCase, 'canonical', decodeOpenAIResponsesRequest(testCase.fixture.wire), (a, b) => expect(a).toEqual(b));
      }
    });
  }
});

describe('decodeOpenAIResponsesRequest', () => {
  it('rejects a non-object body', () => {
    expect(() => decodeOpenAIResponsesRequest('x')).toThrow(/JSON object/);
  });
});
