import { anthropicStopReason } from './encode-anthropic-message.js';
import type { EncodeContext } from './mock-protocol.js';
import { SIGNATURE, type MockReply } from './plan-reply.js';
import { splitText } from './split-text.js';

const THINKING_PIECES = 4;
const ARGUMENT_PIECES = 3;

function event(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * The full Messages event sequence (protocols.md §2.3): message_start, then per block
 * content_block_start / deltas / content_block_stop (a ping after the first block start, as the
 * real API does), message_delta with stop_reason and cumulative usage, message_stop.
 */
export function encodeAnthropicStream(reply: MockReply, ctx: EncodeContext): string[] {
  const frames: string[] = [event('message_start', {
    message: {
      id: `msg_${ctx.id}`, type: 'message', role: 'assistant', model: ctx.model, content: [],
      stop_reason: null, stop_sequence: null,
      usage: { input_tokens: reply.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, service_tier: 'standard' },
    },
  })];
  let index = 0;
  const block = (start: object, deltas: object[]): void => {
    frames.push(event('content_block_start', { index, content_block: start }));
    if (index === 0) frames.push(event('ping', {}));
    for (const delta of deltas) frames.push(event('content_block_delta', { index, delta }));
    frames.push(event('content_block_stop', { index }));
    index += 1;
  };
  if (reply.reasoning !== undefined) {
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...splitText(reply.reasoning, THINKING_PIECES).map((thinking) => ({ type: 'thinking_delta', thinking })),
      { type: 'signature_delta', signature: SIGNATURE },
    ]);
  }
  if (reply.text !== undefined) {
    block({ type: 'text', text: '' },
      splitText(reply.text, reply.singleChunk ? 1 : ctx.streamChunks).map((text) => ({ type: 'text_delta', text })));
  }
  if (reply.toolCall) {
    block({ type: 'tool_use', id: `toolu_${ctx.id}`, name: reply.toolCall.name, input: {} }, [
      { type: 'input_json_delta', partial_json: '' },
      ...splitText(reply.toolCall.argumentsJson, ARGUMENT_PIECES).map((partial_json) => ({ type: 'input_json_delta', partial_json })),
    ]);
  }
  frames.push(event('message_delta', {
    delta: { stop_reason: anthropicStopReason(reply.finish), stop_sequence: null },
    usage: { input_tokens: reply.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: reply.outputTokens },
  }));
  frames.push(event('message_stop', {}));
  return frames;
}
