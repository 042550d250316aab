import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/gemini/fixture-io.js';
import { decodeGeminiUpstreamResponse } from './decode-generate-content-response.js';

interface DecodeResponseFixture {
  description: string;
  wire: unknown;
  canonical: ChatResponse;
}

const now = (): number => 1_760_000_000_000;

describe('decodeGeminiUpstreamResponse: golden fixtures (wire → canonical)', () => {
  const fixtures = readFixtures<DecodeResponseFixture>('gemini/upstream-response');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = decodeGeminiUpstreamResponse(fixture.data.wire, { now });
      expect(actual).toEqual(expected(fixture, 'canonical', actual));
    });
  }

  it('rejects a non-object body as bad_upstream_response', () => {
    expect(() => decodeGeminiUpstreamResponse([], { now })).toThrowError(/not a JSON object/);
  });
});
