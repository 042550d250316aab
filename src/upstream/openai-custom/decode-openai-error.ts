import { GatewayError } from '../../canonical/index.js';
import { classifyUpstreamStatus } from '../classify-upstream-status.js';
import { parseRetryAfterMs } from '../parse-retry-after.js';

type HeaderBag = Record<string, string | string[] | undefined>;

export interface OpenAIErrorFields {
  message: string;
  type?: string;
  code?: string;
  /** OpenRouter puts the upstream HTTP status in `error.code` (a number). */
  status?: number;
}

const MAX_MESSAGE_CHARS = 500;

/**
 * Reads message/type/code from an OpenAI-style error payload, tolerating the shapes compatible
 * servers use instead of the envelope: `{"error":"text"}`, `{"message":…}`, `{"detail":…}`
 * (FastAPI, also as a list of `{msg}`), and a one-element array around any of them.
 */
export function extractOpenAIErrorFields(payload: unknown): OpenAIErrorFields | undefined {
  if (Array.isArray(payload)) return payload.length > 0 ? extractOpenAIErrorFields(payload[0]) : undefined;
  if (typeof payload !== 'object' || payload === null) return undefined;
  const root = payload as Record<string, unknown>;
  const inner = root.error;
  if (typeof inner === 'string') return { message: inner };
  const source = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : root;
  let message = stringField(source.message);
  if (message === undefined) {
    const detail = source.detail ?? root.detail;
    if (typeof detail === 'string') message = detail;
    else if (Array.isArray(detail)) {
      message = detail
        .map((item) => (typeof item === 'object' && item !== null ? stringField((item as Record<string, unknown>).msg) : undefined))
        .filter((item): item is string => item !== undefined)
        .join('; ');
    }
  }
  const type = stringField(source.type);
  const rawCode = source.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const status = typeof rawCode === 'number' && rawCode >= 400 && rawCode <= 599 ? rawCode : undefined;
  if (message === undefined && type === undefined && code === undefined) return undefined;
  const fields: OpenAIErrorFields = { message: message ?? '' };
  if (type !== undefined) fields.type = type;
  if (code !== undefined) fields.code = code;
  if (status !== undefined) fields.status = status;
  return fields;
}

/**
 * Classifies a non-2xx answer from an OpenAI-compatible upstream. The body may be any of the
 * shapes above, plain text or an HTML error page. For 429s without `retry-after`, the reset time
 * comes from OpenAI's `x-ratelimit-reset-*` headers of the exhausted limit or from the message's
 * "try again in 1.5s".
 */
export function decodeOpenAIUpstreamError(status: number, headers: HeaderBag, bodyText: string, now: number): GatewayError {
  let fields: OpenAIErrorFields | undefined;
  try {
    fields = extractOpenAIErrorFields(JSON.parse(bodyText));
  } catch {
    fields = undefined;
  }
  const message = fields?.message || plainTextMessage(bodyText) || `upstream answered HTTP ${status}`;
  const upstreamCode = [fields?.type, fields?.code].filter((part) => part !== undefined && part !== '').join(' ');
  let retryAfterMs = parseRetryAfterMs(headers, now);
  if (retryAfterMs === undefined && status === 429) retryAfterMs = rateLimitResetMs(headers) ?? retryInMessageMs(message);
  return classifyUpstreamStatus({
    status,
    headers,
    message: truncate(message),
    ...(upstreamCode ? { upstreamCode } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    now,
  });
}

/**
 * An error delivered inside a 200 response (an SSE `data: {"error":…}` or a JSON body with an
 * `error` key). OpenRouter includes the HTTP status it would have sent; use it when present.
 */
export function decodeOpenAIInStreamError(payload: unknown): GatewayError {
  const fields = extractOpenAIErrorFields(payload);
  const message = truncate(fields?.message || 'the upstream reported an error in its response');
  const upstreamCode = [fields?.type, fields?.code].filter(Boolean).join(' ');
  if (fields?.status !== undefined) {
    // No headers in a body, so the clock is never read.
    return classifyUpstreamStatus({ status: fields.status, headers: {}, message, ...(upstreamCode ? { upstreamCode } : {}), now: 0 });
  }
  if (/insufficient_quota/i.test(upstreamCode)) return new GatewayError('quota_exhausted', message);
  if (/rate_limit/i.test(upstreamCode)) return new GatewayError('rate_limited', message);
  if (/context_length/i.test(upstreamCode)) return new GatewayError('context_length', message, { origin: 'client' });
  return new GatewayError('upstream_error', message);
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function plainTextMessage(bodyText: string): string | undefined {
  const text = bodyText.trim();
  // An HTML error page (proxy, CDN) says nothing a client can use.
  if (text.length === 0 || text.startsWith('<')) return undefined;
  return text;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}

function firstHeader(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `x-ratelimit-reset-requests|tokens` of the limit whose `remaining` is 0 (Go durations). */
function rateLimitResetMs(headers: HeaderBag): number | undefined {
  let result: number | undefined;
  for (const kind of ['requests', 'tokens']) {
    if (firstHeader(headers, `x-ratelimit-remaining-${kind}`)?.trim() !== '0') continue;
    const reset = firstHeader(headers, `x-ratelimit-reset-${kind}`);
    const ms = reset === undefined ? undefined : parseGoDurationMs(reset);
    if (ms !== undefined) result = Math.max(result ?? 0, ms);
  }
  return result;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/** Parses Go-style durations as OpenAI sends them: `1s`, `6m0s`, `120ms`, `1h2m3.5s`. */
export function parseGoDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(DURATION_PART)) {
    const value = Number(match[1]);
    const unit = match[2];
    total += unit === 'h' ? value * 3_600_000 : unit === 'm' ? value * 60_000 : unit === 's' ? value * 1000 : value;
  }
  return Math.ceil(total);
}

/** "Please try again in 20s" / "in 1.234s" / "in 350ms" / "in 6m0s" in OpenAI rate-limit messages. */
function retryInMessageMs(message: string): number | undefined {
  const match = /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message);
  return match ? parseGoDurationMs(match[1]!) : undefined;
}
