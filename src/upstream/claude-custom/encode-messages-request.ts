import type {
  ChatRequest,
  FilePart,
  ImagePart,
  Message,
  ReasoningSettings,
  ToolChoice,
  ToolResultPart,
} from '../../canonical/index.js';
import { toolArgumentsObject } from '../../canonical/tool-arguments.js';
import type {
  AnthropicContentBlockParam,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicTextBlock,
  AnthropicThinkingConfig,
  AnthropicTool,
  AnthropicToolChoice,
} from '../../wire/anthropic/index.js';

/**
 * `max_tokens` when the client gave none (OpenAI and Gemini clients usually don't; Anthropic
 * requires it). 8192 fits every current Claude model's output limit (Claude 3 Haiku's 4096 is the
 * one exception, and old) while rarely truncating a normal answer. Override per call.
 */
export const DEFAULT_MAX_TOKENS = 8192;

/** Anthropic's smallest accepted `thinking.budget_tokens`. */
export const MIN_THINKING_BUDGET = 1024;

/** OpenAI-style reasoning effort → Anthropic thinking budget (tokens). */
export const EFFORT_THINKING_BUDGET: Record<NonNullable<ReasoningSettings['effort']>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
};

/** First message must be a user turn; used when a history starts with the assistant. */
const LEADING_USER_TEXT = '(continued)';

export interface EncodeAnthropicUpstreamOptions {
  defaultMaxTokens?: number;
}

/**
 * Canonical request → Anthropic Messages body for an Anthropic-compatible upstream.
 *
 * Rules applied: system goes top-level; tool results become `tool_result` blocks in a user turn,
 * placed before any other block of that turn; consecutive same-role turns are merged and a leading
 * assistant turn gets a user turn before it; whitespace-only text is dropped and a final assistant
 * turn loses its trailing whitespace (both are 400s otherwise); reasoning without a signature
 * (another provider's thought text) is dropped because Anthropic verifies signatures; tool ids are
 * reduced to `[a-zA-Z0-9_-]`. `extensions.anthropic` is merged back; other formats' extensions and
 * fields Anthropic lacks (penalties, seed, n, strict tools, plain JSON mode) are dropped.
 */
export function encodeAnthropicUpstreamRequest(
  request: ChatRequest,
  options: EncodeAnthropicUpstreamOptions = {},
): Record<string, unknown> {
  const defaultMaxTokens = options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
  const messages = encodeMessages(request.messages);
  const body: Record<string, unknown> = { model: request.model };

  let maxTokens = request.maxOutputTokens ?? defaultMaxTokens;
  let thinking: AnthropicThinkingConfig | undefined;
  const reasoning = request.reasoning;
  if (reasoning?.disabled) {
    thinking = { type: 'disabled' };
  } else if (reasoning !== undefined && ((reasoning.budgetTokens ?? 0) > 0 || reasoning.effort !== undefined)) {
    const wanted =
      reasoning.budgetTokens !== undefined && reasoning.budgetTokens > 0
        ? reasoning.budgetTokens
        : EFFORT_THINKING_BUDGET[reasoning.effort ?? 'medium'];
    const budget = Math.max(MIN_THINKING_BUDGET, wanted);
    // Anthropic needs budget < max_tokens; give the visible answer the room the client asked for.
    if (maxTokens <= budget) maxTokens = budget + (request.maxOutputTokens ?? defaultMaxTokens);
    thinking = { type: 'enabled', budget_tokens: budget };
    // With thinking on, the last assistant turn must start with its signed thinking block; a history
    // from a client that cannot keep signatures (OpenAI Chat) would be a 400, so think no more.
    if (lastAssistantLacksThinking(messages)) thinking = undefined;
  }
  const thinkingOn = thinking?.type === 'enabled';

  body['max_tokens'] = maxTokens;
  body['messages'] = messages;
  const system = encodeSystem(request);
  if (system !== undefined) body['system'] = system;
  // Anthropic rejects stop sequences made only of whitespace.
  const stop = (request.stopSequences ?? []).filter(hasText);
  if (stop.length > 0) body['stop_sequences'] = stop;

  // Anthropic's temperature range is 0-1 (OpenAI/Gemini: 0-2); thinking accepts only
  // temperature 1, top_p >= 0.95 and no top_k. Out-of-range values are clamped or dropped.
  if (request.temperature !== undefined && (!thinkingOn || request.temperature === 1)) {
    body['temperature'] = Math.min(1, Math.max(0, request.temperature));
  }
  if (request.topP !== undefined && (!thinkingOn || request.topP >= 0.95)) body['top_p'] = request.topP;
  if (request.topK !== undefined && !thinkingOn) body['top_k'] = request.topK;

  if (request.tools && request.tools.length > 0) {
    body['tools'] = request.tools.map((tool): AnthropicTool => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: objectSchema(tool.inputSchema),
      ...(tool.cacheControl !== undefined ? { cache_control: tool.cacheControl as AnthropicTool['cache_control'] } : {}),
    }));
    const choice = encodeToolChoice(request.toolChoice, request.parallelToolCalls, thinkingOn);
    if (choice !== undefined) body['tool_choice'] = choice;
  }
  if (thinking !== undefined) body['thinking'] = thinking;
  if (request.user !== undefined) body['metadata'] = { user_id: request.user };
  if (request.responseFormat?.type === 'json-schema') {
    body['output_config'] = { format: { type: 'json_schema', schema: request.responseFormat.schema } };
  }
  body['stream'] = request.stream;

  const extensions = request.extensions?.anthropic;
  if (extensions) {
    for (const key of Object.keys(extensions)) {
      if (key === 'output_config' && isRecord(body[key]) && isRecord(extensions[key])) {
        body[key] = { ...body[key], ...extensions[key] };
      } else if (!(key in body)) {
        body[key] = extensions[key];
      }
    }
  }
  return body;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Anthropic rejects text blocks without a non-whitespace character. */
