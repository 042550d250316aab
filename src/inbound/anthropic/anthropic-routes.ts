import { resolveTarget } from '../../gateway/resolve-target.js';
import { MAX_BODY_BYTES } from '../../http/max-body-bytes.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { readBody } from '../../http/read-body.js';
import type { Route } from '../../http/route.js';
import { sendJson } from '../../http/send-response.js';
import { estimateInputTokens } from './count-tokens-estimate.js';
import { decodeAnthropicCountTokensRequest } from './decode-count-tokens-request.js';
import { encodeAnthropicCountTokens } from './encode-count-tokens.js';
import { encodeAnthropicError } from './encode-error.js';
import { handleMessages } from './messages-route.js';

export const anthropicRoutes: Route[] = [
  { method: 'POST', path: '/v1/messages', handle: handleMessages, encodeError: encodeAnthropicError, protocol: 'anthropic' },
  {
    method: 'POST',
    path: '/v1/messages/count_tokens',
    encodeError: encodeAnthropicError,
    protocol: 'anthropic',
    handle: async (req, res, rc) => {
      const parsed = parseJsonBody(await readBody(req, MAX_BODY_BYTES));
      const request = decodeAnthropicCountTokensRequest(parsed);
      const header = req.headers['model-provider'];
      // Validates the pool choice like a real request would, then counts locally: no upstream
      // quota is spent on a count.
      resolveTarget(rc.gateway, rc.pathPool, typeof header === 'string' ? header : undefined, request.model);
      sendJson(res, 200, encodeAnthropicCountTokens(estimateInputTokens(request)));
    },
  },
];
