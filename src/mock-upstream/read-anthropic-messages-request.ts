import { isRecord } from './is-record.js';
import type { ReadReplyInput } from './reply-input.js';

/**
 * Reads an Anthropic `POST /v1/messages` body (protocols.md §2.1); with `forCountTokens` it is the
 * count_tokens body, which has no `max_tokens`.
 */
export function readAnthropicMessagesRequest(body: unknown, forCountTokens = false): ReadReplyInput {
  if (!isRecord(body)) return { ok: false, message: 'The request body must be a JSON object.' };
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') return { ok: false, message: 'model: Field required' };
  if (!forCountTokens && typeof body.max_tokens !== 'number') return { ok: false, message: 'max_tokens: Field required' };
  if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, message: 'messages: at least one message is required' };
  }
  let promptChars = systemChars(body.system);
  let lastUserText = '';
  let toolResultText: string | undefined;
  let lastRole = '';
  for (const message of messages) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return { ok: false, message: "messages: each message needs a role of 'user' or 'assistant'" };
    }
    const { text, toolResults, otherChars } = readContent(message.content);
    promptChars += text.length + otherChars;
    lastRole = message.role;
    if (message.role === 'user') {
      toolResultText = toolResults;
      if (toolResults === undefined || text !== '') lastUserText = text;
    } else {
      toolResultText = undefined;
    }
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    promptChars += (typeof tool.name === 'string' ? tool.name.length : 0) +
      (typeof tool.description === 'string' ? tool.description.length : 0);
  }
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  const thinking = isRecord(body.thinking) ? body.thinking.type : undefined;
  return {
    ok: true,
    input: {
      model,
      stream: body.stream === true,
      includeUsage: false,
      lastUserText,
      toolResultText,
      toolToCall: lastRole === 'user' && toolResultText === undefined && choice?.type !== 'none'
        ? toolToCall(tools, choice?.type === 'tool' ? choice.name : undefined)
        : undefined,
      thinking: thinking === 'enabled' || thinking === 'adaptive',
      probe: body.max_tokens === 1,
      promptChars,
    },
  };
}

function systemChars(system: unknown): number {
  if (typeof system === 'string') return system.length;
  return Array.isArray(system) ? blocksText(system).length : 0;
}

function blocksText(blocks: unknown[]): string {
  const texts: string[] = [];
  for (const block of blocks) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
  }
  return texts.join('\n');
}

interface ContentSummary {
  text: string;
  /** Joined text of the tool_result blocks; undefined when there are none. */
  toolResults: string | undefined;
  /** Characters of tool_use inputs, tool results and thinking, for the token estimate. */
  otherChars: number;
}

function readContent(content: unknown): ContentSummary {
  if (typeof content === 'string') return { text: content, toolResults: undefined, otherChars: 0 };
  if (!Array.isArray(content)) return { text: '', toolResults: undefined, otherChars: 0 };
  const texts: string[] = [];
  let results: string[] | undefined;
  let otherChars = 0;
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_result') {
      const result = typeof block.content === 'string' ? block.content
        : Array.isArray(block.content) ? blocksText(block.content) : '';
      (results ??= []).push(result);
      otherChars += result.length;
    } else if (block.type === 'tool_use') otherChars += JSON.stringify(block.input ?? {}).length;
    else if (block.type === 'thinking' && typeof block.thinking === 'string') otherChars += block.thinking.length;
  }
  return { text: texts.join('\n'), toolResults: results?.join('\n'), otherChars };
}

/** The first client tool (one with a name), or the one `tool_choice` names. */
function toolToCall(tools: unknown[], wanted: unknown): { name: string; hasCity: boolean } | undefined {
  for (const tool of tools) {
    if (!isRecord(tool) || typeof tool.name !== 'string') continue;
    if (wanted !== undefined && tool.name !== wanted) continue;
    const schema = tool.input_schema;
    const hasCity = isRecord(schema) && isRecord(schema.properties) && 'city' in schema.properties;
    return { name: tool.name, hasCity };
  }
  return undefined;
}
