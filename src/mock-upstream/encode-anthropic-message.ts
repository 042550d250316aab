import type { EncodeContext } from './mock-protocol.js';
import { SIGNATURE, type MockReply, type ReplyFinish } from './plan-reply.js';

const STOP_REASON: Record<ReplyFinish, string> = { stop: 'end_turn', length: 'max_tokens', tool_call: 'tool_use' };

export function anthropicStopReason(finish: ReplyFinish): string {
  return STOP_REASON[finish];
}

export function anthropicUsage(reply: MockReply): Record<string, number | string> {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: reply.outputTokens,
    service_tier: 'standard',
  };
}

/** Non-streaming `message` (protocols.md §2.2): thinking block first, then text or tool_use. */
export function encodeAnthropicMessage(reply: MockReply, ctx: EncodeContext): string {
  const content: object[] = [];
  if (reply.reasoning !== undefined) content.push({ type: 'thinking', thinking: reply.reasoning, signature: SIGNATURE });
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text });
  if (reply.toolCall) {
    content.push({ type: 'tool_use', id: `toolu_${ctx.id}`, name: reply.toolCall.name, input: reply.toolCall.input });
  }
  return JSON.stringify({
    id: `msg_${ctx.id}`,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: STOP_REASON[reply.finish],
    stop_sequence: null,
    usage: anthropicUsage(reply),
  });
}
