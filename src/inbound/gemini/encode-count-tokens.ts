import type { GeminiCountTokensResponse } from '../../wire/gemini/index.js';

/**
 * `:countTokens` answer, from an upstream count or the gateway's local estimate
 * (`estimateInputTokens`, which is an estimate, not Gemini's tokenizer).
 */
export function encodeGeminiCountTokens(totalTokens: number, cachedContentTokenCount?: number): GeminiCountTokensResponse {
  const total = Math.max(0, Math.round(totalTokens));
  return {
    totalTokens: total,
    ...(cachedContentTokenCount ? { cachedContentTokenCount } : {}),
  };
}
