import type { Usage } from '../../canonical/index.js';

export interface AnthropicUsageFields {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/**
 * Canonical usage (input INCLUDES cache reads and writes) → Anthropic's convention, where
 * `input_tokens` counts only the uncached, unwritten rest.
 */
export function encodeAnthropicUsage(usage: Partial<Usage> | undefined): AnthropicUsageFields {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const cacheCreation = usage?.cacheCreationInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheCreation),
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
}
