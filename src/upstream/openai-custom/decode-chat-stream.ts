import type { FinishReason, StreamEvent, Usage } from '../../canonical/index.js';
import { GatewayError, isGatewayError } from '../../canonical/index.js';
import { BatchedEvents } from '../../canonical/event-batches.js';
import { JsonStringSlot } from '../json-string-slot.js';
import { readSseBatches } from '../read-sse-events.js';
import {
  decodeOpenAIArguments,
  decodeOpenAIFinishReason,
  decodeOpenAIUsage,
  syntheticToolCallId,
} from './decode-chat-response.js';
import { decodeOpenAIInStreamError } from './decode-openai-error.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ToolCallState {
  blockIndex: number;
  id: string;
}

/** `choices[0].delta.content` of a parsed chunk: the slot a text delta varies. */
function deltaContent(chunk: unknown): unknown {
  if (!isObject(chunk) || !Array.isArray(chunk.choices)) return undefined;
  const choice: unknown = chunk.choices[0];
  return isObject(choice) && isObject(choice.delta) ? choice.delta.content : undefined;
}

const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === '';

/**
 * A chunk whose decoding depends on nothing but its text: one choice 0 with a string
 * `delta.content`, no reasoning, tool call, finish reason or usage. A later chunk equal to
 * it but for that text (see JsonStringSlot) then decodes to one text delta and nothing else.
 */
function isTextOnlyChunk(chunk: Json): boolean {
  // (A chunk with an error never gets here: it ends the stream.) A usage must not be taken again
  // from a repeat: a usage-only chunk in between may have replaced it.
  if (decodeOpenAIUsage(chunk.usage) !== undefined) return false;
  if (!Array.isArray(chunk.choices) || chunk.choices.length !== 1) return false;
  const choice: unknown = chunk.choices[0];
  if (!isObject(choice) || (choice.index !== undefined && choice.index !== 0) || !isEmpty(choice.finish_reason)) return false;
  const delta = choice.delta;
  // An empty content is typically the first chunk announcing the role: its template, with the
  // role in it, would match none of the chunks after it.
  if (!isObject(delta) || typeof delta.content !== 'string' || delta.content.length === 0) return false;
  if (!isEmpty(delta.reasoning_content) || !isEmpty(delta.reasoning) || !isEmpty(delta.function_call)) return false;
  return delta.tool_calls === undefined || delta.tool_calls === null || (Array.isArray(delta.tool_calls) && delta.tool_calls.length === 0);
}

type OpenBlock = { kind: 'text' | 'reasoning'; index: number } | { kind: 'tool'; index: number; call: ToolCallState };

/**
 * Decodes the Chat Completions SSE body of an OpenAI-compatible upstream into canonical events:
 * `start` at the first chunk, strictly sequential blocks (text, reasoning from `reasoning_content`
 * or OpenRouter's `reasoning`, tool calls) numbered in order of appearance, and one terminal.
 * The `finish` is held back until `[DONE]` or the end of the body, because the usage chunk
 * usually follows the `finish_reason` chunk. An in-stream error envelope, an unparsable chunk,
 * a failing body or a body that ends with neither `finish_reason` nor `[DONE]` ends the stream
 * with one `error` event instead (an error before any chunk comes without `start`, so the
 * dispatcher can still fail over).
 */
export function decodeOpenAIUpstreamStream(body: AsyncIterable<Uint8Array>): BatchedEvents {
  return new BatchedEvents(decodeBatches(body));
}

