import { decodeFunctionDefinition } from '../openai/decode-function-definition.js';
import type { ChatRequest, ReasoningSettings, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import {
  expectArray,
  expectNonEmptyString,
  expectObject,
  invalidField,
  optionalBoolean,
  optionalTokenLimit,
  optionalObject,
  optionalString,
  type JsonObject,
} from '../openai/expect-json.js';
import {
  OPENAI_REASONING_EFFORTS,
  decodeOpenAIResponseFormat,
  decodeSamplingParams,
  expectRequestBody,
} from '../openai/decode-openai-request-fields.js';
import { decodeOpenAIResponsesInput } from './decode-responses-input.js';

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'text',
  'stream',
  'user',
  'previous_response_id',
  'conversation',
  'prompt',
  'background',
]);

/**
 * Decodes a client's `POST /v1/responses` body. The gateway is stateless, so the features that
 * need stored responses (`previous_response_id`, `conversation`, stored `prompt`s, `background`)
 * are rejected with invalid_request naming the field; clients must send the full history in
 * `input`. Unknown fields are kept in `extensions['openai-responses']`.
 */
export function decodeOpenAIResponsesRequest(body: unknown): ChatRequest {
  const root = expectRequestBody(body);
  const model = expectNonEmptyString(root.model, 'model');
  rejectStatefulFeatures(root);
  if (root.input === undefined || root.input === null) throw GatewayError.invalidRequest("Missing required parameter: 'input'.", 'input');
  const { system, messages } = decodeOpenAIResponsesInput(root.input);
  const instructions = optionalString(root.instructions, 'instructions');
  if (instructions) system.unshift({ type: 'text', text: instructions });

  const request: ChatRequest = { model, messages, stream: optionalBoolean(root.stream, 'stream') ?? false };
  if (system.length > 0) request.system = system;
  const tools = decodeTools(root.tools);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeToolChoice(root.tool_choice);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optionalBoolean(root.parallel_tool_calls, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxOutputTokens = optionalTokenLimit(root.max_output_tokens, 'max_output_tokens');
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  decodeSamplingParams(root, request);
  const user = optionalString(root.user, 'user');
  if (user !== undefined) request.user = user;
  const reasoning = decodeReasoning(root.reasoning);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const responseFormat = decodeTextFormat(root.text);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;

  const extensions: JsonObject = {};
  for (const key in root) if (!KNOWN_FIELDS.has(key)) extensions[key] = root[key];
  const verbosity = optionalObject(root.text, 'text')?.verbosity;
  if (verbosity !== undefined) extensions.text = { verbosity };
  if (Object.keys(extensions).length > 0) request.extensions = { 'openai-responses': extensions };
  return request;
}

function rejectStatefulFeatures(root: JsonObject): void {
  const stateless = "this gateway does not store responses; send the whole conversation in 'input' instead.";
  if (root.previous_response_id !== undefined && root.previous_response_id !== null) {
    throw GatewayError.invalidRequest(`'previous_response_id' is not supported: ${stateless}`, 'previous_response_id');
  }
  if (root.conversation !== undefined && root.conversation !== null) {
    throw GatewayError.invalidRequest(`'conversation' is not supported: ${stateless}`, 'conversation');
  }
  if (root.prompt !== undefined && root.prompt !== null) {
    throw GatewayError.invalidRequest("'prompt' (stored prompt templates) is not supported by this gateway; send 'instructions'.", 'prompt');
  }
  if (root.background === true) {
    throw GatewayError.invalidRequest(`'background' mode is not supported: ${stateless}`, 'background');
  }
}

function decodeTools(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  return expectArray(value, 'tools').map((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    if (tool.type !== 'function') {
      throw GatewayError.invalidRequest(
        `Invalid value for '${path}.type': only 'function' tools are supported by this gateway, got ${JSON.stringify(tool.type)}.`,
        `${path}.type`,
      );
    }
    return decodeFunctionDefinition(tool, path);
  });
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'none' || value === 'auto' || value === 'required') return { type: value };
  if (typeof value === 'object' && !Array.isArray(value) && (value as JsonObject).type === 'function') {
    return { type: 'tool', name: expectNonEmptyString((value as JsonObject).name, 'tool_choice.name') };
  }
  throw invalidField('tool_choice', "'none', 'auto', 'required' or {type:'function', name}", value);
}

function decodeReasoning(value: unknown): ReasoningSettings | undefined {
  const reasoning = optionalObject(value, 'reasoning');
  if (reasoning === undefined) return undefined;
  const settings: ReasoningSettings = {};
  const effort = optionalString(reasoning.effort, 'reasoning.effort');
  if (effort === 'none') settings.disabled = true;
  else if (effort === 'xhigh') settings.effort = 'high';
  else if (effort !== undefined) {
    if (!OPENAI_REASONING_EFFORTS.has(effort)) throw invalidField('reasoning.effort', 'one of none, minimal, low, medium, high, xhigh', effort);
    settings.effort = effort as NonNullable<ReasoningSettings['effort']>;
  }
  const summary = optionalString(reasoning.summary ?? reasoning.generate_summary, 'reasoning.summary');
  if (summary !== undefined) settings.includeThoughts = true;
  return Object.keys(settings).length > 0 ? settings : undefined;
}

function decodeTextFormat(value: unknown): ResponseFormat | undefined {
  const text = optionalObject(value, 'text');
  const format = optionalObject(text?.format, 'text.format');
  return format === undefined ? undefined : decodeOpenAIResponseFormat(format, 'text.format');
}
