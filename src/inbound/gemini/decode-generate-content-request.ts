import type { ChatRequest, ReasoningSettings, TextPart, ToolChoice, ToolDefinition } from '../../canonical/index.js';
import { decodeGeminiContents } from './decode-contents.js';
import { expectArray, expectRecord, expectString, fail, isRecord, optionalBoolean, optionalInteger, optionalNumber, optionalString, optionalStringArray, optionalTokenLimit } from '../expect-field.js';
import { pick } from './pick-field.js';
import { geminiSchemaToJsonSchema } from './gemini-schema-to-json-schema.js';

/** Top-level fields decoded into the canonical model, in both spellings. */
const KNOWN_FIELDS = new Set([
  'contents',
  'systemInstruction',
  'system_instruction',
  'tools',
  'toolConfig',
  'tool_config',
  'generationConfig',
  'generation_config',
  'model',
]);

/** generationConfig fields decoded; the rest stays in `extensions.gemini.generationConfig`. */
const KNOWN_GENERATION_FIELDS = new Set(
  [
    ['temperature', 'temperature'],
    ['topP', 'top_p'],
    ['topK', 'top_k'],
    ['maxOutputTokens', 'max_output_tokens'],
    ['stopSequences', 'stop_sequences'],
    ['presencePenalty', 'presence_penalty'],
    ['frequencyPenalty', 'frequency_penalty'],
    ['seed', 'seed'],
    ['thinkingConfig', 'thinking_config'],
  ].flat(),
);

