import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import type { KiroEventFrame } from '../../wire/kiro/index.js';
import { collectStreamResponse } from './collect-stream-response.js';
import { decodeKiroStream, KIRO_CONTEXT_WINDOW_TOKENS } from './decode-kiro-stream.js';

const ev = (eventType: string, payload: unknown): KiroEventFrame => ({ eventType, messageType: 'event', payload });

/** One frame per network read, as a batch each. */
async function* from(frames: KiroEventFrame[], failWith?: unknown): AsyncGenerator<KiroEventFrame[]> {
  for (const frame of frames) yield [frame];
  if (failWith !== undefined) throw failWith;
}

async function decode(frames: KiroEventFrame[], options: Partial<Parameters<typeof decodeKiroStream>[1]> = {}, failWith?: unknown): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of decodeKiroStream(from(frames, failWith), { id: 'msg_1', model: 'claude-x', now: () => 1_700_000_000_000, ...options })) out.push(event);
  return out;
}

describe('decodeKiroStream', () => {
  it('text deltas → one text block, finish stop, usage estimated from characters', async () => {
    const events = await decode([ev('assistantResponseEvent', { content: 'Hello ' }), ev('assistantResponseEvent', { content: 'world' }), ev('meteringEvent', { usage: 0.01 })], {
      estimatedInputTokens: 42,
    });
    expect(events).toEqual([
      { type: 'start', id: 'msg_1', model: 'claude-x', created: 1_700_000_000 },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hello ' },
      { type: 'text-delta', index: 0, text: 'world' },
      { type: 'text-end', index: 0 },
      { type: 'finish', finishReason: 'stop', rawFinishReason: 'END_TURN', usage: { inputTokens: 42, outputTokens: 3 } },
    ]);
  });

  it('tool-use fragments → one tool-call block after the text, duplicates dropped, names mapped back', async () => {
    const events = await decode(
      [
        ev('assistantResponseEvent', { content: 'Checking.' }),
        ev('toolUseEvent', { toolUseId: 't1', name: 'short_abc' }),
        ev('toolUseEvent', { toolUseId: 't1', name: 'short_abc', input: '{"ci' }),
        ev('toolUseEvent', { toolUseId: 't1', name: 'short_abc', input: 'ty":"Paris"}' }),
        ev('toolUseEvent', { toolUseId: 't1', name: 'short_abc', stop: true }),
        ev('toolUseEvent', { toolUseId: 't1', name: 'short_abc', input: '{"city":"Paris"}', stop: true }),
        ev('toolUseEvent', { toolUseId: 't2', name: 'other', input: { a: 1 } }),
        ev('toolUseEvent', { stop: true }),
        ev('toolUseEvent', { toolUseId: 't3', name: 'noargs', stop: true }),
      ],
      { toolNames: new Map([['short_abc', 'the.original:name']]) },
    );
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      'start',
      'text-start', 'text-delta', 'text-end',
      'tool-call-start', 'tool-call-delta', 'tool-call-delta', 'tool-call-end',
      'tool-call-start', 'tool-call-delta', 'tool-call-end',
      'tool-call-start', 'tool-call-delta', 'tool-call-end',
      'finish',
    ]);
    expect(events[4]).toEqual({ type: 'tool-call-start', index: 1, id: 't1', name: 'the.original:name' });
    expect(events[9]).toEqual({ type: 'tool-call-delta', index: 2, argumentsJson: '{"a":1}' });
    expect(events[12]).toEqual({ type: 'tool-call-delta', index: 3, argumentsJson: '{}' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'TOOL_USE' });
  });

  it('metadata stop reason and token usage win over estimates; context usage is the fallback', async () => {
    const withMeta = await decode([
      ev('assistantResponseEvent', { content: 'x' }),
      ev('metadataEvent', { stopReason: 'MAX_TOKENS', tokenUsage: { uncachedInputTokens: 10, cacheReadInputTokens: 5, cacheWriteInputTokens: 2, outputTokens: 7 } }),
    ]);
    expect(withMeta.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      rawFinishReason: 'MAX_TOKENS',
      usage: { inputTokens: 17, outputTokens: 7, cachedInputTokens: 5, cacheCreationInputTokens: 2 },
    });
    const withContext = await decode([ev('assistantResponseEvent', { content: 'abcdefgh' }), ev('contextUsageEvent', { contextUsagePercentage: 1 })]);
    expect(withContext.at(-1)).toMatchObject({ usage: { inputTokens: KIRO_CONTEXT_WINDOW_TOKENS / 100 - 2, outputTokens: 2 } });
  });

  it('reasoning events become a reasoning block with its signature', async () => {
    const events = await decode([ev('reasoningContentEvent', { text: 'think' }), ev('reasoningContentEvent', { signature: 'sig' }), ev('assistantResponseEvent', { content: 'ok' })]);
    expect(events.slice(1, 6)).toEqual([
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'think' },
      { type: 'reasoning-signature', index: 0, signature: 'sig' },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
    ]);
  });

  it('exception frames, error-member events and error frames end the stream with one classified error', async () => {
    const throttled = await decode([ev('assistantResponseEvent', { content: 'a' }), { eventType: 'ThrottlingException', messageType: 'exception', payload: { message: 'slow down' } }, ev('assistantResponseEvent', { content: 'never' })]);
    expect(throttled.map((e) => e.type)).toEqual(['start', 'text-start', 'text-delta', 'text-end', 'error']);
    const last = throttled.at(-1) as Extract<StreamEvent, { type: 'error' }>;
    expect(last.error.code).toBe('rate_limited');
    expect(last.error.message).toContain('slow down');

    const member = await decode([ev('validationError', { message: 'Input content length exceeds threshold', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' })]);
    expect((member.at(-1) as Extract<StreamEvent, { type: 'error' }>).error.code).toBe('context_length');

    const unmodeled = await decode([{ eventType: 'InternalFailure', messageType: 'error', payload: { message: 'oops' } }]);
    expect((unmodeled.at(-1) as Extract<StreamEvent, { type: 'error' }>).error.code).toBe('upstream_error');

    const unavailable = await decode([{ eventType: 'ServiceUnavailableException', messageType: 'exception', payload: { message: 'busy' } }]);
    expect((unavailable.at(-1) as Extract<StreamEvent, { type: 'error' }>).error.code).toBe('overloaded');
  });

  it('a broken frame stream closes open blocks and ends with its error', async () => {
    const events = await decode([ev('toolUseEvent', { toolUseId: 't', name: 'n', input: '{' })], {}, new GatewayError('stream_interrupted', 'cut'));
    expect(events.map((e) => e.type)).toEqual(['start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'error']);
    expect((events.at(-1) as Extract<StreamEvent, { type: 'error' }>).error.code).toBe('stream_interrupted');
  });

  it('collectStreamResponse builds the ChatResponse, and throws the error event', async () => {
    const frames = [ev('assistantResponseEvent', { content: 'Hi' }), ev('toolUseEvent', { toolUseId: 't', name: 'f', input: '{"a":1}', stop: true })];
    const response = await collectStreamResponse(decodeKiroStream(from(frames), { id: 'msg_1', model: 'm', estimatedInputTokens: 3 }));
    expect(response).toMatchObject({
      id: 'msg_1',
      model: 'm',
      content: [
        { type: 'text', text: 'Hi' },
        { type: 'tool-call', id: 't', name: 'f', argumentsJson: '{"a":1}' },
      ],
      finishReason: 'tool-calls',
      usage: { inputTokens: 3, outputTokens: 3 },
    });
    await expect(collectStreamResponse(decodeKiroStream(from([{ eventType: 'ThrottlingException', messageType: 'exception', payload: {} }]), { id: 'x', model: 'm' }))).rejects.toMatchObject({
      code: 'rate_limited',
    });
  });
});
