import type { IncomingHttpHeaders } from 'node:http';
import { anthropicProtocol } from './anthropic-protocol.js';
import type { MockProtocol } from './mock-protocol.js';
import { openAIProtocol } from './openai-protocol.js';

export type MockRoute =
  | { kind: 'generate'; protocol: MockProtocol }
  | { kind: 'count-tokens'; protocol: MockProtocol }
  | { kind: 'models'; protocol: MockProtocol }
  | { kind: 'model'; protocol: MockProtocol; id: string };

const OPENAI_CHAT: MockRoute = { kind: 'generate', protocol: openAIProtocol };
const ANTHROPIC_MESSAGES: MockRoute = { kind: 'generate', protocol: anthropicProtocol };
const ANTHROPIC_COUNT: MockRoute = { kind: 'count-tokens', protocol: anthropicProtocol };
const OPENAI_MODELS: MockRoute = { kind: 'models', protocol: openAIProtocol };
const ANTHROPIC_MODELS: MockRoute = { kind: 'models', protocol: anthropicProtocol };
const MODEL_PREFIX = '/v1/models/';

/**
 * Maps method + path to an endpoint. `/v1/models` is shared by both providers: a request carrying
 * `anthropic-version` or `x-api-key` gets the Anthropic shape, any other the OpenAI shape.
 */
export function matchRoute(method: string, path: string, headers: IncomingHttpHeaders): MockRoute | undefined {
  if (method === 'POST') {
    if (path === '/v1/chat/completions') return OPENAI_CHAT;
    if (path === '/v1/messages') return ANTHROPIC_MESSAGES;
    if (path === '/v1/messages/count_tokens') return ANTHROPIC_COUNT;
    return undefined;
  }
  if (method !== 'GET') return undefined;
  const anthropic = headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined;
  if (path === '/v1/models') return anthropic ? ANTHROPIC_MODELS : OPENAI_MODELS;
  if (path.startsWith(MODEL_PREFIX) && path.length > MODEL_PREFIX.length) {
    return { kind: 'model', protocol: anthropic ? anthropicProtocol : openAIProtocol, id: decodePathPart(path.slice(MODEL_PREFIX.length)) };
  }
  return undefined;
}

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
