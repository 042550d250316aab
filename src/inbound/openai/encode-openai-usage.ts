import type { Usage } from '../../canonical/index.js';
import type { OpenAIChatUsage } from '../../wire/openai/index.js';

/** Canonical usage already follows OpenAI's convention (cached ⊂ prompt, reasoning ⊂ completion). */
export function encodeOpenAIUsage(usage: Usage): OpenAIChatUsage {
  const promptDetails: NonNullable<OpenAIChatUsage['prompt_tokens_details']> = {
    cached_tokens: usage.cachedInputTokens ?? 0,
  };
  if (usage.cacheCreationInputTokens !== undefined) promptDetails.cache_write_tokens = usage.cacheCreationInputTokens;
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}
