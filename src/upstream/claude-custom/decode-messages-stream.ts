import { GatewayError, type StreamEvent } from '../../canonical/index.js';
import { BatchedEvents } from '../../canonical/event-batches.js';
import { JsonStringSlot } from '../json-string-slot.js';
import { readSseBatches } from '../read-sse-events.js';
import { upstreamStreamFailure } from '../stream-failure.js';
import { decodeAnthropicStreamError } from './decode-anthropic-error.js';
import { completeUsage, decodeAnthropicStopReason, decodeAnthropicUsage } from './decode-messages-response.js';

type Json = Record<string, unknown>;
type BlockKind = 'text' | 'reasoning' | 'tool-call';

interface BlockState {
  index: number;
  kind: BlockKind;
  open: boolean;
  /** Tool calls: whether any argument text arrived (an empty input must still read as `{}`). */
  hasArguments: boolean;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string each delta type varies from one event to the next. */
const DELTA_KEYS: Readonly<Record<string, string>> = { text_delta: 'text', thinking_delta: 'thinking', input_json_delta: 'partial_json' };

/**
 * The last content_block_delta event parsed whole, kept so that the next one, equal to it but for
 * its delta's text (the common case: a run of text deltas), is rebuilt from it instead of parsed
 * (see JsonStringSlot; exact because the rebuilt payload is what JSON.parse would have made).
 */
class RepeatedDelta {
  readonly #slots = new Map<string, JsonStringSlot>();
  #last: { payload: Json; delta: Json; key: string; slot: JsonStringSlot } | undefined;

  /** The payload of `data` when it repeats the last delta event but for that string. */
  match(data: string): Json | undefined {
    const last = this.#last;
    if (last === undefined) return undefined;
    const value = last.slot.match(data);
    return value === undefined ? undefined : { ...last.payload, delta: { ...last.delta, [last.key]: value } };
  }

  learn(data: string, payload: Json): void {
    const delta = payload['delta'];
    const key = isObject(delta) && typeof delta['type'] === 'string' ? DELTA_KEYS[delta['type']] : undefined;
    if (key === undefined || !isObject(delta) || typeof delta[key] !== 'string') return;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = new JsonStringSlot(key, (document) => (isObject(document) && isObject(document['delta']) ? document['delta'][key] : undefined));
      this.#slots.set(key, slot);
    }
    slot.learn(data);
    this.#last = { payload, delta, key, slot };
  }
}

export interface DecodeAnthropicStreamOptions {
  /** Clock for `start.created` and error reset times. */
  now?: () => number;
}

/**
 * Anthropic Messages SSE body → canonical events.
 *
 * `message_start` → `start` (with the input usage known so far); each content block → a canonical
 * block whose index is the Anthropic block index (blocks the canonical model has no kind for, such
 * as `server_tool_use`, are skipped, and later indexes close the gap so canonical indexes stay
 * dense); `message_delta` records the stop reason and the cumulative usage; `message_stop` →
 * `finish` with the total usage in the canonical convention (input INCLUDES cache reads and
 * writes). An `event: error` inside the 200 becomes one canonical `error` (overloaded_error →
 * retryable `overloaded`); a body that ends before `message_stop` → `stream_interrupted`.
 * `ping` is ignored. Exactly one terminal event, then the generator returns.
 */
export function decodeAnthropicUpstreamStream(body: AsyncIterable<Uint8Array>, options: DecodeAnthropicStreamOptions = {}): BatchedEvents {
  return new BatchedEvents(decodeBatches(body, options));
}

