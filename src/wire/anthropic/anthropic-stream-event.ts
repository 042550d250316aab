import type { AnthropicResponseContentBlock } from './anthropic-content-block.js';
import type { AnthropicErrorObject } from './anthropic-error-body.js';
import type { AnthropicMessagesResponse, AnthropicStopReason, AnthropicUsage } from './anthropic-messages-response.js';

export type AnthropicContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'citations_delta'; citation: unknown };

/** `message_delta.usage` is cumulative; newer API versions add input and cache counters. */
export type AnthropicMessageDeltaUsage = Partial<AnthropicUsage> & { output_tokens: number };

/** One `data:` payload of a Messages stream; its `type` equals the SSE `event:` name. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessagesResponse }
  | { type: 'content_block_start'; index: number; content_block: AnthropicResponseContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicContentBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AnthropicStopReason | null; stop_sequence: string | null };
      usage: AnthropicMessageDeltaUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: AnthropicErrorObject };
