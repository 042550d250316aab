import { describe, expect, it } from 'vitest';
import {
  bytes,
  collect,
  eventsToJson,
  expected,
  readFixtures,
  splitAt,
  type EventJson,
} from '../../../test/fixtures/anthropic/fixture-io.js';
import { decodeAnthropicUpstreamStream } from './decode-messages-stream.js';

interface StreamFixture {
  description: string;
  crlf: boolean;
  sse: string[];
  events: EventJson[];
}

const now = (): number => 1_760_000_000_000;
const encoder = new TextEncoder();

function sseText(fixture: StreamFixture): string {
  return fixture.sse.map((line) => `${line}${fixture.crlf ? '\r\n' : '\n'}`).join('');
}

async function decode(chunks: Uint8Array[]): Promise<EventJson[]> {
  return eventsToJson(await collect(decodeAnthropicUpstreamStream(bytes(chunks), { now })));
}

describe('decodeAnthropicUpstreamStream: golden fixtures (SSE → events)', () => {
  const fixtures = readFixtures<StreamFixture>('anthropic/upstream-stream');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(8));
  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const actual = await decode([encoder.encode(sseText(fixture.data))]);
      expect(actual).toEqual(expected(fixture, 'events', actual));
      const terminals = actual.filter((event) => event.type === 'finish' || event.type === 'error');
      expect(terminals).toHaveLength(1);
      expect(actual.at(-1)).toBe(terminals[0]);
    });
  }
});

describe('decodeAnthropicUpstreamStream: multi-byte safety', () => {
  const fixtures = readFixtures<StreamFixture>('anthropic/upstream-stream').filter((f) =>
    ['crlf-multibyte', 'thinking-text-tool'].includes(f.name),
  );
  for (const fixture of fixtures) {
    it(`${fixture.name}: identical events whatever byte offset the body is split at`, async () => {
      const body = encoder.encode(sseText(fixture.data));
      const whole = await decode([body]);
      for (let offset = 0; offset <= body.length; offset++) {
        expect(await decode(splitAt(body, [offset]))).toEqual(whole);
      }
    });

    it(`${fixture.name}: identical events one byte at a time`, async () => {
      const body = encoder.encode(sseText(fixture.data));
      const oneByOne = Array.from({ length: body.length }, (_, i) => body.subarray(i, i + 1));
      expect(await decode(oneByOne)).toEqual(await decode([body]));
    });
  }
});

describe('decodeAnthropicUpstreamStream: failing body', () => {
  it('turns a body that throws into one stream_interrupted error after what was decoded', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":1}}}\n\n');
      throw new Error('socket hang up');
    }
    const events = eventsToJson(await collect(decodeAnthropicUpstreamStream(failing(), { now })));
    expect(events.map((e) => e.type)).toEqual(['start', 'error']);
    expect(events[1]).toMatchObject({ error: { code: 'stream_interrupted' } });
  });
});
