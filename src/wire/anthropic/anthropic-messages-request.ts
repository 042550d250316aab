import type { AnthropicCacheControl, AnthropicContentBlockParam, AnthropicTextBlock } from './anthropic-content-block.js';

export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: string | AnthropicContentBlockParam[];
}

/** A client tool. Server tools (`web_search_20250305`, ...) carry a different `type`. */
export interface AnthropicTool {
  type?: 'custom';
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: AnthropicCacheControl | null;
  strict?: boolean;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type AnthropicThinkingConfig =
  | { type: 'enabled'; budget_tokens: number }
  | { type: 'disabled' }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' };

export interface AnthropicOutputConfig {
  format?: { type: 'json_schema'; schema: Record<string, unknown> } | null;
  effort?: string | null;
  [field: string]: unknown;
}

/** `POST /v1/messages` body. Fields not listed here travel in `extensions.anthropic`. */
export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  metadata?: { user_id?: string | null };
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinkingConfig;
  output_config?: AnthropicOutputConfig;
  [field: string]: unknown;
}

/** `POST /v1/messages/count_tokens` body: a Messages request without `max_tokens`/`stream`. */
export type AnthropicCountTokensRequest = Omit<AnthropicMessagesRequest, 'max_tokens' | 'stream'>;

export interface AnthropicCountTokensResponse {
  input_tokens: number;
}
