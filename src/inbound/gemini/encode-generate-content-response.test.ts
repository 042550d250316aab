import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/gemini/fixture-io.js';
import { encodeGeminiResponse } from './encode-generate-content-response.js';

interface EncodeResponseFixture {
  description: string;
  clientModel: string;
  canonical: ChatResponse;
  wire: unknown;
}

describe('encodeGeminiResponse: golden fixtures (canonical → wire)', () => {
  const fixtures = readFixtures<EncodeResponseFixture>('gemini/encode-response');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = encodeGeminiResponse(fixture.data.canonical, fixture.data.clientModel);
      expect(actual).toEqual(expected(fixture, 'wire', actual));
    });
  }
});
