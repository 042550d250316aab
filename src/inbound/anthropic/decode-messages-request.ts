import type { ChatRequest, ReasoningSettings, TextPart } from '../../canonical/index.js';
import { decodeAnthropicMessages, decodeText } from './decode-messages.js';
import { decodeAnthropicToolChoice, decodeAnthropicTools } from './decode-tools.js';
import {
  expectArray,
  expectRecord,
  expectString,
  fail,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalTokenLimit,
  optionalString,
  optionalStringArray,
} from '../expect-field.js';

/** Top-level fields the canonical model understands; every other field goes to `extensions.anthropic`. */
const KNOWN_FIELDS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'stream',
  'metadata',
  'tools',
  'tool_choice',
  'thinking',
]);

export interface DecodeAnthropicOptions {
  /** `max_tokens` is required on /v1/messages but absent from /v1/messages/count_tokens. */
  requireMaxTokens?: boolean;
}

/**
 * Client-facing Anthropic Messages body → canonical request. Validates by hand (this runs on every
 * request) and throws `GatewayError.invalidRequest` naming the field at fault.
 */
export function decodeAnthropicMessagesRequest(body: unknown, options: DecodeAnthropicOptions = {}): ChatRequest {
  if (!isRecord(body)) fail('body', 'must be a JSON object');
  const model = expectString(body['model'], 'model');
  if (model === '') fail('model', 'must not be empty');
  const maxTokens = optionalTokenLimit(body['max_tokens'], 'max_tokens');
  if (maxTokens === undefined && options.requireMaxTokens !== false) fail('max_tokens', 'is required');

  const request: ChatRequest = {
    model,
    messages: decodeAnthropicMessages(body['messages']),
    stream: optionalBoolean(body['stream'], 'stream') ?? false,
  };
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;

  const system = decodeSystem(body['system']);
  if (system !== undefined) request.system = system;

  const temperature = optionalNumber(body['temperature'], 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body['top_p'], 'top_p');
  if (topP !== undefined) request.topP = topP;
  const topK = optionalInteger(body['top_k'], 'top_k');
  if (topK !== undefined) request.topK = topK;
  const stop = optionalStringArray(body['stop_sequences'], 'stop_sequences');
  if (stop !== undefined) request.stopSequences = stop;

  if (body['tools'] !== undefined && body['tools'] !== null) request.tools = decodeAnthropicTools(body['tools']);
  if (body['tool_choice'] !== undefined && body['tool_choice'] !== null) {
    const decoded = decodeAnthropicToolChoice(body['tool_choice']);
    request.toolChoice = decoded.toolChoice;
    if (decoded.parallelToolCalls !== undefined) request.parallelToolCalls = decoded.parallelToolCalls;
  }

  const metadata = body['metadata'];
  if (metadata !== undefined && metadata !== null) {
    const user = optionalString(expectRecord(metadata, 'metadata')['user_id'], 'metadata.user_id');
    if (user !== undefined) request.user = user;
  }

  const extensions: Record<string, unknown> = {};
  for (const key in body) {
    if (!KNOWN_FIELDS.has(key)) extensions[key] = body[key];
  }

  const thinking = body['thinking'];
  if (thinking !== undefined && thinking !== null) {
    const reasoning = decodeThinking(thinking);
    request.reasoning = reasoning;
    // Adaptive thinking has no canonical budget: keep the exact object for an Anthropic upstream.
    if (isRecord(thinking) && thinking['type'] === 'adaptive') extensions['thinking'] = thinking;
  }

  // Structured output: the JSON schema is understood by every format, the rest of output_config
  // (effort, ...) only by Anthropic, so the whole object also stays in the extension.
  const outputConfig = body['output_config'];
  if (isRecord(outputConfig) && isRecord(outputConfig['format'])) {
    const format = outputConfig['format'];
    if (format['type'] === 'json_schema') {
      request.responseFormat = { type: 'json-schema', schema: expectRecord(format['schema'], 'output_config.format.schema') };
    }
  }

  if (Object.keys(extensions).length > 0) request.extensions = { anthropic: extensions };
  return request;
}

function decodeSystem(raw: unknown): TextPart[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw === '' ? undefined : [{ type: 'text', text: raw }];
  const blocks = expectArray(raw, 'system');
  const parts: TextPart[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = expectRecord(blocks[i], `system[${i}]`);
    if (block['type'] !== 'text') fail(`system[${i}].type`, 'must be "text"');
    parts.push(decodeText(block, `system[${i}]`));
  }
  return parts.length > 0 ? parts : undefined;
}

function decodeThinking(raw: unknown): ReasoningSettings {
  const thinking = expectRecord(raw, 'thinking');
  switch (thinking['type']) {
    case 'enabled': {
      const budget = optionalTokenLimit(thinking['budget_tokens'], 'thinking.budget_tokens');
      if (budget === undefined) fail('thinking.budget_tokens', 'is required when thinking is enabled');
      return { budgetTokens: budget, includeThoughts: true };
    }
    case 'disabled':
      return { disabled: true };
    case 'adaptive':
      return { includeThoughts: thinking['display'] !== 'omitted' };
    default:
      return fail('thinking.type', 'must be "enabled", "disabled" or "adaptive"');
  }
}
