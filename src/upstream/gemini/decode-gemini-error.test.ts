import { describe, expect, it } from 'vitest';
import { decodeGeminiStreamError, decodeGeminiUpstreamError } from './decode-gemini-error.js';

const NOW = 0;
const status = (code: number, name: string, message: string, details?: unknown[]): string =>
  JSON.stringify({ error: { code, message, status: name, ...(details ? { details } : {}) } });

describe('decodeGeminiUpstreamError', () => {
  it('429 with RetryInfo → rate_limited with the delay', () => {
    const error = decodeGeminiUpstreamError(
      429,
      {},
      status(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota', [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' },
      ]),
      NOW,
    );
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 31_000, retryable: true });
  });

  it('a daily quota is quota exhaustion', () => {
    const error = decodeGeminiUpstreamError(
      429,
      {},
      status(429, 'RESOURCE_EXHAUSTED', 'quota', [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] },
      ]),
      NOW,
    );
    expect(error.code).toBe('quota_exhausted');
  });

  it('reads "Please retry in 1.5s" from the message when there is no RetryInfo', () => {
    expect(decodeGeminiUpstreamError(429, {}, status(429, 'RESOURCE_EXHAUSTED', 'Please retry in 1.5s.'), NOW).retryAfterMs).toBe(1500);
  });

  it('a bad API key (400 API_KEY_INVALID) is an authentication failure', () => {
    const error = decodeGeminiUpstreamError(
      400,
      {},
      status(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]),
      NOW,
    );
    expect(error).toMatchObject({ code: 'authentication', retryable: true });
  });

  it('503 UNAVAILABLE is overloaded; 404 is model_not_found; 400 stays a client error', () => {
    expect(decodeGeminiUpstreamError(503, {}, status(503, 'UNAVAILABLE', 'The model is overloaded.'), NOW).code).toBe('overloaded');
    expect(decodeGeminiUpstreamError(404, {}, status(404, 'NOT_FOUND', 'models/x is not found'), NOW).code).toBe('model_not_found');
    expect(decodeGeminiUpstreamError(400, {}, status(400, 'INVALID_ARGUMENT', 'bad'), NOW)).toMatchObject({ code: 'invalid_request', retryable: false });
  });

  it('accepts the array-wrapped form and non-JSON bodies', () => {
    expect(decodeGeminiUpstreamError(500, {}, `[${status(500, 'INTERNAL', 'oops')}]`, NOW).message).toBe('oops');
    expect(decodeGeminiUpstreamError(502, {}, 'Bad Gateway', NOW).message).toBe('Bad Gateway');
  });
});

describe('decodeGeminiStreamError', () => {
  it('derives the status from code or status name', () => {
    expect(decodeGeminiStreamError({ error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } }, NOW).code).toBe('overloaded');
    expect(decodeGeminiStreamError({ error: { message: 'slow', status: 'RESOURCE_EXHAUSTED' } }, NOW).code).toBe('rate_limited');
  });
});
