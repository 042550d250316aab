import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/anthropic/fixture-io.js';
import { DEFAULT_MAX_TOKENS, encodeAnthropicUpstreamRequest, sanitizeToolId } from './encode-messages-request.js';

interface EncodeRequestFixture {
  description: string;
  canonical: ChatRequest;
  wire: unknown;
}

describe('encodeAnthropicUpstreamRequest: golden fixtures (canonical → wire)', () => {
  const fixtures = readFixtures<EncodeRequestFixture>('anthropic/upstream-request');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(3));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = encodeAnthropicUpstreamRequest(fixture.data.canonical);
      expect(actual).toEqual(expected(fixture, 'wire', actual));
    });
  }
});

describe('encodeAnthropicUpstreamRequest: rules', () => {
  const base: ChatRequest = { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

  it('supplies max_tokens when absent, configurable per call', () => {
    expect(encodeAnthropicUpstreamRequest(base)['max_tokens']).toBe(DEFAULT_MAX_TOKENS);
    expect(encodeAnthropicUpstreamRequest(base, { defaultMaxTokens: 1234 })['max_tokens']).toBe(1234);
  });

  it('keeps thinking budget below max_tokens', () => {
    const body = encodeAnthropicUpstreamRequest({ ...base, maxOutputTokens: 2000, reasoning: { budgetTokens: 500 } });
    expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body['max_tokens']).toBe(2000);
  });

  it('sanitises tool ids the same way on both sides', () => {
    expect(sanitizeToolId('call.1:a')).toBe('call_1_a');
    expect(sanitizeToolId('toolu_01-A')).toBe('toolu_01-A');
    expect(sanitizeToolId('')).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});
