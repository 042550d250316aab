import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { expectArray, expectRecord, expectString, fail, isRecord, optionalBoolean, optionalString } from '../expect-field.js';

/**
 * Anthropic `messages[]` → canonical messages. A user turn's `tool_result` blocks become a canonical
 * `tool` message (in place, so order is kept); the rest of the turn stays a `user` message.
 */
export function decodeAnthropicMessages(raw: unknown): Message[] {
  const list = expectArray(raw, 'messages');
  if (list.length === 0) fail('messages', 'must hold at least one message');
  const out: Message[] = [];
  /** tool_use id → tool name, so tool results can carry the name (Gemini needs it). */
  const toolNames = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    const param = `messages[${i}]`;
    const message = expectRecord(list[i], param);
    const role = message['role'];
    const content = message['content'];
    if (role === 'user') {
      decodeUserTurn(content, `${param}.content`, toolNames, out);
    } else if (role === 'assistant') {
      out.push({ role: 'assistant', content: decodeAssistantContent(content, `${param}.content`, toolNames) });
    } else {
      fail(`${param}.role`, 'must be "user" or "assistant"');
    }
  }
  return out;
}

function decodeUserTurn(content: unknown, param: string, toolNames: Map<string, string>, out: Message[]): void {
  if (typeof content === 'string') {
    out.push({ role: 'user', content: [{ type: 'text', text: content }] });
    return;
  }
  const blocks = expectArray(content, param);
  let user: UserContentPart[] = [];
  let results: ToolResultPart[] = [];
  for (let j = 0; j < blocks.length; j++) {
    const blockParam = `${param}[${j}]`;
    const block = expectRecord(blocks[j], blockParam);
    if (block['type'] === 'tool_result') {
      if (user.length > 0) {
        out.push({ role: 'user', content: user });
        user = [];
      }
      results.push(decodeToolResult(block, blockParam, toolNames));
      continue;
    }
    if (results.length > 0) {
      out.push({ role: 'tool', content: results });
      results = [];
    }
    user.push(decodeUserBlock(block, blockParam));
  }
  if (results.length > 0) out.push({ role: 'tool', content: results });
  if (user.length > 0 || blocks.length === 0) out.push({ role: 'user', content: user });
}

function decodeUserBlock(block: Record<string, unknown>, param: string): UserContentPart {
  switch (block['type']) {
    case 'text':
      return decodeText(block, param);
    case 'image':
      return decodeImage(block, param);
    case 'document':
      return decodeDocument(block, param);
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
      return fail(`${param}.type`, `"${String(block['type'])}" blocks belong in assistant messages`);
    default:
      return fail(`${param}.type`, `unsupported content block type "${String(block['type'])}"`);
  }
}

function decodeAssistantContent(content: unknown, param: string, toolNames: Map<string, string>): AssistantContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const blocks = expectArray(content, param);
  const parts: AssistantContentPart[] = [];
  for (let j = 0; j < blocks.length; j++) {
    const blockParam = `${param}[${j}]`;
    const block = expectRecord(blocks[j], blockParam);
    switch (block['type']) {
      case 'text':
        parts.push(decodeText(block, blockParam));
        break;
      case 'tool_use': {
        const id = expectString(block['id'], `${blockParam}.id`);
        const name = expectString(block['name'], `${blockParam}.name`);
        const input = block['input'] ?? {};
        if (!isRecord(input)) fail(`${blockParam}.input`, 'must be an object');
        toolNames.set(id, name);
        parts.push({
          type: 'tool-call',
          id,
          name,
          argumentsJson: JSON.stringify(input),
          ...cacheControlOf(block),
        });
        break;
      }
      case 'thinking': {
        // An empty signature (a thinking block this gateway made from unsigned reasoning) is none.
        const signature = optionalString(block['signature'], `${blockParam}.signature`);
        parts.push({
          type: 'reasoning',
          text: expectString(block['thinking'], `${blockParam}.thinking`),
          ...(signature ? { signature } : {}),
        });
        break;
      }
      case 'redacted_thinking':
        parts.push({ type: 'reasoning', text: '', redactedData: expectString(block['data'], `${blockParam}.data`) });
        break;
      case 'tool_result':
        fail(`${blockParam}.type`, '"tool_result" blocks belong in user messages');
        break;
      default:
        fail(`${blockParam}.type`, `unsupported content block type "${String(block['type'])}" in an assistant message`);
    }
  }
  return parts;
}

