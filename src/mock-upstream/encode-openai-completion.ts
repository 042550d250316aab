import type { EncodeContext } from './mock-protocol.js';
import type { MockReply, ReplyFinish } from './plan-reply.js';

const FINISH: Record<ReplyFinish, string> = { stop: 'stop', length: 'length', tool_call: 'tool_calls' };

export function openAIFinishReason(finish: ReplyFinish): string {
  return FINISH[finish];
}

export function openAIUsage(reply: MockReply): object {
  return {
    prompt_tokens: reply.inputTokens,
    completion_tokens: reply.outputTokens,
    total_tokens: reply.inputTokens + reply.outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reply.reasoningTokens },
  };
}

/** Non-streaming `chat.completion` (protocols.md §1.2), with DeepSeek-style `reasoning_content`. */
export function encodeOpenAICompletion(reply: MockReply, ctx: EncodeContext): string {
  const message: Record<string, unknown> = { role: 'assistant', content: reply.text ?? null, refusal: null };
  if (reply.reasoning !== undefined) message.reasoning_content = reply.reasoning;
  if (reply.toolCall) {
    message.tool_calls = [{
      id: `call_${ctx.id}`,
      type: 'function',
      function: { name: reply.toolCall.name, arguments: reply.toolCall.argumentsJson },
    }];
  }
  return JSON.stringify({
    id: `chatcmpl-${ctx.id}`,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH[reply.finish] }],
    usage: openAIUsage(reply),
    system_fingerprint: 'fp_mock',
    service_tier: 'default',
  });
}
