import { GatewayError } from '../../canonical/index.js';
import { decodeGeminiUpstreamError } from '../gemini/decode-gemini-error.js';

type HeaderBag = Record<string, string | string[] | undefined>;
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go-style duration as in `quotaResetDelay` (`"2h1m"`, `"31.5s"`, `"500ms"`) → ms. */
export function parseGoDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) total += Number(match[1]) * unit[match[2]!]!;
  return Math.ceil(total);
}

interface ErrorInfo {
  reason?: string;
  metadata: Json;
}

function readErrorInfo(bodyText: string): { info: ErrorInfo | undefined; hasRetryInfo: boolean } {
  let payload: unknown;
  try {
    // gemini-cli sanitises a known corruption (`,\n ,` double commas) before parsing.
    payload = JSON.parse(bodyText.replace(/,(\s*),/g, ',$1'));
  } catch {
    return { info: undefined, hasRetryInfo: false };
  }
  const root = Array.isArray(payload) ? payload[0] : payload;
  const error = isObject(root) && isObject(root['error']) ? root['error'] : undefined;
  const details = error && Array.isArray(error['details']) ? error['details'].filter(isObject) : [];
  let info: ErrorInfo | undefined;
  let hasRetryInfo = false;
  for (const detail of details) {
    const type = String(detail['@type'] ?? '');
    if (type.endsWith('google.rpc.ErrorInfo')) {
      info = {
        ...(typeof detail['reason'] === 'string' ? { reason: detail['reason'] } : {}),
        metadata: isObject(detail['metadata']) ? detail['metadata'] : {},
      };
    }
    if (type.endsWith('google.rpc.RetryInfo') && typeof detail['retryDelay'] === 'string') hasRetryInfo = true;
  }
  return { info, hasRetryInfo };
}

/** Reasons gemini-cli treats as terminal for this account: waiting seconds will not help. */
const QUOTA_REASONS = new Set(['QUOTA_EXHAUSTED', 'INSUFFICIENT_G1_CREDITS_BALANCE']);
const CAPACITY_REASONS = new Set(['MODEL_CAPACITY_EXHAUSTED', 'MODEL_CAPACITY_EXCEEDED']);

function withCode(base: GatewayError, code: GatewayError['code'], retryAfterMs: number | undefined): GatewayError {
  return new GatewayError(code, base.message, {
    ...(base.upstreamStatus !== undefined ? { upstreamStatus: base.upstreamStatus } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    origin: 'upstream',
  });
}

/**
 * A non-2xx answer from cloudcode-pa (google.rpc.Status, protocols.md §4.6) → GatewayError.
 * The Gemini decoder does the common work (RetryInfo.retryDelay → `retryAfterMs`, status
 * classes); on top, the Code Assist `ErrorInfo` refines it: QUOTA_EXHAUSTED and credit exhaustion
 * are `quota_exhausted` (reset from RetryInfo, else `quotaResetDelay`/`quotaResetTimeStamp`),
 * model capacity is `overloaded`, and VALIDATION_REQUIRED is `permission` (the account needs a
 * human to verify it).
 */
export function decodeCodeAssistUpstreamError(status: number, headers: HeaderBag, bodyText: string, now: number): GatewayError {
  const base = decodeGeminiUpstreamError(status, headers, bodyText, now);
  const { info, hasRetryInfo } = readErrorInfo(bodyText);
  if (info?.reason === undefined) return base;
  let retryAfterMs = base.retryAfterMs;
  if (!hasRetryInfo) {
    const delay = parseGoDurationMs(info.metadata['quotaResetDelay']);
    const stamp = typeof info.metadata['quotaResetTimeStamp'] === 'string' ? Date.parse(info.metadata['quotaResetTimeStamp']) : Number.NaN;
    retryAfterMs = delay ?? (Number.isFinite(stamp) ? Math.max(0, stamp - now) : retryAfterMs);
  }
  if (QUOTA_REASONS.has(info.reason)) return withCode(base, 'quota_exhausted', retryAfterMs);
  if (info.reason === 'RATE_LIMIT_EXCEEDED') return withCode(base, 'rate_limited', retryAfterMs);
  if (CAPACITY_REASONS.has(info.reason)) return withCode(base, 'overloaded', retryAfterMs);
  if (info.reason === 'VALIDATION_REQUIRED') return withCode(base, 'permission', undefined);
  return base;
}
