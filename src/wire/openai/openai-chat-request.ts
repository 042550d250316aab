import type { OpenAIChatMessage } from './openai-chat-message.js';

export interface OpenAIChatFunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

export interface OpenAIChatTool {
  type: 'function';
  function: OpenAIChatFunctionDefinition;
}

export type OpenAIChatToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } };

/** Legacy `function_call` request field. */
export type OpenAIChatFunctionCallChoice = 'none' | 'auto' | { name: string };

export type OpenAIChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

export type OpenAIChatReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** `POST /v1/chat/completions` body (the fields the gateway understands; others pass as unknown). */
export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; include_obfuscation?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  seed?: number | null;
  user?: string;
  tools?: OpenAIChatTool[];
  tool_choice?: OpenAIChatToolChoice;
  parallel_tool_calls?: boolean;
  functions?: OpenAIChatFunctionDefinition[];
  function_call?: OpenAIChatFunctionCallChoice;
  response_format?: OpenAIChatResponseFormat;
  reasoning_effort?: OpenAIChatReasoningEffort | null;
  [unknownField: string]: unknown;
}
