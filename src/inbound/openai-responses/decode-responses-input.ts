import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  Message,
  TextPart,
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
} from '../openai/expect-json.js';
import { decodeFileData, imagePartFromUrl } from '../openai/decode-openai-media.js';

export interface DecodedResponsesInput {
  system: TextPart[];
  messages: Message[];
}

/**
 * Decodes the Responses `input` (a string or an item list). System/developer items join the
 * system prompt; assistant messages, reasoning and function_call items that follow each other
 * form one assistant turn; consecutive function_call_output items form one tool turn.
 */
export function decodeOpenAIResponsesInput(value: unknown): DecodedResponsesInput {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  if (typeof value === 'string') {
    messages.push({ role: 'user', content: [{ type: 'text', text: value }] });
    return { system, messages };
  }
  const items = expectArray(value, 'input');
  const toolNames = new Map<string, string>();

  const assistantTurn = (): AssistantContentPart[] => {
    const last = messages[messages.length - 1];
    if (last?.role === 'assistant') return last.content;
    const content: AssistantContentPart[] = [];
    messages.push({ role: 'assistant', content });
    return content;
  };

  for (let i = 0; i < items.length; i++) {
    const path = `input[${i}]`;
    const item = expectObject(items[i], path);
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message':
        decodeMessageItem(item, path, system, messages, assistantTurn);
        break;
      case 'function_call': {
        const id = expectNonEmptyString(item.call_id, `${path}.call_id`);
        const name = expectNonEmptyString(item.name, `${path}.name`);
        const args = item.arguments;
        toolNames.set(id, name);
        assistantTurn().push({
          type: 'tool-call',
          id,
          name,
          argumentsJson: typeof args === 'string' ? args : isJsonObject(args) ? JSON.stringify(args) : expectString(args, `${path}.arguments`),
        });
        break;
      }
      case 'function_call_output': {
        const toolCallId = expectNonEmptyString(item.call_id, `${path}.call_id`);
        const result: ToolResultPart = { type: 'tool-result', toolCallId, content: decodeToolOutput(item.output, `${path}.output`) };
        const name = toolNames.get(toolCallId);
        if (name !== undefined) result.toolName = name;
        const last = messages[messages.length - 1];
        if (last?.role === 'tool') last.content.push(result);
        else messages.push({ role: 'tool', content: [result] });
        break;
      }
      case 'reasoning': {
        const text = reasoningText(item, path);
        const encrypted = optionalString(item.encrypted_content, `${path}.encrypted_content`);
        if (text.length === 0 && encrypted === undefined) break;
        assistantTurn().push({ type: 'reasoning', text, ...(encrypted !== undefined ? { redactedData: encrypted } : {}) });
        break;
      }
      case 'item_reference':
        throw GatewayError.invalidRequest(
          `Invalid value for '${path}.type': item references need stored responses, which this gateway does not keep; send the items themselves.`,
          `${path}.type`,
        );
      default:
        throw GatewayError.invalidRequest(
          `Invalid value for '${path}.type': expected message, function_call, function_call_output or reasoning, got ${JSON.stringify(type)}.`,
          `${path}.type`,
        );
    }
  }
  if (messages.length === 0) {
    throw GatewayError.invalidRequest("Invalid value for 'input': must hold at least one item besides system and developer messages.", 'input');
  }
  return { system, messages };
}

function decodeMessageItem(
  item: JsonObject,
  path: string,
  system: TextPart[],
  messages: Message[],
  assistantTurn: () => AssistantContentPart[],
): void {
  const role = item.role;
  const contentPath = `${path}.content`;
  switch (role) {
    case 'system':
    case 'developer':
      for (const part of decodeUserParts(item.content, contentPath)) {
        if (part.type !== 'text') throw invalidField(contentPath, 'text content for a system message', part.type);
        if (part.text.length > 0) system.push(part);
      }
      return;
    case 'user':
      messages.push({ role: 'user', content: decodeUserParts(item.content, contentPath) });
      return;
    case 'assistant': {
      const turn = assistantTurn();
      if (typeof item.content === 'string') {
        if (item.content.length > 0) turn.push({ type: 'text', text: item.content });
        return;
      }
      const parts = expectArray(item.content, contentPath);
      for (let j = 0; j < parts.length; j++) {
        const partPath = `${contentPath}[${j}]`;
        const part = expectObject(parts[j], partPath);
        let text: string;
        if (part.type === 'output_text' || part.type === 'input_text') text = expectString(part.text, `${partPath}.text`);
        else if (part.type === 'refusal') text = expectString(part.refusal, `${partPath}.refusal`);
        else throw invalidField(`${partPath}.type`, "'output_text' or 'refusal'", part.type);
        if (text.length > 0) turn.push({ type: 'text', text });
      }
      return;
    }
    default:
      throw role === undefined
        ? GatewayError.invalidRequest(`Missing required parameter: '${path}.role'.`, `${path}.role`)
        : invalidField(`${path}.role`, 'one of user, assistant, system, developer', role);
  }
}

