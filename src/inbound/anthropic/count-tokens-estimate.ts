import type { ChatRequest, Message } from '../../canonical/index.js';

/**
 * A LOCAL ESTIMATE of a request's input tokens, for `count_tokens` when the upstream cannot count
 * (Anthropic-compatible vendors without the endpoint, non-Anthropic upstreams). It is not the
 * model's tokenizer: expect ±20% on prose, worse on code and rare scripts. Callers that need exact
 * numbers must ask the upstream.
 *
 * Rules of thumb: ~4 characters per token for ASCII text, ~1 token per non-ASCII character (CJK
 * is close to that, emoji are more), a fixed few tokens of framing per message and per tool,
 * Anthropic's upper bound for one image (~1600 tokens, a 1.15-megapixel picture), and for binary
 * documents about one token per 3 bytes of payload.
 */
export function estimateInputTokens(request: ChatRequest): number {
  let tokens = 0;
  for (const part of request.system ?? []) tokens += textTokens(part.text);
  for (const message of request.messages) tokens += MESSAGE_OVERHEAD + messageTokens(message);
  for (const tool of request.tools ?? []) {
    tokens += TOOL_OVERHEAD + textTokens(tool.name) + textTokens(tool.description ?? '');
    tokens += textTokens(JSON.stringify(tool.inputSchema));
  }
  return Math.ceil(tokens);
}

const MESSAGE_OVERHEAD = 4;
const TOOL_OVERHEAD = 12;
const IMAGE_TOKENS = 1600;
const BYTES_PER_DOCUMENT_TOKEN = 3;

function textTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii++;
    else if (code < 0xdc00 || code > 0xdfff) other++; // count a surrogate pair once
  }
  return ascii / 4 + other;
}

function messageTokens(message: Message): number {
  let tokens = 0;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        tokens += textTokens(part.text);
        break;
      case 'image':
        tokens += IMAGE_TOKENS;
        break;
      case 'file':
        tokens += part.data === undefined ? IMAGE_TOKENS : (part.data.length * 3) / 4 / BYTES_PER_DOCUMENT_TOKEN;
        break;
      case 'reasoning':
        tokens += textTokens(part.text);
        break;
      case 'tool-call':
        tokens += textTokens(part.name) + textTokens(part.argumentsJson);
        break;
      case 'tool-result':
        for (const item of part.content) tokens += item.type === 'text' ? textTokens(item.text) : IMAGE_TOKENS;
        break;
    }
  }
  return tokens;
}
