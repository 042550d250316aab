import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolCallPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import {
  expectArray,
  expectNonEmptyString,
  expectObject,
  expectString,
  invalidField,
  isJsonObject,
  optionalString,
  type JsonObject,
} from './expect-json.js';
import { decodeFileData, imagePartFromUrl } from './decode-openai-media.js';

export interface DecodedChatMessages {
  system: TextPart[];
  messages: Message[];
}

/**
 * Decodes a Chat Completions `messages` array. System and developer messages, wherever they sit,
 * are appended to `system` in order (the canonical model has one system prompt); consecutive
 * `tool` messages become one canonical `tool` message; legacy `function_call`/`function` turns
 * become tool calls and results with ids synthesised from the message position.
 */
export function decodeOpenAIChatMessages(value: unknown): DecodedChatMessages {
  const raw = expectArray(value, 'messages');
  if (raw.length === 0) throw GatewayError.invalidRequest("Invalid value for 'messages': must not be empty.", 'messages');
  const system: TextPart[] = [];
  const messages: Message[] = [];
  /** Tool call id → function name, so results can carry the name (Gemini needs it). */
  const toolNames = new Map<string, string>();
  /** Legacy function calls not yet answered by a `function` message, oldest first. */
  const openLegacyCalls: Array<{ id: string; name: string }> = [];

  for (let i = 0; i < raw.length; i++) {
    const path = `messages[${i}]`;
    const message = expectObject(raw[i], path);
    const role = message.role;
    switch (role) {
      case 'system':
      case 'developer':
        for (const part of decodeTextContent(message.content, `${path}.content`)) {
          if (part.text.length > 0) system.push(part);
        }
        break;
      case 'user':
        messages.push({ role: 'user', content: decodeUserContent(message.content, `${path}.content`) });
        break;
      case 'assistant': {
        const content = decodeAssistantMessage(message, path, i);
        for (const part of content) if (part.type === 'tool-call') toolNames.set(part.id, part.name);
        const last = content[content.length - 1];
        if (message.function_call != null && last?.type === 'tool-call') openLegacyCalls.push({ id: last.id, name: last.name });
        messages.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const toolCallId = expectNonEmptyString(message.tool_call_id, `${path}.tool_call_id`);
        const result: ToolResultPart = {
          type: 'tool-result',
          toolCallId,
          content: decodeTextContent(message.content, `${path}.content`),
        };
        const name = toolNames.get(toolCallId);
        if (name !== undefined) result.toolName = name;
        appendToolResult(messages, result);
        break;
      }
      case 'function': {
        const name = expectNonEmptyString(message.name, `${path}.name`);
        const open = openLegacyCalls.findIndex((call) => call.name === name);
        const toolCallId = open >= 0 ? openLegacyCalls.splice(open, 1)[0]!.id : legacyCallId(i);
        const text = optionalString(message.content, `${path}.content`) ?? '';
        appendToolResult(messages, { type: 'tool-result', toolCallId, toolName: name, content: [{ type: 'text', text }] });
        break;
      }
      default:
        throw role === undefined
          ? GatewayError.invalidRequest(`Missing required parameter: '${path}.role'.`, `${path}.role`)
          : GatewayError.invalidRequest(
              `Invalid value for '${path}.role': expected one of system, developer, user, assistant, tool, function, got ${JSON.stringify(role)}.`,
              `${path}.role`,
            );
    }
  }
  return { system, messages };
}

function legacyCallId(messageIndex: number): string {
  return `call_legacy_${messageIndex}`;
}

function appendToolResult(messages: Message[], result: ToolResultPart): void {
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') last.content.push(result);
  else messages.push({ role: 'tool', content: [result] });
}

/** System, developer and tool content: a string or an array of text parts. */
function decodeTextContent(value: unknown, path: string): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalidField(path, 'a string or an array of text parts', value);
  const parts: TextPart[] = [];
  for (let j = 0; j < value.length; j++) {
    const part = expectObject(value[j], `${path}[${j}]`);
    if (part.type !== 'text') throw invalidField(`${path}[${j}].type`, "'text'", part.type);
    parts.push({ type: 'text', text: expectString(part.text, `${path}[${j}].text`) });
  }
  return parts;
}

function decodeUserContent(value: unknown, path: string): UserContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidField(path, 'a string or an array of content parts', value);
  const parts: UserContentPart[] = [];
  for (let j = 0; j < value.length; j++) {
    const partPath = `${path}[${j}]`;
    const part = expectObject(value[j], partPath);
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', text: expectString(part.text, `${partPath}.text`) });
        break;
      case 'image_url':
        parts.push(decodeImagePart(part, partPath));
        break;
      case 'input_audio':
        parts.push(decodeAudioPart(part, partPath));
        break;
      case 'file':
        parts.push(decodeFilePart(part, partPath));
        break;
      default:
        throw GatewayError.invalidRequest(
          `Invalid value for '${partPath}.type': expected one of text, image_url, input_audio, file, got ${JSON.stringify(part.type)}.`,
          `${partPath}.type`,
        );
    }
  }
  return parts;
}

