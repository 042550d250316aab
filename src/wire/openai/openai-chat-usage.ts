/** Usage block of a completion or of the final stream chunk. */
export interface OpenAIChatUsage {
  /** Includes cached tokens. */
  prompt_tokens: number;
  /** Includes reasoning tokens. */
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    cache_write_tokens?: number;
    audio_tokens?: number;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  } | null;
  /** DeepSeek's spelling of cache hits. */
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
}
