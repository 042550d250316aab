import { isRecord } from './is-record.js';
import type { ReadReplyInput } from './reply-input.js';

/** Reads an OpenAI `POST /v1/chat/completions` body (protocols.md §1.1), checking only what the real API rejects most often. */
export function readOpenAIChatRequest(body: unknown): ReadReplyInput {
  if (!isRecord(body)) return { ok: false, message: 'The request body must be a JSON object.' };
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') return { ok: false, message: "Missing required parameter: 'model'." };
  if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, message: "Missing required parameter: 'messages'." };
  }
  let promptChars = 0;
  let lastUserText = '';
  for (const message of messages) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      return { ok: false, message: "Invalid 'messages': each message needs a 'role'." };
    }
    const text = contentText(message.content);
    promptChars += text.length + toolCallChars(message.tool_calls);
    if (message.role === 'user') lastUserText = text;
  }
  let toolResults: string[] | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as Record<string, unknown>;
    if (message.role !== 'tool') break;
    (toolResults ??= []).unshift(contentText(message.content));
  }
  const last = messages[messages.length - 1] as Record<string, unknown>;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools) promptChars += toolDeclarationChars(tool);
  const streamOptions = body.stream_options;
  const effort = body.reasoning_effort;
  return {
    ok: true,
    input: {
      model,
      stream: body.stream === true,
      includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
      lastUserText,
      toolResultText: toolResults?.join('\n'),
      toolToCall: last.role === 'user' && body.tool_choice !== 'none' ? toolToCall(tools, body.tool_choice) : undefined,
      thinking: typeof effort === 'string' && effort !== 'none',
      probe: body.max_tokens === 1 || body.max_completion_tokens === 1,
      promptChars,
    },
  };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

function toolCallChars(toolCalls: unknown): number {
  if (!Array.isArray(toolCalls)) return 0;
  let chars = 0;
  for (const call of toolCalls) {
    const fn = isRecord(call) ? call.function : undefined;
    if (isRecord(fn) && typeof fn.arguments === 'string') chars += fn.arguments.length;
  }
  return chars;
}

function toolDeclarationChars(tool: unknown): number {
  const fn = isRecord(tool) ? tool.function : undefined;
  if (!isRecord(fn)) return 0;
  return (typeof fn.name === 'string' ? fn.name.length : 0) + (typeof fn.description === 'string' ? fn.description.length : 0);
}

/** The first tool, or the one `tool_choice` names. */
function toolToCall(tools: unknown[], choice: unknown): { name: string; hasCity: boolean } | undefined {
  const wanted = isRecord(choice) && isRecord(choice.function) ? choice.function.name : undefined;
  for (const tool of tools) {
    const fn = isRecord(tool) ? tool.function : undefined;
    if (!isRecord(fn) || typeof fn.name !== 'string') continue;
    if (wanted !== undefined && fn.name !== wanted) continue;
    const params = fn.parameters;
    const hasCity = isRecord(params) && isRecord(params.properties) && 'city' in params.properties;
    return { name: fn.name, hasCity };
  }
  return undefined;
}
