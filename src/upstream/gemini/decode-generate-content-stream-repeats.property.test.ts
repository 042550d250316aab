import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect, eventsToJson } from '../../../test/fixtures/anthropic/fixture-io.js';
import { fromArray } from '../../../test/fixtures/async-iterables.js';
import { unwrapCodeAssistChunk } from '../gemini-cli-oauth/unwrap-code-assist-response.js';
import { decodeGeminiUpstreamStream } from './decode-generate-content-stream.js';

const now = (): number => 1_760_000_000_000;
const encoder = new TextEncoder();

type Chunk = Record<string, unknown>;

const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\n', '\u2028', 'x', '"text":"'));
// Few snapshots, so that runs share one and a chunk can repeat an earlier chunk's bytes.
const usage = fc.constantFrom(undefined, { trafficType: 'ON_DEMAND' }, { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 }, { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 });
const chunkOf = (parts: unknown[], usageMetadata: unknown, extra: Chunk = {}): Chunk => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  ...(usageMetadata !== undefined ? { usageMetadata } : {}),
  modelVersion: 'gemini-2.5-flash',
  responseId: 'r1',
});

/** A run of text chunks of one shape whose text varies: what the decoder reuses. */
const textRun: fc.Arbitrary<Chunk[]> = fc
  .tuple(usage, fc.array(anyText, { minLength: 1, maxLength: 4 }))
  .map(([usageMetadata, texts]) => texts.map((text) => chunkOf([{ text }], usageMetadata)));

// Chunks that must never be taken for a repeat of a text chunk, in runs of their own shape.
const other: fc.Arbitrary<Chunk[]> = fc
  .tuple(
    usage,
    fc.constantFrom<(text: string) => unknown[]>(
      (text) => [{ text, thought: true }],
      (text) => [{ text, thoughtSignature: 'sig' }],
      (text) => [{ functionCall: { name: 'get_weather', args: { city: text } } }],
      (text) => [{ text }, { text: 'b' }],
    ),
    fc.array(anyText, { minLength: 1, maxLength: 3 }),
  )
  .map(([u, parts, texts]) => texts.map((text) => chunkOf(parts(text), u)));

const finish = chunkOf([{ text: '' }], { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 }, { finishReason: 'STOP' });

function body(chunks: Chunk[], vary: boolean, wrap: boolean): Uint8Array[] {
  const text = [...chunks, finish]
    .map((chunk, i) => {
      const unique = vary ? { ...chunk, seq: i } : chunk;
      return `data: ${JSON.stringify(wrap ? { response: unique, traceId: 't' } : unique)}\r\n\r\n`;
    })
    .join('');
  return [encoder.encode(text)];
}

const decode = async (chunks: Uint8Array[], wrap: boolean) =>
  eventsToJson(await collect(decodeGeminiUpstreamStream(fromArray(chunks), { now, ...(wrap ? { unwrapChunk: unwrapCodeAssistChunk } : {}) })));

describe('decodeGeminiUpstreamStream: text chunks rebuilt from the previous one', () => {
  for (const wrap of [false, true]) {
    it(`gives the same events (usage included) as parsing every chunk whole, for any sequence${wrap ? ' (Code Assist wrapper)' : ''}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(textRun, other), { minLength: 1, maxLength: 10 }), async (runs) => {
          const chunks = runs.flat();
          // `seq` differs in every chunk, so none repeats the one before and each is parsed whole.
          expect(await decode(body(chunks, false, wrap), wrap)).toEqual(await decode(body(chunks, true, wrap), wrap));
        }),
        { numRuns: 500 },
      );
    });
  }

  it('takes a repeat of an earlier usage snapshot as the latest one', async () => {
    const a = chunkOf([{ text: 'a' }], { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 });
    const thought = chunkOf([{ text: 't', thought: true }], { promptTokenCount: 1, candidatesTokenCount: 5, totalTokenCount: 6 });
    const b = chunkOf([{ text: 'b' }], { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 });
    const last = { candidates: [{ content: { role: 'model', parts: [{ text: 'c' }] }, finishReason: 'STOP' }], modelVersion: 'gemini-2.5-flash', responseId: 'r1' };
    const events = await decode([encoder.encode([a, thought, b, last].map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(''))], false);
    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 1, outputTokens: 1 } });
    expect(await decode([encoder.encode([a, thought, { ...b, seq: 1 }, last].map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(''))], false)).toEqual(events);
  });
});
