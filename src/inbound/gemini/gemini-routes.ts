import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../canonical/index.js';
import { listModelIds } from '../../gateway/list-models.js';
import { resolveTarget } from '../../gateway/resolve-target.js';
import { ChatBody } from '../../gateway/chat-body.js';
import { decodePathSegment } from '../../http/decode-path-segment.js';
import { serveChat, type ChatEndpoint } from '../../gateway/serve-chat.js';
import { MAX_BODY_BYTES } from '../../http/max-body-bytes.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/request-context.js';
import type { Route } from '../../http/route.js';
import { sendJson } from '../../http/send-response.js';
import { estimateInputTokens } from '../anthropic/count-tokens-estimate.js';
import { decodeGeminiCountTokensRequest } from './decode-count-tokens-request.js';
import { decodeGeminiRequest, modelFromGeminiPath } from './decode-generate-content-request.js';
import { encodeGeminiCountTokens } from './encode-count-tokens.js';
import { encodeGeminiError, encodeGeminiStreamError } from './encode-error.js';
import { encodeGeminiResponse } from './encode-generate-content-response.js';
import { createGeminiStreamEncoder } from './encode-generate-content-stream.js';
import { encodeGeminiModels } from './encode-models.js';

/** `/v1beta/models/{model}:{action}`; the model may itself hold a colon (`pool:model`), the action follows the last one. */
const MODEL_ACTION = /^\/v1(?:beta)?\/models\/(.+):(generateContent|streamGenerateContent|countTokens)$/;

/** The model as the path names it (the decoders drop its `models/` prefix) and the action. */
function modelAndAction(rc: RequestContext): { model: string; action: string } {
  // The router chose this route by the same regex on the same path, so it matches.
  const match = MODEL_ACTION.exec(rc.path)!;
  const model = decodePathSegment(match[1]!);
  if (model === undefined) throw GatewayError.invalidRequest(`model in the path is not valid percent-encoding: ${match[1]}`, 'model');
  return { model, action: match[2]! };
}

function endpoint(modelFromPath: string, stream: boolean): ChatEndpoint {
  return {
    wireFormat: 'gemini',
    decode: (body) => decodeGeminiRequest(body, modelFromPath, stream),
    encodeResponse: (response, clientModel) => JSON.stringify(encodeGeminiResponse(response, clientModel)),
    streamEncoder: (clientModel) => createGeminiStreamEncoder({ clientModel }),
    encodeStreamError: encodeGeminiStreamError,
    opening: (body) => [body.systemInstruction, Array.isArray(body.contents) ? body.contents[0] : undefined],
  };
}

async function handleModelAction(req: IncomingMessage, res: ServerResponse, rc: RequestContext): Promise<void> {
  const { model, action } = modelAndAction(rc);
  const body = await readBody(req, MAX_BODY_BYTES);
  const parsed = parseJsonBody(body);
  if (action === 'countTokens') {
    const request = decodeGeminiCountTokensRequest(parsed, model);
    const header = req.headers['model-provider'];
    // Counted locally (an estimate): a count should not spend an upstream request.
    resolveTarget(rc.gateway, rc.pathPool, typeof header === 'string' ? header : undefined, request.model);
    sendJson(res, 200, encodeGeminiCountTokens(estimateInputTokens(request)));
    return;
  }
  // Without alt=sse Google streams a JSON array; every SDK asks for SSE, which is what we serve.
  const stream = action === 'streamGenerateContent';
  await serveChat(req, res, rc, ChatBody.of(body, parsed, modelFromGeminiPath(model)), endpoint(model, stream));
}

export const geminiRoutes: Route[] = [
  { method: 'POST', path: MODEL_ACTION, handle: handleModelAction, encodeError: encodeGeminiError, protocol: 'gemini' },
  {
    method: 'GET',
    path: '/v1beta/models',
    encodeError: encodeGeminiError,
    protocol: 'gemini',
    handle: async (req, res, rc) => {
      const header = req.headers['model-provider'];
      sendJson(res, 200, encodeGeminiModels(listModelIds(rc.gateway, rc.pathPool ?? (typeof header === 'string' ? header : undefined))));
    },
  },
];