function cacheControlOf(block: Record<string, unknown>): { cacheControl?: unknown } {
  const value = block['cache_control'];
  return value === undefined || value === null ? {} : { cacheControl: value };
}

export function decodeText(block: Record<string, unknown>, param: string): TextPart {
  return { type: 'text', text: expectString(block['text'], `${param}.text`), ...cacheControlOf(block) };
}

function decodeImage(block: Record<string, unknown>, param: string): ImagePart | FilePart {
  const source = expectRecord(block['source'], `${param}.source`);
  switch (source['type']) {
    case 'base64':
      return {
        type: 'image',
        source: {
          kind: 'base64',
          mediaType: expectString(source['media_type'], `${param}.source.media_type`),
          data: expectString(source['data'], `${param}.source.data`),
        },
        ...cacheControlOf(block),
      };
    case 'url':
      return {
        type: 'image',
        source: { kind: 'url', url: expectString(source['url'], `${param}.source.url`) },
        ...cacheControlOf(block),
      };
    case 'file':
      // The canonical image has no file-id source; a FilePart with an image/* type round-trips.
      return {
        type: 'file',
        mediaType: 'image/*',
        fileId: expectString(source['file_id'], `${param}.source.file_id`),
        ...cacheControlOf(block),
      };
    default:
      return fail(`${param}.source.type`, 'must be "base64", "url" or "file"');
  }
}

function decodeDocument(block: Record<string, unknown>, param: string): FilePart {
  const source = expectRecord(block['source'], `${param}.source`);
  const title = optionalString(block['title'], `${param}.title`);
  const common = { type: 'file' as const, ...(title !== undefined ? { filename: title } : {}), ...cacheControlOf(block) };
  switch (source['type']) {
    case 'base64':
      return {
        ...common,
        mediaType: expectString(source['media_type'], `${param}.source.media_type`),
        data: expectString(source['data'], `${param}.source.data`),
      };
    case 'text':
      // FilePart.data is base64 by contract; the Anthropic encoder turns text/plain back into a text source.
      return {
        ...common,
        mediaType: optionalString(source['media_type'], `${param}.source.media_type`) ?? 'text/plain',
        data: Buffer.from(expectString(source['data'], `${param}.source.data`), 'utf8').toString('base64'),
      };
    case 'url':
      return { ...common, mediaType: 'application/pdf', url: expectString(source['url'], `${param}.source.url`) };
    case 'file':
      return { ...common, mediaType: 'application/pdf', fileId: expectString(source['file_id'], `${param}.source.file_id`) };
    case 'content': {
      // Custom-content documents are flattened to plain text (their block boundaries are lost).
      const raw = source['content'];
      const text =
        typeof raw === 'string'
          ? raw
          : expectArray(raw, `${param}.source.content`)
              .map((item, k) => decodeText(expectRecord(item, `${param}.source.content[${k}]`), `${param}.source.content[${k}]`).text)
              .join('\n');
      return { ...common, mediaType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') };
    }
    default:
      return fail(`${param}.source.type`, 'must be "base64", "text", "url", "file" or "content"');
  }
}

function decodeToolResult(block: Record<string, unknown>, param: string, toolNames: Map<string, string>): ToolResultPart {
  const toolCallId = expectString(block['tool_use_id'], `${param}.tool_use_id`);
  const raw = block['content'];
  let content: Array<TextPart | ImagePart>;
  if (raw === undefined || raw === null || raw === '') {
    content = [];
  } else if (typeof raw === 'string') {
    content = [{ type: 'text', text: raw }];
  } else {
    const items = expectArray(raw, `${param}.content`);
    content = [];
    for (let k = 0; k < items.length; k++) {
      const itemParam = `${param}.content[${k}]`;
      const item = expectRecord(items[k], itemParam);
      if (item['type'] === 'text') {
        content.push(decodeText(item, itemParam));
      } else if (item['type'] === 'image') {
        const image = decodeImage(item, itemParam);
        if (image.type !== 'image') fail(`${itemParam}.source.type`, 'file sources are not supported inside tool_result');
        content.push(image);
      } else {
        fail(`${itemParam}.type`, 'tool_result content supports "text" and "image" blocks');
      }
    }
  }
  const isError = optionalBoolean(block['is_error'], `${param}.is_error`);
  const toolName = toolNames.get(toolCallId);
  return {
    type: 'tool-result',
    toolCallId,
    ...(toolName !== undefined ? { toolName } : {}),
    content,
    ...(isError ? { isError: true } : {}),
    ...cacheControlOf(block),
  };
}
