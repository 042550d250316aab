import { GatewayError } from '../../canonical/index.js';
import type { KiroEventFrame } from '../../wire/kiro/index.js';
import { classifyUpstreamStatus } from '../classify-upstream-status.js';
import { isTokenProblem } from '../token-problem.js';

type HeaderBag = Record<string, string | string[] | undefined>;
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}


/** First day of the month after `now`, 00:00 UTC: when Kiro's monthly quota resets. */
export function nextMonthlyResetMs(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** A reset time found in a body: epoch seconds / ms or an ISO string. */
function parseResetTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return parseResetTime(Number(value));
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/** The reset time a Kiro body names, if any (`nextDateReset`, `resetDate`, `resetAt`, `resetTime`). */
export function findResetTime(body: unknown): number | undefined {
  if (!isObject(body)) return undefined;
  for (const key of ['nextDateReset', 'resetDate', 'resetAt', 'resetTime', 'resetsAt']) {
    const ms = parseResetTime(body[key]);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

function quotaExhausted(message: string, body: unknown, status: number | undefined, now: number): GatewayError {
  const resetAt = findResetTime(body) ?? nextMonthlyResetMs(now);
  return new GatewayError('quota_exhausted', message || 'Kiro quota exhausted', {
    retryAfterMs: Math.max(0, resetAt - now),
    ...(status !== undefined ? { upstreamStatus: status } : {}),
  });
}

/** Whether an error from a Kiro call means "refresh the token and try once more". */
export function isKiroTokenRejection(error: unknown): boolean {
  return error instanceof GatewayError && error.code === 'authentication' && (error.upstreamStatus === 401 || error.upstreamStatus === 403);
}

/**
 * A non-2xx Kiro answer (protocols.md §5.5) → GatewayError. 402 is the monthly quota
 * (`quota_exhausted` until the reset the body names, else the first of next month UTC); a 401,
 * or a 403 about the bearer token, is `authentication` (the adapter refreshes and retries once);
 * a 403 about the account stays `permission`; `CONTENT_LENGTH_EXCEEDS_THRESHOLD` is
 * `context_length`; the rest goes through classifyUpstreamStatus.
 */
export function decodeKiroUpstreamError(status: number, headers: HeaderBag, bodyText: string, now: number): GatewayError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const fields = isObject(body) ? body : {};
  const rawMessage = fields['message'] ?? fields['Message'] ?? fields['error_description'];
  const message = typeof rawMessage === 'string' ? rawMessage : bodyText.slice(0, 300);
  const reason = typeof fields['reason'] === 'string' ? fields['reason'] : '';
  const errorType = (header(headers, 'x-amzn-errortype') ?? (typeof fields['__type'] === 'string' ? fields['__type'] : '')).split(':')[0]!.split('#').pop() ?? '';
  const described = reason ? `${message} (${reason})` : message;

  if (status === 402) return quotaExhausted(`Kiro quota exhausted: ${described}`, body, status, now);
  if (status === 401 || (status === 403 && isTokenProblem(message))) {
    return new GatewayError('authentication', `Kiro rejected the access token: ${described}`, { upstreamStatus: status });
  }
  if (status === 400 && (/CONTENT_LENGTH_EXCEEDS_THRESHOLD/.test(reason) || /content length exceeds/i.test(message))) {
    return new GatewayError('context_length', `Kiro: ${described}`, { upstreamStatus: status, status: 400, origin: 'client' });
  }
  return classifyUpstreamStatus({
    status,
    headers,
    message: described ? `Kiro: ${described}` : '',
    upstreamCode: [errorType, reason].filter(Boolean).join(' '),
    now,
  });
}

const STREAM_ERROR_EVENTS: Record<string, number> = {
  throttlingError: 429,
  throttlingException: 429,
  validationError: 400,
  validationException: 400,
  internalServerError: 500,
  internalServerException: 500,
  serviceUnavailableError: 503,
  serviceUnavailableException: 503,
  accessDeniedError: 403,
  accessDeniedException: 403,
  error: 500,
};

/** Event-member style errors some Kiro variants send as `:message-type: event`. */
export function isKiroErrorEvent(eventType: string): boolean {
  return Object.hasOwn(STREAM_ERROR_EVENTS, eventType) || Object.hasOwn(STREAM_ERROR_EVENTS, lowerFirst(eventType));
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * An exception / error frame inside a 200 stream → GatewayError, classified like the HTTP status
 * the same exception has outside a stream (Throttling 429, Validation 400, InternalServer 500,
 * ServiceUnavailable 503, AccessDenied 403).
 */
export function decodeKiroStreamError(frame: KiroEventFrame, now: number): GatewayError {
  const payload = isObject(frame.payload) ? frame.payload : {};
  const rawMessage = payload['message'] ?? payload['Message'];
  const message = typeof rawMessage === 'string' && rawMessage !== '' ? rawMessage : frame.eventType || 'unknown error';
  const name = lowerFirst(frame.eventType);
  let status = STREAM_ERROR_EVENTS[name];
  if (status === undefined) {
    if (/throttl|toomany/i.test(name)) status = 429;
    else if (/quota|limitexceeded/i.test(name)) status = 402;
    else if (/validation/i.test(name)) status = 400;
    else if (/accessdenied|unauthori/i.test(name)) status = 403;
    else if (/unavailable/i.test(name)) status = 503;
    else status = 500;
  }
  const reason = typeof payload['reason'] === 'string' ? payload['reason'] : '';
  const error = decodeKiroUpstreamError(status, { 'x-amzn-errortype': frame.eventType }, JSON.stringify({ message, ...(reason ? { reason } : {}) }), now);
  return error;
}
