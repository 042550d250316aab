import { describe, expect, it } from 'vitest';
import { decodeKiroUpstreamError, isKiroTokenRejection, nextMonthlyResetMs } from './decode-kiro-error.js';
import { kiroUsageLimitsError } from './kiro-usage-limits.js';

const NOW = Date.UTC(2026, 6, 15, 12, 0, 0);
const decode = (status: number, body: unknown, headers: Record<string, string> = {}) => decodeKiroUpstreamError(status, headers, JSON.stringify(body), NOW);

describe('decodeKiroUpstreamError', () => {
  it('402 is quota_exhausted until the first of next month UTC, or the reset the body names', () => {
    const error = decode(402, { message: 'You have reached the limit.', reason: 'MONTHLY_REQUEST_COUNT' });
    expect(error.code).toBe('quota_exhausted');
    expect(error.retryAfterMs).toBe(Date.UTC(2026, 7, 1) - NOW);
    expect(error.message).toContain('MONTHLY_REQUEST_COUNT');
    expect(nextMonthlyResetMs(Date.UTC(2026, 11, 31, 23, 59))).toBe(Date.UTC(2027, 0, 1));
    const named = decode(402, { message: 'limit', nextDateReset: Math.floor(Date.UTC(2026, 6, 20) / 1000) });
    expect(named.retryAfterMs).toBe(Date.UTC(2026, 6, 20) - NOW);
    expect(decode(402, { message: 'limit', resetAt: '2026-07-16T00:00:00Z' }).retryAfterMs).toBe(Date.UTC(2026, 6, 16) - NOW);
  });

  it('401 and a 403 about the bearer token are token rejections; a suspended account is not', () => {
    const expired = decode(401, { message: 'The security token included in the request is expired' });
    expect(expired.code).toBe('authentication');
    expect(isKiroTokenRejection(expired)).toBe(true);
    const bearer = decode(403, { message: 'The bearer token included in the request is invalid.', reason: null }, { 'x-amzn-errortype': 'AccessDeniedException:http://internal' });
    expect(bearer.code).toBe('authentication');
    expect(isKiroTokenRejection(bearer)).toBe(true);
    const suspended = decode(403, { message: 'Your account has been suspended.', reason: null });
    expect(suspended.code).toBe('permission');
    expect(isKiroTokenRejection(suspended)).toBe(false);
  });

  it('400 content length is context_length (client); plain 400 invalid_request; 429 rate_limited; 500/503', () => {
    const long = decode(400, { message: 'Input content length exceeds threshold', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' });
    expect(long).toMatchObject({ code: 'context_length', origin: 'client', retryable: false });
    expect(decode(400, { message: 'Improperly formed request.', reason: null })).toMatchObject({ code: 'invalid_request', origin: 'client' });
    expect(decode(429, { message: 'Too many requests, please wait before trying again.' }, { 'x-amzn-errortype': 'ThrottlingException' }).code).toBe('rate_limited');
    expect(decode(500, { message: 'boom' }).code).toBe('upstream_error');
    expect(decode(503, { message: 'busy' }).code).toBe('overloaded');
    expect(decodeKiroUpstreamError(502, {}, '<html>bad gateway</html>', NOW).message).toContain('bad gateway');
  });
});

describe('kiroUsageLimitsError', () => {
  it('is quota_exhausted only when every allowance is used up', () => {
    expect(kiroUsageLimitsError({ usageBreakdownList: [{ currentUsage: 3, usageLimit: 50 }] }, NOW)).toBeUndefined();
    expect(kiroUsageLimitsError({ usageBreakdownList: [{ currentUsage: 50, usageLimit: 50, freeTrialInfo: { currentUsage: 10, usageLimit: 500 } }] }, NOW)).toBeUndefined();
    const error = kiroUsageLimitsError({ usageBreakdownList: [{ currentUsage: 50, usageLimit: 50, nextDateReset: Math.floor(Date.UTC(2026, 7, 1) / 1000) }] }, NOW);
    expect(error).toMatchObject({ code: 'quota_exhausted', retryAfterMs: Date.UTC(2026, 7, 1) - NOW });
    expect(kiroUsageLimitsError({}, NOW)).toBeUndefined();
  });
});
