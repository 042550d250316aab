import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import { collect, eventsToJson, expectGolden, fromArray, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIUpstreamStream } from './decode-chat-stream.js';

interface Fixture {
  description: string;
  /** The upstream body as it arrived, one string per network read. */
  body: string[];
  events: unknown;
}

const encoder = new TextEncoder();

async function decode(chunks: Uint8Array[]): Promise<unknown> {
  return eventsToJson(await collect(decodeOpenAIUpstreamStream(fromArray(chunks))));
}

const cases = readGoldenCases<Fixture>('openai/upstream-decode-stream');

describe('decodeOpenAIUpstreamStream golden fixtures', () => {
  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.fixture.description}`, async () => {
      const actual = await decode(testCase.fixture.body.map((chunk) => encoder.encode(chunk)));
      expectGolden(testCase, 'events', actual, (a, b) => expect(a).toEqual(b));
    });
  }
});

describe('decodeOpenAIUpstreamStream framing', () => {
  const multibyte = cases.find((testCase) => testCase.name === 'multibyte')!;
  const bytes = encoder.encode(multibyte.fixture.body.join(''));

  it('the multibyte body really has multi-byte characters', () => {
    expect(bytes.length).toBeGreaterThan(multibyte.fixture.body.join('').length);
  });

  it('gives identical events when the body is split at every byte offset', async () => {
    const expected = await decode([bytes]);
    expect(expected).toEqual(multibyte.fixture.events);
    for (let offset = 0; offset <= bytes.length; offset++) {
      const actual = await decode([bytes.subarray(0, offset), bytes.subarray(offset)]);
      expect(actual, `split at byte ${offset}`).toEqual(expected);
    }
  });

  it('gives identical events when the body arrives one byte at a time', async () => {
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(await decode(chunks)).toEqual(multibyte.fixture.events);
  });

  it('every fixture decodes the same in one piece as in its recorded chunks', async () => {
    for (const testCase of cases) {
      const whole = encoder.encode(testCase.fixture.body.join(''));
      expect(await decode(whole.length > 0 ? [whole] : []), testCase.name).toEqual(testCase.fixture.events);
    }
  });
});

describe('decodeOpenAIUpstreamStream failures', () => {
  it('a body that throws mid-stream ends with one error event, keeping a GatewayError as is', async () => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('data: {"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n');
      throw new GatewayError('upstream_timeout', 'no chunk for 30000 ms');
    }
    const events = await collect(decodeOpenAIUpstreamStream(body()));
    expect(events.map((event) => event.type)).toEqual(['start', 'text-start', 'text-delta', 'error']);
    expect((events.at(-1) as { error: GatewayError }).error.code).toBe('upstream_timeout');
  });

  it('a socket error becomes stream_interrupted', async () => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('data: {"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n');
      throw Object.assign(new Error('other side closed'), { name: 'SocketError' });
    }
    const events = await collect(decodeOpenAIUpstreamStream(body()));
    const last = events.at(-1) as { type: string; error: GatewayError };
    expect(last.type).toBe('error');
    expect(last.error.code).toBe('stream_interrupted');
    expect(last.error.retryable).toBe(false);
  });

  it('releases the body after [DONE] without reading further', async () => {
    let released = false;
    let readPastDone = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        yield encoder.encode('data: {"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
        readPastDone = true;
        yield encoder.encode('data: {"oops":1}\n\n');
      } finally {
        released = true;
      }
    }
    const events = await collect(decodeOpenAIUpstreamStream(body()));
    expect(events.at(-1)?.type).toBe('finish');
    expect(readPastDone).toBe(false);
    expect(released).toBe(true);
  });

  it('rejects interleaved fragments of two tool calls instead of corrupting arguments', async () => {
    const frames = [
      { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] },
      { tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
    ].map((delta) => `data: ${JSON.stringify({ id: 'c', created: 1, model: 'm', choices: [{ index: 0, delta }] })}\n\n`);
    const events = await collect(decodeOpenAIUpstreamStream(fromArray([encoder.encode(frames.join(''))])));
    const last = events.at(-1) as { type: string; error: GatewayError };
    expect(last.type).toBe('error');
    expect(last.error.code).toBe('bad_upstream_response');
  });
});
