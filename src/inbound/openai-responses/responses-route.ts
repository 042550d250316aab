import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatBody } from '../../gateway/chat-body.js';
import { serveChat, type ChatEndpoint } from '../../gateway/serve-chat.js';
import { MAX_BODY_BYTES } from '../../http/max-body-bytes.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/request-context.js';
import { decodeOpenAIResponsesRequest } from './decode-responses-request.js';
import { encodeOpenAIStreamError } from '../openai/encode-error.js';
import { encodeOpenAIResponsesResponse } from './encode-responses-response.js';
import { createOpenAIResponsesStreamEncoder } from './encode-responses-stream.js';

/** No upstream speaks Responses, so there is no fast path: always through the canonical model. */
const responses: ChatEndpoint = {
  wireFormat: 'openai-responses',
  decode: decodeOpenAIResponsesRequest,
  encodeResponse: (response, clientModel, request) => JSON.stringify(encodeOpenAIResponsesResponse(response, clientModel, request)),
  streamEncoder: (clientModel, request) => createOpenAIResponsesStreamEncoder({ clientModel, request }),
  encodeStreamError: encodeOpenAIStreamError,
  opening: (body) => [body.instructions, Array.isArray(body.input) ? body.input[0] : body.input],
};

/** POST /v1/responses */
export async function handleResponses(req: IncomingMessage, res: ServerResponse, rc: RequestContext): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES);
  await serveChat(req, res, rc, ChatBody.of(body, parseJsonBody(body)), responses);
}
