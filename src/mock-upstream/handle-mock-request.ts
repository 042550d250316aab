import type { IncomingMessage, ServerResponse } from 'node:http';
import { promptTokens } from './estimate-tokens.js';
import { matchRoute, type MockRoute } from './match-route.js';
import type { MockHandlerDeps } from './mock-handler-deps.js';
import { openAIProtocol } from './openai-protocol.js';
import { readAnthropicMessagesRequest } from './read-anthropic-messages-request.js';
import { readApiKey } from './read-api-key.js';
import { sendGeneration } from './send-generation.js';
import { sendError, sendJson } from './send-json.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The mock's request pipeline: read the body, record the request, then route → anthropic-version
 * check → API key check → endpoint. Unknown paths get 404 in OpenAI's shape.
 */
export function createMockRequestHandler(deps: MockHandlerDeps): RequestHandler {
  let sequence = 0;
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      sequence += 1;
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      handle(deps, req, res, raw, sequence.toString(36)).catch(() => res.destroy());
    });
  };
}

async function handle(deps: MockHandlerDeps, req: IncomingMessage, res: ServerResponse, raw: Buffer, sequence: string): Promise<void> {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const { headers } = req;
  const route = matchRoute(method, path, headers);
  const protocol = route?.protocol ?? openAIProtocol;
  const apiKey = readApiKey(headers, protocol.name);
  let body: unknown;
  let invalidJson = false;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      invalidJson = true;
    }
  }
  deps.records.add({ method, path, headers, body, apiKey });
  const requestId = `req_mock${sequence}`;

  if (route === undefined) {
    sendError(res, protocol, 404, `Unknown request URL: ${method} ${path}. Please check the URL for typos.`, requestId, 'unknown_url');
    return;
  }
  if (protocol.name === 'anthropic' && headers['anthropic-version'] === undefined) {
    sendError(res, protocol, 400, 'anthropic-version: header is required', requestId);
    return;
  }
  if (deps.apiKeys !== undefined && (apiKey === undefined || !deps.apiKeys.has(apiKey))) {
    const message = protocol.name === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided.';
    sendError(res, protocol, 401, message, requestId);
    return;
  }
  if (route.kind === 'generate') {
    await sendGeneration(deps, { protocol, apiKey, body, invalidJson, requestId, replyId: `mock${sequence}` }, res);
    return;
  }
  sendMetadata(deps, route, res, body, invalidJson, requestId);
}

/** Model lists, single models and count_tokens: never faulted. */
function sendMetadata(
  deps: MockHandlerDeps,
  route: Exclude<MockRoute, { kind: 'generate' }>,
  res: ServerResponse,
  body: unknown,
  invalidJson: boolean,
  requestId: string,
): void {
  const { protocol } = route;
  const anthropic = protocol.name === 'anthropic';
  switch (route.kind) {
    case 'models':
      sendJson(res, protocol, 200, anthropic ? deps.models.anthropicList : deps.models.openAIList, requestId);
      return;
    case 'model': {
      const model = anthropic ? deps.models.anthropicModel(route.id) : deps.models.openAIModel(route.id);
      if (model === undefined) {
        sendError(res, protocol, 404, `The model '${route.id}' does not exist`, requestId, 'model_not_found');
      } else {
        sendJson(res, protocol, 200, model, requestId);
      }
      return;
    }
    case 'count-tokens': {
      const read = invalidJson ? undefined : readAnthropicMessagesRequest(body, true);
      if (read === undefined || !read.ok) {
        sendError(res, protocol, 400, read?.message ?? 'The request body is not valid JSON.', requestId);
        return;
      }
      sendJson(res, protocol, 200, `{"input_tokens":${promptTokens(read.input.promptChars)}}`, requestId);
      return;
    }
  }
}
