import type { OpenAIChatFinishReason } from './openai-chat-finish-reason.js';
import type { OpenAIChatUsage } from './openai-chat-usage.js';

export interface OpenAIChatToolCallDelta {
  /** Counts tool calls only, per choice. Some compatible upstreams omit it. */
  index?: number;
  /** Present on the first fragment of a call. */
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAIChatChunkDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  /** OpenRouter's spelling (upstream only). */
  reasoning?: string | null;
  tool_calls?: OpenAIChatToolCallDelta[];
  function_call?: { name?: string; arguments?: string };
}

export interface OpenAIChatChunkChoice {
  index: number;
  delta: OpenAIChatChunkDelta;
  finish_reason: OpenAIChatFinishReason | null;
  logprobs?: unknown;
}

/** One `chat.completion.chunk` SSE payload. */
export interface OpenAIChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OpenAIChatChunkChoice[];
  /** `null` on every chunk but the trailing usage chunk when include_usage was asked. */
  usage?: OpenAIChatUsage | null;
  system_fingerprint?: string | null;
}