function decodeUserParts(value: unknown, path: string): UserContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const parts = expectArray(value, path);
  const decoded: UserContentPart[] = [];
  for (let j = 0; j < parts.length; j++) {
    const partPath = `${path}[${j}]`;
    const part = expectObject(parts[j], partPath);
    switch (part.type) {
      case 'input_text':
        decoded.push({ type: 'text', text: expectString(part.text, `${partPath}.text`) });
        break;
      case 'input_image':
        decoded.push(decodeImage(part, partPath));
        break;
      case 'input_file':
        decoded.push(decodeFile(part, partPath));
        break;
      default:
        throw invalidField(`${partPath}.type`, "'input_text', 'input_image' or 'input_file'", part.type);
    }
  }
  return decoded;
}

function decodeImage(part: JsonObject, path: string): ImagePart {
  const url = optionalString(part.image_url, `${path}.image_url`);
  if (url === undefined || url.length === 0) {
    throw GatewayError.invalidRequest(
      part.file_id != null
        ? `Invalid value for '${path}.file_id': uploaded files are not available through this gateway; send image_url.`
        : `Missing required parameter: '${path}.image_url'.`,
      part.file_id != null ? `${path}.file_id` : `${path}.image_url`,
    );
  }
  return imagePartFromUrl(url, optionalString(part.detail, `${path}.detail`));
}

function decodeFile(part: JsonObject, path: string): FilePart {
  const file: FilePart = { type: 'file', mediaType: 'application/octet-stream' };
  const fileData = optionalString(part.file_data, `${path}.file_data`);
  const fileId = optionalString(part.file_id, `${path}.file_id`);
  const fileUrl = optionalString(part.file_url, `${path}.file_url`);
  const filename = optionalString(part.filename, `${path}.filename`);
  if (fileData !== undefined) {
    const { mediaType, data } = decodeFileData(fileData, filename);
    file.mediaType = mediaType;
    file.data = data;
  } else if (fileId !== undefined) file.fileId = fileId;
  else if (fileUrl !== undefined) file.url = fileUrl;
  else throw GatewayError.invalidRequest(`Missing required parameter: '${path}.file_data', 'file_id' or 'file_url'.`, path);
  if (filename !== undefined) file.filename = filename;
  return file;
}

function decodeToolOutput(value: unknown, path: string): Array<TextPart | ImagePart> {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return decodeUserParts(value, path).map((part, j) => {
    if (part.type === 'file') throw invalidField(`${path}[${j}].type`, "'input_text' or 'input_image'", 'input_file');
    return part;
  });
}

/** Raw reasoning text when the client sent it, else the summaries joined by blank lines. */
function reasoningText(item: JsonObject, path: string): string {
  const pieces: string[] = [];
  const content = item.content;
  if (Array.isArray(content) && content.length > 0) {
    for (let j = 0; j < content.length; j++) {
      const part = expectObject(content[j], `${path}.content[${j}]`);
      pieces.push(expectString(part.text, `${path}.content[${j}].text`));
    }
    return pieces.join('\n\n');
  }
  if (item.summary !== undefined && item.summary !== null) {
    const summary = expectArray(item.summary, `${path}.summary`);
    for (let j = 0; j < summary.length; j++) {
      const part = expectObject(summary[j], `${path}.summary[${j}]`);
      pieces.push(expectString(part.text, `${path}.summary[${j}].text`));
    }
  }
  return pieces.join('\n\n');
}
