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

describe('decodeOpenAIResponsesRequest: empty conversations and token limits', () => {
  it.each([
    ['empty input', []],
    ['only system and developer items', [{ role: 'system', content: 'Be brief.' }, { type: 'message', role: 'developer', content: 'No tools.' }]],
  ])('rejects %s naming input', (_name, input) => {
    expect(() => decodeOpenAIResponsesRequest({ model: 'm', input })).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400, param: 'input' }));
  });

  it('rejects max_output_tokens below 1 naming it', () => {
    expect(() => decodeOpenAIResponsesRequest({ model: 'm', input: 'hi', max_output_tokens: -1 })).toThrow(
      expect.objectContaining({ status: 400, param: 'max_output_tokens', message: expect.stringContaining('>= 1') }),
    );
  });
});
