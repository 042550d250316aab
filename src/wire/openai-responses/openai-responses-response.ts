import type { OpenAIResponsesReasoningItem } from './openai-responses-input.js';

export interface OpenAIResponsesOutputMessage {
  type: 'message';
  id: string;
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: Array<{ type: 'output_text'; text: string; annotations: unknown[]; logprobs?: unknown[] }>;
}

export interface OpenAIResponsesOutputFunctionCall {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type OpenAIResponsesOutputItem =
  | OpenAIResponsesOutputMessage
  | OpenAIResponsesOutputFunctionCall
  | OpenAIResponsesReasoningItem;

export interface OpenAIResponsesUsage {
  /** Includes cached tokens. */
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  /** Includes reasoning tokens. */
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type OpenAIResponsesStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

/** The `response` object: the non-streaming answer and the payload of lifecycle stream events. */
export interface OpenAIResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: OpenAIResponsesStatus;
  model: string;
  output: OpenAIResponsesOutputItem[];
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  usage: OpenAIResponsesUsage | null;
  instructions: string | null;
  parallel_tool_calls: boolean;
  tool_choice: unknown;
  tools: unknown[];
  metadata: Record<string, string>;
  temperature: number | null;
  top_p: number | null;
}
