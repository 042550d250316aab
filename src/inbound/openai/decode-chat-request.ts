import { decodeFunctionDefinition } from './decode-function-definition.js';
import type { ChatRequest, ReasoningSettings, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import { decodeOpenAIChatMessages } from './decode-chat-messages.js';
import {
  OPENAI_REASONING_EFFORTS,
  decodeOpenAIResponseFormat,
  decodeSamplingParams,
  expectRequestBody,
} from './decode-openai-request-fields.js';
import {
  expectArray,
  expectNonEmptyString,
  expectObject,
  invalidField,
  optionalBoolean,
  optionalInteger,
  optionalTokenLimit,
  optionalNumber,
  optionalObject,
  optionalString,
  type JsonObject,
} from './expect-json.js';

/** Top-level fields this decoder maps; anything else is kept in `extensions.openai`. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'user',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'response_format',
  'reasoning_effort',
]);

/**
 * Decodes a client's `POST /v1/chat/completions` body into a canonical request. Throws
 * `GatewayError` (invalid_request, with `param`) naming the first field at fault.
 */
export function decodeOpenAIChatRequest(body: unknown): ChatRequest {
  const root = expectRequestBody(body);
  const model = expectNonEmptyString(root.model, 'model');
  const { system, messages } = decodeOpenAIChatMessages(root.messages);
  const stream = optionalBoolean(root.stream, 'stream') ?? false;
  const request: ChatRequest = { model, messages, stream };
  if (system.length > 0) request.system = system;
  const extensions: JsonObject = {};

  const tools = decodeTools(root);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeToolChoice(root);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(root.parallel_tool_calls, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;

  const maxOutputTokens =
    optionalTokenLimit(root.max_completion_tokens, 'max_completion_tokens') ?? optionalTokenLimit(root.max_tokens, 'max_tokens');
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  decodeSamplingParams(root, request);
  const presencePenalty = optionalNumber(root.presence_penalty, 'presence_penalty');
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const frequencyPenalty = optionalNumber(root.frequency_penalty, 'frequency_penalty');
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;
  const seed = optionalInteger(root.seed, 'seed');
  if (seed !== undefined) request.seed = seed;
  const user = optionalString(root.user, 'user');
  if (user !== undefined) request.user = user;
  const stop = decodeStop(root.stop);
  if (stop !== undefined) request.stopSequences = stop;

  const n = optionalInteger(root.n, 'n');
  if (n !== undefined && n !== 1) {
    throw GatewayError.invalidRequest(`Invalid value for 'n': only n=1 is supported by this gateway, got ${n}.`, 'n');
  }

  const reasoning = decodeReasoningEffort(root.reasoning_effort, extensions);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const responseFormat = decodeResponseFormat(root.response_format);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;

  if (stream) {
    const options = optionalObject(root.stream_options, 'stream_options');
    request.includeUsage = optionalBoolean(options?.include_usage, 'stream_options.include_usage') ?? false;
  }

  for (const key in root) {
    if (!KNOWN_FIELDS.has(key)) extensions[key] = root[key];
  }
  if (Object.keys(extensions).length > 0) request.extensions = { openai: extensions };
  return request;
}

function decodeTools(root: JsonObject): ToolDefinition[] | undefined {
  if (root.tools !== undefined && root.tools !== null) {
    const raw = expectArray(root.tools, 'tools');
    return raw.map((value, i) => {
      const path = `tools[${i}]`;
      const tool = expectObject(value, path);
      if (tool.type !== 'function') {
        throw GatewayError.invalidRequest(
          `Invalid value for '${path}.type': only 'function' tools are supported, got ${JSON.stringify(tool.type)}.`,
          `${path}.type`,
        );
      }
      return decodeFunctionDefinition(tool.function, `${path}.function`);
    });
  }
  if (root.functions !== undefined && root.functions !== null) {
    const raw = expectArray(root.functions, 'functions');
    return raw.map((value, i) => decodeFunctionDefinition(value, `functions[${i}]`));
  }
  return undefined;
}

function decodeToolChoice(root: JsonObject): ToolChoice | undefined {
  const choice = root.tool_choice;
  if (choice !== undefined && choice !== null) {
    if (choice === 'none' || choice === 'auto' || choice === 'required') return { type: choice };
    if (typeof choice === 'object' && !Array.isArray(choice)) {
      const named = choice as JsonObject;
      if (named.type === 'function') {
        const fn = optionalObject(named.function, 'tool_choice.function');
        const name = fn ? expectNonEmptyString(fn.name, 'tool_choice.function.name') : expectNonEmptyString(named.name, 'tool_choice.function.name');
        return { type: 'tool', name };
      }
    }
    throw invalidField('tool_choice', "'none', 'auto', 'required' or {type:'function', function:{name}}", choice);
  }
  const legacy = root.function_call;
  if (legacy === undefined || legacy === null) return undefined;
  if (legacy === 'none' || legacy === 'auto') return { type: legacy };
  const named = expectObject(legacy, 'function_call');
  return { type: 'tool', name: expectNonEmptyString(named.name, 'function_call.name') };
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let stops: string[];
  if (typeof value === 'string') stops = [value];
  else if (Array.isArray(value)) {
    stops = value.map((item, i) => {
      if (typeof item !== 'string') throw invalidField(`stop[${i}]`, 'a string', item);
      return item;
    });
  } else throw invalidField('stop', 'a string or an array of strings', value);
  stops = stops.filter((stop) => stop.length > 0);
  return stops.length > 0 ? stops : undefined;
}

/**
 * `minimal|low|medium|high` map onto the canonical effort. `none` means reasoning off, `xhigh`
 * is the strongest canonical effort; both (and values newer than this code) are also kept
 * verbatim in the extensions so an OpenAI upstream receives exactly what the client asked.
 */
function decodeReasoningEffort(value: unknown, extensions: JsonObject): ReasoningSettings | undefined {
  const effort = optionalString(value, 'reasoning_effort');
  if (effort === undefined) return undefined;
  if (OPENAI_REASONING_EFFORTS.has(effort)) return { effort: effort as NonNullable<ReasoningSettings['effort']> };
  extensions.reasoning_effort = effort;
  if (effort === 'none') return { disabled: true };
  if (effort === 'xhigh') return { effort: 'high' };
  return undefined;
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  const format = optionalObject(value, 'response_format');
  return format === undefined ? undefined : decodeOpenAIResponseFormat(format, 'response_format', 'json_schema');
}