function decodeImagePart(part: JsonObject, path: string): ImagePart {
  // Some clients send `image_url` as a bare string; accept it.
  const imageUrl = typeof part.image_url === 'string' ? { url: part.image_url } : expectObject(part.image_url, `${path}.image_url`);
  const url = expectNonEmptyString(imageUrl.url, `${path}.image_url.url`);
  return imagePartFromUrl(url, optionalString(imageUrl.detail, `${path}.image_url.detail`));
}

const AUDIO_MEDIA_TYPES: Record<string, string> = { mp3: 'audio/mpeg', wav: 'audio/wav' };

function decodeAudioPart(part: JsonObject, path: string): FilePart {
  const audio = expectObject(part.input_audio, `${path}.input_audio`);
  const data = expectString(audio.data, `${path}.input_audio.data`);
  const format = expectNonEmptyString(audio.format, `${path}.input_audio.format`);
  return { type: 'file', mediaType: AUDIO_MEDIA_TYPES[format] ?? `audio/${format}`, data };
}

function decodeFilePart(part: JsonObject, path: string): FilePart {
  const file = expectObject(part.file, `${path}.file`);
  const fileData = optionalString(file.file_data, `${path}.file.file_data`);
  const fileId = optionalString(file.file_id, `${path}.file.file_id`);
  const filename = optionalString(file.filename, `${path}.file.filename`);
  const decoded: FilePart = { type: 'file', mediaType: 'application/octet-stream' };
  if (fileData !== undefined) {
    const { mediaType, data } = decodeFileData(fileData, filename);
    decoded.mediaType = mediaType;
    decoded.data = data;
  } else if (fileId !== undefined) {
    decoded.fileId = fileId;
  } else {
    throw GatewayError.invalidRequest(`Missing required parameter: '${path}.file.file_data' or '${path}.file.file_id'.`, `${path}.file`);
  }
  if (filename !== undefined) decoded.filename = filename;
  return decoded;
}

function decodeAssistantMessage(message: JsonObject, path: string, messageIndex: number): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  // Reasoning first: it preceded the visible answer. `reasoning` is OpenRouter's spelling.
  const reasoning =
    optionalString(message.reasoning_content, `${path}.reasoning_content`) ??
    (typeof message.reasoning === 'string' ? message.reasoning : undefined);
  if (reasoning) parts.push({ type: 'reasoning', text: reasoning });

  const content = message.content;
  if (typeof content === 'string') {
    if (content.length > 0) parts.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    for (let j = 0; j < content.length; j++) {
      const partPath = `${path}.content[${j}]`;
      const part = expectObject(content[j], partPath);
      let text: string;
      if (part.type === 'text') text = expectString(part.text, `${partPath}.text`);
      else if (part.type === 'refusal') text = expectString(part.refusal, `${partPath}.refusal`);
      else throw invalidField(`${partPath}.type`, "'text' or 'refusal'", part.type);
      if (text.length > 0) parts.push({ type: 'text', text });
    }
  } else if (content !== null && content !== undefined) {
    throw invalidField(`${path}.content`, 'a string, an array of text parts or null', content);
  }
  const refusal = optionalString(message.refusal, `${path}.refusal`);
  if (refusal) parts.push({ type: 'text', text: refusal });

  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    const calls = expectArray(message.tool_calls, `${path}.tool_calls`);
    for (let k = 0; k < calls.length; k++) parts.push(decodeToolCall(calls[k], `${path}.tool_calls[${k}]`));
  }
  if (message.function_call !== undefined && message.function_call !== null) {
    const call = expectObject(message.function_call, `${path}.function_call`);
    parts.push({
      type: 'tool-call',
      id: legacyCallId(messageIndex),
      name: expectNonEmptyString(call.name, `${path}.function_call.name`),
      argumentsJson: decodeArguments(call.arguments, `${path}.function_call.arguments`),
    });
  }
  return parts;
}

function decodeToolCall(value: unknown, path: string): ToolCallPart {
  const call = expectObject(value, path);
  if (call.type !== undefined && call.type !== 'function') throw invalidField(`${path}.type`, "'function'", call.type);
  const fn = expectObject(call.function, `${path}.function`);
  return {
    type: 'tool-call',
    id: expectNonEmptyString(call.id, `${path}.id`),
    name: expectNonEmptyString(fn.name, `${path}.function.name`),
    argumentsJson: decodeArguments(fn.arguments, `${path}.function.arguments`),
  };
}

/** Arguments are JSON text; tolerate clients that send the object itself. */
function decodeArguments(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '{}';
  if (isJsonObject(value)) return JSON.stringify(value);
  throw invalidField(path, 'a JSON string', value);
}
