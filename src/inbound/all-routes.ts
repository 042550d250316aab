import type { IncomingHttpHeaders } from 'node:http';
import { adminRoutes } from '../admin/admin-routes.js';
import type { GatewayError } from '../canonical/index.js';
import type { EncodedError } from '../http/send-response.js';
import type { Route } from '../http/route.js';
import { anthropicRoutes } from './anthropic/anthropic-routes.js';
import { encodeAnthropicError } from './anthropic/encode-error.js';
import { encodeGeminiError } from './gemini/encode-error.js';
import { geminiRoutes } from './gemini/gemini-routes.js';
import { encodeOpenAIError } from './openai/encode-error.js';
import { openAIRoutes } from './openai/openai-routes.js';

/** Every client protocol's endpoints. A new protocol is a folder under inbound/ and one line here. */
export const allRoutes: Route[] = [...openAIRoutes, ...anthropicRoutes, ...geminiRoutes, ...adminRoutes];

/**
 * The error shape for a path no route matches, guessed from what the client sent: Gemini SDKs
 * call `/v1beta/...` (e.g. `models.get`), Anthropic SDKs always send `anthropic-version`
 * (e.g. `models.retrieve`); everything else gets OpenAI's.
 */
export function fallbackEncodeError(error: GatewayError, path: string, headers: IncomingHttpHeaders): EncodedError {
  if (path.startsWith('/v1beta/')) return encodeGeminiError(error);
  if (headers['anthropic-version'] !== undefined) return encodeAnthropicError(error);
  return encodeOpenAIError(error);
}
