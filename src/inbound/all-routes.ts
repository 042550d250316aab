import { adminRoutes } from '../admin/admin-routes.js';
import type { Route } from '../http/route.js';
import { anthropicRoutes } from './anthropic/anthropic-routes.js';
import { geminiRoutes } from './gemini/gemini-routes.js';
import { encodeOpenAIError } from './openai/encode-error.js';
import { openAIRoutes } from './openai/openai-routes.js';

/** Every client protocol's endpoints. A new protocol is a folder under inbound/ and one line here. */
export const allRoutes: Route[] = [...openAIRoutes, ...anthropicRoutes, ...geminiRoutes, ...adminRoutes];

export const fallbackEncodeError = encodeOpenAIError;
