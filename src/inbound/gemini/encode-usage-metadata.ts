import type { Usage } from '../../canonical/index.js';
import type { GeminiUsageMetadata } from '../../wire/gemini/index.js';

/**
 * Canonical usage → Gemini `usageMetadata`: prompt INCLUDES cached tokens (same as canonical),
 * candidates EXCLUDE thoughts (canonical output includes reasoning), total = prompt + output.
 */
export function encodeGeminiUsageMetadata(usage: Usage): GeminiUsageMetadata {
  const thoughts = usage.reasoningTokens ?? 0;
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - thoughts),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}
