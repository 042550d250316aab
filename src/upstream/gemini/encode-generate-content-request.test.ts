import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/gemini/fixture-io.js';
import { encodeGeminiUpstreamRequest, type EncodeGeminiUpstreamOptions } from './encode-generate-content-request.js';

interface EncodeRequestFixture {
  description: string;
  schemaMode?: EncodeGeminiUpstreamOptions['schemaMode'];
  canonical: ChatRequest;
  wire: unknown;
}

describe('encodeGeminiUpstreamRequest: golden fixtures (canonical → wire)', () => {
  const fixtures = readFixtures<EncodeRequestFixture>('gemini/upstream-request');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(2));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const options = fixture.data.schemaMode ? { schemaMode: fixture.data.schemaMode } : {};
      const actual = encodeGeminiUpstreamRequest(fixture.data.canonical, options);
      expect(actual).toEqual(expected(fixture, 'wire', actual));
    });
  }
});
