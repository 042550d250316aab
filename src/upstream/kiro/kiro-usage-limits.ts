import { GatewayError } from '../../canonical/index.js';
import { findResetTime, nextMonthlyResetMs } from './decode-kiro-error.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(...values: unknown[]): number | undefined {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/**
 * Reads a `getUsageLimits` answer: `quota_exhausted` (cooling until the named reset, else the
 * first of next month UTC) when every listed allowance, free trial included, is used up;
 * `undefined` when something is left or the answer has no usable numbers.
 */
export function kiroUsageLimitsError(body: unknown, now: number): GatewayError | undefined {
  if (!isObject(body) || !Array.isArray(body['usageBreakdownList'])) return undefined;
  let known = 0;
  let left = 0;
  let reset = findResetTime(body);
  for (const item of body['usageBreakdownList'] as unknown[]) {
    if (!isObject(item)) continue;
    reset ??= findResetTime(item);
    const allowances: Json[] = [item];
    if (isObject(item['freeTrialInfo'])) allowances.push(item['freeTrialInfo']);
    for (const allowance of allowances) {
      const limit = num(allowance['usageLimitWithPrecision'], allowance['usageLimit']);
      const used = num(allowance['currentUsageWithPrecision'], allowance['currentUsage']);
      if (limit === undefined || used === undefined) continue;
      known++;
      left += Math.max(0, limit - used);
    }
  }
  if (known === 0 || left > 0) return undefined;
  const resetAt = reset ?? nextMonthlyResetMs(now);
  return new GatewayError('quota_exhausted', 'Kiro usage limits: the monthly allowance is used up', { retryAfterMs: Math.max(0, resetAt - now) });
}
