import { GatewayError, toGatewayError, type StreamEvent, type Usage } from '../../canonical/index.js';
import type { AnthropicResponseContentBlock, AnthropicStreamEvent } from '../../wire/anthropic/index.js';
import { encodeAnthropicStreamError } from './encode-error.js';
import { encodeAnthropicStopReason } from './encode-stop-reason.js';
import { encodeAnthropicUsage } from './encode-usage.js';
import { encodeEvents, type StreamEncoder } from '../../canonical/stream-encoder.js';

export interface EncodeAnthropicStreamOptions {
  /** The model name the client asked for; echoed in `message_start`. */
  clientModel: string;
  /** Message id used only if the canonical stream has no `start` event. */
  fallbackMessageId?: string;
}

type BlockKind = 'text' | 'thinking' | 'redacted_thinking' | 'tool_use';

type BlockEvent = Extract<StreamEvent, { index: number }>;

interface BlockState {
  kind: BlockKind;
  contentBlock: AnthropicResponseContentBlock;
  /** Events that arrived while another block was open (Anthropic blocks never interleave). */
  pending: BlockEvent[];
  ended: boolean;
}

function frame(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * A `content_block_delta` frame, byte for byte what `frame()` makes of it, with only the delta's
 * text going through JSON.stringify: these frames are nearly all of a stream, and stringifying
 * the whole nested object for each one was the encoder's largest cost in profiles.
 */
export function deltaFrame(index: number, deltaType: string, field: string, value: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${deltaType}","${field}":${JSON.stringify(value)}}}\n\n`;
}

/** The `ping` Anthropic writes right after `message_start` (clients ignore it). */
const PING_FRAME = frame({ type: 'ping' });

/**
 * Canonical stream events → Anthropic Messages SSE frames (`event: X\ndata: {...}\n\n`).
 *
 * Anthropic blocks are strictly sequential and indexed densely in order of emission. Canonical
 * blocks may interleave (an OpenAI upstream can stream two tool calls at once), so events of a
 * block that is not the open one wait until it closes. Exactly one terminal is written:
 * `message_delta` + `message_stop`, or an `error` event (on a canonical error, a thrown source,
 * or a source that ends without finishing).
 */
export function createAnthropicStreamEncoder(options: EncodeAnthropicStreamOptions): StreamEncoder {
  const blocks = new Map<number, BlockState>();
  /** Canonical indexes in order of their start event, not yet fully written. */
  const order: number[] = [];
  let active: number | undefined;
  let nextIndex = 0;
  let started = false;
  let hasToolCalls = false;

  function messageStart(id: string, usage: Partial<Usage> | undefined): string {
    started = true;
    return (
      frame({
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: options.clientModel,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: encodeAnthropicUsage(usage),
        },
      }) + PING_FRAME
    );
  }

  function blockDelta(state: BlockState, event: BlockEvent, index: number): string {
    switch (event.type) {
      case 'text-delta':
        return state.kind === 'text' && event.text !== ''
          ? deltaFrame(index, 'text_delta', 'text', event.text)
          : '';
      case 'reasoning-delta':
        return state.kind === 'thinking' && event.text !== ''
          ? deltaFrame(index, 'thinking_delta', 'thinking', event.text)
          : '';
      case 'reasoning-signature':
        return state.kind === 'thinking'
          ? deltaFrame(index, 'signature_delta', 'signature', event.signature)
          : '';
      case 'tool-call-delta':
        return state.kind === 'tool_use' && event.argumentsJson !== ''
          ? deltaFrame(index, 'input_json_delta', 'partial_json', event.argumentsJson)
          : '';
      default:
        return '';
    }
  }

  /** Opens the next waiting block(s), replaying what they buffered; returns the frames. */
  function advance(): string {
    let out = '';
    while (active === undefined && order.length > 0) {
      const canonicalIndex = order[0]!;
      const state = blocks.get(canonicalIndex)!;
      const index = nextIndex++;
      out += frame({ type: 'content_block_start', index, content_block: state.contentBlock });
      for (const event of state.pending) out += blockDelta(state, event, index);
      state.pending = [];
      if (state.ended) {
        out += frame({ type: 'content_block_stop', index });
        order.shift();
      } else {
        active = canonicalIndex;
      }
    }
    return out;
  }

  function openBlock(canonicalIndex: number, kind: BlockKind, contentBlock: AnthropicResponseContentBlock): string {
    if (blocks.has(canonicalIndex)) return '';
    blocks.set(canonicalIndex, { kind, contentBlock, pending: [], ended: false });
    order.push(canonicalIndex);
    return advance();
  }

  function onBlockEvent(event: BlockEvent): string {
    let out = '';
    if (!blocks.has(event.index)) {
      // A delta without its start: open an implicit block of the delta's kind.
      const kind: BlockKind =
        event.type.startsWith('reasoning') ? 'thinking' : event.type.startsWith('tool-call') ? 'tool_use' : 'text';
      if (kind === 'tool_use') return '';
      out += openBlock(event.index, kind, kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' });
    }
    const state = blocks.get(event.index)!;
    const isEnd = event.type === 'text-end' || event.type === 'reasoning-end' || event.type === 'tool-call-end';
    if (active !== event.index) {
      if (isEnd) state.ended = true;
      else state.pending.push(event);
      return out;
    }
    const index = nextIndex - 1;
    if (!isEnd) return out + blockDelta(state, event, index);
    out += frame({ type: 'content_block_stop', index });
    order.shift();
    active = undefined;
    return out + advance();
  }

  /** Closes everything still open or waiting, in order, before the message ends. */
  function closeAll(): string {
    let out = '';
    if (active !== undefined) {
      out += frame({ type: 'content_block_stop', index: nextIndex - 1 });
      order.shift();
      active = undefined;
    }
    for (const canonicalIndex of order) blocks.get(canonicalIndex)!.ended = true;
    return out + advance();
  }

  const fallbackId = options.fallbackMessageId ?? 'msg_gateway';
  return {
    push(event, frames) {
      let out = '';
      if (!started && event.type !== 'start' && event.type !== 'error') out = messageStart(fallbackId, undefined);
      let terminated = false;
      switch (event.type) {
        case 'start':
          if (!started) out = messageStart(event.id, event.usage);
          break;
        case 'text-start':
          out += openBlock(event.index, 'text', { type: 'text', text: '' });
          break;
        case 'reasoning-start':
          out +=
            event.redactedData !== undefined
              ? openBlock(event.index, 'redacted_thinking', { type: 'redacted_thinking', data: event.redactedData })
              : openBlock(event.index, 'thinking', { type: 'thinking', thinking: '', signature: '' });
          break;
        case 'tool-call-start':
          hasToolCalls = true;
          out += openBlock(event.index, 'tool_use', { type: 'tool_use', id: event.id, name: event.name, input: {} });
          break;
        case 'usage':
          break;
        case 'finish': {
          const usage = encodeAnthropicUsage(event.usage);
          out +=
            closeAll() +
            frame({
              type: 'message_delta',
              delta: {
                stop_reason: encodeAnthropicStopReason(event.finishReason, event.rawFinishReason, hasToolCalls),
                stop_sequence: null,
              },
              usage,
            }) +
            frame({ type: 'message_stop' });
          terminated = true;
          break;
        }
        case 'error':
          out = encodeAnthropicStreamError(event.error);
          terminated = true;
          break;
        default:
          out += onBlockEvent(event);
      }
      if (out !== '') frames.push(out);
      return terminated;
    },
    fail(error, frames) {
      frames.push(encodeAnthropicStreamError(toGatewayError(error)));
    },
    end(frames) {
      frames.push(encodeAnthropicStreamError(new GatewayError('stream_interrupted', 'upstream stream ended before the message finished')));
    },
  };
}

/** `createAnthropicStreamEncoder` over an event source. */
export function encodeAnthropicMessagesStream(events: AsyncIterable<StreamEvent>, options: EncodeAnthropicStreamOptions): AsyncGenerator<string> {
  return encodeEvents(events, createAnthropicStreamEncoder(options));
}
