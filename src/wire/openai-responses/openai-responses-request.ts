import type { OpenAIResponsesInputItem } from './openai-responses-input.js';

/** Function tools are flat in the Responses API (no nested `function`). */
export interface OpenAIResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type OpenAIResponsesToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; name: string };

export type OpenAIResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

/** `POST /v1/responses` body (the fields the gateway understands; others pass as unknown). */
export interface OpenAIResponsesRequest {
  model: string;
  input?: string | OpenAIResponsesInputItem[];
  instructions?: string | null;
  tools?: OpenAIResponsesFunctionTool[];
  tool_choice?: OpenAIResponsesToolChoice;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  text?: { format?: OpenAIResponsesTextFormat; verbosity?: string } | null;
  previous_response_id?: string | null;
  store?: boolean | null;
  stream?: boolean | null;
  include?: string[] | null;
  user?: string;
  [unknownField: string]: unknown;
}
