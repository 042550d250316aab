import type { AssistantContentPart, ChatRequest, FilePart, ImagePart, Message, ReasoningSettings, ToolDefinition } from '../../canonical/index.js';
import { encodeGeminiModelParts } from '../../inbound/gemini/encode-model-parts.js';
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiThinkingConfig,
  GeminiTool,
  GeminiToolConfig,
} from '../../wire/gemini/index.js';
import { jsonSchemaToGeminiSchema } from './json-schema-to-gemini-schema.js';

/** OpenAI-style reasoning effort → Gemini thinking budget (tokens). */
export const EFFORT_THINKING_BUDGET: Record<NonNullable<ReasoningSettings['effort']>, number> = {
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** Gemini accepts at most five stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/** A history must open with a user turn; used when it starts with the model. */
const LEADING_USER_TEXT = '(continued)';

export interface EncodeGeminiUpstreamOptions {
  /**
   * How tool and response schemas are sent. `json-schema` (default): `parametersJsonSchema` /
   * `responseJsonSchema`, the client's JSON Schema unchanged (Gemini 2.5+). `openapi`: converted
   * to the OpenAPI subset in `parameters` / `responseSchema`, for older models and backends.
   */
  schemaMode?: 'json-schema' | 'openapi';
}

/**
 * Canonical request → Gemini `generateContent` body (the model goes in the URL, not here).
 *
 * Turns alternate user/model: tool results become `functionResponse` parts of a user turn (before
 * any other part of it), consecutive same-role turns are merged, empty turns dropped, and a model
 * turn at the start gets a user turn before it. Function calls and responses carry no ids; Gemini
 * matches them by name and order, and a tool result without a name takes its call's. Images in a
 * tool result follow the function responses as inline parts. Gemini-only extensions are merged
 * back; Anthropic cache markers, the end-user id and parallel-tool settings are dropped.
 */
export function encodeGeminiUpstreamRequest(request: ChatRequest, options: EncodeGeminiUpstreamOptions = {}): GeminiGenerateContentRequest {
  const jsonSchema = (options.schemaMode ?? 'json-schema') === 'json-schema';
  const body: GeminiGenerateContentRequest = { contents: encodeContents(request.messages) };

  const system = (request.system ?? []).filter((part) => part.text !== '');
  if (system.length > 0) body.systemInstruction = { parts: system.map((part) => ({ text: part.text })) };

  const extensions = request.extensions?.gemini ?? {};
  const tools: GeminiTool[] = [];
  if (request.tools && request.tools.length > 0) {
    tools.push({ functionDeclarations: request.tools.map((tool) => encodeDeclaration(tool, jsonSchema)) });
    const toolConfig = encodeToolConfig(request);
    if (toolConfig !== undefined) body.toolConfig = toolConfig;
  }
  if (Array.isArray(extensions['tools'])) tools.push(...(extensions['tools'] as GeminiTool[]));
  if (tools.length > 0) body.tools = tools;
  if (isRecord(extensions['toolConfig'])) body.toolConfig = { ...body.toolConfig, ...extensions['toolConfig'] };

  const generation: GeminiGenerationConfig = {
    ...(isRecord(extensions['generationConfig']) ? extensions['generationConfig'] : {}),
    ...encodeGenerationConfig(request, jsonSchema),
  };
  if (Object.keys(generation).length > 0) body.generationConfig = generation;

  for (const key of Object.keys(extensions)) {
    if (key !== 'tools' && key !== 'toolConfig' && key !== 'generationConfig' && !(key in body)) body[key] = extensions[key];
  }
  return body;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function encodeContents(messages: Message[]): GeminiContent[] {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const part of message.content) if (part.type === 'tool-call') names.set(part.id, part.name);
  }
  // Consecutive assistant messages (also across skipped empty messages) are one model turn: their
  // content is encoded together, so a bare thought signature at the end of one signs the first part
  // of the next, exactly as within one Gemini turn.
  const out: GeminiContent[] = [];
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (parts.length === 0) return; // Gemini rejects empty turns.
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  };
  let model: AssistantContentPart[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      model.push(...message.content);
      continue;
    }
    const parts = encodeParts(message, names);
    if (parts.length === 0) continue;
    push('model', encodeGeminiModelParts(model));
    model = [];
    push('user', parts);
  }
  push('model', encodeGeminiModelParts(model));
  for (const content of out) {
    if (content.role === 'user' && content.parts.some((part) => part.functionResponse !== undefined)) {
      content.parts = [
        ...content.parts.filter((part) => part.functionResponse !== undefined),
        ...content.parts.filter((part) => part.functionResponse === undefined),
      ];
    }
  }
  if (out.length > 0 && out[0]!.role === 'model') out.unshift({ role: 'user', parts: [{ text: LEADING_USER_TEXT }] });
  return out;
}

