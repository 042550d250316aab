import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayError } from '../canonical/index.js';
import type { RequestContext } from './request-context.js';
import type { EncodedError } from './send-response.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, rc: RequestContext) => Promise<void>;

/** One endpoint of one client protocol; errors on it are encoded in that protocol's shape. */
export interface Route {
  method: 'GET' | 'POST';
  /** Exact path, or a pattern for paths with parameters (Gemini's `/v1beta/models/{model}:action`). */
  path: string | RegExp;
  handle: RouteHandler;
  encodeError: (error: GatewayError) => EncodedError;
  /** Client protocol, for metrics and the request log. */
  protocol: string;
  /** Whether the gateway key is required (everything but /health). */
  public?: boolean;
}
