import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatBody } from '../../gateway/chat-body.js';
import { serveChat, type ChatEndpoint } from '../../gateway/serve-chat.js';
import { MAX_BODY_BYTES } from '../../http/max-body-bytes.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/request-context.js';
import { decodeOpenAIChatRequest } from './decode-chat-request.js';
import { encodeOpenAIChatResponse } from './encode-chat-response.js';
import { createOpenAIChatStreamEncoder } from './encode-chat-stream.js';
import { encodeOpenAIStreamError } from './encode-error.js';

/** The conversation's opening: system prompt(s) and the first user turn. */
function opening(body: Record<string, unknown>): unknown[] | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const out: unknown[] = [];
  for (const message of body.messages as unknown[]) {
    out.push(message);
    if ((message as { role?: unknown })?.role === 'user') break;
  }
  return out;
}

const chatCompletions: ChatEndpoint = {
  wireFormat: 'openai',
  forwardPath: '/chat/completions',
  decode: decodeOpenAIChatRequest,
  encodeResponse: (response, clientModel) => JSON.stringify(encodeOpenAIChatResponse(response, clientModel)),
  streamEncoder: (clientModel, request) => createOpenAIChatStreamEncoder({ clientModel, includeUsage: request.includeUsage === true }),
  encodeStreamError: encodeOpenAIStreamError,
  opening,
};

/** POST /v1/chat/completions */
export async function handleChatCompletions(req: IncomingMessage, res: ServerResponse, rc: RequestContext): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES);
  await serveChat(req, res, rc, ChatBody.read(body), chatCompletions);
}
