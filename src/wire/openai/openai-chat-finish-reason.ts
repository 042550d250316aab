/** `finish_reason` values OpenAI defines; compatible upstreams may send others. */
export type OpenAIChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';
