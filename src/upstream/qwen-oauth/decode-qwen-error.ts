import { GatewayError } from '../../canonical/index.js';
import { decodeOpenAIUpstreamError, extractOpenAIErrorFields } from '../openai-custom/decode-openai-error.js';

type HeaderBag = Record<string, string | string[] | undefined>;

const QUOTA_CODE = /insufficient_quota|quota_exceeded/i;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Milliseconds from `now` until the next 00:00 Beijing time (UTC+8), when Qwen's daily quota resets. */
export function msUntilBeijingMidnight(now: number): number {
  const beijing = now + BEIJING_OFFSET_MS;
  return DAY_MS - (((beijing % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * OpenAI-style errors, except that Qwen's quota envelope (`insufficient_quota` / `quota_exceeded`,
 * sent as 429 or 403) is quota exhaustion until the daily reset, not a permission problem that a
 * token refresh could fix.
 */
export function decodeQwenUpstreamError(status: number, headers: HeaderBag, bodyText: string, now: number): GatewayError {
  const decoded = decodeOpenAIUpstreamError(status, headers, bodyText, now);
  if (status !== 403 && status !== 429) return decoded;
  let code: string | undefined;
  try {
    const fields = extractOpenAIErrorFields(JSON.parse(bodyText));
    code = [fields?.type, fields?.code].filter(Boolean).join(' ');
  } catch {
    code = undefined;
  }
  if (code === undefined || !QUOTA_CODE.test(code)) return decoded;
  return new GatewayError('quota_exhausted', decoded.message, {
    upstreamStatus: status,
    retryAfterMs: decoded.retryAfterMs ?? msUntilBeijingMidnight(now),
  });
}
