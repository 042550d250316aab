import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/anthropic/fixture-io.js';
import { decodeAnthropicUpstreamResponse } from './decode-messages-response.js';

interface DecodeResponseFixture {
  description: string;
  wire: unknown;
  canonical: ChatResponse;
}

const now = (): number => 1_760_000_000_000;

describe('decodeAnthropicUpstreamResponse: golden fixtures (wire → canonical)', () => {
  const fixtures = readFixtures<DecodeResponseFixture>('anthropic/upstream-response');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = decodeAnthropicUpstreamResponse(fixture.data.wire, { now });
      expect(actual).toEqual(expected(fixture, 'canonical', actual));
    });
  }
});

describe('decodeAnthropicUpstreamResponse: malformed bodies', () => {
  it('rejects a body without content as bad_upstream_response (retryable)', () => {
    expect(() => decodeAnthropicUpstreamResponse({ id: 'x' })).toThrowError(/content/);
    try {
      decodeAnthropicUpstreamResponse('nope');
    } catch (error) {
      expect(error).toMatchObject({ code: 'bad_upstream_response', retryable: true });
    }
  });
});
