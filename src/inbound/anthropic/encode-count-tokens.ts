import type { AnthropicCountTokensResponse } from '../../wire/anthropic/index.js';

/** `POST /v1/messages/count_tokens` answer, from an upstream count or `estimateInputTokens`. */
export function encodeAnthropicCountTokens(inputTokens: number): AnthropicCountTokensResponse {
  return { input_tokens: Math.max(0, Math.round(inputTokens)) };
}
