import type { AssistantContentPart, ChatResponse, FinishReason, Usage } from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import { decodeOpenAIInStreamError } from './decode-openai-error.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badResponse(message: string): GatewayError {
  return new GatewayError('bad_upstream_response', `OpenAI-compatible upstream sent an unusable response: ${message}`);
}

/** Finish reasons OpenAI defines, plus the spellings compatible servers are known to send. */
const FINISH_REASONS: Record<string, FinishReason> = {
  stop: 'stop',
  eos: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  tool_use: 'tool-calls',
  content_filter: 'content-filter',
  safety: 'content-filter',
  error: 'error',
};

/** Maps an upstream `finish_reason`; `stop` with tool calls present is reported as tool-calls. */
export function decodeOpenAIFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  const reason = raw === undefined ? (hasToolCalls ? 'tool-calls' : 'stop') : (FINISH_REASONS[raw.toLowerCase()] ?? 'other');
  return reason === 'stop' && hasToolCalls ? 'tool-calls' : reason;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads an OpenAI usage block (also DeepSeek's `prompt_cache_hit_tokens`); absent → undefined. */
export function decodeOpenAIUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const usage: Usage = { inputTokens: count(value.prompt_tokens) ?? 0, outputTokens: count(value.completion_tokens) ?? 0 };
  const promptDetails = isObject(value.prompt_tokens_details) ? value.prompt_tokens_details : undefined;
  const cached = count(promptDetails?.cached_tokens) ?? count(value.prompt_cache_hit_tokens);
  if (cached !== undefined && cached > 0) usage.cachedInputTokens = cached;
  const cacheWrite = count(promptDetails?.cache_write_tokens);
  if (cacheWrite !== undefined && cacheWrite > 0) usage.cacheCreationInputTokens = cacheWrite;
  const completionDetails = isObject(value.completion_tokens_details) ? value.completion_tokens_details : undefined;
  const reasoning = count(completionDetails?.reasoning_tokens);
  if (reasoning !== undefined && reasoning > 0) usage.reasoningTokens = reasoning;
  return usage;
}

/**
 * An id for a tool call the upstream sent without one: stable for the response, unique within
 * it, and limited to `[A-Za-z0-9_-]` so every other protocol accepts it.
 */
export function syntheticToolCallId(responseId: string, position: number): string {
  return `call_${responseId.replace(/[^A-Za-z0-9_-]/g, '_') || 'x'}_${position}`;
}

/** Tool-call arguments are JSON text; some servers send the object itself. */
export function decodeOpenAIArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/**
 * Decodes a non-streaming `chat.completion` body (choice 0). A 200 body that is an error
 * envelope becomes that error; anything without a usable choice is `bad_upstream_response`.
 * Tool calls without an id (some servers) get one derived from the response id and position.
 */
export function decodeOpenAIUpstreamResponse(body: unknown): ChatResponse {
  if (!isObject(body)) throw badResponse('the body is not a JSON object');
  if (body.error !== undefined && body.error !== null && body.choices === undefined) {
    throw decodeOpenAIInStreamError(body);
  }
  if (!Array.isArray(body.choices)) throw badResponse("'choices' is missing");
  const choice = body.choices.find((item) => isObject(item) && (item.index === undefined || item.index === 0)) ?? body.choices[0];
  if (!isObject(choice)) throw badResponse("'choices' is empty");
  const message = choice.message;
  if (!isObject(message)) throw badResponse("'choices[0].message' is missing");

  const id = typeof body.id === 'string' ? body.id : '';
  const content: AssistantContentPart[] = [];
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : message.reasoning;
  if (typeof reasoning === 'string' && reasoning.length > 0) content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string') {
    if (message.content.length > 0) content.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      if (isObject(part) && typeof part.text === 'string' && part.text.length > 0) content.push({ type: 'text', text: part.text });
    }
  }
  if (typeof message.refusal === 'string' && message.refusal.length > 0) content.push({ type: 'text', text: message.refusal });

  let toolCalls = 0;
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isObject(call) || !isObject(call.function)) throw badResponse('a tool call has no function');
      const name = call.function.name;
      if (typeof name !== 'string' || name.length === 0) throw badResponse('a tool call has no name');
      content.push({
        type: 'tool-call',
        id: typeof call.id === 'string' && call.id.length > 0 ? call.id : syntheticToolCallId(id, toolCalls),
        name,
        argumentsJson: decodeOpenAIArguments(call.function.arguments),
      });
      toolCalls++;
    }
  }
  if (isObject(message.function_call) && typeof message.function_call.name === 'string') {
    content.push({
      type: 'tool-call',
      id: syntheticToolCallId(id, toolCalls),
      name: message.function_call.name,
      argumentsJson: decodeOpenAIArguments(message.function_call.arguments),
    });
    toolCalls++;
  }

  const rawFinishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined;
  const response: ChatResponse = {
    id,
    model: typeof body.model === 'string' ? body.model : '',
    created: typeof body.created === 'number' ? body.created : 0,
    content,
    finishReason: decodeOpenAIFinishReason(rawFinishReason, toolCalls > 0),
    usage: decodeOpenAIUsage(body.usage) ?? { inputTokens: 0, outputTokens: 0 },
  };
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  return response;
}