function hasText(text: string): boolean {
  return text.trim() !== '';
}

function encodeSystem(request: ChatRequest): string | AnthropicTextBlock[] | undefined {
  const parts = (request.system ?? []).filter((part) => hasText(part.text));
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && parts[0]!.cacheControl === undefined) return parts[0]!.text;
  return parts.map(textBlock);
}

function textBlock(part: { text: string; cacheControl?: unknown }): AnthropicTextBlock {
  return {
    type: 'text',
    text: part.text,
    ...(part.cacheControl !== undefined ? { cache_control: part.cacheControl as AnthropicTextBlock['cache_control'] } : {}),
  };
}

function cacheOf(part: { cacheControl?: unknown }): { cache_control?: AnthropicTextBlock['cache_control'] } {
  return part.cacheControl !== undefined ? { cache_control: part.cacheControl as AnthropicTextBlock['cache_control'] } : {};
}

/** Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; the same mapping on calls and results keeps pairs intact. */
export function sanitizeToolId(id: string): string {
  return id === '' ? 'toolu_' : id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function encodeMessages(messages: Message[]): AnthropicMessageParam[] {
  const out: Array<{ role: 'user' | 'assistant'; content: AnthropicContentBlockParam[] }> = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = encodeContent(message);
    if (blocks.length === 0) continue; // Anthropic rejects empty turns.
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  for (const message of out) {
    if (message.role === 'user' && message.content.some((block) => block.type === 'tool_result')) {
      // tool_result blocks must open the user turn that answers the tool calls.
      message.content = [
        ...message.content.filter((block) => block.type === 'tool_result'),
        ...message.content.filter((block) => block.type !== 'tool_result'),
      ];
    }
  }
  if (out.length > 0 && out[0]!.role === 'assistant') {
    out.unshift({ role: 'user', content: [{ type: 'text', text: LEADING_USER_TEXT }] });
  }
  // A final assistant turn (prefill) must not end with whitespace.
  const last = out[out.length - 1];
  const tail = last?.role === 'assistant' ? last.content[last.content.length - 1] : undefined;
  if (tail?.type === 'text') tail.text = tail.text.trimEnd();
  return out;
}

function encodeContent(message: Message): AnthropicContentBlockParam[] {
  const blocks: AnthropicContentBlockParam[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        if (hasText(part.text)) blocks.push(textBlock(part));
        break;
      case 'image':
        blocks.push(imageBlock(part));
        break;
      case 'file':
        blocks.push(fileBlock(part));
        break;
      case 'reasoning':
        if (part.redactedData !== undefined) blocks.push({ type: 'redacted_thinking', data: part.redactedData });
        else if (part.signature) blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        break;
      case 'tool-call':
        blocks.push({
          type: 'tool_use',
          id: sanitizeToolId(part.id),
          name: part.name,
          input: toolArgumentsObject(part.argumentsJson),
          ...cacheOf(part),
        });
        break;
      case 'tool-result':
        blocks.push(toolResultBlock(part));
        break;
    }
  }
  return blocks;
}

