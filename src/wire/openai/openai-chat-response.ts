import type { OpenAIChatFinishReason } from './openai-chat-finish-reason.js';
import type { OpenAIChatToolCall } from './openai-chat-message.js';
import type { OpenAIChatUsage } from './openai-chat-usage.js';

export interface OpenAIChatResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: OpenAIChatToolCall[];
  function_call?: { name: string; arguments: string } | null;
  /** De-facto extension: reasoning text (DeepSeek, Qwen, vLLM). */
  reasoning_content?: string;
  /** OpenRouter's spelling of the reasoning text (upstream only). */
  reasoning?: string | null;
}

export interface OpenAIChatChoice {
  index: number;
  message: OpenAIChatResponseMessage;
  finish_reason: OpenAIChatFinishReason | null;
  logprobs: unknown;
}

/** Non-streaming `chat.completion` object. */
export interface OpenAIChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: OpenAIChatChoice[];
  usage?: OpenAIChatUsage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}