/** The decoder proper: one array of events per network read (see BatchedEvents). */
async function* decodeBatches(body: AsyncIterable<Uint8Array>, options: DecodeAnthropicStreamOptions): AsyncGenerator<StreamEvent[], void> {
  const now = options.now ?? Date.now;
  const blocks = new Map<number, BlockState>();
  let nextIndex = 0;
  let started = false;
  /** Raw Anthropic usage fields, merged as they arrive (message_delta usage is cumulative). */
  const rawUsage: Json = {};
  const repeated = new RepeatedDelta();
  let stopReason: string | undefined;
  let out: StreamEvent[] = [];

  const mergeUsage = (usage: unknown): void => {
    if (!isObject(usage)) return;
    for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens']) {
      if (typeof usage[key] === 'number') rawUsage[key] = usage[key];
    }
  };

  try {
    for await (const batch of readSseBatches(body)) {
      for (const sse of batch) {
        if (sse.data.trim() === '') continue;
        // The event name plays no part: the payload rebuilt is the one JSON.parse would make.
        let payload = repeated.match(sse.data);
        if (payload === undefined) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(sse.data);
          } catch {
            out.push({ type: 'error', error: new GatewayError('bad_upstream_response', 'Anthropic upstream sent a stream event that is not JSON.') });
            yield out;
            return;
          }
          if (!isObject(parsed)) continue;
          payload = parsed;
          if ((sse.event ?? payload['type']) === 'content_block_delta') repeated.learn(sse.data, payload);
        }
        const type = sse.event ?? payload['type'];
        switch (type) {
          case 'message_start': {
            if (started) break;
            started = true;
            const message = isObject(payload['message']) ? payload['message'] : {};
            mergeUsage(message['usage']);
            const usage = decodeAnthropicUsage(message['usage']);
            out.push({
              type: 'start',
              id: typeof message['id'] === 'string' ? message['id'] : '',
              model: typeof message['model'] === 'string' ? message['model'] : '',
              created: Math.floor(now() / 1000),
              ...(Object.keys(usage).length > 0 ? { usage } : {}),
            });
            break;
          }
          case 'content_block_start': {
            const upstreamIndex = payload['index'];
            const block = payload['content_block'];
            if (typeof upstreamIndex !== 'number' || !isObject(block) || blocks.has(upstreamIndex)) break;
            startBlock(upstreamIndex, block);
            break;
          }
          case 'content_block_delta': {
            const state = blocks.get(payload['index'] as number);
            const delta = payload['delta'];
            if (state === undefined || !state.open || !isObject(delta)) break;
            const event = blockDelta(state.index, state.kind, delta);
            if (event !== undefined) {
              if (event.type === 'tool-call-delta') state.hasArguments = true;
              out.push(event);
            }
            break;
          }
          case 'content_block_stop': {
            const state = blocks.get(payload['index'] as number);
            if (state === undefined || !state.open) break;
            closeBlock(state, out);
            break;
          }
          case 'message_delta': {
            const delta = payload['delta'];
            if (isObject(delta) && typeof delta['stop_reason'] === 'string') stopReason = delta['stop_reason'];
            mergeUsage(payload['usage']);
            break;
          }
          case 'message_stop':
            for (const state of blocks.values()) {
              if (state.open) closeBlock(state, out);
            }
            out.push({
              type: 'finish',
              finishReason: decodeAnthropicStopReason(stopReason),
              ...(stopReason !== undefined ? { rawFinishReason: stopReason } : {}),
              usage: completeUsage(decodeAnthropicUsage(rawUsage)),
            });
            yield out;
            return;
          case 'error':
            out.push({ type: 'error', error: decodeAnthropicStreamError(payload, now()) });
            yield out;
            return;
          default:
            // ping, and event types newer than this decoder.
            break;
        }
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (error) {
    out.push({ type: 'error', error: upstreamStreamFailure(error, 'Anthropic') });
    yield out;
    return;
  }
  out.push({
    type: 'error',
    error: started
      ? new GatewayError('stream_interrupted', 'Anthropic upstream closed the stream before message_stop.')
      : new GatewayError('bad_upstream_response', 'Anthropic upstream sent an empty stream.'),
  });
  yield out;

  function startBlock(upstreamIndex: number, block: Json): void {
    const kind: BlockKind | undefined =
      block['type'] === 'text'
        ? 'text'
        : block['type'] === 'thinking' || block['type'] === 'redacted_thinking'
          ? 'reasoning'
          : block['type'] === 'tool_use'
            ? 'tool-call'
            : undefined;
    if (kind === undefined) {
      blocks.set(upstreamIndex, { index: -1, kind: 'text', open: false, hasArguments: false });
      return;
    }
    const index = nextIndex++;
    const state: BlockState = { index, kind, open: true, hasArguments: false };
    blocks.set(upstreamIndex, state);
    if (kind === 'text') {
      out.push({ type: 'text-start', index });
      if (typeof block['text'] === 'string' && block['text'] !== '') out.push({ type: 'text-delta', index, text: block['text'] });
    } else if (kind === 'reasoning') {
      if (block['type'] === 'redacted_thinking') {
        out.push({ type: 'reasoning-start', index, redactedData: typeof block['data'] === 'string' ? block['data'] : '' });
        return;
      }
      out.push({ type: 'reasoning-start', index });
      if (typeof block['thinking'] === 'string' && block['thinking'] !== '') {
        out.push({ type: 'reasoning-delta', index, text: block['thinking'] });
      }
      if (typeof block['signature'] === 'string' && block['signature'] !== '') {
        out.push({ type: 'reasoning-signature', index, signature: block['signature'] });
      }
    } else {
      out.push({ type: 'tool-call-start', index, id: String(block['id'] ?? ''), name: String(block['name'] ?? '') });
      // Anthropic starts tool_use with `input: {}` and streams the JSON; a non-empty start input is whole.
      if (isObject(block['input']) && Object.keys(block['input']).length > 0) {
        state.hasArguments = true;
        out.push({ type: 'tool-call-delta', index, argumentsJson: JSON.stringify(block['input']) });
      }
    }
  }
}

function closeBlock(state: BlockState, out: StreamEvent[]): void {
  state.open = false;
  // A tool call without any input_json_delta has input `{}`, not an empty string.
  if (state.kind === 'tool-call' && !state.hasArguments) out.push({ type: 'tool-call-delta', index: state.index, argumentsJson: '{}' });
  out.push(endOf(state.kind, state.index));
}

function blockDelta(index: number, kind: BlockKind, delta: Json): StreamEvent | undefined {
  switch (delta['type']) {
    case 'text_delta':
      return kind === 'text' && typeof delta['text'] === 'string' && delta['text'] !== ''
        ? { type: 'text-delta', index, text: delta['text'] }
        : undefined;
    case 'thinking_delta':
      return kind === 'reasoning' && typeof delta['thinking'] === 'string' && delta['thinking'] !== ''
        ? { type: 'reasoning-delta', index, text: delta['thinking'] }
        : undefined;
    case 'signature_delta':
      return kind === 'reasoning' && typeof delta['signature'] === 'string'
        ? { type: 'reasoning-signature', index, signature: delta['signature'] }
        : undefined;
    case 'input_json_delta':
      return kind === 'tool-call' && typeof delta['partial_json'] === 'string' && delta['partial_json'] !== ''
        ? { type: 'tool-call-delta', index, argumentsJson: delta['partial_json'] }
        : undefined;
    default:
      // citations_delta and newer delta types have no canonical counterpart.
      return undefined;
  }
}

function endOf(kind: BlockKind, index: number): StreamEvent {
  return kind === 'text' ? { type: 'text-end', index } : kind === 'reasoning' ? { type: 'reasoning-end', index } : { type: 'tool-call-end', index };
}
