import type {
  AssistantContentPart,
  ChatRequest,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolChoice,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import type {
  OpenAIChatAssistantMessage,
  OpenAIChatMessage,
  OpenAIChatResponseFormat,
  OpenAIChatTextPart,
  OpenAIChatTool,
  OpenAIChatToolChoice,
  OpenAIChatUserContentPart,
} from '../../wire/openai/index.js';

export interface OpenAIUpstreamEncodeOptions {
  /**
   * Which spelling carries the output limit. Compatible servers (DeepSeek, Qwen, vLLM, Ollama)
   * know `max_tokens`; OpenAI's reasoning models accept only `max_completion_tokens`.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /**
   * Whether assistant reasoning in the history travels as the de-facto `reasoning_content`
   * field (default: what an OpenAI client's own pass-through would send; DeepSeek thinking
   * tool loops need it) or is left out (servers that reject unknown message fields).
   */
  reasoningHistory?: 'reasoning_content' | 'omit';
}

/** Fields the encoder owns; an `extensions.openai` entry never overrides them. */
const OWNED_FIELDS: ReadonlySet<string> = new Set(['model', 'messages', 'stream', 'stream_options']);

const AUDIO_FORMATS: Record<string, string> = { 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav' };

/**
 * Encodes a canonical request as a `POST {baseUrl}/chat/completions` body. The system prompt
 * becomes one leading `system` message; streaming always asks for the usage chunk;
 * `extensions.openai` is merged back last (it may refine e.g. `reasoning_effort`), other
 * formats' extensions are dropped. Lossy: topK, reasoning budgets and signatures, tool-result
 * error flags (kept as an "Error: " prefix) and images inside tool results (moved to a user turn).
 */
export function encodeOpenAIUpstreamRequest(
  request: ChatRequest,
  options: OpenAIUpstreamEncodeOptions = {},
): Record<string, unknown> {
  const messages: OpenAIChatMessage[] = [];
  if (request.system && request.system.length > 0) {
    messages.push({ role: 'system', content: encodeTextContent(request.system) });
  }
  const withReasoning = options.reasoningHistory !== 'omit';
  for (const message of request.messages) encodeMessage(message, messages, withReasoning);

  const body: Record<string, unknown> = { model: request.model, messages };
  if (request.stream) {
    body.stream = true;
    // Always ask: the gateway needs usage for stats even when the client did not want it.
    body.stream_options = { include_usage: true };
  }
  if (request.maxOutputTokens !== undefined) body[options.maxTokensField ?? 'max_tokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stopSequences && request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.user !== undefined) body.user = request.user;
  const effort = reasoningEffort(request);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.responseFormat !== undefined) body.response_format = encodeResponseFormat(request.responseFormat);

  // OpenAI rejects tool_choice / parallel_tool_calls without tools.
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool): OpenAIChatTool => {
      const fn: OpenAIChatTool['function'] = { name: tool.name };
      if (tool.description !== undefined) fn.description = tool.description;
      fn.parameters = tool.inputSchema;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: 'function', function: fn };
    });
    if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }

  const extensions = request.extensions?.openai;
  if (extensions) {
    for (const key in extensions) if (!OWNED_FIELDS.has(key)) body[key] = extensions[key];
  }
  return body;
}

function encodeMessage(message: Message, out: OpenAIChatMessage[], withReasoning: boolean): void {
  switch (message.role) {
    case 'user':
      out.push({ role: 'user', content: encodeUserContent(message.content) });
      return;
    case 'assistant':
      out.push(encodeAssistant(message.content, withReasoning));
      return;
    case 'tool': {
      // Chat Completions tool messages carry text only; their images follow in one user turn.
      const images: ImagePart[] = [];
      for (const result of message.content) out.push(encodeToolResult(result, images));
      if (images.length > 0) out.push({ role: 'user', content: images.map(encodeImage) });
      return;
    }
  }
}

function encodeTextContent(parts: TextPart[]): string | OpenAIChatTextPart[] {
  if (parts.length === 1) return parts[0]!.text;
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function encodeUserContent(parts: UserContentPart[]): string | OpenAIChatUserContentPart[] {
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  return parts.map((part): OpenAIChatUserContentPart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image') return encodeImage(part);
    return encodeFile(part);
  });
}

