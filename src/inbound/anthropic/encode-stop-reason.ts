import type { FinishReason } from '../../canonical/index.js';
import type { AnthropicStopReason } from '../../wire/anthropic/index.js';

const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set<AnthropicStopReason>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

const FROM_CANONICAL: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  // Anthropic has no error stop reason; a failed generation arrives as an error event instead.
  error: 'end_turn',
  other: 'end_turn',
};

/**
 * Canonical finish → Anthropic `stop_reason`. When the upstream was Anthropic its own value
 * (`stop_sequence`, `pause_turn`, ...) is more precise than the unified one, so it wins. A reply
 * with tool calls is `tool_use` even if the upstream said "stop" (OpenAI-compatible servers do).
 */
export function encodeAnthropicStopReason(
  finishReason: FinishReason,
  rawFinishReason: string | undefined,
  hasToolCalls: boolean,
): AnthropicStopReason {
  if (rawFinishReason !== undefined && ANTHROPIC_STOP_REASONS.has(rawFinishReason)) {
    return rawFinishReason as AnthropicStopReason;
  }
  if (hasToolCalls && (finishReason === 'stop' || finishReason === 'other')) return 'tool_use';
  return FROM_CANONICAL[finishReason];
}
