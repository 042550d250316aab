import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
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

describe('decodeOpenAIUpstreamStream text chunks decoded from the previous chunk (JsonStringSlot)', () => {
  type Part =
    | { kind: 'text'; text: string }
    | { kind: 'reasoning'; text: string }
    | { kind: 'tool'; id: string; args: string }
    | { kind: 'finish' }
    | { kind: 'usage' }
    | { kind: 'error' }
    | { kind: 'empty' }
    | { kind: 'text-and'; text: string; extra: 'reasoning_content' | 'reasoning' | 'tool_calls' | 'function_call' | 'finish' | 'usage' | 'second-choice' };
  const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\n', '\u2028', 'x'));
  const extras = ['reasoning_content', 'reasoning', 'tool_calls', 'function_call', 'finish', 'usage', 'second-choice'] as const;
  // Every kind equally likely, so that runs such as text+usage, usage, text+usage come up.
  const part: fc.Arbitrary<Part> = fc.oneof(
    anyText.map((text) => ({ kind: 'text' as const, text })),
    anyText.map((text) => ({ kind: 'reasoning' as const, text })),
    fc.tuple(fc.constantFrom('a', 'b', ''), anyText).map(([id, args]) => ({ kind: 'tool' as const, id, args })),
    ...extras.map((extra) => anyText.map((text) => ({ kind: 'text-and' as const, text, extra }))),
    ...(['finish', 'usage', 'error', 'empty'] as const).map((kind) => fc.constant<Part>({ kind })),
  );
  const chunkOf = (p: Part, extra: Record<string, unknown>): Record<string, unknown> => {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', ...extra };
    const choice = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    switch (p.kind) {
      case 'text':
        return choice({ content: p.text });
      case 'reasoning':
        return choice({ reasoning_content: p.text });
      case 'tool':
        return choice({ tool_calls: [{ index: 0, ...(p.id ? { id: p.id } : {}), function: { name: 'f', arguments: p.args } }] });
      case 'finish':
        return choice({}, 'stop');
      case 'usage':
        return { ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } };
      case 'error':
        return { ...base, error: { message: 'overloaded', type: 'server_error' } };
      case 'empty':
        return choice({ content: '' });
      case 'text-and':
        // A text beside something else: repeating the rest with another text must not repeat the text only.
        switch (p.extra) {
          case 'reasoning_content':
          case 'reasoning':
            return choice({ content: p.text, [p.extra]: 'thinking' });
          case 'tool_calls':
            return choice({ content: p.text, tool_calls: [{ index: 0, id: 'call', function: { name: 'f', arguments: '{}' } }] });
          case 'function_call':
            return choice({ content: p.text, function_call: { name: 'f', arguments: '{}' } });
          case 'finish':
            return choice({ content: p.text }, 'stop');
          case 'usage':
            return { ...choice({ content: p.text }), usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
          case 'second-choice': {
            const first = choice({ content: p.text });
            return { ...first, choices: [...(first.choices as unknown[]), { index: 0, delta: { reasoning_content: 'r' }, finish_reason: null }] };
          }
        }
    }
  };
  const body = (parts: Part[], vary: boolean): Uint8Array[] => [
    encoder.encode(parts.map((p, i) => `data: ${JSON.stringify(chunkOf(p, vary ? { seq: i } : {}))}\n\n`).join('') + 'data: [DONE]\n\n'),
  ];

  it('gives the same events as parsing every chunk whole, for any mix of chunks', async () => {
    await fc.assert(
      // Runs of chunks of one shape with different texts: the case the template serves.
      fc.asyncProperty(fc.array(fc.tuple(part, fc.integer({ min: 1, max: 3 })), { maxLength: 15 }), async (runs) => {
        const parts = runs.flatMap(([p, times]) => Array.from({ length: times }, (_, i): Part => ('text' in p ? { ...p, text: p.text + String(i) } : p)));
        // `seq` differs in every chunk, so no chunk repeats the one before and each is parsed whole.
        expect(await decode(body(parts, false))).toEqual(await decode(body(parts, true)));
      }),
      { numRuns: 1000 },
    );
  });

  it('parses a run of text chunks whole only until it has learned their shape', async () => {
    const parts: Part[] = Array.from({ length: 20 }, (_, i) => ({ kind: 'text', text: `t${i}"\\` }));
    const parse = vi.spyOn(JSON, 'parse');
    try {
      await decode(body(parts, false));
      const repeatedCalls = parse.mock.calls.map(([text]) => text);
      parse.mockClear();
      await decode(body(parts, true));
      const whole = parse.mock.calls.length;
      expect(whole).toBeGreaterThanOrEqual(20);
      // One whole parse and one confirming parse, then only the 19 texts' own tokens.
      expect(repeatedCalls).toHaveLength(2 + 19);
      expect(repeatedCalls.slice(2).every((text) => typeof text === 'string' && text.startsWith('"t'))).toBe(true);
    } finally {
      parse.mockRestore();
    }
  });
});
