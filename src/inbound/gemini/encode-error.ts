import type { GatewayError, GatewayErrorCode } from '../../canonical/index.js';
import type { GeminiErrorBody, GeminiErrorDetail, GeminiErrorStatus } from '../../wire/gemini/index.js';

/** Per protocols.md §3.6 and §8.6: HTTP code and google.rpc status name. */
const SHAPES: Record<GatewayErrorCode, { code: number; status: GeminiErrorStatus }> = {
  invalid_request: { code: 400, status: 'INVALID_ARGUMENT' },
  // Google itself answers a bad API key with 400 INVALID_ARGUMENT; 401 UNAUTHENTICATED is what a
  // bad bearer gets and what SDKs understand as "credentials", so the gateway uses it.
  authentication: { code: 401, status: 'UNAUTHENTICATED' },
  permission: { code: 403, status: 'PERMISSION_DENIED' },
  not_found: { code: 404, status: 'NOT_FOUND' },
  model_not_found: { code: 404, status: 'NOT_FOUND' },
  request_too_large: { code: 400, status: 'INVALID_ARGUMENT' },
  context_length: { code: 400, status: 'INVALID_ARGUMENT' },
  unprocessable: { code: 400, status: 'INVALID_ARGUMENT' },
  rate_limited: { code: 429, status: 'RESOURCE_EXHAUSTED' },
  quota_exhausted: { code: 429, status: 'RESOURCE_EXHAUSTED' },
  overloaded: { code: 503, status: 'UNAVAILABLE' },
  no_capacity: { code: 503, status: 'UNAVAILABLE' },
  upstream_error: { code: 500, status: 'INTERNAL' },
  bad_upstream_response: { code: 500, status: 'INTERNAL' },
  stream_interrupted: { code: 500, status: 'INTERNAL' },
  upstream_unreachable: { code: 503, status: 'UNAVAILABLE' },
  upstream_timeout: { code: 504, status: 'DEADLINE_EXCEEDED' },
  client_closed: { code: 499, status: 'CANCELLED' },
  not_implemented: { code: 501, status: 'UNIMPLEMENTED' },
  internal: { code: 500, status: 'INTERNAL' },
};

/** A proto Duration string: whole seconds as `31s`, fractions as `0.5s`. */
export function formatRetryDelay(ms: number): string {
  const seconds = Math.max(0, Math.round(ms)) / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(3))}s`;
}

function errorBody(error: GatewayError): GeminiErrorBody {
  const shape = SHAPES[error.code] ?? { code: 500, status: 'INTERNAL' };
  const details: GeminiErrorDetail[] = [];
  if (error.retryAfterMs !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: formatRetryDelay(error.retryAfterMs) });
  }
  return {
    error: {
      code: shape.code,
      message: error.message,
      status: shape.status,
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

export interface EncodedHttpError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * GatewayError → Gemini (google.rpc.Status) error response. The wait before a retry travels the
 * Google way, as `RetryInfo.retryDelay`, and also as `retry-after` for generic HTTP clients.
 */
export function encodeGeminiError(error: GatewayError): EncodedHttpError {
  const body = errorBody(error);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(Math.max(0, error.retryAfterMs) / 1000));
  return { status: body.error.code, headers, body: JSON.stringify(body) };
}

/** The same error as a mid-stream chunk; the Gemini SDK throws `ApiError` with its `code`. */
export function encodeGeminiStreamError(error: GatewayError): string {
  return `data: ${JSON.stringify(errorBody(error))}\r\n\r\n`;
}
