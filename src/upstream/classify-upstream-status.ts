import { GatewayError, type GatewayErrorCode } from '../canonical/index.js';
import { parseRetryAfterMs } from './parse-retry-after.js';

export interface UpstreamErrorDetails {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Message extracted from the upstream's error body by the format's own decoder. */
  message: string;
  /** The upstream's own error type/code string, when its body had one. */
  upstreamCode?: string;
  /** Reset time found in the body (Google RetryInfo, Anthropic reset headers), in ms from now. */
  retryAfterMs?: number;
  now: number;
}

const CONTEXT_LENGTH = /context.length|context_length|too many tokens|prompt is too long|maximum context/i;
const QUOTA = /insufficient_quota|quota|billing|credit/i;

/**
 * Maps an upstream HTTP failure to a GatewayError. The classification decides what the pool does:
 * 429/quota cool until the reset, 5xx count toward MAX_ERROR_COUNT, 401/403 cool for long, and
 * request-caused errors (400, 404, 413, 422) are neither retried nor held against the instance.
 */
export function classifyUpstreamStatus(details: UpstreamErrorDetails): GatewayError {
  const { status, message } = details;
  const retryAfterMs = details.retryAfterMs ?? parseRetryAfterMs(details.headers, details.now);
  const upstreamCode = details.upstreamCode ?? '';
  let code: GatewayErrorCode;
  let origin: 'client' | 'upstream' = 'upstream';
  if (status === 429) {
    code = QUOTA.test(upstreamCode) ? 'quota_exhausted' : 'rate_limited';
  } else if (status === 402) {
    code = 'quota_exhausted';
  } else if (status === 401) {
    code = 'authentication';
  } else if (status === 403) {
    code = 'permission';
  } else if (status === 404) {
    code = /model/i.test(message) || /model/i.test(upstreamCode) ? 'model_not_found' : 'not_found';
    origin = 'client';
  } else if (status === 413) {
    code = 'request_too_large';
    origin = 'client';
  } else if (status === 422) {
    code = 'unprocessable';
    origin = 'client';
  } else if (status === 408) {
    code = 'upstream_timeout';
  } else if (status === 529 || status === 503) {
    code = 'overloaded';
  } else if (status >= 500) {
    code = 'upstream_error';
  } else if (status === 400 && (CONTEXT_LENGTH.test(message) || CONTEXT_LENGTH.test(upstreamCode))) {
    code = 'context_length';
    origin = 'client';
  } else {
    code = 'invalid_request';
    origin = 'client';
  }
  return new GatewayError(code, message || `upstream answered HTTP ${status}`, {
    upstreamStatus: status,
    origin,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    // Keep the upstream's own status for client errors so the client sees what it sent wrong.
    ...(origin === 'client' ? { status } : {}),
  });
}
