import { describe, expect, it, vi } from 'vitest';
import { collect } from '../../../test/fixtures/async-iterables.js';
import type { StreamEvent } from '../../canonical/index.js';
import { decodeGeminiUpstreamStream } from '../gemini/decode-generate-content-stream.js';
import { eventBatches } from '../../canonical/event-batches.js';
import { unwrapCodeAssistChunk, unwrapCodeAssistResponse } from './unwrap-code-assist-response.js';

async function* bytes(...chunks: string[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield new TextEncoder().encode(chunk);
}

describe('unwrapCodeAssistResponse', () => {
  it('returns the inner response; the traceId stands in for a missing responseId', () => {
    const inner = { candidates: [{ content: { role: 'model', parts: [{ text: 'Hello!' }] }, finishReason: 'STOP' }] };
    expect(unwrapCodeAssistResponse({ response: inner, traceId: 't1', consumedCredits: [] })).toEqual({ ...inner, responseId: 't1' });
    expect(unwrapCodeAssistResponse({ response: { ...inner, responseId: 'r1' }, traceId: 't1' })).toEqual({ ...inner, responseId: 'r1' });
  });
  it('passes an error body through and rejects what is not a wrapper', () => {
    const error = { error: { code: 500, message: 'x', status: 'INTERNAL' } };
    expect(unwrapCodeAssistResponse(error)).toBe(error);
    expect(() => unwrapCodeAssistResponse({ traceId: 't' })).toThrow(/no `response`/);
    expect(() => unwrapCodeAssistResponse('nope')).toThrow(/not a JSON object/);
  });
});

describe('decodeGeminiUpstreamStream with unwrapCodeAssistChunk', () => {
  it('decodes a wrapped SSE stream split across reads (CRLF framing, multi-byte text)', async () => {
    const first = JSON.stringify({ response: { candidates: [{ content: { role: 'model', parts: [{ text: 'Hé' }] }, index: 0 }], modelVersion: 'gemini-2.5-pro' }, traceId: 'trace-9' });
    const last = JSON.stringify({
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'llo 🌍' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } },
      traceId: 'trace-9',
    });
    const raw = `data: ${first}\r\n\r\ndata: ${last}\r\n\r\n`;
    const cut = Buffer.from(raw);
    const splitAt = cut.indexOf(Buffer.from('🌍')) + 2;
    async function* body(): AsyncGenerator<Uint8Array> {
      yield cut.subarray(0, splitAt);
      yield cut.subarray(splitAt);
    }
    const events = await collect(decodeGeminiUpstreamStream(body(), { now: () => 0, unwrapChunk: unwrapCodeAssistChunk }));
    expect(events[0]).toMatchObject({ type: 'start', id: 'trace-9', model: 'gemini-2.5-pro' });
    const text = events.flatMap((event: StreamEvent) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('Héllo 🌍');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } });
  });

  it('parses a wrapped chunk at most once (a repeat of the one before not at all) and keeps the events of one network read in one batch', async () => {
    const json = (text: string, finishReason?: string) =>
      JSON.stringify({ response: { candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }] }, traceId: 't' });
    const chunks = [json('a'), json('b'), json('c', 'STOP')];
    const parse = vi.spyOn(JSON, 'parse');
    const events = decodeGeminiUpstreamStream(bytes(chunks.map((chunk) => `data: ${chunk}\r\n\r\n`).join('')), { now: () => 0, unwrapChunk: unwrapCodeAssistChunk });
    const batches = await collect({ [Symbol.asyncIterator]: () => eventBatches(events) });
    const parsedWhole = chunks.map((chunk) => parse.mock.calls.filter(([text]) => text === chunk).length);
    parse.mockRestore();
    // 'b' repeats 'a' but for its text: decoded from that string alone.
    expect(parsedWhole).toEqual([1, 0, 1]);
    expect(batches.map((batch) => batch.map((event) => event.type))).toEqual([
      ['start', 'text-start', 'text-delta', 'text-delta', 'text-delta'],
      ['text-end', 'finish'],
    ]);
  });

  it('an error chunk mid-stream becomes one error event', async () => {
    const ok = JSON.stringify({ response: { candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] } }] } });
    const error = JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '5s' }] } });
    const events = await collect(decodeGeminiUpstreamStream(bytes(`data: ${ok}\n\n`, `data: ${error}\n\n`), { now: () => 0, unwrapChunk: unwrapCodeAssistChunk }));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') expect(last.error).toMatchObject({ code: 'rate_limited', retryAfterMs: 5_000 });
  });

  it('a function call arrives whole and ends with tool-calls', async () => {
    const chunk = JSON.stringify({ response: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] }, finishReason: 'STOP' }] }, traceId: 't' });
    const events = await collect(decodeGeminiUpstreamStream(bytes(`data: ${chunk}\r\n\r\n`), { now: () => 0, unwrapChunk: unwrapCodeAssistChunk }));
    expect(events.find((event) => event.type === 'tool-call-start')).toMatchObject({ name: 'get_weather' });
    expect(events.find((event) => event.type === 'tool-call-delta')).toMatchObject({ argumentsJson: '{"city":"Paris"}' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  });
});
