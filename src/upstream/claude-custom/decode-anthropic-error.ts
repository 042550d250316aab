import { GatewayError } from '../../canonical/index.js';
import { classifyUpstreamStatus } from '../classify-upstream-status.js';

type HeaderBag = Record<string, string | string[] | undefined>;

/** Anthropic's `error.type` → the HTTP status it comes with (protocols.md §2.4). */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const MAX_MESSAGE_CHARS = 500;

interface ParsedErrorBody {
  type?: string;
  message: string;
}

/** Reads `{type:"error", error:{type, message}}`, or the shapes compatible vendors use instead. */
function parseErrorBody(bodyText: string): ParsedErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { message: bodyText.slice(0, MAX_MESSAGE_CHARS).trim() };
  }
  if (typeof parsed !== 'object' || parsed === null) return { message: bodyText.slice(0, MAX_MESSAGE_CHARS).trim() };
  const record = parsed as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'object' && error !== null) {
    const inner = error as Record<string, unknown>;
    return {
      ...(typeof inner['type'] === 'string' ? { type: inner['type'] } : {}),
      message: typeof inner['message'] === 'string' ? inner['message'] : JSON.stringify(error).slice(0, MAX_MESSAGE_CHARS),
    };
  }
  if (typeof error === 'string') return { message: error };
  for (const key of ['message', 'detail']) {
    if (typeof record[key] === 'string') return { message: record[key] as string };
  }
  return { message: bodyText.slice(0, MAX_MESSAGE_CHARS).trim() };
}

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const RATE_LIMIT_KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'];

/**
 * When Anthropic sends no `retry-after`, its `anthropic-ratelimit-<kind>-reset` headers (RFC 3339)
 * still say when capacity returns: wait for the latest reset among the exhausted limits
 * (`-remaining: 0`), or else for the earliest reset announced.
 */
function resetFromRateLimitHeaders(headers: HeaderBag, now: number): number | undefined {
  let exhausted: number | undefined;
  let earliest: number | undefined;
  for (const kind of RATE_LIMIT_KINDS) {
    const reset = header(headers, `anthropic-ratelimit-${kind}-reset`);
    if (reset === undefined) continue;
    const at = Date.parse(reset);
    if (Number.isNaN(at)) continue;
    const waitMs = Math.max(0, at - now);
    if (header(headers, `anthropic-ratelimit-${kind}-remaining`)?.trim() === '0') {
      exhausted = Math.max(exhausted ?? 0, waitMs);
    }
    earliest = Math.min(earliest ?? Number.POSITIVE_INFINITY, waitMs);
  }
  return exhausted ?? earliest;
}

/** Refines what the status alone cannot tell: Anthropic's own type says overloaded or timeout. */
function refine(error: GatewayError, type: string | undefined): GatewayError {
  const code = type === 'overloaded_error' ? 'overloaded' : type === 'timeout_error' ? 'upstream_timeout' : undefined;
  if (code === undefined || error.code === code || error.origin === 'client') return error;
  return new GatewayError(code, error.message, {
    ...(error.upstreamStatus !== undefined ? { upstreamStatus: error.upstreamStatus } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });
}

/** A non-2xx answer from an Anthropic-compatible upstream → GatewayError. */
export function decodeAnthropicUpstreamError(status: number, headers: HeaderBag, bodyText: string, now: number): GatewayError {
  const parsed = parseErrorBody(bodyText);
  const hasRetryAfter = header(headers, 'retry-after') !== undefined || header(headers, 'retry-after-ms') !== undefined;
  const reset = status === 429 && !hasRetryAfter ? resetFromRateLimitHeaders(headers, now) : undefined;
  const error = classifyUpstreamStatus({
    status,
    headers,
    message: parsed.message,
    ...(parsed.type !== undefined ? { upstreamCode: parsed.type } : {}),
    ...(reset !== undefined ? { retryAfterMs: reset } : {}),
    now,
  });
  return refine(error, parsed.type);
}

/**
 * An `event: error` inside a 200 stream (`{"type":"error","error":{"type":"overloaded_error",...}}`):
 * the status is implied by the error type.
 */
export function decodeAnthropicStreamError(payload: unknown, now: number): GatewayError {
  const error = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)['error'] : undefined;
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const type = typeof record['type'] === 'string' ? record['type'] : undefined;
  const message = typeof record['message'] === 'string' ? record['message'] : 'upstream reported an error mid-stream';
  const status = (type !== undefined ? STATUS_OF_TYPE[type] : undefined) ?? 500;
  return refine(
    classifyUpstreamStatus({ status, headers: {}, message, ...(type !== undefined ? { upstreamCode: type } : {}), now }),
    type,
  );
}
