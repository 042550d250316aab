import type { FinishReason } from './finish-reason.js';
import type { GatewayError } from './gateway-error.js';
import type { Usage } from './usage.js';

/**
 * A stream is `start`, then numbered blocks (each `*-start`, deltas, `*-end`), then exactly one
 * `finish` or `error`. Block indexes count from 0 in order of appearance across all block kinds,
 * so an encoder can map them to Anthropic content-block indexes directly.
 */
export type StreamEvent =
  | { type: 'start'; id: string; model: string; created: number; usage?: Partial<Usage> }
  | { type: 'text-start'; index: number }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'text-end'; index: number }
  | { type: 'reasoning-start'; index: number; redactedData?: string }
  | { type: 'reasoning-delta'; index: number; text: string }
  | { type: 'reasoning-signature'; index: number; signature: string }
  | { type: 'reasoning-end'; index: number }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; argumentsJson: string }
  | { type: 'tool-call-end'; index: number }
  /** Usage known before the end (Anthropic message_start input tokens); `finish` carries the total. */
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'finish'; finishReason: FinishReason; rawFinishReason?: string; usage: Usage }
  | { type: 'error'; error: GatewayError };

export type StreamEventType = StreamEvent['type'];
