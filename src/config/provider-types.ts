/** Provider types the seed defines. Pools of other keys are kept in the file but not served. */
export const SEED_PROVIDER_TYPES = ['openai-custom', 'claude-custom', 'gemini-cli-oauth', 'claude-kiro-oauth', 'openai-qwen-oauth'] as const;

/**
 * `openai-custom` and `openai-custom-eu` are both pools of type `openai-custom`: the longest known
 * type that equals the key or prefixes it followed by `-` wins.
 */
export function providerTypeOfPoolKey(poolKey: string, knownTypes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const type of knownTypes) {
    if ((poolKey === type || poolKey.startsWith(`${type}-`)) && (!best || type.length > best.length)) best = type;
  }
  return best;
}
