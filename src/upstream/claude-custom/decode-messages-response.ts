import { GatewayError, type AssistantContentPart, type ChatResponse, type FinishReason, type Usage } from '../../canonical/index.js';

const FINISH_OF_STOP_REASON: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
  pause_turn: 'other',
};

/** Anthropic `stop_reason` → unified finish reason (the raw value travels beside it). */
export function decodeAnthropicStopReason(stopReason: unknown): FinishReason {
  return typeof stopReason === 'string' ? (FINISH_OF_STOP_REASON[stopReason] ?? 'other') : 'other';
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Anthropic usage → canonical fields, only those present (stream events carry partial usage).
 * Canonical `inputTokens` INCLUDES cache reads and writes, Anthropic's `input_tokens` does not, so
 * the three are summed; if only some are present the sum uses what is known.
 */
export function decodeAnthropicUsage(raw: unknown): Partial<Usage> {
  if (typeof raw !== 'object' || raw === null) return {};
  const usage = raw as Record<string, unknown>;
  const input = count(usage['input_tokens']);
  const cacheRead = count(usage['cache_read_input_tokens']);
  const cacheCreation = count(usage['cache_creation_input_tokens']);
  const output = count(usage['output_tokens']);
  const out: Partial<Usage> = {};
  if (input !== undefined || cacheRead !== undefined || cacheCreation !== undefined) {
    out.inputTokens = (input ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0);
  }
  if (cacheRead !== undefined) out.cachedInputTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  if (output !== undefined) out.outputTokens = output;
  return out;
}

export function completeUsage(usage: Partial<Usage>): Usage {
  return { ...usage, inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}

function bad(message: string): GatewayError {
  return new GatewayError('bad_upstream_response', `Anthropic upstream: ${message}`);
}

export interface DecodeAnthropicResponseOptions {
  /** Clock for `created`; Anthropic responses carry no timestamp. */
  now?: () => number;
}

/**
 * Anthropic Messages response → canonical response. Server-tool blocks (`server_tool_use`,
 * `web_search_tool_result`, ...) have no canonical counterpart and are skipped.
 */
export function decodeAnthropicUpstreamResponse(body: unknown, options: DecodeAnthropicResponseOptions = {}): ChatResponse {
  if (typeof body !== 'object' || body === null) throw bad('body is not a JSON object');
  const message = body as Record<string, unknown>;
  if (!Array.isArray(message['content'])) throw bad('`content` is not an array');
  const content: AssistantContentPart[] = [];
  for (const raw of message['content'] as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const block = raw as Record<string, unknown>;
    switch (block['type']) {
      case 'text':
        if (typeof block['text'] === 'string') content.push({ type: 'text', text: block['text'] });
        break;
      case 'thinking':
        content.push({
          type: 'reasoning',
          text: typeof block['thinking'] === 'string' ? block['thinking'] : '',
          ...(typeof block['signature'] === 'string' ? { signature: block['signature'] } : {}),
        });
        break;
      case 'redacted_thinking':
        if (typeof block['data'] === 'string') content.push({ type: 'reasoning', text: '', redactedData: block['data'] });
        break;
      case 'tool_use':
        content.push({
          type: 'tool-call',
          id: String(block['id'] ?? ''),
          name: String(block['name'] ?? ''),
          argumentsJson: JSON.stringify(block['input'] ?? {}),
        });
        break;
    }
  }
  const stopReason = message['stop_reason'];
  const now = options.now ?? Date.now;
  return {
    id: typeof message['id'] === 'string' ? message['id'] : '',
    model: typeof message['model'] === 'string' ? message['model'] : '',
    created: Math.floor(now() / 1000),
    content,
    finishReason: decodeAnthropicStopReason(stopReason),
    ...(typeof stopReason === 'string' ? { rawFinishReason: stopReason } : {}),
    usage: completeUsage(decodeAnthropicUsage(message['usage'])),
  };
}