function encodeImage(part: ImagePart): OpenAIChatUserContentPart {
  const url = part.source.kind === 'base64' ? `data:${part.source.mediaType};base64,${part.source.data}` : part.source.url;
  const imageUrl: { url: string; detail?: string } = { url };
  if (part.detail !== undefined) imageUrl.detail = part.detail;
  return { type: 'image_url', image_url: imageUrl };
}

function encodeFile(part: FilePart): OpenAIChatUserContentPart {
  const audioFormat = AUDIO_FORMATS[part.mediaType] ?? (part.mediaType.startsWith('audio/') ? part.mediaType.slice(6) : undefined);
  if (audioFormat !== undefined && part.data !== undefined) {
    return { type: 'input_audio', input_audio: { data: part.data, format: audioFormat } };
  }
  const file: { file_data?: string; file_id?: string; filename?: string } = {};
  if (part.data !== undefined) file.file_data = `data:${part.mediaType};base64,${part.data}`;
  else if (part.fileId !== undefined) file.file_id = part.fileId;
  else {
    throw GatewayError.invalidRequest(
      'A file given only by URL cannot be sent to an OpenAI-compatible upstream; send it inline as base64.',
    );
  }
  if (part.filename !== undefined) file.filename = part.filename;
  return { type: 'file', file };
}

function encodeAssistant(parts: AssistantContentPart[], withReasoning: boolean): OpenAIChatAssistantMessage {
  const texts: string[] = [];
  let reasoning = '';
  // `content: null` is valid only beside tool calls; an empty turn says "".
  const message: OpenAIChatAssistantMessage = { role: 'assistant', content: '' };
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'reasoning') reasoning += part.text;
    else {
      (message.tool_calls ??= []).push({
        id: part.id,
        type: 'function',
        function: { name: part.name, arguments: part.argumentsJson },
      });
    }
  }
  if (texts.length === 1) message.content = texts[0]!;
  else if (texts.length > 1) message.content = texts.map((text) => ({ type: 'text', text }));
  else if (message.tool_calls) message.content = null;
  // Same de-facto field the compatible servers emit; an OpenAI client's pass-through sends it too.
  if (withReasoning && reasoning.length > 0) message.reasoning_content = reasoning;
  return message;
}

function encodeToolResult(result: ToolResultPart, images: ImagePart[]): OpenAIChatMessage {
  const texts: TextPart[] = [];
  for (const part of result.content) {
    if (part.type === 'text') texts.push(part);
    else images.push(part);
  }
  if (result.isError) {
    // No error flag in Chat Completions: say it in the text so the model still learns it failed.
    const first = texts[0];
    if (first) texts[0] = { type: 'text', text: `Error: ${first.text}` };
    else texts.push({ type: 'text', text: 'Error' });
  }
  const content = texts.length === 0 ? '' : encodeTextContent(texts);
  return { role: 'tool', tool_call_id: result.toolCallId, content };
}

function encodeToolChoice(choice: ToolChoice): OpenAIChatToolChoice {
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.name } };
  return choice.type;
}

function encodeResponseFormat(format: NonNullable<ChatRequest['responseFormat']>): OpenAIChatResponseFormat {
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json') return { type: 'json_object' };
  const spec: { name: string; schema: Record<string, unknown>; strict?: boolean } = {
    name: format.name ?? 'response',
    schema: format.schema,
  };
  if (format.strict !== undefined) spec.strict = format.strict;
  return { type: 'json_schema', json_schema: spec };
}

/**
 * OpenAI takes an effort, Anthropic and Gemini clients give a token budget: a budget maps to the
 * effort whose typical budget it is closest to, so asking for thinking still gets reasoning.
 */
function reasoningEffort(request: ChatRequest): string | undefined {
  const reasoning = request.reasoning;
  if (!reasoning || reasoning.disabled) return undefined;
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined || budget <= 0) return undefined;
  return budget <= 2048 ? 'low' : budget <= 16_384 ? 'medium' : 'high';
}
