import { describe, expect, it } from 'vitest';
import { decodeCodeAssistUpstreamError, parseGoDurationMs } from './decode-code-assist-error.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function status(code: number, name: string, message: string, details: unknown[] = []): string {
  return JSON.stringify({ error: { code, status: name, message, details } });
}

const errorInfo = (reason: string, metadata: Record<string, string> = {}) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'cloudcode-pa.googleapis.com',
  metadata,
});
const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });

describe('decodeCodeAssistUpstreamError', () => {
  it('429 RATE_LIMIT_EXCEEDED with RetryInfo: rate_limited until the reset', () => {
    const error = decodeCodeAssistUpstreamError(429, {}, status(429, 'RESOURCE_EXHAUSTED', 'slow down', [errorInfo('RATE_LIMIT_EXCEEDED'), retryInfo('31s')]), NOW);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(31_000);
    expect(error.retryable).toBe(true);
    expect(error.upstreamStatus).toBe(429);
  });

  it('429 QUOTA_EXHAUSTED (protocols.md §4.6 sample): quota_exhausted, RetryInfo wins', () => {
    const body = status(429, 'RESOURCE_EXHAUSTED', 'You have exhausted your capacity on this model. Your quota will reset after 2h1m.', [
      errorInfo('QUOTA_EXHAUSTED', { uiMessage: 'true', model: 'gemini-2.5-pro', quotaResetDelay: '2h1m', quotaResetTimeStamp: '2026-01-01T02:01:00Z' }),
      retryInfo('7260s'),
    ]);
    const error = decodeCodeAssistUpstreamError(429, {}, body, NOW);
    expect(error.code).toBe('quota_exhausted');
    expect(error.retryAfterMs).toBe(7_260_000);
  });

  it('without RetryInfo the reset comes from quotaResetDelay, then quotaResetTimeStamp', () => {
    expect(decodeCodeAssistUpstreamError(429, {}, status(429, 'RESOURCE_EXHAUSTED', 'q', [errorInfo('QUOTA_EXHAUSTED', { quotaResetDelay: '1h30m' })]), NOW).retryAfterMs).toBe(5_400_000);
    expect(
      decodeCodeAssistUpstreamError(429, {}, status(429, 'RESOURCE_EXHAUSTED', 'q', [errorInfo('QUOTA_EXHAUSTED', { quotaResetTimeStamp: '2026-01-01T00:10:00Z' })]), NOW).retryAfterMs,
    ).toBe(600_000);
  });

  it('plain 429 without ErrorInfo falls back to the Gemini decoder (RetryInfo honoured)', () => {
    const error = decodeCodeAssistUpstreamError(429, {}, status(429, 'RESOURCE_EXHAUSTED', 'x', [retryInfo('0.5s')]), NOW);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(500);
  });

  it('503 model capacity is overloaded; 403 VALIDATION_REQUIRED is permission; 401 is authentication', () => {
    expect(decodeCodeAssistUpstreamError(503, {}, status(503, 'UNAVAILABLE', 'No capacity available for model', [errorInfo('MODEL_CAPACITY_EXHAUSTED')]), NOW).code).toBe('overloaded');
    expect(decodeCodeAssistUpstreamError(403, {}, status(403, 'PERMISSION_DENIED', 'verify', [errorInfo('VALIDATION_REQUIRED')]), NOW).code).toBe('permission');
    const unauthenticated = decodeCodeAssistUpstreamError(401, {}, status(401, 'UNAUTHENTICATED', 'bad token'), NOW);
    expect(unauthenticated.code).toBe('authentication');
    expect(unauthenticated.upstreamStatus).toBe(401);
  });

  it('404 unknown model is the client’s error; a non-JSON body keeps its text', () => {
    const notFound = decodeCodeAssistUpstreamError(404, {}, status(404, 'NOT_FOUND', 'Requested entity was not found: model gemini-9'), NOW);
    expect(notFound.code).toBe('model_not_found');
    expect(notFound.origin).toBe('client');
    expect(decodeCodeAssistUpstreamError(502, {}, '<html>bad gateway</html>', NOW).message).toContain('bad gateway');
  });

  it('tolerates the known `,\\n ,` corruption in error JSON', () => {
    const body = `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"q",\n ,"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA_EXHAUSTED","metadata":{"quotaResetDelay":"10s"}}]}}`;
    expect(decodeCodeAssistUpstreamError(429, {}, body, NOW)).toMatchObject({ code: 'quota_exhausted', retryAfterMs: 10_000 });
  });
});

describe('parseGoDurationMs', () => {
  it.each([
    ['2h1m', 7_260_000],
    ['31.5s', 31_500],
    ['500ms', 500],
    ['1m0s', 60_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDurationMs(text)).toBe(ms);
  });
  it('rejects what is not a duration', () => {
    expect(parseGoDurationMs('soon')).toBeUndefined();
    expect(parseGoDurationMs(42)).toBeUndefined();
  });
});