const EFFORT_OF_LEVEL: Record<string, ReasoningSettings['effort']> = {
  MINIMAL: 'minimal',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
};

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` both name the model `gemini-2.5-flash`. */
export function modelFromGeminiPath(modelFromPath: string): string {
  return modelFromPath.startsWith('models/') ? modelFromPath.slice('models/'.length) : modelFromPath;
}

export interface DecodeGeminiOptions {
  /** `countTokens` may count a system instruction or tools alone. */
  allowEmptyContents?: boolean;
}

/**
 * Client-facing Gemini `generateContent` / `streamGenerateContent` body → canonical request. The
 * model comes from the URL path (one `models/` prefix is dropped), streaming from the method. Both camelCase and snake_case field
 * names are accepted. Fields the canonical model does not hold (safetySettings, cachedContent,
 * labels, non-function tools, lossy toolConfig, extra generationConfig keys) go to
 * `extensions.gemini` for a Gemini upstream.
 */
export function decodeGeminiRequest(
  body: unknown,
  modelFromPath: string,
  stream: boolean,
  options: DecodeGeminiOptions = {},
): ChatRequest {
  if (!isRecord(body)) fail('body', 'must be a JSON object');
  const model = modelFromGeminiPath(modelFromPath);
  if (model === '') fail('model', 'must not be empty');
  const request: ChatRequest = { model, messages: decodeGeminiContents(body['contents'] ?? []), stream };
  const extensions: Record<string, unknown> = {};

  const system = decodeSystemInstruction(pick(body, 'systemInstruction', 'system_instruction'));
  if (system !== undefined) request.system = system;

  const tools = body['tools'];
  if (tools !== undefined && tools !== null) {
    const decoded = decodeTools(tools);
    if (decoded.tools.length > 0) request.tools = decoded.tools;
    if (decoded.other.length > 0) extensions['tools'] = decoded.other;
  }

  const toolConfig = pick(body, 'toolConfig', 'tool_config');
  if (toolConfig !== undefined && toolConfig !== null) {
    const decoded = decodeToolConfig(expectRecord(toolConfig, 'toolConfig'));
    if (decoded.choice !== undefined) request.toolChoice = decoded.choice;
    if (decoded.lossy) extensions['toolConfig'] = toolConfig;
  }

  const generation = pick(body, 'generationConfig', 'generation_config');
  if (generation !== undefined && generation !== null) {
    const rest = decodeGenerationConfig(expectRecord(generation, 'generationConfig'), request);
    if (Object.keys(rest).length > 0) extensions['generationConfig'] = rest;
  }

  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) extensions[key] = body[key];
  }
  if (Object.keys(extensions).length > 0) request.extensions = { gemini: extensions };
  // Checked last, so a malformed field elsewhere is still the error named.
  if (request.messages.length === 0 && options.allowEmptyContents !== true) fail('contents', 'must hold at least one content');
  return request;
}

function decodeSystemInstruction(raw: unknown): TextPart[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw === '' ? undefined : [{ type: 'text', text: raw }];
  const content = expectRecord(raw, 'systemInstruction');
  const parts = expectArray(content['parts'] ?? [], 'systemInstruction.parts');
  const out: TextPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = expectRecord(parts[i], `systemInstruction.parts[${i}]`);
    const text = expectString(part['text'], `systemInstruction.parts[${i}].text`);
    if (text !== '') out.push({ type: 'text', text });
  }
  return out.length > 0 ? out : undefined;
}

function decodeTools(raw: unknown): { tools: ToolDefinition[]; other: unknown[] } {
  const list = expectArray(raw, 'tools');
  const tools: ToolDefinition[] = [];
  const other: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = expectRecord(list[i], `tools[${i}]`);
    const declarations = pick(entry, 'functionDeclarations', 'function_declarations');
    const rest: Record<string, unknown> = {};
    for (const key of Object.keys(entry)) {
      if (key !== 'functionDeclarations' && key !== 'function_declarations') rest[key] = entry[key];
    }
    // googleSearch, codeExecution, urlContext, ...: only a Gemini upstream can run them.
    if (Object.keys(rest).length > 0) other.push(rest);
    if (declarations === undefined || declarations === null) continue;
    const items = expectArray(declarations, `tools[${i}].functionDeclarations`);
    for (let j = 0; j < items.length; j++) {
      const param = `tools[${i}].functionDeclarations[${j}]`;
      const fn = expectRecord(items[j], param);
      const description = optionalString(fn['description'], `${param}.description`);
      const jsonSchema = pick(fn, 'parametersJsonSchema', 'parameters_json_schema');
      const parameters = fn['parameters'];
      let inputSchema: Record<string, unknown>;
      if (jsonSchema !== undefined && jsonSchema !== null) inputSchema = expectRecord(jsonSchema, `${param}.parametersJsonSchema`);
      else if (parameters !== undefined && parameters !== null) inputSchema = geminiSchemaToJsonSchema(expectRecord(parameters, `${param}.parameters`));
      else inputSchema = { type: 'object', properties: {} };
      tools.push({
        name: expectString(fn['name'], `${param}.name`),
        ...(description !== undefined ? { description } : {}),
        inputSchema,
      });
    }
  }
  return { tools, other };
}

/** `lossy`: the config says more than a canonical ToolChoice can (several allowed names, VALIDATED). */
function decodeToolConfig(config: Record<string, unknown>): { choice?: ToolChoice; lossy: boolean } {
  const calling = pick(config, 'functionCallingConfig', 'function_calling_config');
  const otherKeys = Object.keys(config).some((key) => key !== 'functionCallingConfig' && key !== 'function_calling_config');
  if (calling === undefined || calling === null) return { lossy: otherKeys };
  const fcc = expectRecord(calling, 'toolConfig.functionCallingConfig');
  const mode = optionalString(fcc['mode'], 'toolConfig.functionCallingConfig.mode') ?? 'AUTO';
  const allowed = optionalStringArray(pick(fcc, 'allowedFunctionNames', 'allowed_function_names'), 'toolConfig.functionCallingConfig.allowedFunctionNames') ?? [];
  switch (mode) {
    case 'AUTO':
    case 'MODE_UNSPECIFIED':
      return { choice: { type: 'auto' }, lossy: otherKeys };
    case 'NONE':
      return { choice: { type: 'none' }, lossy: otherKeys };
    case 'ANY':
      return allowed.length === 1
        ? { choice: { type: 'tool', name: allowed[0]! }, lossy: otherKeys }
        : { choice: { type: 'required' }, lossy: otherKeys || allowed.length > 1 };
    case 'VALIDATED':
      return { choice: { type: 'auto' }, lossy: true };
    default:
      return fail('toolConfig.functionCallingConfig.mode', 'must be AUTO, ANY, NONE or VALIDATED');
  }
}

/** Fills the request's sampling fields; returns the generationConfig fields it did not consume. */
function decodeGenerationConfig(config: Record<string, unknown>, request: ChatRequest): Record<string, unknown> {
  const p = 'generationConfig';
  const maxOutputTokens = optionalTokenLimit(pick(config, 'maxOutputTokens', 'max_output_tokens'), `${p}.maxOutputTokens`);
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = optionalNumber(config['temperature'], `${p}.temperature`);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(pick(config, 'topP', 'top_p'), `${p}.topP`);
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(pick(config, 'topK', 'top_k'), `${p}.topK`);
  if (topK !== undefined) request.topK = topK;
  const stop = optionalStringArray(pick(config, 'stopSequences', 'stop_sequences'), `${p}.stopSequences`);
  if (stop !== undefined) request.stopSequences = stop;
  const presence = optionalNumber(pick(config, 'presencePenalty', 'presence_penalty'), `${p}.presencePenalty`);
  if (presence !== undefined) request.presencePenalty = presence;
  const frequency = optionalNumber(pick(config, 'frequencyPenalty', 'frequency_penalty'), `${p}.frequencyPenalty`);
  if (frequency !== undefined) request.frequencyPenalty = frequency;
  const seed = optionalInteger(config['seed'], `${p}.seed`, Number.MIN_SAFE_INTEGER);
  if (seed !== undefined) request.seed = seed;

  const thinking = pick(config, 'thinkingConfig', 'thinking_config');
  if (thinking !== undefined && thinking !== null) {
    const reasoning = decodeThinkingConfig(expectRecord(thinking, `${p}.thinkingConfig`));
    if (Object.keys(reasoning).length > 0) request.reasoning = reasoning;
  }

  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    if (!KNOWN_GENERATION_FIELDS.has(key)) rest[key] = config[key];
  }
  // JSON output: application/json with an optional schema maps onto the canonical response
  // format; anything else (text/x.enum, ...) stays Gemini-only in `rest`.
  const mime = optionalString(pick(config, 'responseMimeType', 'response_mime_type'), `${p}.responseMimeType`);
  if (mime === 'application/json') {
    const jsonSchema = pick(config, 'responseJsonSchema', 'response_json_schema');
    const schema = pick(config, 'responseSchema', 'response_schema');
    if (isRecord(jsonSchema)) request.responseFormat = { type: 'json-schema', schema: jsonSchema };
    else if (isRecord(schema)) request.responseFormat = { type: 'json-schema', schema: geminiSchemaToJsonSchema(schema) };
    else request.responseFormat = { type: 'json' };
    for (const key of ['responseMimeType', 'response_mime_type', 'responseSchema', 'response_schema', 'responseJsonSchema', 'response_json_schema']) {
      delete rest[key];
    }
  }
  return rest;
}

function decodeThinkingConfig(config: Record<string, unknown>): ReasoningSettings {
  const p = 'generationConfig.thinkingConfig';
  const reasoning: ReasoningSettings = {};
  const budget = optionalInteger(pick(config, 'thinkingBudget', 'thinking_budget'), `${p}.thinkingBudget`, -1);
  // 0 turns thinking off; -1 is "dynamic", which is what no budget means.
  if (budget === 0) reasoning.disabled = true;
  else if (budget !== undefined && budget > 0) reasoning.budgetTokens = budget;
  const include = optionalBoolean(pick(config, 'includeThoughts', 'include_thoughts'), `${p}.includeThoughts`);
  if (include !== undefined) reasoning.includeThoughts = include;
  const level = optionalString(pick(config, 'thinkingLevel', 'thinking_level'), `${p}.thinkingLevel`);
  if (level !== undefined && EFFORT_OF_LEVEL[level] !== undefined) reasoning.effort = EFFORT_OF_LEVEL[level];
  return reasoning;
}
