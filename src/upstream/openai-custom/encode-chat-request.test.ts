import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '../../canonical/index.js';
import { expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIUpstreamRequest, type OpenAIUpstreamEncodeOptions } from './encode-chat-request.js';

interface Fixture {
  description: string;
  options?: OpenAIUpstreamEncodeOptions;
  canonical: ChatRequest;
  wire: unknown;
}

describe('encodeOpenAIUpstreamRequest golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai/upstream-encode-request')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      const actual = encodeOpenAIUpstreamRequest(testCase.fixture.canonical, testCase.fixture.options);
      expectGolden(testCase, 'wire', actual, (a, b) => expect(a).toEqual(b));
    });
  }
});

describe('encodeOpenAIUpstreamRequest', () => {
  it('rejects a file known only by URL with a clear invalid_request', () => {
    const request: ChatRequest = {
      model: 'm',
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', url: 'https://x/a.pdf' }] }],
    };
    expect(() => encodeOpenAIUpstreamRequest(request)).toThrow(GatewayError);
    expect(() => encodeOpenAIUpstreamRequest(request)).toThrow(/by URL/);
  });
});
