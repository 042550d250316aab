import type { FinishReason } from '../../canonical/index.js';
import type { OpenAIChatFinishReason } from '../../wire/openai/index.js';

const FROM_CANONICAL: Record<FinishReason, OpenAIChatFinishReason> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  // OpenAI has no "error" or "other" finish reason; `stop` is what clients handle everywhere.
  error: 'stop',
  other: 'stop',
};

const OPENAI_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/**
 * Picks the `finish_reason` for an OpenAI client. A raw reason from an OpenAI-compatible upstream
 * is kept when it is a valid OpenAI value and the unified reason does not contradict it; a
 * message that carries tool calls always finishes with `tool_calls`, because agent loops test
 * exactly that value before running tools.
 */
export function encodeOpenAIFinishReason(
  reason: FinishReason,
  rawReason: string | undefined,
  hasToolCalls: boolean,
): OpenAIChatFinishReason {
  if (hasToolCalls && (reason === 'stop' || reason === 'tool-calls' || reason === 'other')) return 'tool_calls';
  const mapped = FROM_CANONICAL[reason];
  if (rawReason !== undefined && OPENAI_REASONS.has(rawReason) && rawReason !== 'function_call') {
    if (rawReason === mapped || reason === 'other' || reason === 'error') return rawReason as OpenAIChatFinishReason;
  }
  return mapped;
}
