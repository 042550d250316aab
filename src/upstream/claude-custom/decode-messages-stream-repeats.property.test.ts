import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { collect, eventsToJson } from '../../../test/fixtures/anthropic/fixture-io.js';
import { fromArray } from '../../../test/fixtures/async-iterables.js';
import { decodeAnthropicUpstreamStream } from './decode-messages-stream.js';

const now = (): number => 1_760_000_000_000;
const encoder = new TextEncoder();

type Sse = { event: string | undefined; payload: Record<string, unknown> };

const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\n', '\u2028', 'x'));
const deltaType = fc.constantFrom('text_delta', 'thinking_delta', 'input_json_delta', 'signature_delta', 'citations_delta');
const keyOf: Record<string, string> = { text_delta: 'text', thinking_delta: 'thinking', input_json_delta: 'partial_json', signature_delta: 'signature', citations_delta: 'citation' };

/** A run of content_block_delta events of one shape whose string varies: what the decoder reuses. */
const deltaRun: fc.Arbitrary<Sse[]> = fc
  .tuple(fc.nat(2), deltaType, fc.boolean(), fc.boolean(), fc.array(fc.oneof(anyText, fc.constant(7 as unknown as string)), { minLength: 1, maxLength: 4 }))
  .map(([index, type, named, extra, values]) =>
    values.map((value) => ({
      event: named ? 'content_block_delta' : undefined,
      payload: { type: 'content_block_delta', index, delta: { type, [keyOf[type]!]: value, ...(extra ? { note: 'x' } : {}) } },
    })),
  );

const other: fc.Arbitrary<Sse[]> = fc.oneof(
  fc.constant<Sse[]>([{ event: 'message_start', payload: { type: 'message_start', message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 3 } } } }]),
  fc
    .tuple(fc.nat(2), fc.constantFrom({ type: 'text', text: '' }, { type: 'thinking', thinking: '' }, { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }))
    .map(([index, block]): Sse[] => [{ event: 'content_block_start', payload: { type: 'content_block_start', index, content_block: block } }]),
  fc.nat(2).map((index): Sse[] => [{ event: 'content_block_stop', payload: { type: 'content_block_stop', index } }]),
  fc.constant<Sse[]>([{ event: 'ping', payload: { type: 'ping' } }]),
  fc.constant<Sse[]>([{ event: 'message_delta', payload: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } } }]),
  // A delta event under another event name: decoded by that name, never as a repeat.
  fc.nat(2).map((index): Sse[] => [{ event: 'ping', payload: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: 'p' } } }]),
);

function body(events: Sse[], vary: boolean): Uint8Array[] {
  const text = events
    .map(({ event, payload }, i) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(vary ? { ...payload, seq: i } : payload)}\n\n`)
    .join('');
  return [encoder.encode(text + 'event: message_stop\ndata: {"type":"message_stop"}\n\n')];
}

const decode = async (chunks: Uint8Array[]) => eventsToJson(await collect(decodeAnthropicUpstreamStream(fromArray(chunks), { now })));

describe('decodeAnthropicUpstreamStream: delta events rebuilt from the previous one', () => {
  it('gives the same events as parsing every event whole, for any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(deltaRun, other), { maxLength: 12 }), async (runs) => {
        const events = runs.flat();
        // `seq` differs in every event, so none repeats the one before and each is parsed whole.
        expect(await decode(body(events, false))).toEqual(await decode(body(events, true)));
      }),
      { numRuns: 800 },
    );
  });

  for (const [blockType, deltaType, key, eventType] of [
    ['text', 'text_delta', 'text', 'text-delta'],
    ['thinking', 'thinking_delta', 'thinking', 'reasoning-delta'],
    ['tool_use', 'input_json_delta', 'partial_json', 'tool-call-delta'],
  ] as const) {
    it(`parses a run of ${deltaType} events whole only until it has learned their shape`, async () => {
      const block = blockType === 'tool_use' ? { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } : { type: blockType, [blockType]: '' };
      const events: Sse[] = [
        { event: 'message_start', payload: { type: 'message_start', message: { id: 'm', model: 'c', usage: {} } } },
        { event: 'content_block_start', payload: { type: 'content_block_start', index: 0, content_block: block } },
        ...Array.from({ length: 20 }, (_, i) => ({ event: 'content_block_delta', payload: { type: 'content_block_delta', index: 0, delta: { type: deltaType, [key]: `t${i}` } } })),
      ];
      const parse = vi.spyOn(JSON, 'parse');
      try {
        const decoded = await decode(body(events, false));
        expect(decoded.filter((e) => e.type === eventType)).toHaveLength(20);
        const calls = parse.mock.calls.map(([text]) => text);
        // message_start, content_block_start, the first delta and its confirming parse, 19 tokens, message_stop.
        expect(calls).toHaveLength(3 + 1 + 19 + 1);
        expect(calls.filter((text) => typeof text === 'string' && text.startsWith('"t'))).toHaveLength(19);
      } finally {
        parse.mockRestore();
      }
    });
  }
});
