import { describe, expect, it } from 'vitest';
import { bytes, collect, eventsToJson, expected, readFixtures, splitAt, type EventJson } from '../../../test/fixtures/gemini/fixture-io.js';
import { decodeGeminiUpstreamStream } from './decode-generate-content-stream.js';

interface StreamFixture {
  description: string;
  body: string;
  events: EventJson[];
}

const now = (): number => 1_760_000_000_000;
const encoder = new TextEncoder();

async function decode(chunks: Uint8Array[]): Promise<EventJson[]> {
  return eventsToJson(await collect(decodeGeminiUpstreamStream(bytes(chunks), { now })));
}

describe('decodeGeminiUpstreamStream: golden fixtures (SSE → events)', () => {
  const fixtures = readFixtures<StreamFixture>('gemini/upstream-stream');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const actual = await decode([encoder.encode(fixture.data.body)]);
      expect(actual).toEqual(expected(fixture, 'events', actual));
      const terminals = actual.filter((event) => event.type === 'finish' || event.type === 'error');
      expect(terminals).toHaveLength(1);
      expect(actual.at(-1)).toBe(terminals[0]);
    });
  }
});

describe('decodeGeminiUpstreamStream: multi-byte safety', () => {
  const fixture = readFixtures<StreamFixture>('gemini/upstream-stream').find((f) => f.name === 'text-crlf-multibyte')!;
  const body = encoder.encode(fixture.data.body);

  it('gives identical events whatever byte offset the body is split at (inside CRLF, CJK, emoji)', async () => {
    const whole = await decode([body]);
    for (let offset = 0; offset <= body.length; offset++) expect(await decode(splitAt(body, [offset]))).toEqual(whole);
  });

  it('gives identical events one byte at a time', async () => {
    expect(await decode(Array.from({ length: body.length }, (_, i) => body.subarray(i, i + 1)))).toEqual(await decode([body]));
  });
});