function encodeParts(message: Exclude<Message, { role: 'assistant' }>, names: Map<string, string>): GeminiPart[] {
  switch (message.role) {
    case 'user': {
      const parts: GeminiPart[] = [];
      for (const part of message.content) {
        if (part.type === 'text') {
          if (part.text !== '') parts.push({ text: part.text });
        } else if (part.type === 'image') {
          parts.push(imagePart(part));
        } else {
          parts.push(filePart(part));
        }
      }
      return parts;
    }
    case 'tool': {
      const responses: GeminiPart[] = [];
      const media: GeminiPart[] = [];
      for (const result of message.content) {
        const text = result.content.flatMap((item) => (item.type === 'text' ? [item.text] : [])).join('');
        for (const item of result.content) if (item.type === 'image') media.push(imagePart(item));
        responses.push({
          functionResponse: {
            name: result.toolName ?? names.get(result.toolCallId) ?? result.toolCallId,
            response: functionResponseBody(text, result.isError === true),
          },
        });
      }
      return [...responses, ...media];
    }
  }
}

/**
 * Gemini wants the tool output as an object: a JSON object text is sent as that object, anything
 * else is wrapped the documented way, `{output: text}` (or `{error: text}` for a failed call).
 */
function functionResponseBody(text: string, isError: boolean): Record<string, unknown> {
  if (isError) return { error: text };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (isRecord(value)) return value;
    } catch {
      // not JSON: wrap it below
    }
  }
  return { output: text };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  pdf: 'application/pdf',
};

/** Gemini's `fileData` needs a MIME type; a URL's extension is the only hint a codec has. */
function guessMime(url: string, fallback: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return (extension !== undefined ? MIME_BY_EXTENSION[extension] : undefined) ?? fallback;
}

function imagePart(part: ImagePart): GeminiPart {
  const source = part.source;
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1]!, data: dataUrl[2]! } };
  // Plain http(s) URLs work only on some models; fetching and inlining them is the adapter's job.
  return { fileData: { mimeType: guessMime(source.url, 'image/jpeg'), fileUri: source.url } };
}

function filePart(part: FilePart): GeminiPart {
  if (part.data !== undefined) return { inlineData: { mimeType: part.mediaType, data: part.data } };
  const uri = part.url ?? part.fileId ?? '';
  const mimeType = part.mediaType.includes('*') ? guessMime(uri, 'application/octet-stream') : part.mediaType;
  return { fileData: { mimeType, fileUri: uri } };
}

function encodeDeclaration(tool: ToolDefinition, jsonSchema: boolean): GeminiFunctionDeclaration {
  const declaration: GeminiFunctionDeclaration = {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
  };
  const schema = tool.inputSchema;
  const properties = schema['properties'];
  const emptyObject =
    (schema['type'] === undefined || schema['type'] === 'object') &&
    (properties === undefined || (isRecord(properties) && Object.keys(properties).length === 0)) &&
    schema['anyOf'] === undefined &&
    schema['oneOf'] === undefined &&
    schema['$ref'] === undefined;
  // A parameterless tool sends no schema: Gemini rejects an OBJECT without properties.
  if (emptyObject) return declaration;
  if (jsonSchema) declaration.parametersJsonSchema = tool.inputSchema;
  else declaration.parameters = jsonSchemaToGeminiSchema(tool.inputSchema);
  return declaration;
}

function encodeToolConfig(request: ChatRequest): GeminiToolConfig | undefined {
  const choice = request.toolChoice;
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}

function encodeThinkingConfig(reasoning: ReasoningSettings | undefined): GeminiThinkingConfig | undefined {
  if (reasoning === undefined) return undefined;
  const config: GeminiThinkingConfig = {};
  if (reasoning.disabled) config.thinkingBudget = 0;
  else if (reasoning.budgetTokens !== undefined && reasoning.budgetTokens > 0) config.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) config.thinkingBudget = EFFORT_THINKING_BUDGET[reasoning.effort];
  if (reasoning.includeThoughts !== undefined && !reasoning.disabled) config.includeThoughts = reasoning.includeThoughts;
  return Object.keys(config).length > 0 ? config : undefined;
}

function encodeGenerationConfig(request: ChatRequest, jsonSchema: boolean): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stopSequences && request.stopSequences.length > 0) config.stopSequences = request.stopSequences.slice(0, MAX_STOP_SEQUENCES);
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.seed !== undefined) config.seed = request.seed;
  const thinking = encodeThinkingConfig(request.reasoning);
  if (thinking !== undefined) config.thinkingConfig = thinking;
  const format = request.responseFormat;
  if (format?.type === 'json') {
    config.responseMimeType = 'application/json';
  } else if (format?.type === 'json-schema') {
    config.responseMimeType = 'application/json';
    if (jsonSchema) config.responseJsonSchema = format.schema;
    else config.responseSchema = jsonSchemaToGeminiSchema(format.schema);
  }
  return config;
}