/** The decoder proper: one array of events per network read (see BatchedEvents). */
async function* decodeBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamEvent[], void> {
  let started = false;
  let chunkId = '';
  let blockCount = 0;
  let open: OpenBlock | undefined;
  const callsById = new Map<string, ToolCallState>();
  const callsByUpstreamIndex = new Map<number, ToolCallState>();
  let toolCallCount = 0;
  let rawFinishReason: string | undefined;
  let sawFinishReason = false;
  let sawDone = false;
  let usage: Usage | undefined;
  let failure: GatewayError | undefined;
  let unparsable = false;
  let out: StreamEvent[] = [];
  const textChunk = new JsonStringSlot('content', deltaContent);

  const closeOpen = (): void => {
    if (open === undefined) return;
    out.push({ type: open.kind === 'tool' ? 'tool-call-end' : open.kind === 'text' ? 'text-end' : 'reasoning-end', index: open.index });
    open = undefined;
  };
  const contentBlock = (kind: 'text' | 'reasoning', text: string): void => {
    if (open?.kind !== kind) {
      closeOpen();
      open = { kind, index: blockCount++ };
      out.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start', index: open.index });
    }
    out.push({ type: kind === 'text' ? 'text-delta' : 'reasoning-delta', index: open.index, text });
  };
  const toolFragment = (fragment: Json): void => {
    const fn = isObject(fragment.function) ? fragment.function : {};
    const id = typeof fragment.id === 'string' && fragment.id.length > 0 ? fragment.id : undefined;
    const upstreamIndex = typeof fragment.index === 'number' ? fragment.index : undefined;
    // Match by id first (servers that repeat the id, or give every call index 0), then by
    // index, then a fragment with neither continues the open call.
    let call = id !== undefined ? callsById.get(id) : undefined;
    if (call === undefined && id === undefined) {
      call = upstreamIndex !== undefined ? callsByUpstreamIndex.get(upstreamIndex) : open?.kind === 'tool' ? open.call : undefined;
    }
    if (call === undefined) {
      closeOpen();
      call = { blockIndex: blockCount++, id: id ?? syntheticToolCallId(chunkId, toolCallCount) };
      toolCallCount++;
      callsById.set(call.id, call);
      if (upstreamIndex !== undefined) callsByUpstreamIndex.set(upstreamIndex, call);
      open = { kind: 'tool', index: call.blockIndex, call };
      out.push({ type: 'tool-call-start', index: call.blockIndex, id: call.id, name: typeof fn.name === 'string' ? fn.name : '' });
    } else if (open?.kind !== 'tool' || open.call !== call) {
      // Blocks are sequential; a fragment for a call already closed cannot be placed.
      failure = new GatewayError('bad_upstream_response', 'OpenAI-compatible upstream interleaved the fragments of two tool calls.');
      return;
    }
    const args = decodeOpenAIArguments(fn.arguments);
    if (args.length > 0) out.push({ type: 'tool-call-delta', index: call.blockIndex, argumentsJson: args });
  };
  const handleChoice = (choice: Json): void => {
    const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : undefined;
    if (delta !== undefined) {
      const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : delta.reasoning;
      if (typeof reasoning === 'string' && reasoning.length > 0) contentBlock('reasoning', reasoning);
      if (typeof delta.content === 'string' && delta.content.length > 0) contentBlock('text', delta.content);
      if (Array.isArray(delta.tool_calls)) {
        for (const fragment of delta.tool_calls) {
          if (isObject(fragment)) toolFragment(fragment);
          if (failure) return;
        }
      }
      // Legacy streaming function call: the name once, then argument pieces; never parallel.
      if (isObject(delta.function_call)) toolFragment({ function: delta.function_call });
    }
    if (typeof choice.finish_reason === 'string' && choice.finish_reason.length > 0) {
      rawFinishReason = choice.finish_reason;
      sawFinishReason = true;
      closeOpen();
    }
  };

  try {
    reading: for await (const batch of readSseBatches(body)) {
      for (const sse of batch) {
        const data = sse.data.trim();
        if (data.length === 0) continue;
        if (data === '[DONE]') {
          sawDone = true;
          break reading;
        }
        if (unparsable) {
          out.push({ type: 'error', error: new GatewayError('bad_upstream_response', 'OpenAI-compatible upstream sent a stream chunk that is not JSON.') });
          yield out;
          return;
        }
        if (sse.event !== 'error') {
          const text = textChunk.match(data);
          if (text !== undefined) {
            if (text.length > 0) contentBlock('text', text);
            continue;
          }
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(data);
        } catch {
          // Decide at the next event: the last event of a body cut off mid-chunk is an
          // interruption, not a protocol violation.
          unparsable = true;
          continue;
        }
        if (!isObject(chunk)) continue;
        if (sse.event === 'error' || (chunk.error !== undefined && chunk.error !== null)) {
          out.push({ type: 'error', error: decodeOpenAIInStreamError(chunk) });
          yield out;
          return;
        }
        if (!started) {
          started = true;
          chunkId = typeof chunk.id === 'string' ? chunk.id : '';
          out.push({
            type: 'start',
            id: chunkId,
            model: typeof chunk.model === 'string' ? chunk.model : '',
            created: typeof chunk.created === 'number' ? chunk.created : 0,
          });
        }
        if (sse.event === undefined && isTextOnlyChunk(chunk)) textChunk.learn(data);
        usage = decodeOpenAIUsage(chunk.usage) ?? usage;
        if (Array.isArray(chunk.choices)) {
          for (const choice of chunk.choices) {
            if (isObject(choice) && (choice.index === undefined || choice.index === 0)) handleChoice(choice);
          }
        }
        if (failure) {
          out.push({ type: 'error', error: failure });
          yield out;
          return;
        }
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (error) {
    out.push({ type: 'error', error: streamFailure(error) });
    yield out;
    return;
  }

  if (!started) {
    out.push({ type: 'error', error: new GatewayError('bad_upstream_response', 'OpenAI-compatible upstream sent an empty stream.') });
  } else if (unparsable && sawDone) {
    out.push({ type: 'error', error: new GatewayError('bad_upstream_response', 'OpenAI-compatible upstream sent a stream chunk that is not JSON.') });
  } else if (!sawFinishReason && !sawDone) {
    out.push({ type: 'error', error: new GatewayError('stream_interrupted', 'OpenAI-compatible upstream closed the stream before it finished.') });
  } else {
    closeOpen();
    const finishReason: FinishReason = decodeOpenAIFinishReason(rawFinishReason, toolCallCount > 0);
    out.push({
      type: 'finish',
      finishReason,
      ...(rawFinishReason !== undefined ? { rawFinishReason } : {}),
      usage: usage ?? { inputTokens: 0, outputTokens: 0 },
    });
  }
  yield out;
}

function streamFailure(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'TimeoutError') return new GatewayError('upstream_timeout', `Upstream stream timed out: ${detail}`, { cause: error });
  if (name === 'AbortError') return new GatewayError('client_closed', 'The stream was aborted.', { cause: error });
  return new GatewayError('stream_interrupted', `Upstream stream failed: ${detail}`, { cause: error });
}
