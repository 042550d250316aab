import { healthSummary } from '../../gateway/health-summary.js';
import { listModelIds } from '../../gateway/list-models.js';
import type { Route } from '../../http/route.js';
import { sendJson } from '../../http/send-response.js';
import { handleChatCompletions } from './chat-completions-route.js';
import { handleResponses } from '../openai-responses/responses-route.js';
import { encodeOpenAIError } from './encode-error.js';
import { encodeOpenAIModels } from './encode-models.js';
import { encodeAnthropicModels } from '../anthropic/encode-models.js';

export const openAIRoutes: Route[] = [
  { method: 'POST', path: '/v1/chat/completions', handle: handleChatCompletions, encodeError: encodeOpenAIError, protocol: 'openai' },
  { method: 'POST', path: '/v1/responses', handle: handleResponses, encodeError: encodeOpenAIError, protocol: 'openai-responses' },
  {
    method: 'GET',
    path: '/v1/models',
    encodeError: encodeOpenAIError,
    protocol: 'openai',
    handle: async (req, res, rc) => {
      const header = req.headers['model-provider'];
      const ids = listModelIds(rc.gateway, rc.pathPool ?? (typeof header === 'string' ? header : undefined));
      // One path, two protocols: Anthropic clients always send anthropic-version.
      sendJson(res, 200, req.headers['anthropic-version'] ? encodeAnthropicModels(ids) : encodeOpenAIModels(ids));
    },
  },
  {
    method: 'GET',
    path: '/health',
    public: true,
    encodeError: encodeOpenAIError,
    protocol: 'none',
    handle: async (_req, res, rc) => {
      const pools = healthSummary(rc.gateway);
      const serving = pools.some((pool) => pool.healthy + pool.probing > 0);
      sendJson(res, serving ? 200 : 503, { status: serving ? 'ok' : 'degraded', pools });
    },
  },
];
