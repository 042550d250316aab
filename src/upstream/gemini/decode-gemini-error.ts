import { GatewayError } from '../../canonical/index.js';
import { classifyUpstreamStatus } from '../classify-upstream-status.js';

type HeaderBag = Record<string, string | string[] | undefined>;
type Json = Record<string, unknown>;

const MAX_MESSAGE_CHARS = 500;

/** google.rpc status name → HTTP status, for errors that arrive inside a 200 stream. */
const HTTP_OF_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Proto Duration `"31s"`, `"0.5s"`, `"1.250s"` → ms. */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

interface GoogleStatus {
  code?: number;
  message: string;
  status?: string;
  details: Json[];
}

function readStatus(payload: unknown): GoogleStatus | undefined {
  // streamGenerateContent without alt=sse answers errors as a one-element array.
  const root = Array.isArray(payload) ? payload[0] : payload;
  if (!isObject(root) || !isObject(root['error'])) return undefined;
  const error = root['error'];
  return {
    ...(typeof error['code'] === 'number' ? { code: error['code'] } : {}),
    message: typeof error['message'] === 'string' ? error['message'] : '',
    ...(typeof error['status'] === 'string' ? { status: error['status'] } : {}),
    details: Array.isArray(error['details']) ? error['details'].filter(isObject) : [],
  };
}

/**
 * When to retry: `RetryInfo.retryDelay`, else the "Please retry in 31.2s" of the message. Whether
 * the quota is a daily one (`QuotaFailure` quotaId `...PerDay...`): then it is quota exhaustion,
 * to be handled by switching credentials, not by waiting a few seconds.
 */
function retryHints(status: GoogleStatus): { retryAfterMs?: number; daily: boolean; badKey: boolean } {
  let retryAfterMs: number | undefined;
  let daily = false;
  let badKey = false;
  for (const detail of status.details) {
    const type = String(detail['@type'] ?? '');
    if (type.endsWith('google.rpc.RetryInfo')) retryAfterMs = durationMs(detail['retryDelay']) ?? retryAfterMs;
    if (type.endsWith('google.rpc.QuotaFailure') && Array.isArray(detail['violations'])) {
      daily ||= detail['violations'].some((v) => isObject(v) && /PerDay/i.test(String(v['quotaId'] ?? '')));
    }
    if (type.endsWith('google.rpc.ErrorInfo') && detail['reason'] === 'API_KEY_INVALID') badKey = true;
  }
  if (retryAfterMs === undefined) {
    const match = /retry in (\d+(?:\.\d+)?)\s*s/i.exec(status.message);
    if (match) retryAfterMs = Math.ceil(Number(match[1]) * 1000);
  }
  badKey ||= /API key not valid/i.test(status.message);
  return { ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), daily, badKey };
}

function classify(httpStatus: number, status: GoogleStatus | undefined, fallbackMessage: string, headers: HeaderBag, now: number): GatewayError {
  const message = status?.message || fallbackMessage;
  const hints = status ? retryHints(status) : { daily: false, badKey: false };
  // Google answers a bad API key with 400 INVALID_ARGUMENT: it is the credential's fault.
  if (hints.badKey) return new GatewayError('authentication', message, { upstreamStatus: httpStatus });
  const upstreamCode = hints.daily ? 'daily_quota' : status?.status;
  return classifyUpstreamStatus({
    status: httpStatus,
    headers,
    message,
    ...(upstreamCode !== undefined ? { upstreamCode } : {}),
    ...(hints.retryAfterMs !== undefined ? { retryAfterMs: hints.retryAfterMs } : {}),
    now,
  });
}

/** A non-2xx answer from a Gemini API upstream (google.rpc.Status body) → GatewayError. */
export function decodeGeminiUpstreamError(status: number, headers: HeaderBag, bodyText: string, now: number): GatewayError {
  let payload: unknown;
  try {
    payload = JSON.parse(bodyText);
  } catch {
    payload = undefined;
  }
  return classify(status, readStatus(payload), bodyText.slice(0, MAX_MESSAGE_CHARS).trim(), headers, now);
}

/** An `{"error": {...}}` chunk inside a 200 stream: the HTTP status is implied by `code`/`status`. */
export function decodeGeminiStreamError(payload: unknown, now: number): GatewayError {
  const status = readStatus(payload);
  const httpStatus = status?.code ?? (status?.status !== undefined ? HTTP_OF_STATUS[status.status] : undefined) ?? 500;
  return classify(httpStatus, status, 'Gemini upstream reported an error mid-stream', {}, now);
}
