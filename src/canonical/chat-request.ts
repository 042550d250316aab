import type { TextPart } from './content-part.js';
import type { Message } from './message.js';
import type { ToolChoice, ToolDefinition } from './tool.js';

export type WireFormat = 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'code-assist' | 'kiro';

export interface ReasoningSettings {
  /** OpenAI-style effort; mapped to a budget for formats that take one. */
  effort?: 'minimal' | 'low' | 'medium' | 'high';
  /** Anthropic/Gemini thinking budget in tokens. */
  budgetTokens?: number;
  /** Explicitly off (Anthropic `thinking.type: disabled`, Gemini budget 0). */
  disabled?: boolean;
  /** Ask the upstream to return its reasoning text (Gemini includeThoughts, Responses summary). */
  includeThoughts?: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name?: string; schema: Record<string, unknown>; strict?: boolean };

/** A chat request in no particular protocol: what every inbound decoder produces. */
export interface ChatRequest {
  /** Model as the upstream should see it (any `pool:` prefix already removed). */
  model: string;
  system?: TextPart[];
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  reasoning?: ReasoningSettings;
  responseFormat?: ResponseFormat;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: whether the client wants a usage chunk. */
  includeUsage?: boolean;
  /** End-user id / Anthropic metadata.user_id. */
  user?: string;
  /**
   * Fields the canonical model does not understand, keyed by the wire format they came from.
   * An encoder for the same format merges them back; encoders for other formats drop them.
   */
  extensions?: Partial<Record<WireFormat, Record<string, unknown>>>;
}
