import type { GatewayError, GatewayErrorCode } from '../../canonical/index.js';
import type { AnthropicErrorBody, AnthropicErrorType } from '../../wire/anthropic/index.js';

interface AnthropicErrorShape {
  /** Fixed status, or undefined to keep the error's own status (client errors, 5xx variants). */
  status?: number;
  type: AnthropicErrorType;
}

/** Per protocols.md §2.4 and §8.6. */
const SHAPES: Record<GatewayErrorCode, AnthropicErrorShape> = {
  invalid_request: { type: 'invalid_request_error' },
  authentication: { status: 401, type: 'authentication_error' },
  permission: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'not_found_error' },
  request_too_large: { status: 413, type: 'request_too_large' },
  context_length: { status: 400, type: 'invalid_request_error' },
  unprocessable: { type: 'invalid_request_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  quota_exhausted: { status: 429, type: 'rate_limit_error' },
  // 529 is Anthropic's "server busy": the SDK retries it, and it is not held against the client's key.
  overloaded: { status: 529, type: 'overloaded_error' },
  no_capacity: { status: 529, type: 'overloaded_error' },
  upstream_error: { type: 'api_error' },
  upstream_unreachable: { type: 'api_error' },
  bad_upstream_response: { type: 'api_error' },
  stream_interrupted: { type: 'api_error' },
  upstream_timeout: { status: 504, type: 'timeout_error' },
  client_closed: { status: 499, type: 'invalid_request_error' },
  not_implemented: { status: 501, type: 'api_error' },
  internal: { status: 500, type: 'api_error' },
};

function shapeOf(error: GatewayError): { status: number; type: AnthropicErrorType } {
  const shape = SHAPES[error.code] ?? { status: 500, type: 'api_error' };
  return { status: shape.status ?? error.status, type: shape.type };
}

function body(error: GatewayError, type: AnthropicErrorType): AnthropicErrorBody {
  return { type: 'error', error: { type, message: error.message } };
}

export interface EncodedHttpError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * GatewayError → Anthropic error response. `retry-after` (seconds) and `retry-after-ms` are set
 * whenever the error knows when to come back; the Anthropic SDK reads `retry-after-ms` first.
 */
export function encodeAnthropicError(error: GatewayError): EncodedHttpError {
  const { status, type } = shapeOf(error);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterMs !== undefined) {
    const ms = Math.max(0, Math.ceil(error.retryAfterMs));
    headers['retry-after'] = String(Math.ceil(ms / 1000));
    headers['retry-after-ms'] = String(ms);
  }
  return { status, headers, body: JSON.stringify(body(error, type)) };
}

/** The same error as an in-stream SSE frame, for failures after the 200 went out. */
export function encodeAnthropicStreamError(error: GatewayError): string {
  return `event: error\ndata: ${JSON.stringify(body(error, shapeOf(error).type))}\n\n`;
}
