/**
 * Token usage in one convention: `inputTokens` counts every prompt token including cached ones,
 * `outputTokens` includes reasoning tokens (OpenAI's convention). Codecs for formats that count
 * differently (Anthropic reports cache reads apart from input_tokens) convert at the edge.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (a subset of inputTokens). */
  cachedInputTokens?: number;
  /** Prompt tokens written to the cache (Anthropic cache_creation_input_tokens; subset of inputTokens). */
  cacheCreationInputTokens?: number;
  /** Reasoning tokens (a subset of outputTokens). */
  reasoningTokens?: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0 };
}

export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens;
}