function imageBlock(part: ImagePart): AnthropicImageBlock {
  const source = part.source;
  if (source.kind === 'base64') {
    return { type: 'image', source: { type: 'base64', media_type: source.mediaType, data: source.data }, ...cacheOf(part) };
  }
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) {
    return { type: 'image', source: { type: 'base64', media_type: dataUrl[1]!, data: dataUrl[2]! }, ...cacheOf(part) };
  }
  return { type: 'image', source: { type: 'url', url: source.url }, ...cacheOf(part) };
}

function fileBlock(part: FilePart): AnthropicContentBlockParam {
  const isImage = part.mediaType.startsWith('image/');
  const title = part.filename !== undefined && !isImage ? { title: part.filename } : {};
  if (part.fileId !== undefined) {
    return isImage
      ? { type: 'image', source: { type: 'file', file_id: part.fileId }, ...cacheOf(part) }
      : { type: 'document', source: { type: 'file', file_id: part.fileId }, ...title, ...cacheOf(part) };
  }
  if (part.data !== undefined) {
    if (isImage) return { type: 'image', source: { type: 'base64', media_type: part.mediaType, data: part.data }, ...cacheOf(part) };
    if (part.mediaType === 'text/plain') {
      const text = Buffer.from(part.data, 'base64').toString('utf8');
      return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title, ...cacheOf(part) };
    }
    return { type: 'document', source: { type: 'base64', media_type: part.mediaType, data: part.data }, ...title, ...cacheOf(part) };
  }
  const url = part.url ?? '';
  return isImage
    ? { type: 'image', source: { type: 'url', url }, ...cacheOf(part) }
    : { type: 'document', source: { type: 'url', url }, ...title, ...cacheOf(part) };
}

function toolResultBlock(part: ToolResultPart): AnthropicContentBlockParam {
  const items = part.content.filter((item) => item.type !== 'text' || hasText(item.text));
  let content: string | Array<AnthropicTextBlock | AnthropicImageBlock> | undefined;
  if (items.length === 1 && items[0]!.type === 'text' && items[0]!.cacheControl === undefined) {
    content = items[0]!.text;
  } else if (items.length > 0) {
    content = items.map((item) => (item.type === 'text' ? textBlock(item) : imageBlock(item)));
  }
  return {
    type: 'tool_result',
    tool_use_id: sanitizeToolId(part.toolCallId),
    ...(content !== undefined ? { content } : {}),
    ...(part.isError ? { is_error: true } : {}),
    ...cacheOf(part),
  };
}

/** Anthropic requires `input_schema.type: "object"`; parameterless tools get an empty object schema. */
function objectSchema(schema: Record<string, unknown>): Record<string, unknown> {
  if (schema['type'] === 'object') return schema;
  if (Object.keys(schema).length === 0) return { type: 'object', properties: {} };
  return schema['type'] === undefined ? { type: 'object', ...schema } : schema;
}

function encodeToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
  thinkingOn: boolean,
): AnthropicToolChoice | undefined {
  const parallel = parallelToolCalls === undefined ? {} : { disable_parallel_tool_use: !parallelToolCalls };
  // Forcing a tool is incompatible with extended thinking (API error): fall back to auto.
  const forced = choice?.type === 'required' || choice?.type === 'tool';
  if (choice === undefined || (forced && thinkingOn)) {
    return parallelToolCalls === undefined && choice === undefined ? undefined : { type: 'auto', ...parallel };
  }
  switch (choice.type) {
    case 'auto':
      return { type: 'auto', ...parallel };
    case 'required':
      return { type: 'any', ...parallel };
    case 'tool':
      return { type: 'tool', name: choice.name, ...parallel };
    case 'none':
      return { type: 'none' };
  }
}

/**
 * True when the request continues a tool loop (the last user turn carries tool results) whose
 * assistant turn does not start with a thinking block, which Anthropic rejects with thinking on.
 */
function lastAssistantLacksThinking(messages: AnthropicMessageParam[]): boolean {
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== 'user') return false;
  if (!(last.content as AnthropicContentBlockParam[]).some((block) => block.type === 'tool_result')) return false;
  const assistant = messages[messages.length - 2];
  if (assistant === undefined || assistant.role !== 'assistant') return false;
  const first = (assistant.content as AnthropicContentBlockParam[])[0];
  return first?.type !== 'thinking' && first?.type !== 'redacted_thinking';
}
