import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatBody } from '../../gateway/chat-body.js';
import { serveChat, type ChatEndpoint } from '../../gateway/serve-chat.js';
import { MAX_BODY_BYTES } from '../../http/max-body-bytes.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/request-context.js';
import { decodeAnthropicMessagesRequest } from './decode-messages-request.js';
import { encodeAnthropicStreamError } from './encode-error.js';
import { encodeAnthropicMessagesResponse } from './encode-messages-response.js';
import { createAnthropicStreamEncoder } from './encode-messages-stream.js';

const messages: ChatEndpoint = {
  wireFormat: 'anthropic',
  forwardPath: '/messages',
  passHeaders: ['anthropic-version', 'anthropic-beta'],
  decode: (body) => decodeAnthropicMessagesRequest(body, { requireMaxTokens: true }),
  encodeResponse: (response, clientModel) => JSON.stringify(encodeAnthropicMessagesResponse(response, clientModel)),
  streamEncoder: (clientModel) => createAnthropicStreamEncoder({ clientModel }),
  encodeStreamError: encodeAnthropicStreamError,
  opening: (body) => (Array.isArray(body.messages) ? [body.system, body.messages[0]] : undefined),
};

/** POST /v1/messages */
export async function handleMessages(req: IncomingMessage, res: ServerResponse, rc: RequestContext): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES);
  await serveChat(req, res, rc, ChatBody.read(body), messages);
}
