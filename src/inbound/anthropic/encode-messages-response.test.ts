import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/anthropic/fixture-io.js';
import { encodeAnthropicMessagesResponse } from './encode-messages-response.js';

interface EncodeResponseFixture {
  description: string;
  clientModel: string;
  canonical: ChatResponse;
  wire: unknown;
}

describe('encodeAnthropicMessagesResponse: golden fixtures (canonical → wire)', () => {
  const fixtures = readFixtures<EncodeResponseFixture>('anthropic/encode-response');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = encodeAnthropicMessagesResponse(fixture.data.canonical, fixture.data.clientModel);
      expect(actual).toEqual(expected(fixture, 'wire', actual));
    });
  }
});
